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

  constructor(private readonly options: SchedulerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.leaseMs = options.leaseMs ?? 10 * 60_000;
    this.pollMs = options.pollMs ?? 1_000;
  }

  handle(kind: TimerKind, handler: TimerHandler): void {
    this.handlers.set(kind, handler);
  }

  /**
   * Schedules a timer. `key` makes scheduling idempotent: a timer with the same kind, request and
   * key is only created once (a retried step does not stack duplicates).
   */
  async schedule(kind: TimerKind, requestId: string, dueAt: number, key = ''): Promise<string> {
    const id = `${requestId}:${kind}${key ? `:${key}` : ''}`;
    const record: TimerRecord = { id, kind, requestId, dueAt, failures: 0 };
    await this.options.store.create<TimerRecord>(NAMESPACE, id, record);
    if (dueAt <= this.options.clock.now()) this.kick();
    return id;
  }

  async cancel(requestId: string, kinds: readonly TimerKind[]): Promise<void> {
    for await (const [key, record] of this.options.store.entries<TimerRecord>(NAMESPACE)) {
      if (record.value.requestId === requestId && kinds.includes(record.value.kind) && !this.isClaimed(record.value)) {
        await this.options.store.delete(NAMESPACE, key, record.version);
      }
    }
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

  private async pass(): Promise<number> {
    const { store, clock } = this.options;
    const now = clock.now();
    const due: [string, number, TimerRecord][] = [];
    for await (const [key, record] of store.entries<TimerRecord>(NAMESPACE)) {
      if (record.value.dueAt <= now && !this.isClaimed(record.value)) due.push([key, record.version, record.value]);
    }
    due.sort((a, b) => a[2].dueAt - b[2].dueAt);
    let ran = 0;
    for (const [key, version, timer] of due) {
      const claimed: TimerRecord = { ...timer, claimedUntil: clock.now() + this.leaseMs, claimedBy: this.instanceId };
      // Lost the race: another process (or pass) has it.
      if (!(await store.compareAndSet(NAMESPACE, key, version, claimed))) continue;
      ran++;
      await this.runClaimed(key, version + 1, claimed);
    }
    return ran;
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
