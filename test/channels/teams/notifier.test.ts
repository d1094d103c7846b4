import { afterEach, describe, expect, it } from 'vitest';
import { FakeConnector } from '../../fakes/fake-connector.js';
import { people, teamsHarness, TENANT, type TeamsHarness } from './harness.js';

const SUPPORT = '5b0e0001-cccc-4ddd-8eee-000000000001';

describe('Teams notifier', () => {
  let harness: TeamsHarness | undefined;
  let connector: FakeConnector | undefined;
  afterEach(async () => {
    await harness?.close();
    await connector?.close();
  });

  it('overlaps approval-card sends on a slow Bot Connector, at most 16 at a time', async () => {
    connector = await new FakeConnector(TENANT, { latencyMs: 50 }).start();
    harness = await teamsHarness({}, { connector });
    await harness.install(people.miriam);
    const engine = harness.bot.app.engine;
    // Miriam owns Support: every request below needs her approval card, all at once.
    const grantees = [people.megan, people.adele, people.isaiah, people.janJansen, people.janSmit, people.patti, people.nestor];
    const outcomes = await Promise.all(
      grantees.flatMap((grantee) =>
        (['FullAccess', 'SendAs', 'SendOnBehalf'] as const).map((right) =>
          engine.submit({ requesterId: people.alex.aad, kind: 'grant', granteeId: grantee.aad, targetId: SUPPORT, right, duration: null, until: null, language: 'en' }),
        ),
      ),
    );
    const created = outcomes.filter((o) => o.outcome === 'created').length;
    expect(created).toBeGreaterThan(16);
    await harness.settle();
    const cards = harness.inbox(people.miriam).filter((s) => s.activity.attachments?.[0]?.content?.actions?.[0]?.verb === 'approve');
    expect(cards).toHaveLength(created);
    expect(connector.maxInFlight).toBe(16);
  });

  it('delivers an approval card Teams first throttles (429 with Retry-After): the connector client waits and sends again, no second chat', async () => {
    connector = await new FakeConnector(TENANT).start();
    harness = await teamsHarness({}, { connector });
    await harness.install(people.miriam);
    connector.throttle(3, 0);
    const outcome = await harness.bot.app.engine.submit({
      requesterId: people.alex.aad, kind: 'grant', granteeId: people.megan.aad, targetId: SUPPORT, right: 'SendAs', duration: null, until: null, language: 'en',
    });
    expect(outcome.outcome).toBe('created');
    await harness.settle();
    expect(connector.throttledAnswers).toHaveLength(3);
    expect(harness.inbox(people.miriam).filter((s) => s.activity.attachments?.[0]?.content?.actions?.[0]?.verb === 'approve')).toHaveLength(1);
    expect(connector.created).toHaveLength(0);
  });
});
