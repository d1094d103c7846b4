/**
 * What the bot counts for operators (`GET /metrics`), without naming a metrics library: the
 * domain, the conversation and the channels call this interface; `src/observability/prometheus.ts`
 * implements it with prom-client, and `noopMetrics` stands in where nothing is scraped (tests,
 * the CLI).
 *
 * Labels are small fixed vocabularies (the unions below), never message text, names, mail
 * addresses, request ids or tenant ids: a label value is a time series of its own, and a scrape
 * is readable by anyone who can reach the port. The implementation enforces this: a value that
 * is not a short lower-case code (`/^[a-z][a-z0-9_]{0,39}$/`) is counted as `other`.
 *
 * Durations are in seconds (Prometheus' base unit), measured by the caller with its clock.
 */
export interface Metrics {
  /** One turn (a Bot Framework activity, a Slack event) finished at the channel's edge. */
  turn(channel: MetricsChannel, outcome: TurnOutcome): void;
  /** An approver's decision took effect (the click that lost a race is not counted). */
  decision(verdict: DecisionVerdict): void;
  /** One attempt to apply a right (grant or revoke) through the permission service ended. */
  apply(outcome: ApplyOutcome): void;
  /** One call of the `PermissionService` interface ended after `seconds`. */
  permissionCall(operation: PermissionOperation, outcome: PermissionCallOutcome, seconds: number): void;
  /**
   * A piece of durable work (a timer) started `seconds` after it was due; negative values
   * (started early) count as 0. `kind` is the work's fixed kind name ('apply', 'reminder', ...).
   */
  timerLateness(kind: string, seconds: number): void;
  /** A message owed to a person could not be delivered this attempt. `reason` is a code such as 'throttled'. */
  deliveryFailure(channel: MetricsChannel, reason: string): void;
  /**
   * Reports pending durable work as a gauge: `read` is called at every scrape (so it must be a
   * cheap indexed count, not a scan) and answers counts by kind, e.g. `{ apply: 0, reminder: 12 }`.
   * A later call replaces the earlier reader; the returned function removes it. A reader that
   * throws leaves the gauge empty for that scrape.
   */
  pendingWork(read: PendingWorkReader): () => void;
}

/** The chat channel a turn or delivery belongs to. */
export type MetricsChannel = 'teams' | 'slack';

/**
 * How a turn ended at the edge: `ok` (handled, whatever the user was told), `bad_request`
 * (malformed payload), `unauthorized` (authentication failed), `wrong_tenant` (another
 * organisation), `duplicate` (a re-sent activity already handled), `shutting_down` (refused with
 * 503 while the instance drains; the channel delivers it again), `error` (the bot failed).
 */
export type TurnOutcome = 'ok' | 'bad_request' | 'unauthorized' | 'wrong_tenant' | 'duplicate' | 'shutting_down' | 'error';

export type DecisionVerdict = 'approved' | 'rejected';

/**
 * `applied` (the service changed the right), `unchanged` (it was already so), `retry` (a
 * transient failure, tried again later), `failed` (final failure, reported to people).
 */
export type ApplyOutcome = 'applied' | 'unchanged' | 'retry' | 'failed';

/** The methods of `PermissionService` (src/permissions/permission-service.ts). */
export type PermissionOperation = 'grant' | 'revoke' | 'listDelegates' | 'listHoldings' | 'check';

/**
 * `ok`; `unavailable` (BotError `permission_service_unavailable`: timeout, 429, 5xx);
 * `rejected` (BotError `permission_service_rejected` or `invalid_request`); `error` (anything else).
 */
export type PermissionCallOutcome = 'ok' | 'unavailable' | 'rejected' | 'error';

/** Counts of pending durable work by kind, read at scrape time. */
export type PendingWorkReader = () => Readonly<Record<string, number>> | Promise<Readonly<Record<string, number>>>;

/** Counts nothing: the default wherever no metrics are configured. */
export const noopMetrics: Metrics = {
  turn() {},
  decision() {},
  apply() {},
  permissionCall() {},
  timerLateness() {},
  deliveryFailure() {},
  pendingWork: () => () => {},
};
