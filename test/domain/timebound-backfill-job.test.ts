import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import type { SubmitInput } from '../../src/domain/engine-api.js';
import { silentLogger } from '../../src/domain/logger.js';
import {
  BACKFILL_MARKER,
  scheduleTimeboundBackfill,
  TIMEBOUND_BACKFILL_JOB,
  TIMEBOUND_BACKFILL_KIND,
  timeboundBackfillHandler,
  type BackfillMarker,
} from '../../src/domain/timebound-backfill-job.js';
import { Worker } from '../../src/scheduler/worker.js';
import type { DurableStore } from '../../src/store/durable-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { coreHarness, DAY, HOUR, type CoreHarness } from '../helpers/core.js';
import { membersOf, oldTimeBound, storedRequest, writeAsBefore } from '../helpers/old-store.js';
import { eachBackend } from '../helpers/store-backends.js';

const grant = (overrides: Partial<SubmitInput> = {}): SubmitInput => ({
  requesterId: 'u-liam',
  kind: 'grant',
  granteeId: 'u-priya',
  targetId: 'g-training',
  right: 'SendAs',
  language: 'en',
  ...overrides,
});
const target = { id: 'g-training', kind: 'group' as const, mail: 'training@northwind.example' };
const priya = { id: 'u-priya', mail: 'priya.r@northwind.example' };
const training = 'req:timebound-target:g-training';

async function marker(store: DurableStore): Promise<BackfillMarker | undefined> {
  return (await store.get<BackfillMarker>(BACKFILL_MARKER.namespace, BACKFILL_MARKER.key))?.value;
}

describe('req:timebound-target backfill on a store an older version wrote', () => {
  const open: CoreHarness[] = [];
  afterEach(async () => {
    for (const core of open.splice(0)) await core.close();
  });
  async function harness(store?: DurableStore, clock?: ManualClock): Promise<CoreHarness> {
    const core = await coreHarness({}, { ...(store ? { store } : {}), ...(clock ? { clock } : {}) });
    open.push(core);
    return core;
  }

  async function created(core: CoreHarness, input: SubmitInput) {
    const outcome = await core.engine.submit(input);
    if (outcome.outcome !== 'created') throw new Error(`expected created, got ${outcome.outcome}`);
    await core.engine.idle();
    return outcome.request;
  }

  /**
   * A P14D grant, effective, whose index entry is gone: as a version before the index left it (timers
   * and all), so without the per-person indexes that came after it either (`req:group-held`, `req:held`).
   */
  async function effectiveTimeBoundFromBefore(core: CoreHarness) {
    const timeBound = await created(core, grant({ duration: 'P14D' }));
    await core.engine.decide(timeBound.id, 'u-emma', 'approve');
    await core.engine.idle();
    await core.advance(2 * HOUR);
    expect((await core.engine.get(timeBound.id))?.state).toBe('effective');
    const pair = `${timeBound.granteeId}|${timeBound.targetId}`;
    await core.store.commit({
      index: [training, `req:group-held:${pair}`, `req:held:${pair}`].map((index) => ({ index, member: timeBound.id, remove: true })),
    });
    expect(await core.store.count(training)).toBe(0);
    return timeBound;
  }

  async function revokeSendAs(core: CoreHarness) {
    const removal = await created(core, grant({ kind: 'revoke', right: 'SendAs', requesterId: 'u-priya' }));
    await core.engine.decide(removal.id, 'u-emma', 'approve');
    await core.engine.idle();
  }

  it('without it, a revoke leaves such a grant in place, and its end-date timer later removes the right granted anew (the fault)', async () => {
    const core = await harness();
    const timeBound = await effectiveTimeBoundFromBefore(core);
    await revokeSendAs(core);
    expect((await core.engine.get(timeBound.id))?.state).toBe('effective');
    expect(await core.store.work.get(`${timeBound.id}:timed_revoke`)).toBeDefined();
  });

  it('after it, a revoke of the same right ends the grant and its timers, so a later grant for good stays', async () => {
    const core = await harness();
    const timeBound = await effectiveTimeBoundFromBefore(core);

    expect(await scheduleTimeboundBackfill(core.store, core.clock.now())).toBe('scheduled');
    await core.engine.idle();
    expect(await membersOf(core.store, training)).toEqual([timeBound.id]);
    expect(await marker(core.store)).toMatchObject({ finishedAt: core.clock.now(), added: 1, scanned: 1 });
    expect(await core.store.work.get(TIMEBOUND_BACKFILL_JOB)).toBeUndefined();

    await revokeSendAs(core);
    expect(await core.engine.get(timeBound.id)).toMatchObject({ state: 'revoked', revokedBy: 'u-emma' });
    expect(await core.store.work.get(`${timeBound.id}:timed_revoke`)).toBeUndefined();
    expect(await core.store.work.get(`${timeBound.id}:revoke_reminder`)).toBeUndefined();
    expect(await core.store.count(training)).toBe(0);
    await core.advance(2 * HOUR);

    const again = await created(core, grant());
    await core.engine.decide(again.id, 'u-emma', 'approve');
    await core.engine.idle();
    await core.advance(20 * DAY);
    expect(await core.permissions.check(target, priya, 'SendAs')).toBe(true);
    expect((await core.engine.get(again.id))?.state).toBe('effective');
    expect(core.events.ofType('revoke_reminder')).toEqual([]);
    expect(core.events.ofType('revoked').map((e) => e.request.id)).toEqual([timeBound.id]);
    expect(await core.store.work.size()).toBe(0);
  });

  it('runs once per store: a second start (or instance) schedules nothing, and the marker keeps the first counts', async () => {
    const store = createMemoryStore();
    await writeAsBefore(store, [oldTimeBound(1), oldTimeBound(2), storedRequest(3)]);
    const first = await harness(store);
    expect(await scheduleTimeboundBackfill(store, first.clock.now(), { pageSize: 2 })).toBe('scheduled');
    await first.engine.idle();
    const done = await marker(store);
    expect(done).toMatchObject({ added: 2, scanned: 3 });
    expect(await membersOf(store, training)).toEqual(['REQ-OLD001', 'REQ-OLD002']);

    // Entries a later version could lose would not come back on their own: the marker says done.
    const restarted = await harness(store);
    expect(await scheduleTimeboundBackfill(store, restarted.clock.now())).toBe('already');
    expect(await store.work.size()).toBe(0);
    expect(await marker(store)).toEqual(done);
  });

  it('several instances starting at once on one store: one schedules it, each can run it, every entry is added once', async () => {
    const store = createMemoryStore();
    const requests = Array.from({ length: 9 }, (_, i) => oldTimeBound(i, i % 3 ? {} : { state: 'applied' }));
    await writeAsBefore(store, requests);
    const clock = new ManualClock(Date.parse('2026-11-23T08:00:00Z'));
    const instances = await Promise.all([harness(store, clock), harness(store, clock), harness(store, clock)]);
    const outcomes = await Promise.all(instances.map((core) => scheduleTimeboundBackfill(core.store, clock.now(), { pageSize: 2 })));
    expect(outcomes.sort()).toEqual(['already', 'already', 'scheduled']);
    await Promise.all(instances.map((core) => core.engine.idle()));
    expect(await marker(store)).toMatchObject({ added: 9, scanned: 9 });
    expect((await membersOf(store, training)).sort()).toEqual(requests.map((r) => r.id).sort());
    expect(await store.work.size()).toBe(0);
  });

  it('a new store (nothing applied or effective) is marked done at once, with no job', async () => {
    const store = createMemoryStore();
    await writeAsBefore(store, [oldTimeBound(1, { state: 'revoked' }), storedRequest(2, { state: 'pending', duration: 'P1D' })]);
    expect(await scheduleTimeboundBackfill(store, 1000)).toBe('nothing');
    expect(await marker(store)).toEqual({ scheduledAt: 1000, finishedAt: 1000, scanned: 0, added: 0 });
    expect(await store.work.size()).toBe(0);
    expect(await scheduleTimeboundBackfill(store, 2000)).toBe('already');
  });

  it('killed half-way (no completion, lease held): not marked done, and the next instance resumes where the last page ended', async () => {
    const store = createMemoryStore();
    const requests = Array.from({ length: 5 }, (_, i) => oldTimeBound(i));
    await writeAsBefore(store, requests);
    const clock = new ManualClock(Date.parse('2026-11-23T08:00:00Z'));
    expect(await scheduleTimeboundBackfill(store, clock.now(), { pageSize: 2 })).toBe('scheduled');

    // A process claims the job, runs two pages (applied: none; effective: the first two) and dies
    // before its worker completes the run: the job stays leased to it, with the progress committed.
    const run = timeboundBackfillHandler({ store, clock, logger: silentLogger });
    for (let page = 0; page < 2; page++) {
      const [job] = await store.work.claim({ owner: 'killed', now: clock.now(), leaseMs: 45_000, limit: 1 });
      await run(job!, new AbortController().signal);
      if (page === 0) await store.work.complete(job!, 'killed');
    }
    expect(await store.count(training)).toBe(2);
    expect((await marker(store))?.finishedAt).toBeUndefined();
    const left = await store.work.get(TIMEBOUND_BACKFILL_JOB);
    expect(left).toMatchObject({ lease: { owner: 'killed' }, payload: { source: 1, scanned: 2, added: 2, after: { member: requests[1]!.id } } });

    // A restart does not schedule it again (nor start it over); the lease ends and any instance runs the rest.
    const next = await harness(store, clock);
    expect(await scheduleTimeboundBackfill(store, clock.now(), { pageSize: 2 })).toBe('already');
    await next.engine.idle();
    expect(await store.count(training)).toBe(2);
    await next.advance(45_000);
    // Each request read once over both processes: the second went on from the first's progress.
    expect(await marker(store)).toMatchObject({ added: 5, scanned: 5 });
    expect(await store.count(training)).toBe(5);
    expect(await store.work.size()).toBe(0);
  });

  it('logs one info line with how many entries it added', async () => {
    const store = createMemoryStore();
    await writeAsBefore(store, [oldTimeBound(1), oldTimeBound(2, { state: 'applied' }), storedRequest(3)]);
    const clock = new ManualClock(5000);
    const lines: { obj: object; msg?: string }[] = [];
    const logger = { ...silentLogger, info: (obj: object, msg?: string) => void lines.push({ obj, ...(msg ? { msg } : {}) }) };
    const worker = new Worker({ queue: store.work, clock, logger });
    worker.handle(TIMEBOUND_BACKFILL_KIND, timeboundBackfillHandler({ store, clock, logger }));
    await scheduleTimeboundBackfill(store, clock.now(), { pageSize: 1 });
    await worker.runUntilIdle();
    expect(lines).toEqual([{ obj: { added: 2, scanned: 3 }, msg: expect.stringContaining('2 time-bound grant(s) indexed') }]);
  });
});

describe.each(eachBackend())('req:timebound-target backfill job (%s)', (_name, open) => {
  it('is scheduled once with its marker, runs page by page on a worker, and finishes the marker', async () => {
    const store = await open();
    try {
      const requests = Array.from({ length: 5 }, (_, i) => oldTimeBound(i, i < 2 ? { state: 'applied' } : {}));
      await writeAsBefore(store, [...requests, storedRequest(9)]);
      const clock = new ManualClock(Date.parse('2026-11-23T08:00:00Z'));
      const worker = new Worker({ queue: store.work, clock });
      worker.handle(TIMEBOUND_BACKFILL_KIND, timeboundBackfillHandler({ store, clock, logger: silentLogger }));
      const outcomes = await Promise.all([1, 2].map(() => scheduleTimeboundBackfill(store, clock.now(), { pageSize: 2 })));
      expect(outcomes.sort()).toEqual(['already', 'scheduled']);
      expect((await marker(store))?.finishedAt).toBeUndefined();
      await worker.runUntilIdle();
      expect(await marker(store)).toEqual({ scheduledAt: clock.now(), finishedAt: clock.now(), added: 5, scanned: 6 });
      expect(await membersOf(store, training)).toEqual(requests.map((r) => r.id));
      expect(await store.work.size()).toBe(0);
      expect(await scheduleTimeboundBackfill(store, clock.now())).toBe('already');
    } finally {
      await store.close();
    }
  });
});

