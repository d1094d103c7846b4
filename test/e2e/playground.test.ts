import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTeamsBot, type RunningBot } from '../../src/channels/teams/launch.js';
import { loadConfig } from '../../src/config.js';
import { understand } from '../../src/language/understand.js';
import { DIRECTORY, TENANT } from '../channels/teams/harness.js';
import { Playground, readable, type PlaygroundUser } from './playground.js';

const alex: PlaygroundUser = { aad: '0a1e0001-aaaa-4bbb-8ccc-000000000001', name: 'Alex Wilber', mail: 'alexw@contoso.example' };
const megan: PlaygroundUser = { aad: '0a1e0002-aaaa-4bbb-8ccc-000000000002', name: 'Megan Bowen', mail: 'meganb@contoso.example' };
const adele: PlaygroundUser = { aad: '0a1e0003-aaaa-4bbb-8ccc-000000000003', name: 'Adele Vance', mail: 'adelev@contoso.example' };
const isaiah: PlaygroundUser = { aad: '0a1e0004-aaaa-4bbb-8ccc-000000000004', name: 'Isaiah Langer', mail: 'isaiahl@contoso.example' };
const miriam: PlaygroundUser = { aad: '0a1e0005-aaaa-4bbb-8ccc-000000000005', name: 'Miriam Graham', mail: 'miriamg@contoso.example' };
const nestor: PlaygroundUser = { aad: '0a1e0009-aaaa-4bbb-8ccc-000000000009', name: 'Nestor Wilke', mail: 'nestorw@contoso.example' };

/**
 * The mission example through a real Teams client emulation: the Microsoft 365 Agents Playground
 * (channel msteams) talks to the bot over HTTP exactly as Teams would, with its own Bot Connector.
 * Alex is the signed-in user; Adele (owner of Training) gets the approval card in a 1:1 chat the
 * bot opens with her Entra object id, and clicks Approve there.
 */
describe('Microsoft 365 Agents Playground end to end', () => {
  let bot: RunningBot;
  let playground: Playground;

  beforeAll(async () => {
    const config = loadConfig({
      PORT: '0',
      DIRECTORY: `file:${DIRECTORY}`,
      PERMISSION_SERVICE: 'simulated',
      STORE: 'memory',
      PROPAGATION_WINDOW: '3s',
      SIMULATED_VISIBILITY_DELAY: '1s',
      LOG_LEVEL: 'silent',
    });
    bot = await launchTeamsBot(config, understand, { logger: pino({ level: 'silent' }) });
    playground = new Playground({
      endpoint: `http://127.0.0.1:${bot.port}/api/messages`,
      tenantId: TENANT,
      me: alex,
      others: [megan, adele, isaiah, miriam, nestor],
    });
    await playground.start();
  }, 60_000);

  afterAll(async () => {
    await playground?.close();
    await bot?.close();
  });

  it('request, approval card, Approve click, post-back after the propagation window', { timeout: 60_000 }, async () => {
    await playground.install();
    await playground.say('give Megan send-as on Training');

    // Alex sees the summary card in his chat.
    await playground.until(() => playground.stream.some((m) => readable(m).includes('Request: Send As for Megan Bowen on Training')), 'summary card');
    const summary = playground.stream.find((m) => readable(m).includes('Request: Send As for Megan Bowen on Training'))!;
    expect(summary.conversationId).toBe(playground.personalChatId);
    expect(readable(summary)).toContain('Adele Vance');

    // Adele gets the approval card in a new 1:1 chat (in Dutch, her preferred language).
    await playground.until(() => playground.botMessages.some((m) => m.conversationId !== playground.personalChatId && readable(m).includes('Goedkeuren')), 'approval card for Adele');
    const approval = playground.botMessages.find((m) => m.conversationId !== playground.personalChatId && readable(m).includes('Goedkeuren'))!;
    const approve = approval.activity.attachments[0].content.actions.find((a: any) => a.verb === 'approve');
    expect(Object.keys(approve.data)).toEqual(['requestId']);

    // Adele clicks Approve; the playground shows her the updated card at once.
    const clicked = await playground.click(adele, approval, { verb: 'approve', data: approve.data });
    expect(clicked.status).toBe(200);
    expect(JSON.stringify(clicked.body)).toContain('Goedgekeurd door Adele Vance');

    // Alex's summary card is updated in place, and the post-backs arrive.
    await playground.until(() => playground.stream.some((m) => m.action === 'updateMessage' && m.messageId === summary.messageId && readable(m).includes('Approved by Adele Vance')), 'summary update');
    await playground.until(() => playground.stream.some((m) => readable(m).includes('Approved: Send As for Megan Bowen on Training, by Adele Vance')), 'approved post-back');
    await playground.until(() => playground.stream.some((m) => /Effective by about \d\d:\d\d/.test(readable(m))), 'applied post-back');

    // After the (short) propagation window the bot re-checks and confirms, with how to use it.
    await playground.until(() => playground.stream.some((m) => readable(m).includes('In effect: Send As for Megan Bowen on Training')), 'effective post-back', 30_000);
    const effective = playground.stream.find((m) => readable(m).includes('In effect:'))!;
    expect(readable(effective)).toContain('pick training@contoso.example');

    // A second click is told who already approved.
    const again = await playground.click(adele, approval, { verb: 'approve', data: approve.data });
    expect(JSON.stringify(again.body)).toMatch(/Al goedgekeurd door Adele Vance/);

    const [request] = await bot.app.engine.requestsOf(alex.aad);
    expect(request?.state).toBe('effective');
    expect(await bot.app.permissions.check({ id: request!.targetId, kind: 'group', mail: 'training@contoso.example' }, { id: megan.aad, mail: megan.mail }, 'SendAs')).toBe(true);
  });
});
