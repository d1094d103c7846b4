import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { createSlackChannel, type SlackChannel } from '../../src/channels/slack/channel.js';
import { createTeamsChannel } from '../../src/channels/teams/launch.js';
import { createBotAdapter, teamsMount } from '../../src/channels/teams/mount.js';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/domain/clock.js';
import { understand } from '../../src/language/understand.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { FakeConnector } from '../fakes/fake-connector.js';
import { SlackApiFake } from '../fakes/slack-api-fake.js';
import { blockActions, eventEnvelope, findButton, interactionBody, messageIm, postToSlackEvents, SIGNING_SECRET } from '../fakes/slack-requests.js';
import { cardAction, message, personalConversationId, post, type TeamsContext } from '../fakes/teams-activities.js';
import { slackPeople, textOf as slackText, type SlackPersonFixture } from './slack/harness.js';
import { DIRECTORY, people, TENANT, textOf as teamsText } from './teams/harness.js';

/** One core with both channels on one server, as a deployment with Teams and Slack credentials runs it. */
interface Both {
  app: App;
  slack: SlackChannel;
  fake: SlackApiFake;
  connector: FakeConnector;
  server: RunningServer;
  ctx: TeamsContext;
  settle(): Promise<void>;
  slackSays(person: SlackPersonFixture, text: string): Promise<void>;
  teamsSays(person: (typeof people)[keyof typeof people], text: string): Promise<void>;
  close(): Promise<void>;
}

async function both(): Promise<Both> {
  const clock = new ManualClock(Date.parse('2026-11-23T08:00:00Z'));
  const fake = await new SlackApiFake().start();
  for (const p of Object.values(slackPeople)) fake.addUser({ id: p.id, name: p.name, email: p.email, locale: p.locale });
  const connector = await new FakeConnector(TENANT, { now: () => clock.now() }).start();
  const config = loadConfig({
    PORT: '0',
    DIRECTORY: `file:${DIRECTORY}`,
    STORE: 'memory',
    PROPAGATION_WINDOW: '10m',
    SIMULATED_VISIBILITY_DELAY: '1m',
    LOG_LEVEL: 'silent',
    SLACK_BOT_TOKEN: fake.token,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
  });
  const logger = pino({ level: 'silent' });
  const app = await createApp(config, { clock, logger, sleep: async () => undefined });
  const botAdapter = createBotAdapter(config, logger, { sleep: async () => undefined });
  const teams = createTeamsChannel(app, botAdapter, understand);
  const slack = createSlackChannel(app, { token: fake.token, signingSecret: SIGNING_SECRET, apiUrl: fake.apiUrl, understand });
  await app.start();
  const server = await startServer({ channels: [teamsMount({ bot: teams.bot, botAdapter, tenantId: app.directory.tenantId, logger }), slack.mount], logger, port: 0 });
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await slack.receiver.idle();
      await app.engine.idle();
    }
  };
  const base = `http://127.0.0.1:${server.port}`;
  return {
    app,
    slack,
    fake,
    connector,
    server,
    ctx: { tenantId: TENANT, serviceUrl: connector.serviceUrl },
    settle,
    async slackSays(person, text) {
      const body = JSON.stringify(eventEnvelope(messageIm(person, text, fake.openDmAsUser(person.id))));
      expect((await postToSlackEvents(base, { body, contentType: 'application/json', timestamp: Math.floor(clock.now() / 1000) })).status).toBe(200);
      await settle();
    },
    async teamsSays(person, text) {
      expect((await post(server.port, message(person, { tenantId: TENANT, serviceUrl: connector.serviceUrl }, text))).status).toBe(200);
      await settle();
    },
    async close() {
      await server.close();
      await app.close();
      await fake.close();
      await connector.close();
    },
  };
}

let h: Both | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('one request across Teams and Slack: each person is reached where they last spoke to the bot', () => {
  it('a requester in Slack and an approver in Teams', async () => {
    h = await both();
    await h.teamsSays(people.adele, 'hulp');
    await h.slackSays(slackPeople.alex, 'give Megan send-as on Training');
    const [request] = await h.app.engine.requestsOf(slackPeople.alex.aad);
    const summary = h.fake.inbox(slackPeople.alex.id).at(-1)!;
    expect(slackText(summary)).toContain(request!.id);

    // Adele last spoke in Teams: the approval card goes to her Teams chat, nothing to her in Slack.
    const card = h.connector.sent.filter((s) => s.conversationId === personalConversationId(people.adele)).at(-1)!;
    expect(teamsText(card)).toContain('Alex Wilber vraagt Verzenden als aan voor Megan Bowen op Training');
    expect(h.fake.inbox(slackPeople.adele.id)).toEqual([]);

    // She approves in Teams; Alex's summary in Slack is updated and his post-back arrives in Slack.
    const answer = await post(h.server.port, cardAction(people.adele, h.ctx, 'approve', { requestId: request!.id }, { replyToId: card.id, conversationId: card.conversationId }));
    expect(answer.status).toBe(200);
    await h.settle();
    expect(slackText(h.fake.message(summary.channel, summary.ts))).toMatch(/Approved by Adele Vance at 23 Nov 2026 \d\d:\d\d/);
    expect(slackText([...h.fake.inbox(slackPeople.alex.id)].reverse().find((m) => slackText(m).includes('Approved:')))).toContain('by Adele Vance');
    expect(h.fake.violations).toEqual([]);
    expect(h.connector.rejected).toEqual([]);
  });

  it('a requester in Teams and an approver in Slack', async () => {
    h = await both();
    await h.slackSays(slackPeople.adele, 'hulp');
    await h.teamsSays(people.alex, 'give Megan send-as on Training');
    const [request] = await h.app.engine.requestsOf(people.alex.aad);
    const teamsSummary = h.connector.sent.filter((s) => s.conversationId === personalConversationId(people.alex)).at(-1)!;
    expect(teamsText(teamsSummary)).toContain(request!.id);

    // Adele last spoke in Slack: the approval request is a Slack DM with Approve / Reject.
    const approval = h.fake.inbox(slackPeople.adele.id).at(-1)!;
    expect(findButton(approval.blocks, 'approve')?.value).toBe(JSON.stringify({ requestId: request!.id }));
    expect(h.connector.sent.some((s) => s.conversationId === personalConversationId(people.adele))).toBe(false);

    // She approves in Slack; Alex's summary card in Teams is updated, his post-back arrives in Teams.
    const base = `http://127.0.0.1:${h.server.port}`;
    const click = interactionBody(blockActions(slackPeople.adele, approval, { actionId: 'approve' }, h.fake.issueTrigger()));
    const clock = h.app.clock;
    expect((await postToSlackEvents(base, { body: click, contentType: 'application/x-www-form-urlencoded', timestamp: Math.floor(clock.now() / 1000) })).status).toBe(200);
    await h.settle();
    expect((await h.app.engine.get(request!.id))?.decision).toMatchObject({ verdict: 'approved', by: slackPeople.adele.aad });
    expect(h.connector.updates.some((u) => u.activityId === teamsSummary.id && /Approved by Adele Vance/.test(teamsText(u)))).toBe(true);
    expect(h.connector.sent.some((s) => s.conversationId === personalConversationId(people.alex) && teamsText(s).includes('Approved:'))).toBe(true);
    expect(slackText(h.fake.message(approval.channel, approval.ts))).toMatch(/Goedgekeurd door Adele Vance/);
    expect(h.fake.violations).toEqual([]);
  });
});
