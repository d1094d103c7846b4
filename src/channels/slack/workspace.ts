import { LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import type { Logger } from 'pino';
import { boltLogger } from './receiver.js';
import { slackCall } from './slack-errors.js';

/** The workspace the bot token belongs to, as `auth.test` reports it. */
export interface WorkspaceInfo {
  teamId: string;
  /** Set on an Enterprise Grid organisation install. */
  enterpriseId?: string;
  botUserId: string;
  botId: string;
}

/** Per-call timeout of every Web API call (Slack answers in well under a second). */
export const SLACK_CALL_TIMEOUT_MS = 10_000;

/**
 * The Web API clients of the bot, both on `SLACK_API_URL` with the bot token:
 * - `delivery` never retries by itself and rejects a 429 at once: the delivery jobs own retries
 *   (with Retry-After) and must not hold a message for @slack/web-api's default 30 minutes;
 * - `turn` answers a person within their turn, with two quick retries on a network error or 5xx.
 */
export function createSlackClients(options: { token: string; apiUrl: string; logger: Logger }): { delivery: WebClient; turn: WebClient; options: WebClientOptions } {
  const base: WebClientOptions = {
    slackApiUrl: options.apiUrl,
    logger: boltLogger(options.logger),
    logLevel: LogLevel.WARN,
    timeout: SLACK_CALL_TIMEOUT_MS,
    rejectRateLimitedCalls: true,
  };
  const turnOptions: WebClientOptions = { ...base, retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1000 } };
  return {
    delivery: new WebClient(options.token, { ...base, retryConfig: { retries: 0 } }),
    turn: new WebClient(options.token, turnOptions),
    options: turnOptions,
  };
}

/**
 * Who the bot is in Slack, read once with `auth.test` and kept; a failed read (Slack down at start)
 * is tried again on the next use rather than remembered.
 */
export class SlackWorkspace {
  private info?: Promise<WorkspaceInfo>;

  constructor(private readonly client: WebClient) {}

  /** The bot's workspace; throws `BotError('channel_unavailable')` while Slack cannot be reached. */
  get(): Promise<WorkspaceInfo> {
    if (!this.info) {
      this.info = slackCall('auth.test', () => this.client.auth.test()).then((result) => {
        if (!result.team_id || !result.user_id || !result.bot_id) throw new Error('auth.test did not name the workspace and bot');
        return {
          teamId: result.team_id,
          botUserId: result.user_id,
          botId: result.bot_id,
          ...(result.enterprise_id ? { enterpriseId: result.enterprise_id } : {}),
        };
      });
      this.info.catch(() => {
        this.info = undefined;
      });
    }
    return this.info;
  }

  /** Whether the Web API answers `auth.test` with this token now (for `/readyz`). */
  async reachable(): Promise<boolean> {
    try {
      const result = await this.client.auth.test();
      return result.ok === true;
    } catch {
      return false;
    }
  }
}
