import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import type { SubmitInput } from '../../src/domain/engine-api.js';
import {
  LATE_CHECK_BACKFILL_JOB,
  LATE_CHECK_BACKFILL_MARKER,
  scheduleLateCheckBackfill,
  type LateCheckBackfillMarker,
} from '../../src/domain/late-check-backfill.js';
import { timersFor, type StoredRequest } from '../../src/domain/request.js';
import type { DurableStore } from '../../src/store/durable-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { coreHarness, DAY, HOUR, MINUTE, type CoreHarness } from '../helpers/core.js';
import { storedRequest, writeAsBefore } from '../helpers/old-store.js';

const grant = (overrides: Partial<SubmitInput> = {}): SubmitInput => ({
  requesterId: 'u-liam',
  kind: 'grant',
  granteeId: 'u-priya',
  targetId: 'g-training',
  right: 'SendAs',
  language: 'en',
  ...overrides,
});
const SETTINGS = { approverReminderMs: DAY, requestExpiryMs: 7 * DAY, maxRechecks: 3 };

async function marker(store: DurableStore): Promise<LateCheckBackfillMarker | undefined> {
  return (await store.get<LateCheckBackfillMarker>(LATE_CHECK_BACKFILL_MARKER.namespace, LATE_CHECK_BACKFILL_MARKER.key))?.value;
}

async function stored(core: CoreHarness, id: string): Promise<StoredRequest> {
  return (await core.store.get<StoredRequest>('requests', id))!.value;
}

describe('late-check backfill on a store an older version wrote', () => {
  const open: CoreHarness[] = [];
  afterEach(async () => {
    for (const core of open.splice(0)) await core.close();
  });
  async function harness(env: Record<string, string> = {}, options: { store?: DurableStore; clock?: ManualClock } = {}): Promise<CoreHarness> {
    const core = await coreHarness(env, options);
    open.push(core);
    return core;
  }

  /**
   * A grant Exchange shows `delay` after the apply, taken to its final "not visible" word (the
   * window and three quick rechecks), then left as a version before the slow checks left it: no
   * `unconfirmedAt`, `checksUntil` or `nextCheckAt`, and no timer. Its audit trail holds that word.
   */
  async function toldBeforeLateChecks(core: CoreHarness) {
    const outcome = await core.engine.submit(grant());
    if (outcome.outcome !== 'created') throw new Error('not created');
    await core.engine.decide(outcome.request.id, 'u-emma', 'approve');
    await core.engine.idle();
    const appliedAt = core.clock.now();
    await core.advance(HOUR);
    for (let i = 0; i < 3; i++) await core.advance(10 * MINUTE);
    const id = outcome.request.id;
    const { unconfirmedAt: _u, checksUntil: _c, nextCheckAt: _n, ...old } = await stored(core, id);
    const { version } = (await core.store.get('requests', id))!;
    // A later change (an end-date reminder, say) moved `updatedAt`: the audit trail still says when it was told.
    const value = { ...old, updatedAt: old.updatedAt + 20 * MINUTE };
    expect(await core.store.commit({ records: [{ namespace: 'requests', key: id, expect: version, value }], cancel: [`${id}:postback`] })).toBe(true);
    expect(timersFor(value as StoredRequest, SETTINGS)).toEqual({});
    core.events.events.length = 0;
    return { id, appliedAt, toldAt: appliedAt + HOUR + 30 * MINUTE };
  }

  it('without it (the fault): no check ever comes, and the right is taken on the bot\'s word ("effective by" a time gone by)', async () => {
    const core = await harness({ SIMULATED_VISIBILITY_DELAY: '5h' });
    const { id } = await toldBeforeLateChecks(core);
    await core.advance(6 * HOUR);
    expect(await core.engine.get(id)).toMatchObject({ state: 'applied' });
    expect(core.events.events).toEqual([]);
    expect(await core.engine.submit(grant({ requesterId: 'u-jan-b' }))).toMatchObject({ outcome: 'already_held', propagating: { requestId: id } });
  });

  it('within the late-check limit: everyone hears the bot keeps checking, and the hourly checks find it when Exchange shows it', async () => {
    const core = await harness({ SIMULATED_VISIBILITY_DELAY: '5h' });
    const { id, appliedAt, toldAt } = await toldBeforeLateChecks(core);
    await core.advance(30 * MINUTE); // 2 hours after the apply: the new version starts
    expect(await scheduleLateCheckBackfill(core.store, core.clock.now())).toBe('scheduled');
    await core.engine.idle();
    const startedAt = core.clock.now();
    // As the post-back does when it tells the admins today; told then, so `unconfirmedAt` is that moment.
    expect(await core.engine.get(id)).toMatchObject({ state: 'applied', unconfirmedAt: toldAt, checksUntil: appliedAt + DAY });
    expect((await core.store.work.get(`${id}:postback`))?.dueAt).toBe(startedAt + HOUR);
    expect(core.events.ofType('not_yet_visible').map((e) => [e.request.id, e.finalCheck, e.nextCheckAt])).toEqual([[id, true, startedAt + HOUR]]);
    expect(await marker(core.store)).toEqual({ scheduledAt: startedAt, finishedAt: startedAt, scanned: 1, scheduled: 1 });
    expect(await core.store.work.get(LATE_CHECK_BACKFILL_JOB)).toBeUndefined();
    // No longer "already held" on the bot's word: the service decides, and it does not show it yet.
    expect((await core.engine.submit(grant({ requesterId: 'u-jan-b' }))).outcome).toBe('created');

    await core.advance(HOUR);
    await core.advance(HOUR);
    expect((await core.engine.get(id))?.state).toBe('applied');
    await core.advance(HOUR); // 5 hours after the apply
    expect(await core.engine.get(id)).toMatchObject({ state: 'effective', effectiveAt: appliedAt + 5 * HOUR });
    expect(core.events.ofType('not_yet_visible')).toHaveLength(1);
    const trail = (await core.trail('u-admin', { requestId: id })).map((e) => e.action);
    expect(trail.slice(-4)).toEqual(['late_check_scheduled', 'late_check_scheduled', 'late_check_scheduled', 'effective']);
  });

  it('past the late-check limit: the last check runs at once and says how it ends (never shown: "I have stopped checking")', async () => {
    const core = await harness({ SIMULATED_VISIBILITY_DELAY: '30h' });
    const { id, appliedAt, toldAt } = await toldBeforeLateChecks(core);
    await core.advance(DAY);
    expect(await scheduleLateCheckBackfill(core.store, core.clock.now())).toBe('scheduled');
    await core.engine.idle();
    expect(await core.engine.get(id)).toMatchObject({ state: 'applied', unconfirmedAt: toldAt, checksUntil: appliedAt + DAY, checksEndedAt: core.clock.now() });
    expect(core.events.ofType('not_yet_visible').map((e) => [e.finalCheck, e.gaveUp])).toEqual([[true, true]]);
    expect(await core.store.work.get(`${id}:postback`)).toBeUndefined();
    expect((await core.engine.whoHasAccess('u-admin', 'g-training')).propagating).toEqual([]);
  });

  it('past the limit and shown by now: "In effect" at once (the admins hear it too: they were told it was not)', async () => {
    const core = await harness({ SIMULATED_VISIBILITY_DELAY: '5h' });
    const { id, toldAt } = await toldBeforeLateChecks(core);
    await core.advance(2 * DAY);
    await scheduleLateCheckBackfill(core.store, core.clock.now());
    await core.engine.idle();
    expect(await core.engine.get(id)).toMatchObject({ state: 'effective', effectiveAt: core.clock.now(), unconfirmedAt: toldAt });
    expect(core.events.events.map((e) => e.type)).toEqual(['effective']);
  });

  it('once per store, safe with several instances: one schedules it, every request is given its checks once, a later start schedules nothing', async () => {
    const store = createMemoryStore();
    const T0 = Date.parse('2026-11-01T08:00:00Z');
    const old = (n: number, overrides: Partial<StoredRequest> = {}) =>
      storedRequest(n, { state: 'applied', appliedAt: T0, effectiveBy: T0 + HOUR, rechecks: 4, updatedAt: T0 + 90 * MINUTE, ...overrides });
    const lacking = Array.from({ length: 5 }, (_, i) => old(i));
    // Left alone: one still in its quick rechecks, one whose checks ended, one in effect.
    const others = [old(5, { rechecks: 1, nextCheckAt: T0 + 70 * MINUTE }), old(6, { checksEndedAt: T0 + DAY }), storedRequest(7)];
    await writeAsBefore(store, [...lacking, ...others]);
    const clock = new ManualClock(T0 + 2 * HOUR);
    const instances = await Promise.all([1, 2, 3].map(() => harness({ SIMULATED_VISIBILITY_DELAY: '5h' }, { store, clock })));
    const outcomes = await Promise.all(instances.map((core) => scheduleLateCheckBackfill(store, clock.now(), { pageSize: 2 })));
    expect(outcomes.sort()).toEqual(['already', 'already', 'scheduled']);
    await Promise.all(instances.map((core) => core.engine.idle()));

    expect(await marker(store)).toEqual({ scheduledAt: clock.now(), finishedAt: clock.now(), scanned: 7, scheduled: 5 });
    for (const r of lacking) {
      // With no audit trail to read, the last change of the request is when it was told.
      expect(await stored(instances[0]!, r.id)).toMatchObject({ version: 2, unconfirmedAt: T0 + 90 * MINUTE, checksUntil: T0 + DAY, nextCheckAt: clock.now() + HOUR });
      expect((await store.work.get(`${r.id}:postback`))?.dueAt).toBe(clock.now() + HOUR);
    }
    expect(await stored(instances[0]!, others[0]!.id)).toMatchObject({ version: 1 });
    expect(await stored(instances[0]!, others[1]!.id)).toMatchObject({ version: 1 });
    const told = instances.flatMap((core) => core.events.ofType('not_yet_visible').map((e) => e.request.id));
    expect(told.sort()).toEqual(lacking.map((r) => r.id).sort());

    const restarted = await harness({}, { store, clock });
    expect(await scheduleLateCheckBackfill(store, clock.now())).toBe('already');
    await restarted.engine.idle();
    expect(await store.work.get(LATE_CHECK_BACKFILL_JOB)).toBeUndefined();
  });

  it('a store with no applied request is marked done at once, with no job', async () => {
    const store = createMemoryStore();
    await writeAsBefore(store, [storedRequest(1), storedRequest(2, { state: 'pending' })]);
    expect(await scheduleLateCheckBackfill(store, 1000)).toBe('nothing');
    expect(await marker(store)).toEqual({ scheduledAt: 1000, finishedAt: 1000, scanned: 0, scheduled: 0 });
    expect(await store.work.size()).toBe(0);
    expect(await scheduleLateCheckBackfill(store, 2000)).toBe('already');
  });
});
