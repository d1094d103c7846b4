import pLimit, { type LimitFunction } from 'p-limit';
import type { Config } from '../config.js';
import { BotError } from '../domain/errors.js';
import { createTokenProvider, requireAppIdentity, type TokenProvider } from './azure-token.js';
import { resolveEndpoints } from './clouds.js';
import { RetryingHttp, trustedHostCheck, type HttpDeps } from './http-retry.js';

/** The mailbox the EXO v3 module anchors app-only admin API calls on. */
export const ANCHOR_MAILBOX_GUID = 'bb558c35-97f1-4cb9-8ff7-d53741dc928c';

export type CmdletParameters = Record<string, unknown>;
export type ExchangeObject = Record<string, unknown>;

export interface CmdletResult {
  /** Every object of every page. */
  value: ExchangeObject[];
  /** `@adminapi.warnings` of every page. */
  warnings: string[];
}

/** A multi-valued parameter as `@{Add=...; Remove=...}`: changes only the listed entries. */
export function hashtable(entries: { Add?: string[]; Remove?: string[] }): Record<string, unknown> {
  return { '@odata.type': '#Exchange.GenericHashTable', ...entries };
}

/** A cmdlet Exchange refused. `code|type|text` comes from `error.details[].message`. */
export class ExchangeCommandError extends Error {
  constructor(
    readonly cmdlet: string,
    readonly status: number,
    readonly exchangeCode: string,
    readonly exchangeType: string,
    readonly text: string,
  ) {
    super(`${cmdlet}: ${text || `HTTP ${status}`}`);
    this.name = 'ExchangeCommandError';
  }
  /** `ManagementObjectNotFoundException` and friends: the identity itself is unknown. */
  get objectNotFound(): boolean {
    return /ManagementObjectNotFound|RecipientNotFound|ObjectNotFound/i.test(this.exchangeType) || /couldn't be found on/i.test(this.text);
  }
}

function parseError(cmdlet: string, status: number, text: string): ExchangeCommandError {
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: { message?: string }[] } };
    const detail = body.error?.details?.find((d) => typeof d.message === 'string')?.message;
    if (detail) {
      const [code = '', type = '', ...rest] = detail.split('|');
      if (rest.length) return new ExchangeCommandError(cmdlet, status, code, type, rest.join('|'));
      return new ExchangeCommandError(cmdlet, status, '', '', detail);
    }
    return new ExchangeCommandError(cmdlet, status, body.error?.code ?? '', '', body.error?.message ?? '');
  } catch {
    return new ExchangeCommandError(cmdlet, status, '', '', text.slice(0, 300));
  }
}

// One budget per tenant and endpoint in this process: the permission service and the Graph
// directory's shared-mailbox lookups draw from the same EXCHANGE_MAX_CONCURRENCY slots.
const limiters = new Map<string, LimitFunction>();
export function tenantLimiter(key: string, concurrency: number): LimitFunction {
  let limit = limiters.get(key);
  if (!limit) limiters.set(key, (limit = pLimit(concurrency)));
  return limit;
}

export interface ExchangeAdminApiOptions {
  baseUrl: string;
  tenantId: string;
  scope: string;
  cloudHost: string;
  tokens: TokenProvider;
  http: RetryingHttp;
  limit?: LimitFunction;
}

/**
 * The Exchange Online admin API that ExchangeOnlineManagement v3 uses:
 * `POST /adminapi/beta/{tenant}/InvokeCommand` with `{"CmdletInput":{"CmdletName","Parameters"}}`.
 * Parameters travel as JSON values, never as command text.
 */
export class ExchangeAdminApi {
  private baseUrl: string;
  private readonly allowRedirect: (url: URL) => boolean;

  constructor(private readonly options: ExchangeAdminApiOptions) {
    this.baseUrl = options.baseUrl;
    this.allowRedirect = trustedHostCheck(options.baseUrl, options.cloudHost);
  }

  private endpoint(): string {
    return `${this.baseUrl}/adminapi/beta/${encodeURIComponent(this.options.tenantId)}/InvokeCommand`;
  }

  async invoke(cmdlet: string, parameters: CmdletParameters = {}): Promise<CmdletResult> {
    const body = JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } });
    const headers = async () => ({
      Authorization: `Bearer ${await this.options.tokens.getToken(this.options.scope)}`,
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'X-AnchorMailbox': `APP:SystemMailbox{${ANCHOR_MAILBOX_GUID}}@${this.options.tenantId}`,
      'X-CmdletName': cmdlet,
    });
    const result: CmdletResult = { value: [], warnings: [] };
    let url = this.endpoint();
    for (let page = 0; ; page++) {
      const answer = await this.options.http.send({
        method: 'POST',
        url,
        body,
        headers,
        unavailableCode: 'permission_service_unavailable',
        allowRedirect: this.allowRedirect,
        limit: this.options.limit,
        describe: `Exchange ${cmdlet}`,
      });
      if (page === 0 && new URL(answer.url).origin !== new URL(this.baseUrl).origin) {
        // A regional redirect: keep talking to the mailbox's region.
        this.baseUrl = new URL(answer.url).origin;
      }
      if (answer.status < 200 || answer.status >= 300) throw parseError(cmdlet, answer.status, answer.text);
      let json: Record<string, unknown>;
      try {
        json = answer.text ? (JSON.parse(answer.text) as Record<string, unknown>) : {};
      } catch (cause) {
        throw new BotError('permission_service_unavailable', `Exchange ${cmdlet} answered with invalid JSON`, { cause });
      }
      const value = json.value;
      if (Array.isArray(value)) result.value.push(...(value as ExchangeObject[]));
      const warnings = json['@adminapi.warnings'];
      if (Array.isArray(warnings)) result.warnings.push(...warnings.filter((w): w is string => typeof w === 'string'));
      const next = json['@odata.nextLink'];
      if (typeof next !== 'string' || !next) return result;
      const nextUrl = new URL(next, answer.url);
      if (!this.allowRedirect(nextUrl)) {
        throw new BotError('permission_service_rejected', `Exchange ${cmdlet} returned a next link to an untrusted host ${nextUrl.origin}`);
      }
      if (page >= 1000) throw new BotError('permission_service_unavailable', `Exchange ${cmdlet} returned more than 1000 pages`);
      url = nextUrl.toString();
    }
  }
}

export interface ExchangeDeps extends HttpDeps {
  tokens?: TokenProvider;
}

/** The admin API client for the configured tenant and cloud. */
export function createExchangeAdminApi(config: Config, deps: ExchangeDeps = {}): ExchangeAdminApi {
  const { tenantId } = requireAppIdentity(config, 'PERMISSION_SERVICE=exchange');
  const resolved = resolveEndpoints(config);
  return new ExchangeAdminApi({
    baseUrl: resolved.exchangeBaseUrl,
    tenantId,
    scope: resolved.exchangeScope,
    cloudHost: resolved.endpoints.exchangeHost,
    tokens: deps.tokens ?? createTokenProvider(config, deps),
    http: new RetryingHttp(deps, { timeoutMs: config.EXCHANGE_REQUEST_TIMEOUT }),
    limit: tenantLimiter(`${resolved.exchangeBaseUrl}|${tenantId}`, config.EXCHANGE_MAX_CONCURRENCY),
  });
}
