import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import { createSqliteStore } from '../../../src/store/keyv-store.js';
import { FakeConnector } from '../../fakes/fake-connector.js';
import { personalConversationId } from '../../fakes/teams-activities.js';
import { people, teamsHarness, TENANT, textOf, TRAINING, type TeamsHarness } from './harness.js';

/**
 * Teams may move a tenant to another Bot Connector address (`serviceUrl`), and wants the bot's
 * calls at the newest one it sent. The fake connector moves to a new port (`move`): the old one
 * refuses connections. People who have not written since, and chats the bot opened itself, must
 * still be reached, in the same chats, and card updates must still land.
 */

const { alex, adele, miriam } = people;
let h: TeamsHarness | undefined;
let connector: FakeConnector | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  await connector?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  h = connector = dir = undefined;
});

describe('Teams: a tenant moved to another service URL', () => {
  it('sends new cards and card updates to the newest address, also after a restart, keeping every chat', async () => {
    dir = mkdtempSync(join(tmpdir(), 'teams-service-url-'));
    const clock = new ManualClock(Date.parse('2026-11-23T08:00:00Z'));
    connector = await new FakeConnector(TENANT, { now: () => clock.now() }).start();
    const store = () => createSqliteStore(join(dir!, 'bot.sqlite'));
    h = await teamsHarness({}, { store: store(), connector, clock });
    const oldUrl = connector.serviceUrl;

    // At the old address: Alex and Miriam installed the app; Adele never did, so the bot opened a chat with her there.
    await h.install(alex);
    await h.install(miriam);
    await h.say(alex, 'give Megan send-as on Training');
    const [training] = await h.bot.app.engine.requestsOf(alex.aad);
    expect(connector.created.map((c) => c.conversationId)).toEqual([`a:1to1-${adele.aad}`]);
    const adeleCard = h.inbox(adele).at(-1)!;
    const alexSummary = h.inbox(alex).at(-1)!;
    expect(textOf(adeleCard)).toContain(training!.id);

    // Teams moves the tenant; Alex writes from the new address. Miriam and Adele have not written since.
    const newUrl = await connector.move();
    expect(newUrl).not.toBe(oldUrl);
    h.ctx.serviceUrl = newUrl;
    await h.say(alex, 'give Megan send-as on Sales');
    const sales = (await h.bot.app.engine.requestsOf(alex.aad)).find((r) => r.id !== training!.id)!;
    // Miriam's approval card goes to her saved personal chat, at the new address, on the first try.
    expect(h.inbox(miriam).map((s) => [s.conversationId, textOf(s).includes(sales.id)])).toEqual([[personalConversationId(miriam), true]]);

    // A restart (nothing in memory): the newest address is read from the store.
    await h.close();
    h = await teamsHarness({}, { store: store(), connector, clock });
    h.ctx.serviceUrl = newUrl;
    const updatesBefore = connector.updates.length;
    await h.bot.app.engine.decide(training!.id, adele.aad, 'approve');
    await h.settle();

    // The decision updates Adele's card in the chat the bot opened at the old address, and Alex's summary.
    const updated = connector.updates.slice(updatesBefore).map((u) => [u.conversationId, u.activityId]);
    expect(updated).toEqual(
      expect.arrayContaining([
        [`a:1to1-${adele.aad}`, adeleCard.id],
        [personalConversationId(alex), alexSummary.id],
      ]),
    );
    expect(h.inbox(alex).some((s) => textOf(s).includes('Approved: Send As for Megan Bowen on Training'))).toBe(true);
    // No new chat for anyone already reached (Megan, the grantee, gets her first one, at the new address),
    // nothing refused, no failed try (the old address refuses connections).
    expect(connector.created.map((c) => c.conversationId)).toEqual([`a:1to1-${adele.aad}`, `a:1to1-${people.megan.aad}`]);
    expect(connector.rejected).toEqual([]);
    expect(h.logs.filter((l) => /delivery failed|not delivered|not updated/.test(l.msg))).toEqual([]);
  });

  it('opens a chat with someone never reached at the newest address', async () => {
    const clock = new ManualClock(Date.parse('2026-11-23T08:00:00Z'));
    connector = await new FakeConnector(TENANT, { now: () => clock.now() }).start();
    h = await teamsHarness({}, { connector, clock });
    await h.install(alex);
    h.ctx.serviceUrl = await connector.move();
    // A card click (not a message) is all that came from the new address; the request is made without Teams.
    expect((await h.click(alex, 'approve', { requestId: 'nothing-like-it' })).status).toBe(200);
    const outcome = await h.bot.app.engine.submit({ requesterId: alex.aad, kind: 'grant', granteeId: people.megan.aad, targetId: TRAINING, right: 'SendAs', language: 'en' });
    expect(outcome.outcome).toBe('created');
    await h.settle();
    expect(connector.created.map((c) => c.conversationId)).toEqual([`a:1to1-${adele.aad}`]);
    expect(h.inbox(adele)).toHaveLength(1);
    expect(h.logs.filter((l) => /delivery failed|not delivered/.test(l.msg))).toEqual([]);
  });
});
