import type { Logger } from '../../domain/logger.js';
import { isInstallationError } from './slack-errors.js';

/**
 * Codes that refuse one method rather than the token: the app lacks the scope that method needs
 * (`missing_scope`, with `needed`) or the workspace does not let it call it (`no_permission`). Other
 * methods keep succeeding meanwhile, so only a success of that same method says it is fixed.
 */
const METHOD_REFUSALS: ReadonlySet<string> = new Set(['missing_scope', 'no_permission']);

/** The key of token-wide refusals in `SlackTokenHealth`'s map (method refusals are keyed by method). */
const TOKEN = '';

/**
 * Whether Slack currently takes the bot token, as the Web API calls find out, told to the operator
 * once per change rather than once per call.
 *
 * At start `checkSlackToken` refuses a token Slack refuses. A token revoked later (the app
 * uninstalled or reinstalled, the token rotated, a scope removed from the app) makes calls fail with
 * `token_revoked`, `invalid_auth`, `missing_scope` and the like (`isInstallationError`; source:
 * Slack's common errors, https://api.slack.com/web#errors). The deliveries keep retrying for 24 h,
 * which is right (the operator can fix it), and the people writing to the bot are told it cannot
 * look them up now (`SlackInbound`), but each attempt only left a warning among the others. This
 * logs one error, naming the code and what to do, when the first call is refused, again only if
 * the code changes, and one info line when a call succeeds again.
 *
 * A refusal of one method (`METHOD_REFUSALS`: a scope missing for `users.info`) is kept per method:
 * the replies that still go out do not mean the scope came back, so it is logged once, not after
 * every successful post, and cleared by a success of that method.
 */
export class SlackTokenHealth {
  /** Slack's refusal code, by method for `METHOD_REFUSALS` and under `TOKEN` for the others. */
  private readonly refusals = new Map<string, string>();

  constructor(private readonly logger: Logger) {}

  /** The Slack error code the token (else some method) is being refused with, or undefined while calls succeed. */
  get refusedWith(): string | undefined {
    return this.refusals.get(TOKEN) ?? [...this.refusals.values()].at(-1);
  }

  /**
   * A Web API call (`method`) failed with Slack's `ok:false` code `slackError`; codes that are not
   * about the installation are ignored, and so is `auth.test`, whose refusal at start
   * `checkSlackToken` turns into the one line the start stops with. `needed`: the scopes Slack
   * said a `missing_scope` call needs.
   */
  failed(method: string, slackError: string, needed?: string): void {
    if (method === 'auth.test' || !isInstallationError(slackError)) return;
    const key = METHOD_REFUSALS.has(slackError) ? method : TOKEN;
    if (this.refusals.get(key) === slackError) return;
    this.refusals.set(key, slackError);
    this.logger.error({ method, slackError, ...(needed ? { needed } : {}) }, refusalLine(method, slackError, needed));
  }

  /** A Web API call (`method`) succeeded: the token is taken (again), and that method is allowed. */
  accepted(method: string): void {
    if (this.refusals.size === 0) return;
    for (const key of [TOKEN, method]) {
      const refusal = this.refusals.get(key);
      if (refusal === undefined) continue;
      this.refusals.delete(key);
      this.logger.info({ slackError: refusal, ...(key ? { method } : {}) }, key ? `Slack takes ${method} again` : 'Slack takes the bot token again');
    }
  }
}

/** The operator's line for a refusal: what Slack said and what to do about it. */
function refusalLine(method: string, slackError: string, needed: string | undefined): string {
  const redeploy = "put the app's Bot User OAuth Token (xoxb-...) in SLACK_BOT_TOKEN and restart the bot";
  if (slackError === 'missing_scope') {
    return `Slack refuses ${method} (missing_scope${needed ? `: the app needs ${needed}` : ''}): add the scope under the app's OAuth & Permissions, reinstall the app to the workspace, ${redeploy}; until then ${withoutMethod(method)}`;
  }
  if (slackError === 'not_allowed_token_type') {
    return `Slack refuses ${method} (not_allowed_token_type): SLACK_BOT_TOKEN is not the app's bot token; ${redeploy}`;
  }
  if (slackError === 'no_permission') {
    return `Slack refuses ${method} (no_permission): the workspace does not let the app call it; ask a Slack admin to check the app's installation and permissions`;
  }
  return `Slack refuses the bot token (${slackError}): nothing reaches Slack until SLACK_BOT_TOKEN is replaced with the app's current Bot User OAuth Token (xoxb-...) and the bot restarted; messages owed keep being retried for 24 h`;
}

/** What people notice while `method` is refused, for the operator's line. */
function withoutMethod(method: string): string {
  if (method === 'users.info' || method === 'users.lookupByEmail') return 'people cannot be looked up and are told so';
  if (method.startsWith('chat.') || method === 'conversations.open') return 'the bot cannot post or update its messages (nobody can be told anything); messages owed keep being retried for 24 h';
  if (method.startsWith('views.')) return 'the App Home and the reject dialog do not open';
  return `calls to ${method} fail`;
}
