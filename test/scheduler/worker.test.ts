import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { BotError } from '../../src/domain/errors.js';
import { Worker, type JobHandler, type WorkerOptions } from '../../src/scheduler/worker.js';
import type { DurableStore, JobSpec } from '../../src/store/durable-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { Job } from '../../src/store/work-queue.js';

const T0 = Date.parse('2026-11-23T08:00:00Z');

/** A promise with its resolve at hand. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Waits (in real time, a few ms per look) until `check` holds; the test's own timeout bounds it. */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 5));
}

let store: DurableStore;
let clock: ManualClock;
const workers: Worker[] = [];

/** A worker on the shared store and clock; jitter fixed at the middle (`random` 0.5) so delays are exact. */
function worker(options: Partial<WorkerOptions> = {}): Worker {
  const made = new Worker({ queue: store.work, clock, random: () => 0.5, ...options });
  workers.push(made);
  return made;
}

async function schedule(...specs: Partial<JobSpec>[]): Promise<void> {
  const jobs = specs.map((spec, i) => ({ id: `job-${i}`, kind: 'work', dueAt: clock.now(), ...spec }));
  expect(await store.commit({ schedule: jobs })).toBe(true);
}

afterEach(async () => {
  // Every worker hands back what it holds; a hung handler is abandoned after 0 ms.
  await Promise.all(workers.splice(0).map((w) => w.stop(0)));
});

function fresh() {
  store = createMemoryStore();
  clock = new ManualClock(T0);
}

describe('Worker', () => {
  it('runs at most `concurrency` jobs at once, earliest first, and the next one as a slot frees', async () => {
    fresh();
    const w = worker({ concurrency: 2 });
    const gates = new Map<string, ReturnType<typeof deferred<void>>>();
    const started: string[] = [];
    let inFlight = 0;
    let most = 0;
    const startedCount = (n: number) => until(() => started.length >= n);
    w.handle('work', async (job) => {
      started.push(job.id);
      most = Math.max(most, ++inFlight);
      const gate = deferred();
      gates.set(job.id, gate);
      await gate.promise;
      inFlight--;
    });
    await schedule(...['a', 'b', 'c', 'd', 'e'].map((id, i) => ({ id, dueAt: T0 - 10 + i })));

    const idle = w.runUntilIdle();
    await startedCount(2);
    expect(started).toEqual(['a', 'b']);
    expect(w.busy).toBe(2);

    gates.get('b')!.resolve();
    await startedCount(3);
    expect(started).toEqual(['a', 'b', 'c']);
    expect(w.busy).toBe(2);

    gates.get('a')!.resolve();
    await startedCount(4);
    gates.get('c')!.resolve();
    await startedCount(5);
    gates.get('d')!.resolve();
    gates.get('e')!.resolve();
    await idle;

    expect(started).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(most).toBe(2);
    expect(await store.work.size()).toBe(0);
  });

  it('runs jobs of one order key one at a time, in the order they were scheduled', async () => {
    fresh();
    const w = worker({ concurrency: 4 });
    const ran: string[] = [];
    let inFlight = 0;
    let most = 0;
    w.handle('work', async (job) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      ran.push(job.id);
      inFlight--;
    });
    // Later due times first: the order key, not the due time, decides.
    await schedule({ id: 'first', orderKey: 'to:alex', dueAt: T0 }, { id: 'second', orderKey: 'to:alex', dueAt: T0 - 5 }, { id: 'third', orderKey: 'to:alex', dueAt: T0 - 9 });
    await w.runUntilIdle();
    expect(ran).toEqual(['first', 'second', 'third']);
    expect(most).toBe(1);
  });

  it('one hung handler does not delay other jobs: they complete while it hangs', async () => {
    fresh();
    const w = worker({ concurrency: 2, pollMs: 60_000 });
    const hung = deferred();
    let hungSignal: AbortSignal | undefined;
    const completed: string[] = [];
    const allOthers = deferred();
    w.handle('work', async (job, signal) => {
      if (job.id === 'hangs') {
        hungSignal = signal;
        await hung.promise;
        return;
      }
      completed.push(job.id);
      if (completed.length === 4) allOthers.resolve();
    });
    await schedule({ id: 'hangs', dueAt: T0 - 100 }, ...['one', 'two', 'three', 'four'].map((id) => ({ id })));
    w.start();
    await allOthers.promise;
    await until(async () => (await store.work.size()) === 1);

    expect(completed).toEqual(['one', 'two', 'three', 'four']);
    expect(w.busy).toBe(1);
    const held = await store.work.get('hangs');
    expect(held?.lease?.owner).toBe(w.owner);
    expect(held?.attempts).toBe(0);

    await w.stop(0);
    expect(hungSignal?.aborted).toBe(true);
    // Handed back untouched: due at once for whoever looks next.
    expect(await store.work.get('hangs')).toMatchObject({ attempts: 0, dueAt: T0 - 100 });
    expect((await store.work.get('hangs'))?.lease).toBeUndefined();
  });

  it('abandons a run past its deadline and retries it later with attempts + 1', async () => {
    fresh();
    const outcomes: string[] = [];
    const w = worker({ onRun: (e) => outcomes.push(e.outcome) });
    const signals: AbortSignal[] = [];
    const firstRun = deferred();
    w.handle(
      'work',
      async (job, signal) => {
        signals.push(signal);
        // The first run hangs (a call that never answers); the second one is quick.
        if (job.attempts === 0) await firstRun.promise;
      },
      { timeoutMs: 10 },
    );
    await schedule({ id: 'slow' });
    await w.runUntilIdle();

    const job = await store.work.get('slow');
    // Backoff after the first failure: 1 s ceiling, "equal jitter" at random 0.5 = 750 ms.
    expect(job).toMatchObject({ attempts: 1, dueAt: T0 + 750, generation: 1 });
    expect(job?.lastError).toBe('work run passed its 10 ms deadline');
    expect(job?.lease).toBeUndefined();
    expect(signals.map((s) => s.aborted)).toEqual([true]);
    expect(outcomes).toEqual(['timeout']);

    // The abandoned run answering late changes nothing.
    firstRun.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await store.work.get('slow')).toMatchObject({ attempts: 1, dueAt: T0 + 750 });

    clock.advance(749);
    await w.runUntilIdle();
    expect(signals).toHaveLength(1);
    clock.advance(1);
    await w.runUntilIdle();
    expect(signals).toHaveLength(2);
    expect(outcomes).toEqual(['timeout', 'done']);
    expect(await store.work.get('slow')).toBeUndefined();
  });

  it('retries a thrown error with exponential backoff, never sooner than a BotError retryAfterMs', async () => {
    fresh();
    const w = worker();
    const attemptsSeen: number[] = [];
    const failures: unknown[] = [
      new Error('store hiccup'),
      new Error('store hiccup again'),
      new BotError('channel_unavailable', 'Teams is throttling', { details: { retryAfterMs: 120_000 } }),
      new BotError('channel_unavailable', 'Teams is throttling briefly', { details: { retryAfterMs: 10 } }),
    ];
    w.handle('work', async (job) => {
      attemptsSeen.push(job.attempts);
      const failure = failures.shift();
      if (failure) throw failure;
    });
    await schedule({ id: 'flaky' });

    const expectNext = async (attempts: number, delay: number, lastError: string) => {
      const before = clock.now();
      await w.runUntilIdle();
      const job = await store.work.get('flaky');
      expect(job).toMatchObject({ attempts, dueAt: before + delay, lastError });
      // Nothing runs before that time, however often the worker looks.
      clock.advance(delay - 1);
      await w.runUntilIdle();
      expect(attemptsSeen).toHaveLength(attempts);
      clock.advance(1);
    };
    // 1 s, 2 s, then Retry-After (120 s, above the 4 s backoff), then the backoff (8 s ceiling, 6 s at this jitter; above 10 ms).
    await expectNext(1, 750, 'store hiccup');
    await expectNext(2, 1_500, 'store hiccup again');
    await expectNext(3, 120_000, 'Teams is throttling');
    await expectNext(4, 6_000, 'Teams is throttling briefly');
    await w.runUntilIdle();
    expect(attemptsSeen).toEqual([0, 1, 2, 3, 4]);
    expect(await store.work.size()).toBe(0);
  });

  it('a handler returning retryAt is run again then, with attempts + 1', async () => {
    fresh();
    const w = worker();
    const seen: Job[] = [];
    w.handle('work', async (job) => {
      seen.push(job);
      return job.attempts < 2 ? { retryAt: clock.now() + 60_000, error: `not yet (${job.attempts})` } : undefined;
    });
    await schedule({ id: 'poll', payload: { n: 1 } });
    await w.runUntilIdle();
    expect(await store.work.get('poll')).toMatchObject({ attempts: 1, dueAt: T0 + 60_000, lastError: 'not yet (0)' });
    clock.advance(60_000);
    await w.runUntilIdle();
    clock.advance(60_000);
    await w.runUntilIdle();
    expect(seen.map((j) => [j.attempts, j.payload])).toEqual([
      [0, { n: 1 }],
      [1, { n: 1 }],
      [2, { n: 1 }],
    ]);
    expect(await store.work.size()).toBe(0);
  });

  it('the heartbeat keeps a long run leased: another worker cannot claim it while the first is alive', async () => {
    fresh();
    const leaseMs = 300;
    const alive = worker({ leaseMs, concurrency: 1 });
    const other = worker({ leaseMs });
    const release = deferred();
    const ran: string[] = [];
    alive.handle('work', async () => {
      ran.push('alive');
      await release.promise;
    });
    other.handle('work', async () => {
      ran.push('other');
    });
    await schedule({ id: 'long' });
    alive.start();
    await until(() => ran.length === 1);

    // Five leases' worth of clock time, 200 ms at a time; after each step the heartbeat (every
    // leaseMs / 3 of real time) renews the lease before the next step, and the other worker finds nothing.
    for (let step = 0; step < 8; step++) {
      clock.advance(200);
      await until(async () => (await store.work.get('long'))?.lease?.until === clock.now() + leaseMs);
      await other.runUntilIdle();
    }
    expect(ran).toEqual(['alive']);
    expect((await store.work.get('long'))?.lease?.owner).toBe(alive.owner);

    release.resolve();
    await until(async () => (await store.work.size()) === 0);
    expect(ran).toEqual(['alive']);
  });

  it('a worker that stops heartbeating loses its job to another worker once the lease lapses', async () => {
    fresh();
    const leaseMs = 30_000;
    const outcomes: string[] = [];
    // Never started, so no heartbeat: it claims through runUntilIdle and then hangs, as a dead process would.
    const dead = worker({ leaseMs, onRun: (e) => outcomes.push(`dead:${e.outcome}`) });
    const survivor = worker({ leaseMs, onRun: (e) => outcomes.push(`survivor:${e.outcome}`) });
    const never = deferred();
    const deadSeen: Job[] = [];
    const survivorSeen: Job[] = [];
    dead.handle('work', async (job) => {
      deadSeen.push(job);
      await never.promise;
    });
    survivor.handle('work', async (job) => {
      survivorSeen.push(job);
    });
    await schedule({ id: 'orphan', payload: { requestId: 'REQ-1' } });
    void dead.runUntilIdle();
    await until(() => deadSeen.length === 1);
    expect((await store.work.get('orphan'))?.lease).toEqual({ owner: dead.owner, until: T0 + leaseMs });

    clock.advance(leaseMs - 1);
    await survivor.runUntilIdle();
    expect(survivorSeen).toEqual([]);

    clock.advance(1);
    await survivor.runUntilIdle();
    expect(survivorSeen.map((j) => [j.id, j.attempts, j.payload])).toEqual([['orphan', 0, { requestId: 'REQ-1' }]]);
    expect(await store.work.get('orphan')).toBeUndefined();
    expect(outcomes).toEqual(['survivor:done']);

    // The dead worker coming back to life cannot finish what it lost.
    never.resolve();
    await until(() => outcomes.length === 2);
    expect(outcomes).toEqual(['survivor:done', 'dead:lost']);
    expect(await store.work.size()).toBe(0);
  });

  it('does not start a second run of a job it still runs when its lease lapsed and it claims the job back', async () => {
    fresh();
    const leaseMs = 60_000;
    const w = worker({ leaseMs, concurrency: 4 });
    const release = deferred();
    let runs = 0;
    w.handle('work', async () => {
      runs++;
      await release.promise;
    });
    await schedule({ id: 'stalled' });
    const first = w.runUntilIdle();
    await until(() => runs === 1);
    // No heartbeat (the worker was not started): the lease lapses while the run goes on.
    clock.advance(leaseMs);
    const second = w.runUntilIdle();
    await until(async () => (await store.work.get('stalled'))?.lease?.until === clock.now() + leaseMs);
    expect(runs).toBe(1);
    expect(w.busy).toBe(1);

    release.resolve();
    await Promise.all([first, second]);
    expect(runs).toBe(1);
    expect(w.busy).toBe(0);
    expect(await store.work.size()).toBe(0);
  });

  it('stop(deadline) waits for running jobs, then hands the unfinished ones back at once, attempts unchanged', async () => {
    fresh();
    const stopping = worker({ concurrency: 4, pollMs: 60_000 });
    const quick = deferred();
    const hung = deferred();
    const started: string[] = [];
    let hungSignal: AbortSignal | undefined;
    stopping.handle('work', async (job, signal) => {
      started.push(job.id);
      if (job.id === 'quick') await quick.promise;
      if (job.id === 'hung') {
        hungSignal = signal;
        await hung.promise;
      }
    });
    await schedule({ id: 'quick' }, { id: 'hung', payload: { n: 7 } });
    // 'hung' failed once already: a hand-back must not count as another attempt.
    const [earlier] = await store.work.claim({ owner: 'earlier', now: clock.now(), leaseMs: 1_000, limit: 2 }).then((jobs) => jobs.filter((j) => j.id === 'hung'));
    await store.work.retry(earlier!, 'earlier', T0, 'failed before');
    await store.work.release((await store.work.get('quick'))!, 'earlier');
    stopping.start();
    await until(() => started.length === 2);

    let stopped = false;
    const stop = stopping.stop(300).then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    // Finishes within the deadline (in this same turn of the event loop, however busy the machine).
    quick.resolve();
    await stop;

    expect(await store.work.get('quick')).toBeUndefined();
    expect(hungSignal?.aborted).toBe(true);
    const handedBack = await store.work.get('hung');
    expect(handedBack).toMatchObject({ attempts: 1, dueAt: T0, generation: 1, lastError: 'failed before' });
    expect(handedBack?.lease).toBeUndefined();

    // Nothing new is claimed by the stopped worker, and another one runs the handed-back job now.
    await store.commit({ schedule: [{ id: 'later', kind: 'work', dueAt: clock.now() }] });
    stopping.wake();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['quick', 'hung']);

    const next = worker();
    const seen: Job[] = [];
    next.handle('work', async (job) => {
      seen.push(job);
    });
    await next.runUntilIdle();
    expect(seen.map((j) => [j.id, j.attempts, j.payload])).toEqual([
      ['hung', 1, { n: 7 }],
      ['later', 0, null],
    ]);
  });

  it('wake() makes a started worker run a job due now without waiting for its poll', async () => {
    fresh();
    // A poll of an hour: only wake() can get the job run within the test's timeout.
    const w = worker({ pollMs: 3_600_000 });
    const ran = deferred<string>();
    w.handle('work', async (job) => ran.resolve(job.id));
    w.start();
    // Its first look found nothing and it sleeps for the poll.
    await new Promise((resolve) => setImmediate(resolve));
    await store.commit({ schedule: [{ id: 'now', kind: 'work', dueAt: clock.now() }] });
    w.wake();
    expect(await ran.promise).toBe('now');
    await until(async () => (await store.work.size()) === 0);
  });

  it('a queue that keeps failing (the store down) is logged once, and once more when it works again', async () => {
    fresh();
    const lines: { level: string; msg?: string }[] = [];
    const logger = {
      debug() {},
      info: (_: object, msg?: string) => void lines.push({ level: 'info', msg }),
      warn: (_: object, msg?: string) => void lines.push({ level: 'warn', msg }),
      error: (_: object, msg?: string) => void lines.push({ level: 'error', msg }),
    };
    let failing = true;
    let claims = 0;
    const down = new BotError('store_unavailable', 'Redis is unavailable');
    const queue = Object.create(store.work, {
      claim: { value: (options: Parameters<typeof store.work.claim>[0]) => (claims++, failing ? Promise.reject(down) : store.work.claim(options)) },
    }) as typeof store.work;
    const w = worker({ queue, logger, pollMs: 1 });
    const ran = deferred<string>();
    w.handle('work', async (job) => ran.resolve(job.id));
    w.start();
    await until(() => claims >= 5);
    expect(lines).toEqual([{ level: 'error', msg: expect.stringContaining('work queue look failed') }]);
    await store.commit({ schedule: [{ id: 'after', kind: 'work', dueAt: clock.now() }] });
    failing = false;
    expect(await ran.promise).toBe('after');
    await until(() => lines.length >= 2);
    expect(lines.map((line) => `${line.level} ${line.msg}`)).toEqual([expect.stringMatching(/^error work queue look failed/), 'info work queue look works again']);
  });

  it('at start hands back the leases `isDeadOwner` names dead before its first claim, and only those', async () => {
    fresh();
    await schedule({ id: 'crashed-1' }, { id: 'alive-1' });
    await store.work.claim({ owner: 'crashed', now: clock.now(), leaseMs: 45_000, limit: 1 });
    await store.work.claim({ owner: 'alive', now: clock.now(), leaseMs: 45_000, limit: 1 });
    const asked: string[] = [];
    const w = worker({ leaseMs: 45_000, isDeadOwner: (owner) => (asked.push(owner), owner === 'crashed') });
    const ran = deferred<string>();
    w.handle('work', async (job) => ran.resolve(job.id));
    clock.advance(1_000);
    w.start();
    expect(await ran.promise).toBe('crashed-1');
    expect(asked.sort()).toEqual(['alive', 'crashed']);
    expect((await store.work.get('alive-1'))?.lease?.owner).toBe('alive');
  });

  it('a failed hand-back of dead leases is logged as a warning and the worker works on', async () => {
    fresh();
    const lines: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (_: object, msg?: string) => void lines.push(msg ?? '') };
    const queue = Object.create(store.work, {
      releaseDeadLeases: { value: () => Promise.reject(new BotError('store_unavailable', 'SQLite is busy')) },
    }) as typeof store.work;
    const w = worker({ queue, logger, isDeadOwner: () => true });
    const ran = deferred<string>();
    w.handle('work', async (job) => ran.resolve(job.id));
    await schedule({ id: 'due' });
    w.start();
    expect(await ran.promise).toBe('due');
    expect(lines).toEqual([expect.stringContaining('could not take back the jobs of dead processes')]);
  });

  it('runUntilIdle runs chains of jobs that schedule more due-now jobs, and leaves later ones', async () => {
    fresh();
    const w = worker({ concurrency: 3 });
    const ran: string[] = [];
    const handler: JobHandler = async (job) => {
      const { root, depth } = job.payload as { root: string; depth: number };
      ran.push(job.id);
      if (depth < 4) {
        await store.commit({
          schedule: [
            { id: `${root}${depth + 1}`, kind: 'chain', dueAt: clock.now(), payload: { root, depth: depth + 1 } },
            ...(depth === 2 ? [{ id: `${root}:tomorrow`, kind: 'chain', dueAt: clock.now() + 86_400_000, payload: { root, depth: 9 } }] : []),
          ],
        });
      }
    };
    w.handle('chain', handler);
    await schedule({ id: 'x0', kind: 'chain', payload: { root: 'x', depth: 0 } }, { id: 'y2', kind: 'chain', payload: { root: 'y', depth: 2 } });
    await w.runUntilIdle();
    expect(ran.filter((id) => id.startsWith('x'))).toEqual(['x0', 'x1', 'x2', 'x3', 'x4']);
    expect(ran.filter((id) => id.startsWith('y'))).toEqual(['y2', 'y3', 'y4']);
    expect(ran).toHaveLength(8);
    expect((await store.work.get('x:tomorrow'))?.dueAt).toBe(T0 + 86_400_000);
    expect((await store.work.get('y:tomorrow'))?.dueAt).toBe(T0 + 86_400_000);
    expect(await store.work.size()).toBe(2);
  });
});
