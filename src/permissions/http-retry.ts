import type { LimitFunction } from 'p-limit';
import { BotError, type ErrorCode } from '../domain/errors.js';
import { systemClock, type Clock } from '../domain/clock.js';

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export type FetchLike = typeof fetch;

/** Bounded retries: exponential backoff with jitter, `Retry-After` honoured up to `maxRetryAfterMs`. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited out in-process: the call fails with `details.retryAfterMs`. */
  maxRetryAfterMs: number;
  /** Per attempt. */
  timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
  timeoutMs: 60_000,
};

/** What backends get injected: tests pass a fake fetch target, an instant sleep and fixed randomness. */
export interface HttpDeps {
  fetch?: FetchLike;
  sleep?: Sleep;
  clock?: Clock;
  random?: () => number;
  retry?: Partial<RetryPolicy>;
}

/** Throttling and transient faults: these statuses are retried. */
export const RETRYABLE_STATUS = new Set([408, 429, 503, 504]);

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The URL that finally answered (after redirects). */
  url: string;
}

export interface SendOptions {
  method: 'GET' | 'POST';
  url: string;
  body?: string;
  /** Built per attempt so an expired token is refreshed between retries. */
  headers: () => Promise<Record<string, string>>;
  /** Which error code an exhausted retry becomes (`permission_service_unavailable`, `directory_unavailable`). */
  unavailableCode: ErrorCode;
  /** Which redirect targets may receive the request (and its bearer token). */
  allowRedirect: (url: URL) => boolean;
  /** Concurrency budget; each attempt holds one slot, backoff waits do not. */
  limit?: LimitFunction;
  /** For messages: e.g. `Exchange Add-MailboxPermission`. */
  describe: string;
}

/** `Retry-After` as seconds or an HTTP date, in ms from now. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // "Equal jitter": half fixed, half random, so concurrent clients spread out but still back off.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

const MAX_REDIRECTS = 3;

/** A caller's HTTP client: retries, backoff, concurrency and redirects in one place. */
export class RetryingHttp {
  readonly fetch: FetchLike;
  readonly sleep: Sleep;
  readonly clock: Clock;
  readonly random: () => number;
  readonly policy: RetryPolicy;

  constructor(deps: HttpDeps = {}, policy: Partial<RetryPolicy> = {}) {
    this.fetch = deps.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.sleep = deps.sleep ?? realSleep;
    this.clock = deps.clock ?? systemClock;
    this.random = deps.random ?? Math.random;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...policy, ...deps.retry };
  }

  /** Sends until a non-retryable answer; throws `unavailableCode` once the attempts are spent. */
  async send(options: SendOptions): Promise<HttpAnswer> {
    let lastRetryAfter: number | undefined;
    let lastProblem = '';
    let lastCause: unknown;
    let lastStatus: number | undefined;
    let timedOut = false;
    let attempts = 0;
    for (let attempt = 1; attempt <= this.policy.maxAttempts; attempt++) {
      let answer: HttpAnswer | undefined;
      attempts = attempt;
      try {
        answer = options.limit ? await options.limit(() => this.attempt(options)) : await this.attempt(options);
      } catch (error) {
        // A refusal (bad redirect, refused credentials) is final; a transient token failure is retried.
        if (error instanceof BotError && error.code !== 'permission_service_unavailable') throw error;
        lastCause = error;
        lastStatus = undefined;
        timedOut = isTimeout(error);
        lastProblem = timedOut ? `timed out after ${this.policy.timeoutMs} ms` : `failed (${(error as Error).message})`;
        lastRetryAfter = undefined;
      }
      if (answer) {
        if (!RETRYABLE_STATUS.has(answer.status)) return answer;
        lastProblem = `answered HTTP ${answer.status}`;
        lastCause = undefined;
        lastStatus = answer.status;
        timedOut = false;
        lastRetryAfter = parseRetryAfter(answer.headers.get('retry-after'), this.clock.now());
        if (lastRetryAfter !== undefined && lastRetryAfter > this.policy.maxRetryAfterMs) break;
      }
      if (attempt === this.policy.maxAttempts) break;
      await this.sleep(lastRetryAfter ?? backoffDelay(attempt, this.policy, this.random));
    }
    throw new BotError(options.unavailableCode, `${options.describe} ${lastProblem}; gave up after retrying`, {
      cause: lastCause,
      details: {
        attempts,
        ...(lastStatus === undefined ? {} : { status: lastStatus }),
        ...(timedOut ? { timeout: true } : {}),
        ...(lastRetryAfter === undefined ? {} : { retryAfterMs: lastRetryAfter }),
      },
    });
  }

  private async attempt(options: SendOptions): Promise<HttpAnswer> {
    let url = options.url;
    for (let hop = 0; ; hop++) {
      const response = await this.fetch(url, {
        method: options.method,
        headers: await options.headers(),
        body: options.body,
        // Followed by hand: fetch would drop the body on 301/302 and the Authorization header across hosts.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.policy.timeoutMs),
      });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        const next = new URL(location, url);
        if (hop >= MAX_REDIRECTS || !options.allowRedirect(next)) {
          throw new BotError(options.unavailableCode === 'directory_unavailable' ? 'directory_unavailable' : 'permission_service_rejected',
            `${options.describe} redirected to ${next.origin}, which is not trusted`);
        }
        url = next.toString();
        continue;
      }
      return { status: response.status, headers: response.headers, text: await response.text(), url };
    }
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/**
 * Whether a redirect or next link may receive our token: same host as the base URL, or a host under
 * the cloud's own domain (regional Exchange hosts such as `nam12.outlook.office365.com`).
 */
export function trustedHostCheck(baseUrl: string, cloudHost: string): (url: URL) => boolean {
  const base = new URL(baseUrl);
  const suffix = cloudHost.split('.').slice(-2).join('.');
  return (url) => {
    if (url.protocol !== base.protocol) return false;
    if (url.hostname === base.hostname) return true;
    return url.protocol === 'https:' && (url.hostname === cloudHost || url.hostname.endsWith(`.${suffix}`));
  };
}
