import { App, type Authorize } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackInbound } from './inbound.js';
import { boltLogger, type RestifySlackReceiver } from './receiver.js';
import { REJECT_CALLBACK_ID } from './reject-modal.js';
import type { SlackWorkspace } from './workspace.js';

/** Every button the bot puts on a message; anything else still reaches the core, which answers "bad action". */
const ANY_ACTION = /^[\w:.-]{1,255}$/;

/**
 * The Bolt app: the receiver on the bot's server, the bot token authorised for its own workspace
 * only (a request signed for this app but sent from another workspace is acknowledged and dropped,
 * which changes nothing), and one listener per Slack input, each acknowledging before any work
 * (`/mailbox` once the person is identified, so the acknowledgement can carry a sentence for them):
 * direct messages (`message.im`), mentions (`app_mention`), `/mailbox`, buttons, the Reject modal's
 * submission and the Home tab.
 */
export function createBoltApp(deps: {
  receiver: RestifySlackReceiver;
  workspace: SlackWorkspace;
  token: string;
  /** `SLACK_API_URL`: Bolt's own client (unused by the listeners) points there too. */
  apiUrl: string;
  inbound: SlackInbound;
  logger: Logger;
}): App {
  const { inbound, logger } = deps;
  const authorize: Authorize<boolean> = async (source) => {
    const workspace = await deps.workspace.get();
    const sameTeam = source.teamId === undefined || source.teamId === workspace.teamId;
    const sameOrg = workspace.enterpriseId !== undefined && source.enterpriseId === workspace.enterpriseId;
    if (!sameTeam && !sameOrg) throw new Error('a request from another workspace');
    return { botToken: deps.token, botId: workspace.botId, botUserId: workspace.botUserId, teamId: workspace.teamId };
  };
  const app = new App({ receiver: deps.receiver, authorize, clientOptions: { slackApiUrl: deps.apiUrl }, logger: boltLogger(logger), convoStore: false, ignoreSelf: true });

  // One listener for the three events: Bolt runs every listener's filters on every request.
  app.event(/^(message|app_mention|app_home_opened)$/, async ({ event, body }) => {
    const e = event as SlackEvent;
    const eventId = typeof body.event_id === 'string' ? { eventId: body.event_id } : {};
    const teamId = teamOf(body);
    switch (e.type) {
      case 'message':
        // Only what a person typed in their DM with the app: no edits, joins, files or bot messages.
        if (e.channel_type !== 'im' || e.subtype !== undefined || e.bot_id !== undefined || !e.user || typeof e.text !== 'string') return;
        await inbound.text({ slackUserId: e.user, teamId, text: e.text, channel: e.channel, ...(e.thread_ts ? { threadTs: e.thread_ts } : {}), ...eventId, messageId: e.ts });
        return;
      case 'app_mention':
        if (!e.user || typeof e.text !== 'string' || e.channel.startsWith('D')) return;
        // A channel, private channel or group DM: others read the thread, so the answer goes to
        // the person's DM (an app_mention need not carry channel_type: absent counts as shared).
        await inbound.text({ slackUserId: e.user, teamId, text: e.text, channel: e.channel, threadTs: e.thread_ts ?? e.ts, shared: e.channel_type !== 'im', ...eventId, messageId: e.ts });
        return;
      case 'app_home_opened':
        if (e.tab === 'home' && e.user) await inbound.homeOpened({ slackUserId: e.user, teamId, ...eventId });
        return;
    }
  });

  app.command('/mailbox', async ({ command, ack }) => {
    // Answered in the person's DM with the app, where the summary can later be updated; the
    // acknowledgement shows the person alone (ephemeral) a pointer there, or why they are not served.
    await inbound.command(
      { slackUserId: command.user_id, teamId: command.team_id, text: command.text ?? '', channel: command.channel_id, messageId: command.trigger_id },
      (text) => (text === undefined ? ack() : ack({ response_type: 'ephemeral', text })),
    );
  });

  app.action(ANY_ACTION, async ({ ack, body, action }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button' || !('action_id' in action)) return;
    const container = body.container as { type?: string; channel_id?: string; message_ts?: string } | undefined;
    if (container?.type !== 'message' || !container.channel_id || !container.message_ts) return;
    const threadTs = threadOf(body);
    await inbound.click({
      slackUserId: body.user.id,
      teamId: body.team?.id ?? body.user.team_id,
      actionId: action.action_id,
      value: action.value,
      channel: container.channel_id,
      ts: container.message_ts,
      ...(threadTs ? { threadTs } : {}),
      triggerId: body.trigger_id,
    });
  });

  app.view(REJECT_CALLBACK_ID, async ({ ack, body, view }) => {
    await ack();
    await inbound.rejectSubmitted({ slackUserId: body.user.id, teamId: body.team?.id ?? body.user.team_id, privateMetadata: view.private_metadata, view: view as never });
  });

  app.error(async (error) => {
    const reason = (error as { original?: Error }).original?.message ?? error.message;
    if (error.code === 'slack_bolt_authorization_error') logger.warn({ reason }, 'slack request not authorised');
    else logger.error({ code: error.code, reason }, 'slack listener failed');
  });
  return app;
}

/** The fields the bot reads of `message.im`, `app_mention` and `app_home_opened` events. */
interface SlackEvent {
  type: 'message' | 'app_mention' | 'app_home_opened';
  user?: string;
  text?: string;
  channel: string;
  channel_type?: string;
  subtype?: string;
  bot_id?: string;
  ts: string;
  thread_ts?: string;
  tab?: string;
}

function teamOf(body: unknown): string | undefined {
  const team = (body as { team_id?: unknown }).team_id;
  return typeof team === 'string' ? team : undefined;
}

/** The thread of the clicked message (`message.thread_ts`), when it is a reply in one. */
function threadOf(body: unknown): string | undefined {
  const thread = (body as { message?: { thread_ts?: unknown } }).message?.thread_ts;
  return typeof thread === 'string' ? thread : undefined;
}
