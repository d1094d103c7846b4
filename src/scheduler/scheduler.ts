import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { silentLogger, type Logger } from '../domain/logger.js';
import type { VersionedStore } from '../store/versioned-store.js';

export const TIMER_KINDS = ['apply', 'postback', 'approver_reminder', 'expire', 'revoke_reminder', 'timed_revoke'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

export interface TimerRecord {
  id: string;
  kind: TimerKind;
  requestId: string;
  dueAt: number;
  /** While a run holds the timer: until when. A run that dies (crash, kill -9) lets the lease lapse. */
  claimedUntil?: number;
  claimedBy?: string;
  /** Runs that ended in an error so far; used for backoff. */
  failures: number;
}

/** What a handler may ask for instead of finishing: run again later (retry with backoff, recheck). */
export type TimerOutcome = void | { rescheduleAt: number };
export type TimerHandler = (timer: TimerRecord) => Promise<TimerOutcome>;

export interface SchedulerOptions {
  store: VersionedStore;
  clock: Clock;
  logger?: Logger;
  /** How long a claimed timer stays claimed; a run must finish within it. */
  leaseMs?: number;
  /** Poll interval of `start()` (real time). */
  pollMs?: number;
  /** Longest time between two full scans, to pick up timers other processes scheduled. */
  rescanMs?: number;
}

function timerId(kind: TimerKind, requestId: string, key = ''): string {
  return `${requestId}:${kind}${key ? `:${key}` : ''}`;
}

const NAMESPACE = 'timers';

/**
 * Durable timers. Each timer is a record in the store; a run first claims it with
 * compare-and-set (so two processes never run it together), then deletes it with the claimed
 * version when done. A crash mid-run leaves the claim to lapse and the timer runs again after
 * `leaseMs`; handlers are idempotent because every effect they have is itself a compare-and-set
 * on the request. Overdue timers run on the first pass after a start.
 */
export class Scheduler {
  readonly instanceId = newId('run');
  private readonly handlers = new Map<TimerKind, TimerHandler>();
  private readonly logger: Logger;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private rerun = false;
  private stopped = true;
  /** Earliest due time (or lease end) seen; before it, and within `rescanMs` of the last scan, passes skip the scan. */
  private nextDue = Number.NEGATIVE_INFINITY;
  private lastScan = Number.NEGATIVE_INFINITY;
  private readonly rescanMs: number;

  constructor(private readonly options: SchedulerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.leaseMs = options.leaseMs ?? 10 * 60_000;
    this.pollMs = options.pollMs ?? 1_000;
    this.rescanMs = options.rescanMs ?? 30_000;
  }

  handle(kind: TimerKind, handler: TimerHandler): void {
    this.handlers.set(kind, handler);
  }

  /**
   * Schedules a timer. `key` makes scheduling idempotent: a timer with the same kind, request and
   * key is only created once (a retried step does not stack duplicates).
   */
  async schedule(kind: TimerKind, requestId: string, dueAt: number, key = ''): Promise<string> {
    const id = timerId(kind, requestId, key);
    const record: TimerRecord = { id, kind, requestId, dueAt, failures: 0 };
    await this.options.store.create<TimerRecord>(NAMESPACE, id, record);
    this.noteDue(dueAt);
    // Due now (an apply after a click): run just this one, no scan of every timer.
    if (dueAt <= this.options.clock.now() && !this.stopped) {
      queueMicrotask(() => {
        this.runOne(id).catch((error) => this.logger.error({ err: error, timer: id }, 'timer run failed'));
      });
    }
    return id;
  }

  /** Cancels the unkeyed timers of these kinds for a request (ids are fixed, so no scan). A running timer is left alone. */
  async cancel(requestId: string, kinds: readonly TimerKind[]): Promise<void> {
    const { store } = this.options;
    for (const kind of kinds) {
      const id = timerId(kind, requestId);
      const record = await store.get<TimerRecord>(NAMESPACE, id);
      if (record && !this.isClaimed(record.value)) await store.delete(NAMESPACE, id, record.version);
    }
  }

  /** Claims and runs one timer if it is due and free. */
  private async runOne(id: string): Promise<boolean> {
    const record = await this.options.store.get<TimerRecord>(NAMESPACE, id);
    if (!record || record.value.dueAt > this.options.clock.now() || this.isClaimed(record.value)) return false;
    return this.claimAndRun(id, record.version, record.value);
  }

  private noteDue(dueAt: number): void {
    if (dueAt < this.nextDue) this.nextDue = dueAt;
  }

  async pending(): Promise<TimerRecord[]> {
    const timers: TimerRecord[] = [];
    for await (const [, record] of this.options.store.entries<TimerRecord>(NAMESPACE)) timers.push(record.value);
    return timers.sort((a, b) => a.dueAt - b.dueAt);
  }

  private isClaimed(timer: TimerRecord): boolean {
    return timer.claimedUntil !== undefined && timer.claimedUntil > this.options.clock.now();
  }

  /** Runs every due timer once; returns how many ran. Concurrent calls share one pass. */
  runDue(): Promise<number> {
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = (async () => {
      let total = 0;
      do {
        this.rerun = false;
        total += await this.pass();
      } while (this.rerun);
      return total;
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /**
   * One pass over the timers. A full scan only happens when something may be due: the earliest
   * due time seen in the last scan has come, or `rescanMs` has passed (another process may have
   * scheduled earlier timers; timers due at once are run by the process that schedules them).
   */
  private async pass(): Promise<number> {
    const { store, clock } = this.options;
    const now = clock.now();
    if (now < this.nextDue && now - this.lastScan < this.rescanMs) return 0;
    this.lastScan = now;
    let nextDue = Number.POSITIVE_INFINITY;
    const due: [string, number, TimerRecord][] = [];
    for await (const [key, record] of store.entries<TimerRecord>(NAMESPACE)) {
      const timer = record.value;
      if (timer.dueAt <= now && !this.isClaimed(timer)) due.push([key, record.version, timer]);
      else nextDue = Math.min(nextDue, this.isClaimed(timer) ? timer.claimedUntil! : timer.dueAt);
    }
    this.nextDue = nextDue;
    due.sort((a, b) => a[2].dueAt - b[2].dueAt);
    let ran = 0;
    for (const [key, version, timer] of due) if (await this.claimAndRun(key, version, timer)) ran++;
    return ran;
  }

  private async claimAndRun(key: string, version: number, timer: TimerRecord): Promise<boolean> {
    const claimed: TimerRecord = { ...timer, claimedUntil: this.options.clock.now() + this.leaseMs, claimedBy: this.instanceId };
    // Lost the race: another process (or pass) has it.
    if (!(await this.options.store.compareAndSet(NAMESPACE, key, version, claimed))) return false;
    this.noteDue(claimed.claimedUntil!);
    await this.runClaimed(key, version + 1, claimed);
    return true;
  }

  private async runClaimed(key: string, version: number, timer: TimerRecord): Promise<void> {
    const { store, clock } = this.options;
    const handler = this.handlers.get(timer.kind);
    let outcome: TimerOutcome;
    try {
      if (!handler) throw new Error(`no handler for timer kind ${timer.kind}`);
      outcome = await handler(timer);
    } catch (error) {
      // An unexpected error: keep the timer and try again with backoff (capped at 15 minutes).
      const failures = timer.failures + 1;
      const delay = Math.min(15 * 60_000, 1_000 * 2 ** Math.min(failures, 10));
      this.logger.error({ err: error, timer: timer.id, failures }, 'timer handler failed; will retry');
      this.noteDue(clock.now() + delay);
      await store.compareAndSet<TimerRecord>(NAMESPACE, key, version, {
        ...timer,
        claimedUntil: undefined,
        claimedBy: undefined,
        failures,
        dueAt: clock.now() + delay,
      });
      return;
    }
    if (outcome && 'rescheduleAt' in outcome) {
      this.noteDue(outcome.rescheduleAt);
      await store.compareAndSet<TimerRecord>(NAMESPACE, key, version, {
        ...timer,
        claimedUntil: undefined,
        claimedBy: undefined,
        dueAt: outcome.rescheduleAt,
      });
      if (outcome.rescheduleAt <= clock.now()) this.kick();
    } else {
      await store.delete(NAMESPACE, key, version);
    }
  }

  /** Asks for a pass soon (after a timer due now was scheduled). */
  kick(): void {
    if (this.stopped) return;
    queueMicrotask(() => {
      this.runDue().catch((error) => this.logger.error({ err: error }, 'scheduler pass failed'));
    });
  }

  /** Polls for due timers in real time until `stop()`. Runs overdue timers at once. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = async () => {
      try {
        await this.runDue();
      } catch (error) {
        this.logger.error({ err: error }, 'scheduler pass failed');
      }
      if (!this.stopped) this.timer = setTimeout(loop, this.pollMs);
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
