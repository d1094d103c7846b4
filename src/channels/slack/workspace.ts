import { slackFailure } from './slack-errors.js';
import type { SlackWebApi } from './web-api.js';

/** The workspace the bot token belongs to, as `auth.test` reports it. */
export interface WorkspaceInfo {
  teamId: string;
  /** Set on an Enterprise Grid organisation install. */
  enterpriseId?: string;
  botUserId: string;
  botId: string;
}

/**
 * Who the bot is in Slack, read once with `auth.test` and kept; a failed read (Slack down at start)
 * is tried again on the next use rather than remembered.
 */
export class SlackWorkspace {
  private info?: Promise<WorkspaceInfo>;

  constructor(private readonly api: SlackWebApi) {}

  /** The bot's workspace; throws `BotError('channel_unavailable')` while Slack cannot be reached. */
  get(): Promise<WorkspaceInfo> {
    if (!this.info) {
      this.info = this.api.authTest().then((result) => {
        if (!result.team_id || !result.user_id || !result.bot_id) throw slackFailure('auth.test', { status: 200, data: { error: 'no_workspace_in_answer' } });
        return { teamId: result.team_id, botUserId: result.user_id, botId: result.bot_id, ...(result.enterprise_id ? { enterpriseId: result.enterprise_id } : {}) };
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
      await this.api.authTest();
      return true;
    } catch {
      return false;
    }
  }
}
