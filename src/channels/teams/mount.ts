import { CloudAdapter, ConfigurationBotFrameworkAuthentication, TurnContext, type Activity, type ActivityHandler } from 'botbuilder';
import type { Logger } from 'pino';
import type restify from 'restify';
import { hasBotCredentials, type Config } from '../../config.js';
import type { Sleep } from '../../permissions/http-retry.js';
import type { ChannelMount } from '../../server.js';
import { isBotError } from '../../domain/errors.js';
import { observeTurn } from '../../http/turn-metrics.js';
import { t } from '../../conversation/wording/strings.js';
import { ReusedClientsAuthentication } from './bot-framework-auth.js';
import { botFrameworkCloudSettings } from './bot-framework-clouds.js';
import { messageLang } from './message-language.js';
import { errorSummary } from './proactive.js';
import { textActivity } from './replies.js';

/** The Bot Framework adapter and the authentication it validates incoming JWTs with. */
export interface BotAdapter {
  adapter: CloudAdapter;
  auth: ConfigurationBotFrameworkAuthentication;
  /** `MicrosoftAppId`, or '' when authentication is off. */
  appId: string;
  authenticated: boolean;
}

/**
 * botbuilder's own configuration names; with no app id, authentication is off.
 * `sleep`: how Bot Connector calls wait between their own retries (tests pass one that returns at once).
 */
export function createBotAdapter(config: Config, logger: Logger, options: { sleep?: Sleep } = {}): BotAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.MicrosoftAppId,
    MicrosoftAppPassword: config.MicrosoftAppPassword,
    MicrosoftAppType: config.MicrosoftAppType,
    MicrosoftAppTenantId: config.MicrosoftAppTenantId,
    CertificateThumbprint: config.CertificateThumbprint,
    CertificatePrivateKey: config.CertificatePrivateKey,
    ...botFrameworkCloudSettings(config),
  });
  // The adapter gets the same authentication with its outbound clients reused between turns.
  const adapter = new CloudAdapter(new ReusedClientsAuthentication(auth, options));
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    // The store being down is logged once by the store when the outage starts: each turn it fails is a warning.
    const storeDown = isBotError(error, 'store_unavailable');
    if (storeDown) logger.warn({ err: errorSummary(error), activityType: context.activity.type }, 'turn failed: store unavailable');
    else logger.error({ err: errorSummary(error), activityType: context.activity.type }, 'turn failed');
    if (context.activity.type === 'message') {
      // In the language of the message (read from the activity alone: the store may be what failed).
      const text = t(messageLang(context.activity), storeDown ? 'reply.storeUnavailable' : 'reply.error');
      await context.sendActivity(textActivity(text)).catch(() => undefined);
    }
  };
  return { adapter, auth, appId: config.MicrosoftAppId ?? '', authenticated: hasBotCredentials(config) };
}

/**
 * The tenant an activity comes from when every place Teams names it agrees (`conversation.tenantId`
 * and `channelData.tenant.id`; either may be missing), else undefined: an activity that names our
 * tenant in one place and another tenant in the other is not ours.
 */
function tenantOf(activity: Partial<Activity>): string | undefined {
  const named = [activity.conversation?.tenantId, (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id].filter((t) => t !== undefined && t !== null);
  const [first] = named;
  return typeof first === 'string' && named.every((t) => t === first) ? first : undefined;
}

/**
 * `POST /api/messages` (Bot Framework, through CloudAdapter). A body that is not an activity gets
 * 400; an activity from another tenant 403 and one without `serviceUrl` (nowhere to answer) 400, both
 * after authentication, so an unauthenticated caller still gets 401 first.
 */
export function teamsMount(options: { bot: ActivityHandler; botAdapter: BotAdapter; tenantId: string; logger: Logger }): ChannelMount {
  const { bot, botAdapter, logger } = options;
  /** 401 when credentials are configured and the request's JWT does not check out; true when it may go on. */
  const authenticate = async (activity: Partial<Activity>, req: restify.Request, res: restify.Response): Promise<boolean> => {
    if (!botAdapter.authenticated) return true;
    try {
      await botAdapter.auth.authenticateRequest(activity as Activity, req.header('authorization') ?? '');
      return true;
    } catch {
      res.send(401, { error: 'unauthorized' });
      return false;
    }
  };
  return {
    name: 'teams',
    authenticated: botAdapter.authenticated,
    mount(server) {
      server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
        const activity = req.body as Partial<Activity> | undefined;
        if (!activity || typeof activity !== 'object' || Array.isArray(activity) || typeof activity.type !== 'string') {
          res.send(400, { error: 'bad_request', message: 'expected a Bot Framework activity (JSON object with a type)' });
          return;
        }
        const tenant = tenantOf(activity);
        if (tenant !== options.tenantId) {
          if (!(await authenticate(activity, req, res))) return;
          logger.warn({ activityType: activity.type, tenant: tenant?.slice(0, 64) }, 'activity from another tenant refused');
          res.send(403, { error: 'wrong_tenant', message: 'This bot serves another organisation.' });
          return;
        }
        if (typeof activity.serviceUrl !== 'string' || !activity.serviceUrl) {
          if (!(await authenticate(activity, req, res))) return;
          logger.info({ activityType: activity.type.slice(0, 40) }, 'activity without serviceUrl refused');
          res.send(400, { error: 'bad_request', message: 'an activity needs a serviceUrl to be answered' });
          return;
        }
        await botAdapter.adapter.process(req, res, observeTurn(req, (context) => bot.run(context)));
      });
    },
    async close() {},
  };
}
