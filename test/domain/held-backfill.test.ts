import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import type { SubmitInput } from '../../src/domain/engine-api.js';
import {
  HELD_BACKFILL_JOB,
  HELD_BACKFILL_KIND,
  HELD_BACKFILL_MARKER,
  heldBackfillHandler,
  scheduleHeldBackfill,
  type HeldBackfillMarker,
} from '../../src/domain/held-backfill.js';
import { backfillIndexPage, backfillStart } from '../../src/domain/index-backfill.js';
import { silentLogger } from '../../src/domain/logger.js';
import type { StoredRequest } from '../../src/domain/request.js';
import { Worker } from '../../src/scheduler/worker.js';
import type { DurableStore } from '../../src/store/durable-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { coreHarness, HOUR, type CoreHarness } from '../helpers/core.js';
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
const held = 'req:held:u-priya|g-training';
const groupHeld = 'req:group-held:u-priya|g-training';

async function marker(store: DurableStore): Promise<HeldBackfillMarker | undefined> {
  return (await store.get<HeldBackfillMarker>(HELD_BACKFILL_MARKER.namespace, HELD_BACKFILL_MARKER.key))?.value;
}

describe('req:held / req:group-held backfill on a store an older version wrote', () => {
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

  async function approved(core: CoreHarness, input: SubmitInput) {
    const request = await created(core, input);
    await core.engine.decide(request.id, 'u-emma', 'approve');
    await core.engine.idle();
    return request;
  }

  /**
   * A grant for good, in effect (past its window, no end date: neither propagating nor time-bound),
   * whose per-person entries are gone: as a version before `req:held` / `req:group-held` left it.
   */
  async function inEffectFromBefore(core: CoreHarness, input: SubmitInput = grant()) {
    const request = await approved(core, input);
    await core.advance(2 * HOUR);
    expect((await core.engine.get(request.id))?.state).toBe('effective');
    const pair = `${request.granteeId}|${request.targetId}`;
    await core.store.commit({ index: [`req:held:${pair}`, `req:group-held:${pair}`].map((index) => ({ index, member: request.id, remove: true })) });
    expect(await core.store.count(`req:held:${pair}`)).toBe(0);
    expect(await core.store.count(`req:group-held:${pair}`)).toBe(0);
    expect(await core.store.count(`req:propagating-target:${request.targetId}`)).toBe(0);
    return request;
  }

  const revokeSendAs = (core: CoreHarness) => approved(core, grant({ kind: 'revoke', right: 'SendAs', requesterId: 'u-priya' }));

  it('without it, a revoke of the same right leaves such a grant "in effect" (the fault)', async () => {
    const core = await harness();
    const old = await inEffectFromBefore(core);
    await revokeSendAs(core);
    expect((await core.engine.get(old.id))?.state).toBe('effective');
  });

  it('without it, the other send right applied on the group does not mark such a grant replaced (the fault)', async () => {
    const core = await harness();
    const old = await inEffectFromBefore(core);
    await approved(core, grant({ right: 'SendOnBehalf' }));
    expect((await core.engine.get(old.id))?.state).toBe('effective');
  });

  it('after it, a revoke of the same right ends the grant, and only the index entries were written', async () => {
    const core = await harness();
    const old = await inEffectFromBefore(core);
    const before = await core.store.get<StoredRequest>('requests', old.id);

    expect(await scheduleHeldBackfill(core.store, core.clock.now())).toBe('scheduled');
    await core.engine.idle();
    expect(await membersOf(core.store, held)).toEqual([old.id]);
    expect(await membersOf(core.store, groupHeld)).toEqual([old.id]);
    expect(await marker(core.store)).toMatchObject({ finishedAt: core.clock.now(), added: 2, scanned: 1 });
    expect(await core.store.work.get(HELD_BACKFILL_JOB)).toBeUndefined();
    // The record and its version are as they were: no change of the request, no event, no audit entry.
    expect(await core.store.get<StoredRequest>('requests', old.id)).toEqual(before);

    await revokeSendAs(core);
    expect(await core.engine.get(old.id)).toMatchObject({ state: 'revoked', revokedBy: 'u-emma' });
    expect(core.events.ofType('revoked').map((e) => e.request.id)).toEqual([old.id]);
    expect(await core.store.count(held)).toBe(0);
    expect(await core.store.count(groupHeld)).toBe(0);
  });

  it('after it, the other send right applied on the group replaces the grant', async () => {
    const core = await harness();
    const old = await inEffectFromBefore(core);
    expect(await scheduleHeldBackfill(core.store, core.clock.now())).toBe('scheduled');
    await core.engine.idle();

    const other = await approved(core, grant({ right: 'SendOnBehalf' }));
    expect(await core.engine.get(old.id)).toMatchObject({ state: 'replaced', replacedBy: other.id });
    expect((await core.engine.get(other.id))?.state).toBe('applied');
    expect(await membersOf(core.store, groupHeld)).toEqual([other.id]);
  });

  it('after it, a revoke ends a grant for good on a mailbox that is not a group (req:held only)', async () => {
    const core = await harness();
    const old = await inEffectFromBefore(core, grant({ targetId: 's-support', right: 'FullAccess' }));
    expect(await scheduleHeldBackfill(core.store, core.clock.now())).toBe('scheduled');
    await core.engine.idle();
    expect(await membersOf(core.store, 'req:held:u-priya|s-support')).toEqual([old.id]);
    expect(await core.store.count('req:group-held:u-priya|s-support')).toBe(0);
    expect(await marker(core.store)).toMatchObject({ added: 1, scanned: 1 });

    await approved(core, grant({ kind: 'revoke', targetId: 's-support', right: 'FullAccess', requesterId: 'u-priya' }));
    expect((await core.engine.get(old.id))?.state).toBe('revoked');
  });

  it('runs once per store: a second start (or instance) schedules nothing, and the marker keeps the first counts', async () => {
    const store = createMemoryStore();
    await writeAsBefore(store, [storedRequest(1), storedRequest(2, { state: 'applied' }), storedRequest(3, { state: 'revoked' })]);
    const first = await harness(store);
    expect(await scheduleHeldBackfill(store, first.clock.now(), { pageSize: 1 })).toBe('scheduled');
    await first.engine.idle();
    const done = await marker(store);
    expect(done).toMatchObject({ added: 4, scanned: 2 });
    expect(await membersOf(store, held)).toEqual(['REQ-OLD001', 'REQ-OLD002']);

    const restarted = await harness(store);
    expect(await scheduleHeldBackfill(store, restarted.clock.now())).toBe('already');
    expect(await store.work.size()).toBe(0);
    expect(await marker(store)).toEqual(done);
  });

  it('several instances starting at once on one store: one schedules it, each can run it, every entry is added once', async () => {
    const store = createMemoryStore();
    const requests = Array.from({ length: 9 }, (_, i) => storedRequest(i, i % 3 ? {} : { state: 'applied' }));
    await writeAsBefore(store, requests);
    const clock = new ManualClock(Date.parse('2026-11-23T08:00:00Z'));
    const instances = await Promise.all([harness(store, clock), harness(store, clock)]);
    const outcomes = await Promise.all(instances.map((core) => scheduleHeldBackfill(core.store, clock.now(), { pageSize: 2 })));
    expect(outcomes.sort()).toEqual(['already', 'scheduled']);
    await Promise.all(instances.map((core) => core.engine.idle()));
    expect(await marker(store)).toMatchObject({ added: 18, scanned: 9 });
    expect((await membersOf(store, held)).sort()).toEqual(requests.map((r) => r.id).sort());
    expect((await membersOf(store, groupHeld)).sort()).toEqual(requests.map((r) => r.id).sort());
    expect(await store.work.size()).toBe(0);
  });

  it('a new store (nothing applied or effective) is marked done at once, with no job', async () => {
    const store = createMemoryStore();
    await writeAsBefore(store, [storedRequest(1, { state: 'revoked' }), storedRequest(2, { state: 'pending' })]);
    expect(await scheduleHeldBackfill(store, 1000)).toBe('nothing');
    expect(await marker(store)).toEqual({ scheduledAt: 1000, finishedAt: 1000, scanned: 0, added: 0 });
    expect(await store.work.size()).toBe(0);
    expect(await scheduleHeldBackfill(store, 2000)).toBe('already');
    expect(await store.count(held)).toBe(0);
  });

  it('an empty store: only the finished marker is written, and a later start costs one read', async () => {
    const store = createMemoryStore();
    expect(await scheduleHeldBackfill(store, 1000)).toBe('nothing');
    expect(await store.work.size()).toBe(0);
    const reads: string[] = [];
    const counted: DurableStore = new Proxy(store, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        return typeof value === 'function' ? (...args: unknown[]) => (reads.push(String(name)), value.apply(target, args)) : value;
      },
    });
    expect(await scheduleHeldBackfill(counted, 2000)).toBe('already');
    expect(reads).toEqual(['get']);
  });

  it('killed half-way (no completion, lease held): not marked done, and the next instance resumes where the last page ended', async () => {
    const store = createMemoryStore();
    const requests = Array.from({ length: 5 }, (_, i) => storedRequest(i));
    await writeAsBefore(store, requests);
    const clock = new ManualClock(Date.parse('2026-11-23T08:00:00Z'));
    expect(await scheduleHeldBackfill(store, clock.now(), { pageSize: 2 })).toBe('scheduled');

    // A process claims the job, runs two pages (applied: none; effective: the first two) and dies
    // before its worker completes the run: the job stays leased to it, with the progress committed.
    const run = heldBackfillHandler({ store, clock, logger: silentLogger });
    for (let page = 0; page < 2; page++) {
      const [job] = await store.work.claim({ owner: 'killed', now: clock.now(), leaseMs: 45_000, limit: 1 });
      await run(job!, new AbortController().signal);
      if (page === 0) await store.work.complete(job!, 'killed');
    }
    expect(await store.count(held)).toBe(2);
    expect((await marker(store))?.finishedAt).toBeUndefined();
    expect(await store.work.get(HELD_BACKFILL_JOB)).toMatchObject({
      lease: { owner: 'killed' },
      payload: { source: 1, scanned: 2, added: 4, after: { member: requests[1]!.id } },
    });

    const next = await harness(store, clock);
    expect(await scheduleHeldBackfill(store, clock.now(), { pageSize: 2 })).toBe('already');
    await next.engine.idle();
    expect(await store.count(held)).toBe(2);
    await next.advance(45_000);
    // Each request read once over both processes: the second went on from the first's progress.
    expect(await marker(store)).toMatchObject({ added: 10, scanned: 5 });
    expect(await store.count(held)).toBe(5);
    expect(await store.count(groupHeld)).toBe(5);
    expect(await store.work.size()).toBe(0);
  });

  it('logs one info line with how many entries it added', async () => {
    const store = createMemoryStore();
    await writeAsBefore(store, [storedRequest(1), storedRequest(2, { state: 'applied', targetId: 's-support', targetKind: 'shared', rights: ['FullAccess'] }), storedRequest(3, { state: 'rejected' })]);
    const clock = new ManualClock(5000);
    const lines: { obj: object; msg?: string }[] = [];
    const logger = { ...silentLogger, info: (obj: object, msg?: string) => void lines.push({ obj, ...(msg ? { msg } : {}) }) };
    const worker = new Worker({ queue: store.work, clock, logger });
    worker.handle(HELD_BACKFILL_KIND, heldBackfillHandler({ store, clock, logger }));
    await scheduleHeldBackfill(store, clock.now(), { pageSize: 1 });
    await worker.runUntilIdle();
    expect(lines).toEqual([{ obj: { added: 3, scanned: 2 }, msg: expect.stringContaining('req:held backfill finished: 3 index entries added') }]);
  });

  it('takes back entries it added for a grant revoked between its read and its write', async () => {
    const store = createMemoryStore();
    const old = storedRequest(1, { state: 'effective' });
    await writeAsBefore(store, [old]);
    const commit = store.commit.bind(store);
    let raced = false;
    store.commit = async (batch) => {
      if (!raced && batch.index?.some((c) => c.index === held)) {
        raced = true;
        const revoked = { ...old, state: 'revoked' as const, version: 2 };
        await commit({
          records: [{ namespace: 'requests', key: revoked.id, expect: 1, value: revoked }],
          index: [held, groupHeld].map((index) => ({ index, member: revoked.id, remove: true as const })),
        });
      }
      return commit(batch);
    };
    const step = await backfillIndexPage(store, { sources: ['effective'], prefixes: ['req:held:', 'req:group-held:'], name: 'test' }, backfillStart(10));
    expect(raced).toBe(true);
    expect(step.stale).toEqual([held, groupHeld].map((index) => ({ index, member: 'REQ-OLD001', remove: true })));
    expect(step.progress).toMatchObject({ added: 0, scanned: 1 });
    await store.commit({ index: step.stale });
    expect(await store.count(held)).toBe(0);
    expect(await store.count(groupHeld)).toBe(0);
  });
});

describe.each(eachBackend())('req:held backfill job (%s)', (_name, open) => {
  it('is scheduled once with its marker, runs page by page on a worker, adds only what is missing, and finishes the marker', async () => {
    const store = await open();
    try {
      const wanted = [
        ...[0, 1].map((n) => storedRequest(n, { state: 'applied' })),
        ...[2, 3, 4].map((n) => storedRequest(n)),
        // Time-bound grants are in place too (and keep their req:timebound-target entry out of it).
        oldTimeBound(5),
      ];
      const left = [
        storedRequest(10, { state: 'revoked' }),
        storedRequest(11, { state: 'replaced' }),
        storedRequest(12, { state: 'pending' }),
        storedRequest(13, { state: 'failed' }),
        // A revoke in effect holds nothing.
        storedRequest(14, { kind: 'revoke' }),
      ];
      await writeAsBefore(store, [...wanted, ...left]);
      // One entry a newer version already wrote: left as it is, not counted.
      await store.commit({ index: [{ index: held, member: 'REQ-OLD002', score: storedRequest(2).createdAt }] });
      const clock = new ManualClock(Date.parse('2026-11-23T08:00:00Z'));
      const worker = new Worker({ queue: store.work, clock });
      worker.handle(HELD_BACKFILL_KIND, heldBackfillHandler({ store, clock, logger: silentLogger }));
      const outcomes = await Promise.all([1, 2].map(() => scheduleHeldBackfill(store, clock.now(), { pageSize: 2 })));
      expect(outcomes.sort()).toEqual(['already', 'scheduled']);
      expect((await marker(store))?.finishedAt).toBeUndefined();
      await worker.runUntilIdle();
      expect(await marker(store)).toEqual({ scheduledAt: clock.now(), finishedAt: clock.now(), added: 11, scanned: 7 });
      expect(await membersOf(store, held)).toEqual(wanted.map((r) => r.id));
      expect(await membersOf(store, groupHeld)).toEqual(wanted.map((r) => r.id));
      const scores = await store.range(held, { order: 'asc', limit: 10 });
      expect(scores.map((e) => e.score)).toEqual(wanted.map((r) => r.createdAt));
      expect(await store.count('req:timebound-target:g-training')).toBe(0);
      expect(await store.work.size()).toBe(0);
      expect(await scheduleHeldBackfill(store, clock.now())).toBe('already');
    } finally {
      await store.close();
    }
  });
});
