import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import { LATE_CHECK_BACKFILL_MARKER } from '../../../src/domain/late-check-backfill.js';
import type { StoredRequest } from '../../../src/domain/request.js';
import { createSqliteStore } from '../../../src/store/keyv-store.js';
import { FakeConnector } from '../../fakes/fake-connector.js';
import { cardProblems } from './card-validation.js';
import { cardOf, people, teamsHarness, TENANT, textOf, type TeamsHarness } from './harness.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const { alex, megan, adele, nestor } = people;

let h: TeamsHarness;
afterEach(async () => {
  await h?.close();
});

/** The last message sent to a user whose text contains `marker`. */
function last(user: typeof alex, marker: string) {
  return [...h.inbox(user)].reverse().find((s) => textOf(s).includes(marker));
}

/** The facts of the last card sent to a user (who has access / what can X access). */
function lastFacts(user: typeof alex): Array<{ title: string; value: string }> {
  const card = cardOf(h.inbox(user).at(-1))!;
  expect(cardProblems(card)).toEqual([]);
  return card.body.find((b: any) => b.type === 'FactSet')?.facts ?? [];
}

/**
 * A Teams harness (`env`) where Alex, Adele and the admin Nestor have chats, Alex has asked for
 * `text` and Adele, Training's owner, has approved it: the request.
 */
async function approved(env: Record<string, string>, text = 'give Megan send-as on Training', options: Parameters<typeof teamsHarness>[1] = {}) {
  h = await teamsHarness(env, options);
  for (const user of [alex, adele, nestor]) await h.install(user);
  await h.say(alex, text);
  const [request] = await h.bot.app.engine.requestsOf(alex.aad);
  expect(request).toBeDefined();
  await h.click(adele, 'approve', { requestId: request!.id }, h.inbox(adele).at(-1));
  await h.settle();
  return request!;
}

describe('Teams: changes Exchange shows late', () => {
  it('a right not visible after the window: the admin is really told, hourly checks go on, and "In effect" comes when it shows', async () => {
    const request = await approved({ SIMULATED_VISIBILITY_DELAY: '5h' });

    await h.advance(10 * MINUTE); // the window (10 minutes here)
    expect(textOf(last(alex, 'does not show it yet'))).toMatch(/I will check again at \d\d:\d\d/);
    expect(textOf(last(megan, 'does not show it yet'))).toContain('Send As for Megan Bowen on Training');
    for (let i = 0; i < 3; i++) await h.advance(10 * MINUTE); // the quick rechecks

    const final = textOf(last(alex, 'after the propagation window'));
    expect(final).toMatch(/I will keep checking until \d+ Nov 2026 \d\d:\d\d and tell you when it is in effect\./);
    expect(final).toContain('An admin has been told.');
    const told = textOf(last(nestor, 'Not visible in Exchange'));
    expect(told).toContain(`Send As for Megan Bowen on Training (${request.id})`);
    expect(told).toContain('Please check in the Exchange admin center that Megan Bowen has Send As on Training');
    expect(cardProblems(cardOf(last(nestor, 'Not visible in Exchange')))).toEqual([]);

    await h.say(alex, 'my requests');
    expect(textOf(h.inbox(alex).at(-1))).toMatch(/applied, but Exchange did not show it by \d+ Nov 2026 \d\d:\d\d; an admin was told; checking again until/);

    // The right shows 5 hours after the apply; the hourly check after that finds it.
    for (let i = 0; i < 5; i++) await h.advance(HOUR);
    expect((await h.bot.app.engine.get(request.id))?.state).toBe('effective');
    expect(textOf(last(alex, 'In effect:'))).toContain('In effect: Send As for Megan Bowen on Training');
    expect(textOf(last(megan, 'In effect:'))).toContain('How to use it');
    expect(textOf(last(nestor, 'In effect after all'))).toContain(`(${request.id})`);
    await h.say(alex, 'my requests');
    expect(textOf(h.inbox(alex).at(-1))).toContain('in effect');
  });

  it('a right that never shows: the bot stops 24 hours after the apply, says so, and my requests stays honest', async () => {
    const request = await approved({ SIMULATED_VISIBILITY_DELAY: '30h' });
    await h.advance(10 * MINUTE);
    for (let i = 0; i < 3; i++) await h.advance(10 * MINUTE);
    for (let i = 0; i < 23; i++) await h.advance(HOUR);
    await h.advance(20 * MINUTE); // 24 h after the apply: the last check
    expect(await h.bot.app.engine.get(request.id)).toMatchObject({ state: 'applied', checksEndedAt: h.clock.now() });
    expect(textOf(last(alex, 'I have stopped checking'))).toContain('An admin has been told.');
    expect(textOf(last(nestor, 'Still not visible in Exchange'))).toContain(request.id);
    await h.say(alex, 'my requests');
    expect(textOf(h.inbox(alex).at(-1))).toMatch(/applied, but Exchange did not show it by \d+ Nov 2026 \d\d:\d\d; an admin was told; no longer checking/);
    const sent = h.connector.sent.length;
    await h.advance(10 * HOUR);
    expect(h.connector.sent.length).toBe(sent);
  });
});

describe('Teams: a grant that ended is shown as being removed during its window', () => {
  it('time-bound end: who has access and what can Megan access say "removed HH:MM, gone by about HH:MM", then nothing', async () => {
    const request = await approved({}, 'give Megan send-as on Training for 1 day');
    expect(request.duration).toBe('P1D');
    await h.advance(10 * MINUTE);
    await h.say(nestor, 'what can Megan access?');
    expect(textOf(h.inbox(nestor).at(-1))).toContain('until');

    await h.advance(24 * HOUR);
    expect((await h.bot.app.engine.get(request.id))?.state).toBe('revoked');
    await h.say(nestor, 'who has access to Training?');
    const removal = { title: 'Send As', value: expect.stringMatching(/^Megan Bowen: removed \d\d:\d\d, gone by about \d\d:\d\d$/) };
    expect(lastFacts(nestor)).toContainEqual(removal);
    await h.say(nestor, 'what can Megan access?');
    expect(lastFacts(nestor)).toContainEqual({ title: 'Training (Microsoft 365 group)', value: expect.stringMatching(/^Send As: removed \d\d:\d\d, gone by about \d\d:\d\d$/) });

    // The simulated service stops listing it a minute later: no holder, no note.
    await h.advance(2 * MINUTE);
    await h.say(nestor, 'who has access to Training?');
    expect(JSON.stringify(lastFacts(nestor))).not.toContain('Megan Bowen');
    await h.say(nestor, 'what can Megan access?');
    expect(textOf(h.inbox(nestor).at(-1))).not.toContain('Training');
  });

  it("an admin's revoke Exchange still shows after its window: everyone is told, the cards say so, and \"gone after all\" when it goes", async () => {
    const request = await approved({ SIMULATED_VISIBILITY_DELAY: '5h' });
    await h.advance(10 * MINUTE);
    for (let i = 0; i < 3; i++) await h.advance(10 * MINUTE);
    for (let i = 0; i < 5; i++) await h.advance(HOUR); // the right shows 5 hours after the apply
    expect((await h.bot.app.engine.get(request.id))?.state).toBe('effective');
    await h.say(nestor, `revoke ${request.id}`);
    await h.settle();
    expect((await h.bot.app.engine.get(request.id))?.state).toBe('revoked');

    // The removal shows as late: its window and quick rechecks pass with Exchange still listing the right.
    await h.advance(10 * MINUTE);
    for (let i = 0; i < 3; i++) await h.advance(10 * MINUTE);
    const told = textOf(last(alex, 'still shows it after the propagation window'));
    expect(told).toMatch(/Send As for Megan Bowen on Training was removed at \d+ Nov 2026 \d\d:\d\d, but Exchange still shows it after the propagation window\. I will keep checking until \d+ Nov 2026 \d\d:\d\d and tell you when it is gone\./);
    expect(told).toContain('An admin has been told.');
    expect(textOf(last(megan, 'still shows it after the propagation window'))).toContain('Send As for Megan Bowen on Training');
    const admin = last(nestor, 'Still in Exchange after its removal');
    expect(textOf(admin)).toContain(`Send As for Megan Bowen on Training (${request.id})`);
    expect(textOf(admin)).toContain('Please check in the Exchange admin center that Megan Bowen no longer has Send As on Training');
    expect(cardProblems(cardOf(admin))).toEqual([]);

    await h.say(alex, 'my requests');
    expect(textOf(h.inbox(alex).at(-1))).toMatch(/Revoked by Nestor Wilke at \d+ Nov 2026 \d\d:\d\d; Exchange still showed it at \d+ Nov 2026 \d\d:\d\d; an admin was told; checking again until/);
    await h.say(nestor, 'who has access to Training?');
    expect(lastFacts(nestor)).toContainEqual({ title: 'Send As', value: expect.stringMatching(/^Megan Bowen: removed \d\d:\d\d, but Exchange still showed it at \d\d:\d\d and an admin was told$/) });

    // Exchange drops it 5 hours after the revoke; the hourly check after that finds it gone.
    for (let i = 0; i < 5; i++) await h.advance(HOUR);
    expect(textOf(last(alex, 'Gone after all'))).toMatch(/Gone after all: Send As for Megan Bowen on Training\. Exchange no longer shows it/);
    expect(textOf(last(nestor, 'Gone after all'))).toContain(`(${request.id})`);
    await h.say(alex, 'my requests');
    expect(textOf(h.inbox(alex).at(-1))).not.toContain('Exchange still showed it');
    const sent = h.connector.sent.length;
    await h.advance(10 * HOUR);
    expect(h.connector.sent.length).toBe(sent);
  });

  it("an admin's direct revoke: the access card says removed, gone by about, like a revoke request", async () => {
    const request = await approved({ SIMULATED_VISIBILITY_DELAY: '5m' });
    await h.advance(10 * MINUTE);
    await h.say(nestor, `revoke ${request.id}`);
    await h.settle();
    expect((await h.bot.app.engine.get(request.id))?.state).toBe('revoked');
    await h.say(nestor, 'who has access to Training?');
    expect(lastFacts(nestor)).toContainEqual({ title: 'Send As', value: expect.stringMatching(/^Megan Bowen: removed \d\d:\d\d, gone by about \d\d:\d\d$/) });
    await h.advance(10 * MINUTE);
    await h.say(nestor, 'who has access to Training?');
    expect(JSON.stringify(lastFacts(nestor))).not.toContain('Megan Bowen');
  });
});

describe('Teams: a request an older version told "not visible" gets its late checks after the upgrade', () => {
  it('before: "effective by" a time gone by; after the start backfills it: everyone hears the bot keeps checking, my requests says so, and "In effect" comes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'teams-late-backfill-'));
    const clock = new ManualClock(Date.parse('2026-11-23T08:00:00Z'));
    // Teams' service URL stays the same across the upgrade: one connector for both runs.
    const connector = await new FakeConnector(TENANT, { now: () => clock.now() }).start();
    const file = join(dir, 'bot.sqlite');
    const env = { SIMULATED_VISIBILITY_DELAY: '5h' };
    try {
      const request = await approved(env, undefined, { store: createSqliteStore(file), connector, clock });
      await h.advance(10 * MINUTE);
      for (let i = 0; i < 3; i++) await h.advance(10 * MINUTE); // the final word

      // Left as a version before the late checks left it: no timer, no "told" time, and no backfill marker yet.
      const store = h.bot.app.store;
      const stored = (await store.get<StoredRequest>('requests', request.id))!;
      const { unconfirmedAt: _u, checksUntil: _c, nextCheckAt: _n, ...old } = stored.value;
      const { namespace, key } = LATE_CHECK_BACKFILL_MARKER;
      expect(await store.commit({ records: [{ namespace: 'requests', key: request.id, expect: stored.version, value: old }, { namespace, key, expect: 'any' }], cancel: [`${request.id}:postback`] })).toBe(true);
      await h.say(alex, 'my requests');
      expect(textOf(h.inbox(alex).at(-1))).toMatch(/applied, effective by about \d\d:\d\d/); // the fault: a time gone by
      await h.close();

      // The upgrade: the new version starts on the same store.
      h = await teamsHarness(env, { store: createSqliteStore(file), connector, clock });
      await h.settle();
      const told = textOf(last(alex, 'I will keep checking until'));
      expect(told).toContain('Send As for Megan Bowen on Training');
      expect(told).toContain('An admin has been told.');
      expect(textOf(last(nestor, 'Not visible in Exchange'))).toContain(`(${request.id})`);
      await h.say(alex, 'my requests');
      expect(textOf(h.inbox(alex).at(-1))).toMatch(/applied, but Exchange did not show it by \d+ Nov 2026 \d\d:\d\d; an admin was told; checking again until/);

      for (let i = 0; i < 5; i++) await h.advance(HOUR);
      expect((await h.bot.app.engine.get(request.id))?.state).toBe('effective');
      expect(textOf(last(alex, 'In effect:'))).toContain('In effect: Send As for Megan Bowen on Training');
      expect(textOf(last(nestor, 'In effect after all'))).toContain(`(${request.id})`);
    } finally {
      // Closed here, before the connector it posts to (afterEach closing it again is harmless).
      await h.close();
      await connector.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
