import { isBotError } from './errors.js';

/**
 * The one retry policy for durable work that fails for a passing reason (the permission service,
 * Teams or Slack unavailable): exponential backoff with "equal jitter", never sooner than the
 * service's Retry-After, until `giveUpAfterMs` since the first attempt. In-process HTTP retries
 * (a few seconds, `src/permissions/http-retry.ts`) sit below this; this one reschedules the job.
 */
export interface RetryPolicy {
  /** Delay after the first failure (ms); doubles per attempt. */
  baseMs: number;
  /** Longest delay between attempts (ms). */
  maxMs: number;
  /** After this long since the work was first due, a retryable failure is final. */
  giveUpAfterMs: number;
  /** At most this many attempts in all (default: no limit but time). */
  maxAttempts?: number;
}

/** Applying a right: five attempts over minutes (hours when the service says Retry-After), then an admin's retry. */
export const APPLY_RETRY: RetryPolicy = { baseMs: 2_000, maxMs: 5 * 60_000, giveUpAfterMs: 6 * 3_600_000, maxAttempts: 5 };
/** A message owed to a person: through long outages, up to a day (SPEC section 4). */
export const DELIVERY_RETRY: RetryPolicy = { baseMs: 5_000, maxMs: 15 * 60_000, giveUpAfterMs: 24 * 3_600_000 };
/** An unexpected error in a job handler (a bug, a store hiccup): keep trying, slowly. */
export const UNEXPECTED_RETRY: RetryPolicy = { baseMs: 1_000, maxMs: 15 * 60_000, giveUpAfterMs: Number.POSITIVE_INFINITY };

/** Whether a failure may pass: a `BotError` says so itself; anything else (network, timeout, a bug) is assumed to. */
export function isRetryable(error: unknown): boolean {
  return isBotError(error) ? error.retryable : true;
}

/**
 * The delay (ms) before attempt `attempt + 1`, `attempt` counting failures so far (1 after the
 * first). Honours `error.retryAfterMs` (from a Retry-After header) when longer.
 */
export function retryDelay(attempt: number, error: unknown, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, Math.min(attempt, 30) - 1));
  const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  const retryAfter = isBotError(error) ? (error.retryAfterMs ?? 0) : 0;
  return Math.max(jittered, retryAfter);
}

/**
 * Whether to try again after `attempts` failed attempts: the failure may pass, attempts remain,
 * and the next one is still within `giveUpAfterMs` of `firstDueAt`.
 */
export function shouldRetry(error: unknown, nextAt: number, firstDueAt: number, policy: RetryPolicy, attempts = 0): boolean {
  return isRetryable(error) && attempts < (policy.maxAttempts ?? Number.POSITIVE_INFINITY) && nextAt - firstDueAt <= policy.giveUpAfterMs;
}

/**
 * How a failure that will be retried is reported (delivery metrics, retry warnings): `throttled`
 * when the service said when to come back (`retryAfterMs`, from a 429's Retry-After), else
 * `unavailable`.
 */
export function retryReason(error: unknown): 'throttled' | 'unavailable' {
  return isBotError(error) && error.retryAfterMs !== undefined ? 'throttled' : 'unavailable';
}
