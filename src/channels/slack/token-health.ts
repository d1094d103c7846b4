import type { Logger } from '../../domain/logger.js';
import { INSTALLATION_ERRORS } from './slack-errors.js';

/**
 * Whether Slack currently takes the bot token, as the Web API calls find out, told to the operator
 * once per change rather than once per call.
 *
 * At start `checkSlackToken` refuses a token Slack refuses. A token revoked later (the app
 * uninstalled or reinstalled, the token rotated, a scope removed from the app) makes every call
 * fail with `token_revoked`, `invalid_auth`, `missing_scope` and the like (`INSTALLATION_ERRORS`;
 * source: Slack's common errors, https://api.slack.com/web#errors). The deliveries keep retrying
 * for 24 h, which is right (the operator can fix it), but each attempt only left a warning among
 * the others. This logs one error, naming the code and what to do, when the first call is refused,
 * again only if the code changes, and one info line when a call succeeds again.
 */
export class SlackTokenHealth {
  private refusal: string | undefined;

  constructor(private readonly logger: Logger) {}

  /** The Slack error code the token is being refused with, or undefined while calls succeed. */
  get refusedWith(): string | undefined {
    return this.refusal;
  }

  /**
   * A Web API call (`method`) failed with Slack's `ok:false` code `slackError`; codes that are not
   * about the token are ignored, and so is `auth.test`, whose refusal at start `checkSlackToken`
   * turns into the one line the start stops with.
   */
  failed(method: string, slackError: string): void {
    if (method === 'auth.test' || !INSTALLATION_ERRORS.has(slackError) || this.refusal === slackError) return;
    this.refusal = slackError;
    this.logger.error(
      { method, slackError },
      `Slack refuses the bot token (${slackError}): nothing reaches Slack until SLACK_BOT_TOKEN is replaced with the app's current Bot User OAuth Token (xoxb-...) and the bot restarted; messages owed keep being retried for 24 h`,
    );
  }

  /** A Web API call succeeded: the token is taken (again). */
  accepted(): void {
    if (this.refusal === undefined) return;
    this.logger.info({ slackError: this.refusal }, 'Slack takes the bot token again');
    this.refusal = undefined;
  }
}
