/** Activities shaped as Microsoft Teams posts them to `/api/messages`. */

export interface TeamsUser {
  /** Entra object id (`from.aadObjectId`). */
  aad: string;
  name: string;
  locale?: string;
  timeZone?: string;
}

export interface TeamsContext {
  tenantId: string;
  serviceUrl: string;
  botId?: string;
}

let counter = 0;

/** The personal chat of a user with the bot. */
export function personalConversationId(user: TeamsUser): string {
  return `a:personal-${user.aad}`;
}

function base(user: TeamsUser, ctx: TeamsContext) {
  const now = new Date();
  return {
    id: `act-${++counter}`,
    channelId: 'msteams',
    serviceUrl: ctx.serviceUrl,
    timestamp: now.toISOString(),
    localTimestamp: now.toISOString().replace('Z', '+00:00'),
    localTimezone: user.timeZone ?? 'Europe/Amsterdam',
    locale: user.locale ?? 'en-US',
    from: { id: `29:${user.aad}`, name: user.name, aadObjectId: user.aad },
    recipient: { id: `28:${ctx.botId ?? 'bot-app-id'}`, name: 'Mailbox access' },
    conversation: { conversationType: 'personal', tenantId: ctx.tenantId, id: personalConversationId(user) },
    channelData: { tenant: { id: ctx.tenantId } },
    entities: [{ type: 'clientInfo', locale: user.locale ?? 'en-US', country: 'NL', platform: 'Web', timezone: user.timeZone ?? 'Europe/Amsterdam' }],
  };
}

export function installationUpdate(user: TeamsUser, ctx: TeamsContext) {
  return { ...base(user, ctx), type: 'installationUpdate', action: 'add' };
}

export function message(user: TeamsUser, ctx: TeamsContext, text: string) {
  return { ...base(user, ctx), type: 'message', text, textFormat: 'plain' };
}

/** An `Action.Execute` click on a card the bot sent (`replyToId` is that card's activity id). */
export function cardAction(
  user: TeamsUser,
  ctx: TeamsContext,
  verb: string,
  data: Record<string, unknown>,
  options: { replyToId?: string; conversationId?: string } = {},
) {
  const activity = base(user, ctx);
  return {
    ...activity,
    type: 'invoke',
    name: 'adaptiveCard/action',
    conversation: { ...activity.conversation, id: options.conversationId ?? activity.conversation.id },
    ...(options.replyToId ? { replyToId: options.replyToId } : {}),
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

/** Posts an activity to the bot as the Teams service would. */
export async function post(port: number, activity: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`http://127.0.0.1:${port}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof activity === 'string' ? activity : JSON.stringify(activity),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: response.status, body };
}

/**
 * A user mention as Teams writes it: `<at>{shown}</at>` in `activity.text` (the person's display name,
 * or the part of it the writer kept) and a `mention` entity whose `text` is exactly that tag and
 * whose `mentioned` is the Teams account (`29:` + object id). Teams does not always put the Entra
 * object id in the entity (`withAadObjectId`).
 */
export function mentionOf(user: Pick<TeamsUser, 'aad' | 'name'>, options: { shown?: string; withAadObjectId?: boolean } = {}) {
  return {
    type: 'mention',
    text: `<at>${options.shown ?? user.name}</at>`,
    mentioned: { id: `29:${user.aad}`, name: user.name, ...(options.withAadObjectId ? { aadObjectId: user.aad } : {}) },
  };
}

/** The bot's own mention (`mentioned.id` is the activity's `recipient.id`), as a channel message to it starts. */
export function botMentionOf(ctx: TeamsContext) {
  return { type: 'mention', text: '<at>Mailbox access</at>', mentioned: { id: `28:${ctx.botId ?? 'bot-app-id'}`, name: 'Mailbox access' } };
}

/** A message with mention entities after the usual clientInfo one; `where` puts it in a group chat or a team's channel. */
export function messageWithMentions(
  user: TeamsUser,
  ctx: TeamsContext,
  text: string,
  mentions: ReadonlyArray<ReturnType<typeof mentionOf>>,
  where: { groupChat?: string; channel?: string; teamId?: string } = {},
) {
  const activity = message(user, ctx, text);
  const conversation = where.channel
    ? { conversationType: 'channel', tenantId: ctx.tenantId, id: where.channel, isGroup: true }
    : where.groupChat
      ? { conversationType: 'groupChat', tenantId: ctx.tenantId, id: where.groupChat, isGroup: true }
      : activity.conversation;
  const channelData = where.teamId ? { ...activity.channelData, team: { id: where.teamId }, channel: { id: where.channel } } : activity.channelData;
  return { ...activity, conversation, channelData, entities: [...activity.entities, ...mentions] };
}
