import type { AddressInfo } from 'node:net';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TurnContext,
  type Activity,
  type ActivityHandler,
} from 'botbuilder';
import { pino, type Logger } from 'pino';
import restify from 'restify';
import { ReusedClientsAuthentication } from './bot-framework-auth.js';
import { hasBotCredentials, type Config } from './config.js';
import { errorSummary } from './channels/teams/proactive.js';
import type { Sleep } from './permissions/http-retry.js';

/** The Bot Framework adapter and the authentication it validates incoming JWTs with. */
export interface BotAdapter {
  adapter: CloudAdapter;
  auth: ConfigurationBotFrameworkAuthentication;
  /** `MicrosoftAppId`, or '' when authentication is off. */
  appId: string;
  authenticated: boolean;
}

/** botbuilder's own configuration names; with no app id, authentication is off. */
/** `sleep`: how Bot Connector calls wait between their own retries (tests pass one that returns at once). */
export function createBotAdapter(config: Config, logger: Logger, options: { sleep?: Sleep } = {}): BotAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.MicrosoftAppId,
    MicrosoftAppPassword: config.MicrosoftAppPassword,
    MicrosoftAppType: config.MicrosoftAppType,
    MicrosoftAppTenantId: config.MicrosoftAppTenantId,
  });
  // The adapter gets the same authentication with its outbound clients reused between turns.
  const adapter = new CloudAdapter(new ReusedClientsAuthentication(auth, options));
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: errorSummary(error), activityType: context.activity.type }, 'turn failed');
    if (context.activity.type === 'message') {
      await context.sendActivity('Something went wrong on my side; nothing was changed. / Er ging iets mis; er is niets veranderd.').catch(() => undefined);
    }
  };
  return { adapter, auth, appId: config.MicrosoftAppId ?? '', authenticated: hasBotCredentials(config) };
}

export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return pino({ level: config.LOG_LEVEL, base: { service: 'mailbox-delegation-bot' } });
}

export interface ServerOptions {
  bot: ActivityHandler;
  botAdapter: BotAdapter;
  /** Activities from any other tenant are refused. */
  tenantId: string;
  logger: Logger;
  port: number;
  /** Defaults to 127.0.0.1 without credentials and 0.0.0.0 with them. */
  host?: string;
  /** Largest accepted request body. */
  maxBodyBytes?: number;
}

export interface RunningServer {
  port: number;
  host: string;
  close(): Promise<void>;
}

function tenantOf(activity: Partial<Activity>): string | undefined {
  const fromConversation = activity.conversation?.tenantId;
  const fromChannelData = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  const tenant = fromConversation ?? fromChannelData;
  return typeof tenant === 'string' ? tenant : undefined;
}

/**
 * restify 11 with `POST /api/messages` (Bot Framework, through CloudAdapter) and `GET /healthz`.
 * Malformed JSON gets 400, activities from another tenant 403 (after authentication, so an
 * unauthenticated caller still gets 401 first).
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { bot, botAdapter, logger } = options;
  const host = options.host ?? (botAdapter.authenticated ? '0.0.0.0' : '127.0.0.1');
  const server = restify.createServer({ name: 'mailbox-delegation-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: options.maxBodyBytes ?? 1_048_576, mapParams: false, rejectUnknown: true }));
  server.on('after', (req: restify.Request, res: restify.Response) => {
    logger.info({ method: req.method, path: req.getPath(), status: res.statusCode, ms: Date.now() - req.time() }, 'http');
  });

  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });

  server.post('/api/messages', async (req, res) => {
    const activity = req.body as Partial<Activity> | undefined;
    if (!activity || typeof activity !== 'object' || Array.isArray(activity) || typeof activity.type !== 'string') {
      res.send(400, { error: 'bad_request', message: 'expected a Bot Framework activity (JSON object with a type)' });
      return;
    }
    const tenant = tenantOf(activity);
    if (tenant !== options.tenantId) {
      if (botAdapter.authenticated) {
        try {
          await botAdapter.auth.authenticateRequest(activity as Activity, req.header('authorization') ?? '');
        } catch {
          res.send(401, { error: 'unauthorized' });
          return;
        }
      }
      logger.warn({ activityType: activity.type, tenant: tenant?.slice(0, 64) }, 'activity from another tenant refused');
      res.send(403, { error: 'wrong_tenant', message: 'This bot serves another organisation.' });
      return;
    }
    await botAdapter.adapter.process(req, res, (context) => bot.run(context));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  if (!botAdapter.authenticated) {
    logger.warn({ host, port }, 'no Bot Framework credentials (MicrosoftAppId): authentication is off, listening on loopback only');
  }
  logger.info({ host, port, authenticated: botAdapter.authenticated }, 'listening');
  return {
    port,
    host,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
