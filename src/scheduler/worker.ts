import type { Clock } from '../domain/clock.js';
import { silentLogger, type Logger } from '../domain/logger.js';
import { retryDelay, UNEXPECTED_RETRY } from '../domain/retry-policy.js';
import type { Job, WorkQueue } from '../store/work-queue.js';
import { isDeadLeaseOwner, newLeaseOwner } from './lease-owner.js';

/**
 * What a handler returns: nothing (done: the job is completed), or when to run it again (the job
 * is retried then, with `attempts + 1`). A handler that throws is retried with backoff
 * (`UNEXPECTED_RETRY`, honouring a `retryAfterMs` on the error); handlers decide themselves when
 * a failure is final, by completing instead of throwing.
 */
export type JobOutcome = void | { retryAt: number; error?: string };
/** Runs one job. `signal` aborts when the run's deadline passes or the worker stops. */
export type JobHandler = (job: Job, signal: AbortSignal) => Promise<JobOutcome>;

export interface WorkerOptions {
  queue: WorkQueue;
  clock: Clock;
  logger?: Logger;
  /** How long a claim holds without a heartbeat (ms). A dead worker's jobs are taken over after at most this. */
  leaseMs?: number;
  /** Jobs run at the same time, at most. */
  concurrency?: number;
  /** Longest real-time sleep between two looks at the queue (ms): work another instance schedules is seen within it. */
  pollMs?: number;
  /** Default deadline of one run (ms); a handler may set its own. */
  runTimeoutMs?: number;
  /** Called with how late each job started (ms after its due time), and with run outcomes. */
  onRun?: (event: { kind: string; lateMs: number; outcome: 'done' | 'retry' | 'error' | 'lost' | 'timeout' }) => void;
  random?: () => number;
  /**
   * Whether a lease owner is certainly dead (default `isDeadLeaseOwner`: same host and PID
   * namespace, pid gone). At start the worker hands such leases back at once, where the queue can.
   */
  isDeadOwner?: (owner: string) => boolean;
}

/**
 * Runs durable jobs from a `WorkQueue`. Knows no domain kinds: handlers are registered by kind.
 *
 * - Finds work through the queue's ready-time index: each look costs O(claimed + log N); between
 *   looks it sleeps until the earliest ready time (at most `pollMs`), or until `wake()`.
 * - Runs up to `concurrency` jobs at once; one slow or hung run only holds its own slot, and a
 *   run past its deadline is abandoned and retried.
 * - Renews the leases of its running jobs every `leaseMs / 3` (a heartbeat), so a live worker keeps
 *   its jobs however long they take and a dead one loses them within `leaseMs`, to whichever
 *   instance looks next.
 * - At start, before its first claim, hands back the leases of workers it can tell are dead
 *   (`WorkQueue.releaseDeadLeases`, `isDeadLeaseOwner`): a restart after kill -9 on SQLite runs
 *   the dead process's jobs at once, not `leaseMs` later.
 * - `stop()` stops claiming, waits for running jobs up to a deadline, and hands back the rest.
 */
export class Worker {
  /** The lease owner id of this worker's claims: names this process (`lease-owner.ts`). */
  readonly owner: string;
  private readonly handlers = new Map<string, { run: JobHandler; timeoutMs: number }>();
  private readonly running = new Map<string, { job: Job; done: Promise<void>; abort: AbortController }>();
  private readonly logger: Logger;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly runTimeoutMs: number;
  private loopTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private looking: Promise<void> | undefined;
  private lookAgain = false;
  /** Looks failed in a row: the first is logged, the rest only counted until one works again. */
  private failedLooks = 0;
  /** The hand-back of dead workers' leases that `start()` begins; the first look waits for it. */
  private takingBack: Promise<void> | undefined;
  private started = false;
  private stopping = false;

  constructor(private readonly options: WorkerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.leaseMs = options.leaseMs ?? 45_000;
    this.concurrency = options.concurrency ?? 16;
    this.pollMs = options.pollMs ?? 1_000;
    this.runTimeoutMs = options.runTimeoutMs ?? 5 * 60_000;
    this.owner = newLeaseOwner();
  }

  /** Registers the handler of a kind; `timeoutMs` overrides the default run deadline. */
  handle(kind: string, run: JobHandler, options: { timeoutMs?: number } = {}): void {
    this.handlers.set(kind, { run, timeoutMs: options.timeoutMs ?? this.runTimeoutMs });
  }

  /** Jobs this worker runs now. */
  get busy(): number {
    return this.running.size;
  }

  /** Starts looking for work in real time until `stop()`. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    this.unsubscribe = this.options.queue.subscribe?.(() => this.wake());
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.heartbeatTimer.unref?.();
    this.takingBack = this.takeBackDeadLeases();
    this.wake();
  }

  /**
   * Hands back at once the leases of dead workers (a process killed on this host), so their jobs
   * are claimed by this start's first look instead of when the leases lapse. Looks at leases ending
   * within this worker's `leaseMs`: longer ones (a dead process with a longer `WORK_LEASE`) lapse.
   * A failure is logged and costs only the wait: the leases still lapse.
   */
  private async takeBackDeadLeases(): Promise<void> {
    const { queue, clock } = this.options;
    if (!queue.releaseDeadLeases) return;
    const isDead = this.options.isDeadOwner ?? ((owner: string) => isDeadLeaseOwner(owner));
    try {
      const ids = await queue.releaseDeadLeases({ now: clock.now(), withinMs: this.leaseMs, isDead });
      if (ids.length > 0) this.logger.info({ jobs: ids.length }, 'took back the jobs a dead process on this host held, without waiting for their leases');
    } catch (error) {
      this.logger.warn({ err: error }, 'could not take back the jobs of dead processes; they run when their leases lapse');
    }
  }

  /** Looks for due work soon (something was just scheduled, or a run ended). */
  wake(): void {
    if (!this.started || this.stopping) return;
    if (this.loopTimer) clearTimeout(this.loopTimer);
    this.loopTimer = undefined;
    void this.look();
  }

  /** One look at the queue, then a sleep until the next ready time (at most `pollMs`). */
  private look(): Promise<void> {
    if (this.looking) {
      this.lookAgain = true;
      return this.looking;
    }
    this.looking = (async () => {
      try {
        await this.takingBack;
        do {
          this.lookAgain = false;
          await this.claimAndStart().then(
            () => this.lookWorked(),
            (error: unknown) => this.lookFailed(error),
          );
          // A wake() while the sleep reads the next ready time (a run just ended, a job was just
          // scheduled) must not be lost to a sleep of up to `pollMs`: look again instead.
          if (!this.lookAgain) await this.sleepUntilNext();
        } while (this.lookAgain && !this.stopping);
      } finally {
        // In the same step as the last check of `lookAgain`: a wake() after it starts a new look.
        this.looking = undefined;
      }
    })();
    return this.looking;
  }

  /**
   * A look failed. Logged once per run of failures: the queue is looked at every `pollMs`, so a
   * store that is down for minutes would otherwise log a line a second (the store logs its outage).
   */
  private lookFailed(error: unknown): void {
    if (this.failedLooks++ === 0) this.logger.error({ err: error }, 'work queue look failed; retrying every poll, logged again when it works');
  }

  private lookWorked(): void {
    if (this.failedLooks === 0) return;
    this.logger.info({ failedLooks: this.failedLooks }, 'work queue look works again');
    this.failedLooks = 0;
  }

  private async sleepUntilNext(): Promise<void> {
    if (!this.started || this.stopping) return;
    let delay = this.pollMs;
    if (this.running.size < this.concurrency) {
      const next = await this.options.queue.nextReadyAt().catch(() => undefined);
      if (next !== undefined) delay = Math.max(0, Math.min(delay, next - this.options.clock.now()));
    }
    if (this.loopTimer) clearTimeout(this.loopTimer);
    this.loopTimer = setTimeout(() => {
      this.loopTimer = undefined;
      void this.look();
    }, delay);
    this.loopTimer.unref?.();
  }

  /** Claims what fits in the free slots and starts it; returns how many started. */
  private async claimAndStart(): Promise<number> {
    const free = this.concurrency - this.running.size;
    if (free <= 0 || this.stopping) return 0;
    const now = this.options.clock.now();
    const jobs = await this.options.queue.claim({ owner: this.owner, now, leaseMs: this.leaseMs, limit: free });
    let started = 0;
    for (const job of jobs) {
      // Our own run, claimed back after its lease lapsed (a heartbeat that could not reach the
      // store in time): it is still running, and the claim has renewed its lease. A second run
      // would do the work twice and lose track of the first.
      if (this.running.has(job.id)) continue;
      this.startRun(job, now);
      started++;
    }
    return started;
  }

  private startRun(job: Job, claimedAt: number): void {
    const abort = new AbortController();
    const done = this.run(job, claimedAt, abort).finally(() => {
      this.running.delete(job.id);
      this.wake();
    });
    this.running.set(job.id, { job, done, abort });
  }

  private async run(job: Job, claimedAt: number, abort: AbortController): Promise<void> {
    const { queue, clock } = this.options;
    const lateMs = Math.max(0, claimedAt - job.dueAt);
    const handler = this.handlers.get(job.kind);
    let outcome: JobOutcome;
    let timer: NodeJS.Timeout | undefined;
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          abort.abort();
          reject(Object.assign(new Error(`${job.kind} run passed its ${handler.timeoutMs} ms deadline`), { code: 'timeout' }));
        }, handler.timeoutMs);
        timer.unref?.();
      });
      outcome = await Promise.race([handler.run(job, abort.signal), deadline]);
    } catch (error) {
      const delay = retryDelay(job.attempts + 1, error, UNEXPECTED_RETRY, this.options.random);
      const timedOut = (error as { code?: string }).code === 'timeout';
      this.logger.error({ err: error, job: job.id, kind: job.kind, attempts: job.attempts + 1, delay }, 'job failed; will retry');
      const kept = await queue.retry(job, this.owner, clock.now() + delay, describe(error)).catch(() => false);
      this.options.onRun?.({ kind: job.kind, lateMs, outcome: !kept ? 'lost' : timedOut ? 'timeout' : 'error' });
      return;
    } finally {
      if (timer) clearTimeout(timer);
    }
    const kept = outcome
      ? await queue.retry(job, this.owner, outcome.retryAt, outcome.error)
      : await queue.complete(job, this.owner);
    this.options.onRun?.({ kind: job.kind, lateMs, outcome: !kept ? 'lost' : outcome ? 'retry' : 'done' });
  }

  private async heartbeat(): Promise<void> {
    if (this.running.size === 0) return;
    const ids = [...this.running.keys()];
    const kept = new Set(await this.options.queue.renew(this.owner, ids, this.options.clock.now() + this.leaseMs).catch(() => ids));
    for (const id of ids) {
      // Lost: cancelled, or taken over after a stall longer than the lease. Stop spending on it.
      if (!kept.has(id)) this.running.get(id)?.abort.abort();
    }
  }

  /**
   * Runs everything ready now, and whatever that makes ready now, until nothing is (tests, with an
   * injected clock; the real-time loop does not need it).
   */
  async runUntilIdle(): Promise<void> {
    for (let rounds = 0; rounds < 10_000; rounds++) {
      const started = await this.claimAndStart();
      if (started === 0 && this.running.size === 0) return;
      if (started === 0 || this.running.size >= this.concurrency) await Promise.race([...this.running.values()].map((r) => r.done));
    }
    throw new Error('runUntilIdle: work keeps becoming ready');
  }

  /**
   * Graceful stop: claims nothing more, waits up to `deadlineMs` for running jobs, then hands the
   * rest back (released at once, not left to their leases) so another instance runs them now.
   */
  async stop(deadlineMs = 10_000): Promise<void> {
    this.stopping = true;
    this.started = false;
    this.unsubscribe?.();
    if (this.loopTimer) clearTimeout(this.loopTimer);
    await this.looking?.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, deadlineMs);
    });
    await Promise.race([Promise.allSettled([...this.running.values()].map((r) => r.done)), waited]);
    if (timer) clearTimeout(timer);
    for (const { job, abort } of this.running.values()) {
      abort.abort();
      await this.options.queue.release(job, this.owner).catch(() => false);
    }
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
