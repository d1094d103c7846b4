import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type {
  ApplyOutcome,
  DecisionVerdict,
  Metrics,
  MetricsChannel,
  PendingWorkReader,
  PermissionCallOutcome,
  PermissionOperation,
  TurnOutcome,
} from '../domain/metrics.js';

/** Every metric name starts with this, so a shared Prometheus finds the bot's series at once. */
const PREFIX = 'mailbox_bot_';

/** A label value must be a short code; anything else (a name, an address, a sentence) is counted as `other`. */
const LABEL_CODE = /^[a-z][a-z0-9_]{0,39}$/;
const label = (value: string): string => (LABEL_CODE.test(value) ? value : 'other');

/** Permission-service calls: Exchange answers in 0.2 to 5 s, with retries up to minutes. */
const CALL_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** Timer lateness: the target is at most 1 s late (p99, SPEC section 8). */
const LATENESS_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300];

/** The text a scrape of `GET /metrics` answers, with its content type. */
export interface Exposition {
  contentType: string;
  body: string;
}

/**
 * `Metrics` on prom-client, each instance with a registry of its own (tests start many bots in one
 * process). Process metrics (CPU, memory, event-loop lag, GC, handles) are collected once per
 * process, in a registry shared by every instance, and appended to each scrape.
 *
 * Series: `mailbox_bot_turns_total{channel,outcome}`, `mailbox_bot_decisions_total{verdict}`,
 * `mailbox_bot_applies_total{outcome}`,
 * `mailbox_bot_permission_service_call_duration_seconds{operation,outcome}` (histogram; errors are
 * the calls with `outcome!="ok"`), `mailbox_bot_timer_lateness_seconds{kind}` (histogram),
 * `mailbox_bot_delivery_failures_total{channel,reason}`, `mailbox_bot_pending_work{kind}` (gauge
 * read at scrape), plus prom-client's default `process_*` and `nodejs_*` series.
 */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly turns = new Counter({
    name: `${PREFIX}turns_total`,
    help: 'Turns (Bot Framework activities, Slack events) finished at the channel edge, by outcome.',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly decisions = new Counter({
    name: `${PREFIX}decisions_total`,
    help: 'Approver decisions that took effect.',
    labelNames: ['verdict'] as const,
    registers: [this.registry],
  });
  private readonly applies = new Counter({
    name: `${PREFIX}applies_total`,
    help: 'Attempts to apply a right through the permission service, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly permissionCalls = new Histogram({
    name: `${PREFIX}permission_service_call_duration_seconds`,
    help: 'Permission-service calls (grant, revoke, check, listDelegates, listHoldings) by outcome; errors have outcome!="ok".',
    labelNames: ['operation', 'outcome'] as const,
    buckets: CALL_BUCKETS,
    registers: [this.registry],
  });
  private readonly lateness = new Histogram({
    name: `${PREFIX}timer_lateness_seconds`,
    help: 'How long after its due time a piece of durable work started.',
    labelNames: ['kind'] as const,
    buckets: LATENESS_BUCKETS,
    registers: [this.registry],
  });
  private readonly deliveryFailures = new Counter({
    name: `${PREFIX}delivery_failures_total`,
    help: 'Messages owed to a person that could not be delivered on an attempt, by reason.',
    labelNames: ['channel', 'reason'] as const,
    registers: [this.registry],
  });
  private pendingReader: PendingWorkReader | undefined;

  /**
   * @param options.pendingReadTimeoutMs how long a scrape waits for the store's pending-work count
   *   before answering without it (default 2 s): a scrape never waits on a store that hangs.
   */
  constructor(options: { pendingReadTimeoutMs?: number } = {}) {
    const metrics = this;
    const readTimeoutMs = options.pendingReadTimeoutMs ?? 2_000;
    new Gauge({
      name: `${PREFIX}pending_work`,
      help: 'Durable work waiting to run (due or not), by kind; read from the store at scrape time.',
      labelNames: ['kind'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const read = metrics.pendingReader;
        if (!read) return;
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('pending work not read in time')), readTimeoutMs);
        });
        try {
          for (const [kind, count] of Object.entries(await Promise.race([Promise.resolve().then(read), late]))) this.set({ kind: label(kind) }, count);
        } catch {
          // A store that cannot count now (or not in time) leaves the gauge empty for this scrape; /readyz reports the store.
        } finally {
          clearTimeout(timer);
        }
      },
    });
  }

  turn(channel: MetricsChannel, outcome: TurnOutcome): void {
    this.turns.inc({ channel: label(channel), outcome: label(outcome) });
  }

  decision(verdict: DecisionVerdict): void {
    this.decisions.inc({ verdict: label(verdict) });
  }

  apply(outcome: ApplyOutcome): void {
    this.applies.inc({ outcome: label(outcome) });
  }

  permissionCall(operation: PermissionOperation, outcome: PermissionCallOutcome, seconds: number): void {
    this.permissionCalls.observe({ operation: operationLabel(operation), outcome: label(outcome) }, Math.max(0, seconds));
  }

  timerLateness(kind: string, seconds: number): void {
    this.lateness.observe({ kind: label(kind) }, Math.max(0, seconds));
  }

  deliveryFailure(channel: MetricsChannel, reason: string): void {
    this.deliveryFailures.inc({ channel: label(channel), reason: label(reason) });
  }

  pendingWork(read: PendingWorkReader): () => void {
    this.pendingReader = read;
    return () => {
      if (this.pendingReader === read) this.pendingReader = undefined;
    };
  }

  /** The Prometheus text exposition of this instance's series and the process's. */
  async exposition(): Promise<Exposition> {
    const [own, process] = await Promise.all([this.registry.metrics(), processRegistry().metrics()]);
    return { contentType: this.registry.contentType, body: `${own}${own.endsWith('\n') ? '' : '\n'}${process}` };
  }
}

// The operations are camelCase method names (the interface's own), not snake_case codes.
const OPERATIONS: ReadonlySet<string> = new Set<PermissionOperation>(['grant', 'revoke', 'listDelegates', 'listHoldings', 'check']);
const operationLabel = (operation: string): string => (OPERATIONS.has(operation) ? operation : 'other');

let shared: Registry | undefined;
/** prom-client's process metrics, registered once per process (each registration adds GC observers). */
function processRegistry(): Registry {
  if (!shared) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared });
  }
  return shared;
}
