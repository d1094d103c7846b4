import 'dotenv/config';
import { createSlackChannel } from './channels/slack/channel.js';
import { launchTeamsBot } from './channels/teams/launch.js';
import { hasBotCredentials, loadConfig, slackEnabled } from './config.js';
import { understand } from './language/understand.js';
import { runProcess } from './run-process.js';

// Entry point of `npm start`: configuration, directory and store are loaded before listening.
runProcess(async () => {
  const config = loadConfig();
  const slack = slackEnabled(config) ? config : undefined;
  const running = await launchTeamsBot(config, understand, {}, {
    // Slack's signed requests let the server listen beyond loopback; an unauthenticated Teams endpoint must not come along.
    serveTeams: !slack || hasBotCredentials(config),
    channels: (app) =>
      slack ? [createSlackChannel(app, { token: slack.SLACK_BOT_TOKEN, signingSecret: slack.SLACK_SIGNING_SECRET, apiUrl: slack.SLACK_API_URL, understand }).mount] : [],
  });
  running.app.logger.info({ port: running.port, host: running.server.host, tenant: running.app.directory.tenantDomain }, 'bot ready');
  return () => running.close();
});
