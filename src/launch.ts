import { createApp, type App, type AppOverrides } from './app.js';
import { createSlackChannel, type SlackChannel } from './channels/slack/channel.js';
import { checkSlackToken } from './channels/slack/token-check.js';
import { createTeamsChannel, type TeamsChannel } from './channels/teams/launch.js';
import { createBotAdapter, teamsMount } from './channels/teams/mount.js';
import { hasBotCredentials, slackEnabled, type Config } from './config.js';
import type { UnderstandFn } from './conversation/types.js';
import { Readiness } from './http/readyz.js';
import { PrometheusMetrics } from './observability/prometheus.js';
import { createLogger, startServer, type ChannelMount, type RunningServer } from './server.js';

/** Of SHUTDOWN_TIMEOUT, what is kept for handing back unfinished work and closing the store. */
const HAND_BACK_MARGIN_MS = 2_000;

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
 * - Slack (`POST /slack/events`) when `SLACK_BOT_TOKEN` is set; its token is checked with
 *   `auth.test` first (`checkSlackToken`): one Slack refuses stops the start with `config_invalid`.
 * With Slack on and no Teams credentials Teams is left out entirely: its unauthenticated endpoint
 * must not come along when Slack's signed requests make the server listen beyond loopback, and the
 * delivery jobs must not try a channel that cannot reach anyone.
 */
export async function launchBot(config: Config, understand: UnderstandFn, overrides: AppOverrides = {}): Promise<RunningChannels> {
  const logger = overrides.logger ?? createLogger(config);
  const metrics = new PrometheusMetrics();
  const app = await createApp(config, { ...overrides, logger, metrics: overrides.metrics ?? metrics });
  const readiness = new Readiness(() => app.probe());
  const mounts: ChannelMount[] = [];
  let teams: TeamsChannel | undefined;
  let slack: SlackChannel | undefined;
  if (slackEnabled(config) && !hasBotCredentials(config)) {
    logger.warn('Teams is off: Slack is configured and MicrosoftAppId is not (set the Bot Framework credentials to serve Teams too)');
  }
  if (hasBotCredentials(config) || !slackEnabled(config)) {
    const botAdapter = createBotAdapter(config, logger, overrides.sleep ? { sleep: overrides.sleep } : {});
    teams = createTeamsChannel(app, botAdapter, understand);
    mounts.push(teamsMount({ bot: teams.bot, botAdapter, tenantId: app.directory.tenantId, logger }));
  }
  if (slackEnabled(config)) {
    slack = createSlackChannel(app, { token: config.SLACK_BOT_TOKEN, signingSecret: config.SLACK_SIGNING_SECRET, apiUrl: config.SLACK_API_URL, understand });
    mounts.push(slack.mount);
    // A token Slack refuses stops the start (config_invalid); Slack being down does not.
    await checkSlackToken(slack.workspace, logger).catch(async (error: unknown) => {
      await app.close();
      throw error;
    });
  }
  await app.start();
  const server = await startServer({ channels: mounts, logger, port: config.PORT, ...(config.HOST ? { host: config.HOST } : {}), readiness, metrics }).catch(
    async (error: unknown) => {
      await app.close();
      throw error;
    },
  );
  return {
    app,
    ...(teams ? { teams } : {}),
    ...(slack ? { slack } : {}),
    server,
    port: server.port,
    async close() {
      // Running jobs get what is left of SHUTDOWN_TIMEOUT, less a margin to hand back the rest
      // (release their leases) and close the store before the process deadline strikes.
      const deadline = Date.now() + config.SHUTDOWN_TIMEOUT - HAND_BACK_MARGIN_MS;
      readiness.beginShutdown();
      await server.close();
      await app.close(Math.max(0, deadline - Date.now()));
    },
  };
}
