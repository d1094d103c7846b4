import type { App as Bolt } from '@slack/bolt';
import type pino from 'pino';
import type { App } from '../../app.js';
import type { Conversation } from '../../conversation/conversation.js';
import { createConversation } from '../../conversation/create.js';
import { freshSummaries } from '../../conversation/fresh-reply.js';
import { TurnLedger } from '../../conversation/turn-ledger.js';
import type { UnderstandFn } from '../../conversation/types.js';
import type { ChannelMount } from '../../server.js';
import { escapeSlack } from './escape.js';
import { homeViewBuilder } from './home.js';
import { SlackIdentities } from './identity.js';
import { SlackInbound, type AckDeadline } from './inbound.js';
import { slackMount } from './mount.js';
import { SlackPoster } from './poster.js';
import { RestifySlackReceiver } from './receiver.js';
import { SlackRepository } from './repository.js';
import { OwedReplies } from './owed-replies.js';
import { createBoltApp } from './slack-app.js';
import { SlackMessaging } from './slack-messaging.js';
import { SlackTokenHealth } from './token-health.js';
import { createSlackApis } from './web-api.js';
import { SlackWorkspace } from './workspace.js';

export interface SlackChannelOptions {
  /** `SLACK_BOT_TOKEN` (xoxb-...). */
  token: string;
  /** `SLACK_SIGNING_SECRET`. */
  signingSecret: string;
  /** `SLACK_API_URL` (ends in `/api/`). */
  apiUrl: string;
  understand: UnderstandFn;
  /** When a `/mailbox` command is acknowledged empty if its person is not identified by then (default: `COMMAND_ACK_WAIT_MS` of real time). */
  commandAckDeadline?: AckDeadline;
}

/** The Slack channel on a built core. */
export interface SlackChannel {
  /** `POST /slack/events`, for `startServer({ channels: [...] })`. */
  mount: ChannelMount;
  /** The messaging port, for the delivery jobs' channel list. */
  messaging: SlackMessaging;
  conversation: Conversation;
  inbound: SlackInbound;
  bolt: Bolt;
  receiver: RestifySlackReceiver;
  repository: SlackRepository;
  identities: SlackIdentities;
  workspace: SlackWorkspace;
}

/**
 * Builds the Slack edge on the core (`createApp`): Bolt on a receiver served by the bot's own
 * server, the shared conversation with Slack's escaping, identity by profile email, and the
 * messaging port, attached to the core's delivery jobs (`app.notifiers.attachChannel`), which reach
 * each person on the channel they last spoke on (`app.presence`, told `slack` on every inbound
 * turn). Building it calls nothing on Slack; `launchBot` then asks `auth.test` once
 * (`checkSlackToken`), which names the workspace or, while Slack is down, leaves that to the first use.
 *
 * ```ts
 * const slack = createSlackChannel(app, { token, signingSecret, apiUrl, understand });
 * await startServer({ channels: [teamsMount(...), slack.mount], ... });
 * ```
 */
export function createSlackChannel(app: App, options: SlackChannelOptions): SlackChannel {
  const logger = app.logger as pino.Logger;
  const apis = createSlackApis({ token: options.token, apiUrl: options.apiUrl, health: new SlackTokenHealth(logger) });
  const workspace = new SlackWorkspace(apis.delivery);
  const repository = new SlackRepository(app.store, app.clock);
  const identities = new SlackIdentities({ api: apis.turn, directory: app.directory, workspace, clock: app.clock });
  const conversation = createConversation({ ...app, cloud: app.config.CLOUD }, options.understand, escapeSlack);
  const messaging = new SlackMessaging({ api: apis.delivery, repository, directory: app.directory, workspace, logger });
  const laterPoster = new SlackPoster(apis.delivery, repository, logger);
  const owedReplies = new OwedReplies({
    store: app.store,
    worker: app.worker,
    clock: app.clock,
    logger,
    post: (channel, reply, userId, threadTs) => laterPoster.postOne(channel, reply, userId, threadTs),
    freshen: freshSummaries(app.engine, app.directory, escapeSlack),
  });
  const inbound = new SlackInbound({
    conversation,
    requests: app.engine,
    cards: messaging,
    identities,
    repository,
    // What Slack refuses in a turn is owed as a job, posted later by the delivery client.
    poster: new SlackPoster(apis.turn, repository, logger, owedReplies),
    api: apis.turn,
    workspace,
    claims: new TurnLedger(app.store, app.clock),
    home: homeViewBuilder({ engine: app.engine, directory: app.directory }),
    logger,
    presence: app.presence,
    ...(options.commandAckDeadline ? { ackDeadline: options.commandAckDeadline } : {}),
  });
  const receiver = new RestifySlackReceiver({ signingSecret: options.signingSecret, clock: app.clock, logger });
  const bolt = createBoltApp({ receiver, workspace, token: options.token, apiUrl: options.apiUrl, inbound, logger });
  app.notifiers.attachChannel(messaging);
  return { mount: slackMount(receiver), messaging, conversation, inbound, bolt, receiver, repository, identities, workspace };
}
