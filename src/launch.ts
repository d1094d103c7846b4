import { createApp, type App, type AppOverrides } from './app.js';
import { createSlackChannel, type SlackChannel } from './channels/slack/channel.js';
import { createTeamsChannel, type TeamsChannel } from './channels/teams/launch.js';
import { createBotAdapter, teamsMount } from './channels/teams/mount.js';
import { hasBotCredentials, slackEnabled, type Config } from './config.js';
import type { UnderstandFn } from './conversation/types.js';
import { createLogger, startServer, type ChannelMount, type RunningServer } from './server.js';

export interface RunningChannels {
  app: App;
  /** Absent when Slack is on and Teams has no credentials (see `launchBot`). */
  teams?: TeamsChannel;
  slack?: SlackChannel;
  server: RunningServer;
  port: number;
  close(): Promise<void>;
}

/**
 * Everything `npm start` runs: the core from the configuration, the chat channels it has settings
 * for, the durable work and the HTTP server.
 * - Teams (`POST /api/messages`) with its credentials; without them only while Slack is off (the
 *   development set-up, on loopback).
 * - Slack (`POST /slack/events`) when `SLACK_BOT_TOKEN` is set.
 * With Slack on and no Teams credentials Teams is left out entirely: its unauthenticated endpoint
 * must not come along when Slack's signed requests make the server listen beyond loopback, and the
 * delivery jobs must not try a channel that cannot reach anyone.
 */
export async function launchBot(config: Config, understand: UnderstandFn, overrides: AppOverrides = {}): Promise<RunningChannels> {
  const logger = overrides.logger ?? createLogger(config);
  const app = await createApp(config, { ...overrides, logger });
  const mounts: ChannelMount[] = [];
  let teams: TeamsChannel | undefined;
  let slack: SlackChannel | undefined;
  if (hasBotCredentials(config) || !slackEnabled(config)) {
    const botAdapter = createBotAdapter(config, logger, overrides.sleep ? { sleep: overrides.sleep } : {});
    teams = createTeamsChannel(app, botAdapter, understand);
    mounts.push(teamsMount({ bot: teams.bot, botAdapter, tenantId: app.directory.tenantId, logger }));
  }
  if (slackEnabled(config)) {
    slack = createSlackChannel(app, { token: config.SLACK_BOT_TOKEN, signingSecret: config.SLACK_SIGNING_SECRET, apiUrl: config.SLACK_API_URL, understand });
    mounts.push(slack.mount);
  }
  await app.start();
  const server = await startServer({ channels: mounts, logger, port: config.PORT, ...(config.HOST ? { host: config.HOST } : {}) });
  return {
    app,
    ...(teams ? { teams } : {}),
    ...(slack ? { slack } : {}),
    server,
    port: server.port,
    async close() {
      await server.close();
      await app.close();
    },
  };
}
