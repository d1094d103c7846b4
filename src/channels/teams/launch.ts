import type pino from 'pino';
import { createApp, type App, type AppOverrides } from '../../app.js';
import type { Config } from '../../config.js';
import type { Conversation } from '../../conversation/conversation.js';
import { createConversation } from '../../conversation/create.js';
import { freshSummaries } from '../../conversation/fresh-reply.js';
import { TurnLedger } from '../../conversation/turn-ledger.js';
import type { UnderstandFn } from '../../conversation/types.js';
import { Readiness } from '../../http/readyz.js';
import { PrometheusMetrics } from '../../observability/prometheus.js';
import { createLogger, startServer, type RunningServer } from '../../server.js';
import { TeamsBot } from './bot.js';
import { escapeText } from './cards.js';
import { createBotAdapter, teamsMount, type BotAdapter } from './mount.js';
import { TeamsMentionResolver } from './mentions.js';
import { TeamsMessaging } from './teams-messaging.js';
import { createTeamsOwedReplies, type TeamsOwedReplies } from './owed-replies.js';
import { ProactiveSender } from './proactive.js';
import { TeamsRepository } from './repositories.js';

export interface TeamsChannel {
  bot: TeamsBot;
  conversation: Conversation;
  messaging: TeamsMessaging;
  sender: ProactiveSender;
  repository: TeamsRepository;
  /** A turn's replies the Bot Connector refused for now, as `teams_reply` jobs. */
  owed: TeamsOwedReplies;
}

/**
 * The Teams edge on a built core: bot, messaging channel (attached to the deliveries), proactive
 * sender, and the owed turn replies (their job handler registered on `app.worker`).
 */
export function createTeamsChannel(app: App, botAdapter: BotAdapter, understand: UnderstandFn): TeamsChannel {
  const logger = app.logger as pino.Logger;
  const repository = new TeamsRepository(app.store, app.clock);
  const sender = new ProactiveSender(botAdapter.adapter, botAdapter.appId, repository, app.directory, logger);
  const messaging = new TeamsMessaging(sender, repository, app.directory, logger);
  app.notifiers.attachChannel(messaging);
  const conversation = createConversation({ ...app, cloud: app.config.CLOUD }, understand, escapeText);
  const mentions = new TeamsMentionResolver({ directory: app.directory, clock: app.clock, logger });
  // What the Bot Connector refuses in a turn is owed as a job, sent later through the proactive path.
  const owed = createTeamsOwedReplies({ store: app.store, worker: app.worker, clock: app.clock, logger, sender, repository, freshen: freshSummaries(app.engine, app.directory, escapeText) });
  const bot = new TeamsBot({ conversation, repository, mentions, ledger: new TurnLedger(app.store, app.clock), logger, presence: app.presence, sender, owed });
  return { bot, conversation, messaging, sender, repository, owed };
}

export interface RunningBot {
  app: App;
  teams: TeamsChannel;
  server: RunningServer;
  port: number;
  /** `GET /readyz`; `close()` turns it to 503 first. */
  readiness: Readiness;
  /**
   * Graceful stop (SIGTERM): readyz answers 503 at once and new work 503, running requests
   * finish and the listener closes, then the core stops (`App.close(deadline)`: the worker takes
   * no more jobs, running ones get until SHUTDOWN_TIMEOUT less 2 s, the rest are handed back by
   * releasing their leases, the store closes).
   */
  close(): Promise<void>;
}

/** Of SHUTDOWN_TIMEOUT, what is kept for handing back unfinished work and closing the store. */
const HAND_BACK_MARGIN_MS = 2_000;

/**
 * Everything `npm start` runs: the core from the configuration, the Teams channel, the timers and
 * the HTTP server. Tests call it with `PORT=0` and overrides (clock, store, logger).
 */
export async function launchTeamsBot(config: Config, understand: UnderstandFn, overrides: AppOverrides = {}): Promise<RunningBot> {
  const logger = overrides.logger ?? createLogger(config);
  const metrics = new PrometheusMetrics();
  const app = await createApp(config, { ...overrides, logger, metrics: overrides.metrics ?? metrics });
  const readiness = new Readiness(() => app.probe());
  const botAdapter = createBotAdapter(config, logger, overrides.sleep ? { sleep: overrides.sleep } : {});
  const teams = createTeamsChannel(app, botAdapter, understand);
  await app.start();
  const server = await startServer({
    channels: [teamsMount({ bot: teams.bot, botAdapter, tenantId: app.directory.tenantId, logger })],
    logger,
    port: config.PORT,
    ...(config.HOST ? { host: config.HOST } : {}),
    readiness,
    metrics,
  }).catch(async (error: unknown) => {
    await app.close();
    throw error;
  });
  return {
    app,
    teams,
    server,
    port: server.port,
    readiness,
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
