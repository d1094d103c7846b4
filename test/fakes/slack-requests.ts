import { createHmac, randomUUID } from 'node:crypto';
import { FAKE_BOT, FAKE_TEAM, type PostedMessage } from './slack-api-fake.js';

/**
 * What Slack sends to a Request URL, byte for byte in the parts that matter: Events API envelopes as
 * JSON, interactivity as a form with one `payload` field holding JSON, slash commands as form fields;
 * each signed with the app's signing secret (`X-Slack-Signature: v0=HMAC-SHA256("v0:" + timestamp
 * + ":" + raw body)`, `X-Slack-Request-Timestamp` in seconds), retries marked with
 * `X-Slack-Retry-Num` and `X-Slack-Retry-Reason`. Shapes follow Slack's Events API, block_actions,
 * view_submission and slash-command references.
 */

export const APP_ID = 'A0MAILBOX1';
export const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';

export interface SlackPerson {
  id: string;
  name: string;
  team?: string;
}

export interface SignedPost {
  body: string;
  contentType: string;
  /** Epoch seconds the request is signed with; defaults to now. */
  timestamp?: number;
  /** Overrides the computed signature (tampered or missing). `null` sends no signature header. */
  signature?: string | null;
  retryNum?: number;
  retryReason?: string;
  secret?: string;
}

export interface SlackResponse {
  status: number;
  text: string;
  json: unknown;
  headers: Headers;
}

/** `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret. */
export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Posts to `/slack/events` as Slack does. */
export async function postToSlackEvents(baseUrl: string, post: SignedPost): Promise<SlackResponse> {
  const timestamp = post.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': post.contentType,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    'x-slack-request-timestamp': String(timestamp),
  };
  const signature = post.signature === undefined ? sign(post.secret ?? SIGNING_SECRET, timestamp, post.body) : post.signature;
  if (signature !== null) headers['x-slack-signature'] = signature;
  if (post.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(post.retryNum);
    headers['x-slack-retry-reason'] = post.retryReason ?? 'http_timeout';
  }
  const response = await fetch(`${baseUrl}/slack/events`, { method: 'POST', headers, body: post.body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json, headers: response.headers };
}

// ---- Events API -------------------------------------------------------------------------------

let sequence = 0;
function nextTs(): string {
  sequence += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(sequence).padStart(6, '0')}`;
}

export function eventId(): string {
  return `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
}

/** An `event_callback` envelope around `event`, as delivered to the Request URL. */
export function eventEnvelope(event: Record<string, unknown>, options: { team?: string; eventId?: string } = {}): Record<string, unknown> {
  const team = options.team ?? FAKE_TEAM.id;
  return {
    token: 'XXYYZZverificationtokenXXYYZZ',
    team_id: team,
    context_team_id: team,
    context_enterprise_id: null,
    api_app_id: APP_ID,
    event,
    type: 'event_callback',
    event_id: options.eventId ?? eventId(),
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: team, user_id: FAKE_BOT.userId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${Buffer.from(randomUUID()).toString('base64url').slice(0, 40)}`,
  };
}

/** The rich_text block Slack adds to a typed message. */
function richText(text: string): Record<string, unknown>[] {
  return [{ type: 'rich_text', block_id: randomUUID().slice(0, 5), elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text }] }] }];
}

/** A `message.im` event: `user` wrote `text` in their direct messages with the app. */
export function messageIm(user: SlackPerson, text: string, channel: string): Record<string, unknown> {
  const ts = nextTs();
  return {
    user: user.id,
    type: 'message',
    ts,
    client_msg_id: randomUUID(),
    text,
    team: user.team ?? FAKE_TEAM.id,
    blocks: richText(text),
    channel,
    event_ts: ts,
    channel_type: 'im',
  };
}

/** An `app_mention` event in a channel: `<@BOT> text`. */
export function appMention(user: SlackPerson, text: string, channel: string): Record<string, unknown> {
  const ts = nextTs();
  const full = `<@${FAKE_BOT.userId}> ${text}`;
  return { type: 'app_mention', user: user.id, text: full, ts, client_msg_id: randomUUID(), team: user.team ?? FAKE_TEAM.id, blocks: richText(full), channel, event_ts: ts };
}

/** `app_home_opened` on the Home tab. */
export function appHomeOpened(user: SlackPerson, channel: string): Record<string, unknown> {
  return { type: 'app_home_opened', user: user.id, channel, tab: 'home', event_ts: nextTs() };
}

// ---- Interactivity ----------------------------------------------------------------------------

/** A form body with one `payload` field, as interactivity requests arrive. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

function payloadUser(user: SlackPerson): Record<string, unknown> {
  return { id: user.id, username: user.name.toLowerCase().replace(/\W+/g, '.'), name: user.name.toLowerCase().replace(/\W+/g, '.'), team_id: user.team ?? FAKE_TEAM.id };
}

/**
 * A `block_actions` payload: `user` clicked the button `actionId` (its `value` as given, which a
 * test may tamper with) on `message`. `triggerId` comes from the Web API fake so `views.open` can
 * use it.
 */
export function blockActions(
  user: SlackPerson,
  message: Pick<PostedMessage, 'channel' | 'ts' | 'text' | 'blocks' | 'threadTs'>,
  action: { actionId: string; value?: string; blockId?: string },
  triggerId: string,
  options: { team?: string } = {},
): Record<string, unknown> {
  const team = options.team ?? user.team ?? FAKE_TEAM.id;
  const button = findButton(message.blocks, action.actionId);
  return {
    type: 'block_actions',
    user: payloadUser(user),
    api_app_id: APP_ID,
    token: 'XXYYZZverificationtokenXXYYZZ',
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    trigger_id: triggerId,
    team: { id: team, domain: 'contoso' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: message.channel, name: 'directmessage' },
    message: { type: 'message', user: FAKE_BOT.userId, bot_id: FAKE_BOT.botId, text: message.text, blocks: message.blocks, ts: message.ts, ...(message.threadTs ? { thread_ts: message.threadTs } : {}), team },
    state: { values: {} },
    response_url: `https://hooks.slack.com/actions/${team}/1234567890/abcdefABCDEF`,
    actions: [
      {
        action_id: action.actionId,
        block_id: action.blockId ?? button?.blockId ?? 'b1',
        text: { type: 'plain_text', text: button?.text ?? action.actionId, emoji: true },
        ...(action.value !== undefined ? { value: action.value } : button?.value !== undefined ? { value: button.value } : {}),
        type: 'button',
        action_ts: nextTs(),
      },
    ],
  };
}

/** A button on a message by its `action_id` (in an actions block or beside a section): its value, label and block. */
export function findButton(blocks: Record<string, unknown>[], actionId: string): { value?: string; text: string; blockId?: string } | undefined {
  for (const block of blocks) {
    const elements = (block.type === 'actions' && Array.isArray(block.elements) ? block.elements : block.accessory ? [block.accessory] : []) as Record<string, any>[];
    for (const element of elements) {
      if (element.action_id === actionId) return { value: element.value, text: element.text?.text, blockId: block.block_id as string | undefined };
    }
  }
  return undefined;
}

/**
 * A `view_submission` payload for an opened modal: `values` are the inputs by block id and
 * action id, as Slack reports plain text inputs.
 */
export function viewSubmission(user: SlackPerson, view: Record<string, unknown>, values: Record<string, Record<string, string | null>>, options: { team?: string; viewId?: string } = {}): Record<string, unknown> {
  const team = options.team ?? user.team ?? FAKE_TEAM.id;
  const state: Record<string, Record<string, unknown>> = {};
  for (const [blockId, inputs] of Object.entries(values)) {
    state[blockId] = Object.fromEntries(Object.entries(inputs).map(([actionId, value]) => [actionId, { type: 'plain_text_input', value }]));
  }
  return {
    type: 'view_submission',
    team: { id: team, domain: 'contoso' },
    user: payloadUser(user),
    api_app_id: APP_ID,
    token: 'XXYYZZverificationtokenXXYYZZ',
    trigger_id: `${Date.now()}.1.${randomUUID().slice(0, 8)}`,
    view: {
      id: options.viewId ?? 'V000000001',
      team_id: team,
      state: { values: state },
      hash: '1763884800.abcdEF12',
      previous_view_id: null,
      root_view_id: options.viewId ?? 'V000000001',
      app_id: APP_ID,
      bot_id: FAKE_BOT.botId,
      ...view,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

// ---- Slash commands ---------------------------------------------------------------------------

/** `/mailbox text` typed in `channel`: the form fields Slack posts. */
export function slashCommandBody(user: SlackPerson, text: string, channel: string, options: { team?: string; command?: string } = {}): string {
  const team = options.team ?? user.team ?? FAKE_TEAM.id;
  return new URLSearchParams({
    token: 'XXYYZZverificationtokenXXYYZZ',
    team_id: team,
    team_domain: 'contoso',
    channel_id: channel,
    channel_name: channel.startsWith('D') ? 'directmessage' : 'general',
    user_id: user.id,
    user_name: user.name.toLowerCase().replace(/\W+/g, '.'),
    command: options.command ?? '/mailbox',
    text,
    api_app_id: APP_ID,
    is_enterprise_install: 'false',
    response_url: `https://hooks.slack.com/commands/${team}/1234567890/abcdefABCDEF`,
    trigger_id: `${Date.now()}.1.${randomUUID().slice(0, 8)}`,
  }).toString();
}
