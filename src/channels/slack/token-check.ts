import { BotError, isBotError } from '../../domain/errors.js';
import type { Logger } from '../../domain/logger.js';
import type { SlackWorkspace, WorkspaceInfo } from './workspace.js';

/**
 * `auth.test` error codes that say the token itself is wrong, not that Slack is passing through an
 * outage: a typo, a revoked or expired token, a deactivated app or workspace, a token without the
 * rights the app needs. Source: the error list of https://api.slack.com/methods/auth.test and
 * Slack's common errors (https://api.slack.com/web#errors).
 */
export const TOKEN_ERRORS: ReadonlySet<string> = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'no_permission', 'missing_scope']);

/**
 * Asks Slack once at start who the bot token belongs to (`auth.test`, through `workspace`, which
 * keeps the answer: the team id it names is the workspace every request is checked against).
 *
 * - Slack refuses the token (`ok:false` with a code of `TOKEN_ERRORS`): throws
 *   `BotError('config_invalid')`, "SLACK_BOT_TOKEN: Slack refused it (invalid_auth) ...", so the
 *   start stops with one line instead of a bot that drops every request with a warning.
 * - Slack cannot be asked (network error, timeout, 5xx, 429, any other answer): logs a warning and
 *   answers undefined; the start goes on, since nothing is lost (work is durable, deliveries retry)
 *   and the workspace is asked again on first use.
 */
export async function checkSlackToken(workspace: SlackWorkspace, logger: Logger): Promise<WorkspaceInfo | undefined> {
  try {
    const info = await workspace.get();
    logger.info({ team: info.teamId, botUserId: info.botUserId, ...(info.enterpriseId ? { enterprise: info.enterpriseId } : {}) }, 'slack token accepted');
    return info;
  } catch (error) {
    const slackError = isBotError(error) ? error.details.slackError : undefined;
    if (typeof slackError === 'string' && TOKEN_ERRORS.has(slackError)) {
      throw new BotError('config_invalid', `SLACK_BOT_TOKEN: Slack refused it (${slackError}); use the app's Bot User OAuth Token (xoxb-...) of the workspace the app is installed in`, {
        cause: error,
        details: { slackError },
      });
    }
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'slack auth.test failed at start: Slack unreachable, starting anyway (asked again on first use)');
    return undefined;
  }
}
