import { BotError, isBotError } from '../../domain/errors.js';

/**
 * Slack error codes (`ok:false`) meaning this person cannot be reached by the app at all: gone from
 * the workspace, deactivated (`user_disabled`, from `conversations.open`), a bot, a channel the app
 * is not in or that is archived. Retrying does not help; the delivery job tells someone who can act.
 * Sources: the error lists of `conversations.open`, `chat.postMessage`, `chat.update` and
 * `users.lookupByEmail`. (`account_inactive` is not one: every method's list gives it as
 * "authentication token is for a deleted user or workspace", the installation: `isInstallationError`.)
 */
export const UNREACHABLE_ERRORS: ReadonlySet<string> = new Set([
  'user_not_found',
  'users_not_found',
  'user_not_visible',
  'cannot_dm_bot',
  'user_disabled',
  'user_is_restricted',
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'restricted_action',
]);

/** `ok:false` codes of a passing condition on Slack's side: tried again later. */
const TRANSIENT_ERRORS: ReadonlySet<string> = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org']);

/**
 * Codes of a broken installation (a revoked or wrong token, a scope missing from the manifest): an
 * operator can fix them, so deliveries keep retrying within their 24 h rather than being dropped.
 */
export const INSTALLATION_ERRORS: ReadonlySet<string> = new Set([
  'not_authed',
  'invalid_auth',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
  'account_inactive',
  'missing_scope',
  'no_permission',
  'ekm_access_denied',
  'team_access_not_granted',
]);

/** Whether Slack's `ok:false` `code` (from any method) says the app's installation is broken (`INSTALLATION_ERRORS`). */
export function isInstallationError(code: string): boolean {
  return INSTALLATION_ERRORS.has(code);
}

/**
 * Whether `error` is a Web API call refused because the app's installation is broken (a revoked or
 * wrong token, a scope missing: `isInstallationError`). It does not pass on its own: the person is
 * told the bot cannot look people up now, not to try again in a moment, and `SlackTokenHealth` has
 * told the operator what to fix.
 */
export function isSlackInstallationFailure(error: unknown): boolean {
  if (!isBotError(error, 'channel_unavailable')) return false;
  const { method, slackError } = error.details;
  return typeof method === 'string' && typeof slackError === 'string' && isInstallationError(slackError);
}

/** What a failed Web API call came back with: an HTTP answer (status, body, Retry-After) or a network error. */
export interface SlackCallFailure {
  status?: number;
  /** The parsed body, when it was JSON (`{ ok: false, error }`). */
  data?: Record<string, unknown>;
  retryAfterMs?: number;
  networkError?: unknown;
}

/**
 * A failed Web API call as the bot's coded error (`method` and Slack's code in `details`):
 * - `recipient_unreachable` (not retryable) for the codes of `UNREACHABLE_ERRORS`;
 * - `channel_unavailable` (retryable) for 429 (`details.retryAfterMs` from Retry-After), 5xx,
 *   network errors and timeouts, transient `ok:false` codes and a broken installation
 *   (`isInstallationError`; `details.needed` names the scopes a `missing_scope` lacks);
 * - `channel_unavailable`, not retryable, for anything else (`invalid_blocks`, `msg_too_long`: a
 *   message Slack will never take).
 */
export function slackFailure(method: string, failure: SlackCallFailure): BotError {
  const code = typeof failure.data?.error === 'string' ? failure.data.error : undefined;
  if (failure.networkError !== undefined) {
    const reason = failure.networkError instanceof Error ? failure.networkError.message : String(failure.networkError);
    return new BotError('channel_unavailable', `Slack ${method}: ${reason}`, { cause: failure.networkError, details: { method } });
  }
  if (failure.status === 429 || code === 'ratelimited') {
    const details = { method, slackError: 'ratelimited', ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}) };
    return new BotError('channel_unavailable', `Slack ${method}: rate limited`, { details });
  }
  if (failure.status !== 200 || !code) {
    return new BotError('channel_unavailable', `Slack ${method}: HTTP ${failure.status ?? '?'}`, { details: { method, status: failure.status } });
  }
  const details: Record<string, unknown> = { method, slackError: code };
  const installation = isInstallationError(code);
  // The scopes Slack says the method needs (`missing_scope` names them), for the operator's log line.
  if (installation && typeof failure.data?.needed === 'string') details.needed = failure.data.needed;
  if (UNREACHABLE_ERRORS.has(code)) return new BotError('recipient_unreachable', `Slack ${method}: ${code}`, { details });
  const retryable = TRANSIENT_ERRORS.has(code) || installation;
  return new BotError('channel_unavailable', `Slack ${method}: ${code}`, { details, retryable });
}
