import type pino from 'pino';
import { createApp, type App, type AppOverrides } from '../../app.js';
import type { Config } from '../../config.js';
import { rightsOnFrom } from '../../language/rights-on.js';
import { cloudEndpoints } from '../../permissions/clouds.js';
import { createBotAdapter, createLogger, startServer, type BotAdapter, type RunningServer } from '../../server.js';
import { TeamsBot } from './bot.js';
import { TeamsMessaging } from './teams-messaging.js';
import { ProactiveSender } from './proactive.js';
import { TeamsRepository } from './repositories.js';
import type { UnderstandFn } from './bot.js';

export interface TeamsChannel {
  bot: TeamsBot;
  messaging: TeamsMessaging;
  sender: ProactiveSender;
  repository: TeamsRepository;
}

/** The Teams edge on a built core: bot, messaging channel (attached to the deliveries), proactive sender. */
export function createTeamsChannel(app: App, botAdapter: BotAdapter, understand: UnderstandFn): TeamsChannel {
  const logger = app.logger as pino.Logger;
  const repository = new TeamsRepository(app.store, app.clock);
  const sender = new ProactiveSender(botAdapter.adapter, botAdapter.appId, repository, app.directory, logger);
  const messaging = new TeamsMessaging(sender, repository, app.directory, logger);
  app.notifiers.attachChannel(messaging);
  const bot = new TeamsBot({
    engine: app.engine,
    cloud: cloudEndpoints(app.config.CLOUD),
    directory: app.directory,
    understand,
    repository,
    clock: app.clock,
    logger,
    rightsOn: rightsOnFrom(app.directory, app.permissions),
    presence: app.presence,
  });
  return { bot, messaging, sender, repository };
}

export interface RunningBot {
  app: App;
  teams: TeamsChannel;
  server: RunningServer;
  port: number;
  close(): Promise<void>;
}

/**
 * Everything `npm start` runs: the core from the configuration, the Teams channel, the timers and
 * the HTTP server. Tests call it with `PORT=0` and overrides (clock, store, logger).
 */
export async function launchTeamsBot(config: Config, understand: UnderstandFn, overrides: AppOverrides = {}): Promise<RunningBot> {
  const logger = overrides.logger ?? createLogger(config);
  const app = await createApp(config, { ...overrides, logger });
  const botAdapter = createBotAdapter(config, logger, overrides.sleep ? { sleep: overrides.sleep } : {});
  const teams = createTeamsChannel(app, botAdapter, understand);
  await app.start();
  const server = await startServer({
    bot: teams.bot,
    botAdapter,
    tenantId: app.directory.tenantId,
    logger,
    port: config.PORT,
    ...(config.HOST ? { host: config.HOST } : {}),
  });
  return {
    app,
    teams,
    server,
    port: server.port,
    async close() {
      await server.close();
      await app.close();
    },
  };
}
