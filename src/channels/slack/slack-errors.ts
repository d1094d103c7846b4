import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { BotError, isBotError } from '../../domain/errors.js';

/**
 * Slack error codes (`ok:false`) meaning this person cannot be reached by the app at all: gone from
 * the workspace, deactivated, a bot, a channel the app is not in or that is archived. Retrying does
 * not help; the delivery job tells someone who can act. Sources: the error lists of
 * `conversations.open`, `chat.postMessage`, `chat.update` and `users.lookupByEmail`.
 */
export const UNREACHABLE_ERRORS: ReadonlySet<string> = new Set([
  'user_not_found',
  'users_not_found',
  'user_not_visible',
  'cannot_dm_bot',
  'account_inactive',
  'user_disabled',
  'user_is_restricted',
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'restricted_action',
]);

/** `ok:false` codes of a passing condition on Slack's side: tried again later. */
const TRANSIENT_ERRORS: ReadonlySet<string> = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org']);

/**
 * Codes of a broken installation (a revoked or wrong token, a scope missing from the manifest): an
 * operator can fix them, so deliveries keep retrying within their 24 h rather than being dropped.
 */
const INSTALLATION_ERRORS: ReadonlySet<string> = new Set(['not_authed', 'invalid_auth', 'token_revoked', 'token_expired', 'missing_scope', 'no_permission', 'ekm_access_denied', 'team_access_not_granted']);

/** The Slack error code of a Web API failure (`user_not_found`, `ratelimited`...), if it has one. */
export function slackErrorCode(error: unknown): string | undefined {
  if (error instanceof WebAPIPlatformError) return typeof error.data.error === 'string' ? error.data.error : undefined;
  if (error instanceof WebAPIRateLimitedError) return 'ratelimited';
  return undefined;
}

/**
 * A Web API failure as the bot's coded error (`method` and Slack's code in `details`):
 * - `recipient_unreachable` (not retryable) for the codes of `UNREACHABLE_ERRORS`;
 * - `channel_unavailable` (retryable) for 429 (`details.retryAfterMs` from Retry-After), 5xx,
 *   network errors and timeouts, transient `ok:false` codes and a broken installation;
 * - `channel_unavailable`, not retryable, for anything else (`invalid_blocks`, `msg_too_long`: a
 *   message Slack will never take).
 */
export function toBotError(error: unknown, method: string): BotError {
  if (isBotError(error)) return error;
  if (error instanceof WebAPIRateLimitedError) {
    return new BotError('channel_unavailable', `Slack ${method}: rate limited`, { cause: error, details: { method, slackError: 'ratelimited', retryAfterMs: Math.max(0, error.retryAfter) * 1000 } });
  }
  if (error instanceof WebAPIPlatformError) {
    const code = slackErrorCode(error) ?? 'unknown';
    const details = { method, slackError: code };
    if (UNREACHABLE_ERRORS.has(code)) return new BotError('recipient_unreachable', `Slack ${method}: ${code}`, { cause: error, details });
    const retryable = TRANSIENT_ERRORS.has(code) || INSTALLATION_ERRORS.has(code);
    return new BotError('channel_unavailable', `Slack ${method}: ${code}`, { cause: error, details, retryable });
  }
  if (error instanceof WebAPIHTTPError) {
    const retryAfterMs = retryAfterOf(error.headers);
    return new BotError('channel_unavailable', `Slack ${method}: HTTP ${error.statusCode}`, {
      cause: error,
      details: { method, status: error.statusCode, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) },
    });
  }
  if (error instanceof WebAPIRequestError) {
    return new BotError('channel_unavailable', `Slack ${method}: ${error.original?.message ?? 'request failed'}`, { cause: error, details: { method } });
  }
  return new BotError('channel_unavailable', `Slack ${method}: ${error instanceof Error ? error.message : String(error)}`, { cause: error, details: { method } });
}

function retryAfterOf(headers: Record<string, string> | undefined): number | undefined {
  const value = headers?.['retry-after'];
  const seconds = value === undefined ? NaN : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** Runs one Web API call, turning its failure into `toBotError`. */
export async function slackCall<T>(method: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toBotError(error, method);
  }
}
