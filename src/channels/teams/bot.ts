import {
  TeamsActivityHandler,
  TurnContext,
  type Activity,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
} from 'botbuilder';
import type { Logger } from 'pino';
import type { Presence } from '../../conversation/presence.js';
import type { TurnLedger } from '../../conversation/turn-ledger.js';
import { cleanInput, htmlAttachmentsOf } from '../../language/clean.js';
import type { ConversationApi, Reply, Speaker } from '../../conversation/types.js';
import { ADAPTIVE_CARD_CONTENT_TYPE, cardAttachment, type CardJson } from './cards.js';
import type { TeamsRepository } from './repositories.js';
import { replyCard } from './replies.js';

export type { UnderstandFn } from '../../conversation/types.js';

export interface TeamsBotDeps {
  /** The channel-neutral conversation: everything the bot says is decided there. */
  conversation: ConversationApi;
  repository: TeamsRepository;
  /** One answer per activity id, across restarts and instances. */
  ledger: TurnLedger;
  logger: Logger;
  /** Where each person last spoke to the bot: messages owed to them go there. */
  presence?: Presence;
}

/**
 * The Teams edge of the conversation: turns activities into the conversation's neutral input
 * (the authenticated `from.aadObjectId`, plain text, locale, time zone) and its replies into
 * messages and Adaptive Cards. Keeps conversation references and card copies so later messages and
 * card updates reach people.
 */
export class TeamsBot extends TeamsActivityHandler {
  constructor(private readonly deps: TeamsBotDeps) {
    super();
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onInstallationUpdate(async (context, next) => {
      const action = context.activity.action ?? '';
      if (action.startsWith('add')) await this.rememberConversation(context);
      // After an uninstall the saved chat no longer reaches the person; a later message reopens one.
      else if (action.startsWith('remove') && context.activity.from?.aadObjectId && context.activity.conversation?.conversationType === 'personal') {
        await this.deps.repository.forgetReference(context.activity.from.aadObjectId);
      }
      await next();
    });
    this.onConversationUpdate(async (context, next) => {
      await this.rememberConversation(context);
      await next();
    });
  }

  private async rememberConversation(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const userId = activity.from?.aadObjectId;
    // Only personal chats are a way to reach someone privately.
    const type = activity.conversation?.conversationType;
    if (!userId || (type && type !== 'personal')) return;
    const reference = TurnContext.getConversationReference(activity);
    await this.deps.repository.saveReference(userId, reference, { locale: activity.locale, timeZone: timeZoneOf(activity) });
    await this.deps.presence?.spokeOn(userId, 'teams');
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const userId = activity.from?.aadObjectId;
    if (!userId) {
      this.deps.logger.warn({ activityId: activity.id }, 'message without aadObjectId ignored');
      return;
    }
    // Teams delivers the same activity again when the bot answers slowly: one answer per id.
    if (activity.id && !(await this.deps.ledger.claim('teams', activity.id))) {
      this.deps.logger.info({ activityId: activity.id, userId }, 'activity delivered again; answered before');
      return;
    }
    await this.rememberConversation(context);
    const raw = typeof activity.text === 'string' ? (TurnContext.removeRecipientMention(activity) ?? activity.text) : '';
    // The language layer's one input cleaner: entities decoded, markup and other mentions' tags gone
    // (the names stay), an HTML-only message read from its text/html attachment.
    const text = cleanInput(raw, htmlAttachmentsOf(activity.attachments), { dropLeadingMention: false });
    const replies = await this.deps.conversation.handleText({ ...speaker(activity, userId), text });
    for (const reply of replies) await this.send(context, reply);
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const activity = context.activity;
    const userId = activity.from?.aadObjectId ?? '';
    const raw = (invokeValue?.action?.data ?? {}) as Record<string, unknown>;
    // The cards' own field names (`draft`, `rejectReason`) as the conversation's.
    const data: Record<string, unknown> = { ...raw, draftId: raw.draft, reason: raw.rejectReason };
    const verb = userId ? String(invokeValue?.action?.verb ?? '') : '';
    const [answer, ...more] = await this.deps.conversation.handleAction({ ...speaker(activity, userId), verb, data });
    for (const reply of more) await this.send(context, reply);
    if (!answer) return invokeMessage('');
    if (answer.kind === 'text' || answer.kind === 'ask' || answer.kind === 'refusal') return invokeMessage(answer.text);
    return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: replyCard(answer) as unknown as AdaptiveCardInvokeResponse['value'] };
  }

  /** One reply as a message: text as plain text, the rest as a card; a summary's copy is kept for later updates. */
  private async send(context: TurnContext, reply: Reply): Promise<void> {
    if (reply.kind === 'text' || reply.kind === 'ask' || reply.kind === 'refusal') {
      await context.sendActivity({ type: 'message', text: reply.text, textFormat: 'plain' });
      return;
    }
    const response = await context.sendActivity({ type: 'message', attachments: [cardAttachment(replyCard(reply) as CardJson)] });
    if (reply.kind === 'summary' && response?.id) {
      await this.deps.repository.addCardCopy(reply.request.id, {
        userId: reply.request.requesterId,
        role: 'summary',
        reference: TurnContext.getConversationReference(context.activity),
        activityId: response.id,
        ...reply.audience,
      });
    }
  }
}

function invokeMessage(text: string): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text as unknown as AdaptiveCardInvokeResponse['value'] };
}

/** Who speaks and what their Teams client reported. */
function speaker(activity: Activity, userId: string): Speaker {
  const out: Speaker = { userId, channel: 'teams' };
  if (activity.id) out.messageId = activity.id;
  if (activity.locale) out.locale = activity.locale;
  const timeZone = timeZoneOf(activity);
  if (timeZone) out.timeZone = timeZone;
  const offset = utcOffset(activity);
  if (offset !== undefined) out.utcOffsetMinutes = offset;
  return out;
}

/** The client's IANA time zone, from `localTimezone` or the clientInfo entity. */
function timeZoneOf(activity: Activity): string | undefined {
  const fromEntity = activity.entities?.find((e) => e.type === 'clientInfo')?.timezone;
  const zoneName = activity.localTimezone ?? (typeof fromEntity === 'string' ? fromEntity : undefined);
  return typeof zoneName === 'string' && zoneName.length < 64 ? zoneName : undefined;
}

/** The client's UTC offset from `localTimestamp` ("...+02:00"), so "until Friday" means their Friday. */
function utcOffset(activity: Activity): number | undefined {
  const raw = (activity as { rawLocalTimestamp?: string }).rawLocalTimestamp;
  const match = typeof raw === 'string' ? /([+-])(\d{2}):(\d{2})$/.exec(raw) : null;
  if (!match) return undefined;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}
