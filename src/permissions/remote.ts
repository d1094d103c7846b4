import type { Config } from '../config.js';
import { BotError } from '../domain/errors.js';
import type { Right } from '../domain/rights.js';
import { API_PREFIX, isErrorCode, type ErrorBody } from './http-protocol.js';
import { backoffDelay, parseRetryAfter, realSleep, type FetchLike, type Sleep } from './http-retry.js';
import type {
  ChangeResult,
  Delegation,
  GrantOptions,
  PermissionService,
  PermissionTarget,
  PermissionTrustee,
} from './permission-service.js';

export interface RemoteOptions {
  baseUrl: string;
  token: string;
  fetch?: FetchLike;
  sleep?: Sleep;
  /** Per call; the service does its own Exchange retries, so this is generous. */
  timeoutMs?: number;
  /** Attempts when the service cannot be reached at all (connection refused or reset). */
  connectAttempts?: number;
}

/**
 * `PERMISSION_SERVICE=https://...`: the bot as a client of `npm run permission-service`.
 * HTTP errors come back as the BotError the service threw (its `error.code`), or by status.
 */
export class RemotePermissionService implements PermissionService {
  private readonly fetch: FetchLike;
  private readonly sleep: Sleep;

  constructor(private readonly options: RemoteOptions) {
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.sleep = options.sleep ?? realSleep;
  }

  grant(target: PermissionTarget, trustee: PermissionTrustee, right: Right, options?: GrantOptions): Promise<ChangeResult> {
    return this.call<ChangeResult>('/grant', { target, trustee, right, ...(options ? { options } : {}) });
  }
  revoke(target: PermissionTarget, trustee: PermissionTrustee, right: Right): Promise<ChangeResult> {
    return this.call<ChangeResult>('/revoke', { target, trustee, right });
  }
  async listDelegates(target: PermissionTarget, right?: Right): Promise<Delegation[]> {
    return (await this.call<{ delegations: Delegation[] }>('/delegates', { target, ...(right ? { right } : {}) })).delegations;
  }
  async listHoldings(trustee: PermissionTrustee, candidates: PermissionTarget[]): Promise<Delegation[]> {
    return (await this.call<{ delegations: Delegation[] }>('/holdings', { trustee, candidates })).delegations;
  }
  async check(target: PermissionTarget, trustee: PermissionTrustee, right: Right): Promise<boolean> {
    return (await this.call<{ held: boolean }>('/check', { target, trustee, right })).held;
  }

  private async call<T>(path: string, body: unknown): Promise<T> {
    const url = `${this.options.baseUrl}${API_PREFIX}${path}`;
    const attempts = this.options.connectAttempts ?? 3;
    const timeoutMs = this.options.timeoutMs ?? 180_000;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'error',
        });
      } catch (cause) {
        const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
        // A timeout may mean the change is under way: never resend it blindly.
        if (timedOut || attempt >= attempts) {
          throw new BotError('permission_service_unavailable', timedOut ? `The permission service did not answer within ${timeoutMs} ms` : 'The permission service cannot be reached', {
            cause,
            details: timedOut ? { timeout: true } : {},
          });
        }
        await this.sleep(backoffDelay(attempt, { baseDelayMs: 250, maxDelayMs: 5_000 }, Math.random));
        continue;
      }
      const text = await response.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      if (response.ok) {
        if (json === undefined || typeof json !== 'object' || json === null) {
          throw new BotError('permission_service_unavailable', `The permission service answered ${path} with invalid JSON`);
        }
        return json as T;
      }
      throw toBotError(response, json);
    }
  }
}

function toBotError(response: Response, json: unknown): BotError {
  const error = (json as ErrorBody | undefined)?.error;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
  const details: Record<string, unknown> = { ...(error?.details ?? {}), status: response.status };
  if (retryAfterMs !== undefined) details.retryAfterMs = retryAfterMs;
  if (response.status === 401 || response.status === 403) {
    return new BotError('permission_service_rejected', 'The permission service refused the token (check PERMISSION_SERVICE_TOKEN)', { details });
  }
  if (error && isErrorCode(error.code)) return new BotError(error.code, String(error.message ?? error.code), { details });
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    return new BotError('permission_service_unavailable', `The permission service answered HTTP ${response.status}`, { details });
  }
  return new BotError('permission_service_rejected', `The permission service answered HTTP ${response.status}`, { details });
}

/** `PERMISSION_SERVICE=https://...` with PERMISSION_SERVICE_TOKEN. */
export function createRemotePermissionService(config: Config, deps: { fetch?: FetchLike; sleep?: Sleep } = {}): RemotePermissionService {
  if (config.PERMISSION_SERVICE.kind !== 'remote') throw new BotError('config_invalid', 'PERMISSION_SERVICE is not a URL');
  if (!config.PERMISSION_SERVICE_TOKEN) throw new BotError('config_invalid', 'PERMISSION_SERVICE is a URL: set PERMISSION_SERVICE_TOKEN to the service token');
  const url = new URL(config.PERMISSION_SERVICE.url);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  // The bearer token must not cross a network in clear text.
  if (url.protocol !== 'https:' && !loopback) throw new BotError('config_invalid', 'PERMISSION_SERVICE must be https:// unless it is on this machine (127.0.0.1)');
  return new RemotePermissionService({ baseUrl: config.PERMISSION_SERVICE.url, token: config.PERMISSION_SERVICE_TOKEN, ...deps });
}
