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
import { isBotError } from '../../domain/errors.js';
import { requesterZone } from '../../domain/time.js';
import { cleanInput, htmlAttachmentsOf } from '../../language/clean.js';
import type { ConversationApi, Lang, Reply, Speaker } from '../../conversation/types.js';
import { langOf } from '../../conversation/wording/strings.js';
import { ADAPTIVE_CARD_CONTENT_TYPE, t } from './cards.js';
import { isMentionLookupBlocked, isMentionLookupUnavailable } from '../mention-lookup.js';
import { MAX_MENTIONS, type TeamsMentionResolver } from './mentions.js';
import { messageLang } from './message-language.js';
import type { TeamsOwedReplies } from './owed-replies.js';
import { errorSummary, type Delivered, type ProactiveSender } from './proactive.js';
import type { TeamsRepository } from './repositories.js';
import { isTextReply, keepSummaryCopy, replyActivity, replyCard } from './replies.js';
import { passingDeliveryError } from './teams-messaging.js';

export type { UnderstandFn } from '../../conversation/types.js';

export interface TeamsBotDeps {
  /** The channel-neutral conversation: everything the bot says is decided there. */
  conversation: ConversationApi;
  repository: TeamsRepository;
  /** Who the people @-mentioned in a message are (directory users, by Teams' mention entities). */
  mentions: TeamsMentionResolver;
  /** One answer per activity id, across restarts and instances. */
  ledger: TurnLedger;
  logger: Logger;
  /** Where each person last spoke to the bot: messages owed to them go there. */
  presence?: Presence;
  /**
   * The person's personal chat with the bot (saved reference, else a new 1:1 chat): where the
   * answers to a turn in a channel or group chat go. Without it such a turn gets only the pointer.
   */
  sender?: Pick<ProactiveSender, 'sendToUser'>;
  /**
   * Where a turn's replies go that the Bot Connector refuses for now (429, 5xx, network): durable
   * jobs that send them when Teams is back (`createTeamsOwedReplies`), into the turn's
   * conversation, or for a turn in a channel or group chat into the personal chat. Without it such
   * a failure fails the turn, and the reply is lost (Teams' redelivery is "answered before"); a
   * shared conversation's answer then gets "message me in a personal chat".
   */
  owed?: Pick<TeamsOwedReplies, 'owe'>;
}

/**
 * The Teams edge of the conversation: turns activities into the conversation's neutral input
 * (the authenticated `from.aadObjectId`, plain text, the people @-mentioned in it as marked
 * mentions, locale, time zone) and its replies into
 * messages and Adaptive Cards. Keeps conversation references and card copies so later messages and
 * card updates reach people. A turn in a channel or group chat (`conversation.conversationType`
 * other than `personal`) is answered in the person's personal chat, and the shared conversation
 * gets only a pointer: queries, audit, "my requests" and summaries name who holds which rights
 * (SPEC section 2), which the other members must not read.
 */
export class TeamsBot extends TeamsActivityHandler {
  constructor(private readonly deps: TeamsBotDeps) {
    super();
    // Every activity (messages, clicks, installs, from any chat) tells where Teams wants the bot's
    // calls for its tenant now: kept, so messages to people who have not written since go there.
    this.onTurn(async (context, next) => {
      const { serviceUrl } = context.activity;
      const tenantId = context.activity.conversation?.tenantId ?? (context.activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
      if (serviceUrl && typeof tenantId === 'string' && tenantId) await this.deps.repository.noteServiceUrl(tenantId, serviceUrl);
      await next();
    });
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
    if (!userId || isShared(activity)) return;
    const reference = TurnContext.getConversationReference(activity);
    await this.deps.repository.saveReference(userId, reference, { locale: activity.locale, timeZone: zoneToKeep(activity) });
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
    // The bot's own mentions dropped; each user @-mention written as the directory user Teams says it
    // is (`TeamsMentionResolver`), and marked as them so a namesake is never taken instead.
    const lang = langOf(activity.locale) ?? 'en';
    let unreadable: 'teams.mention.unavailable' | 'teams.mention.blocked' | 'refusal.directory_unavailable' | undefined;
    const read = await this.deps.mentions.read(context, t(lang, 'teams.mention.unnamed')).catch((error: unknown) => {
      if (isMentionLookupUnavailable(error)) {
        // Teams refusing the bot itself (401, 403, 400) will not pass in a moment; the resolver logged the operator's error.
        const blocked = isMentionLookupBlocked(error);
        this.deps.logger.warn(
          { activityId: activity.id, userId, err: errorSummary(error), ...error.details },
          blocked ? "Teams refuses the bot's member lookups; message refused" : 'mentioned people could not be checked right now; message refused',
        );
        unreadable = blocked ? 'teams.mention.blocked' : 'teams.mention.unavailable';
        return undefined;
      }
      // The directory failing while the mentioned people are looked up: the same answer the
      // conversation gives when it cannot reach the directory, not the generic "something went wrong".
      if (isBotError(error, 'directory_unavailable')) {
        this.deps.logger.warn({ activityId: activity.id, userId, err: errorSummary(error) }, 'directory unavailable while reading mentions; message refused');
        unreadable = 'refusal.directory_unavailable';
        return undefined;
      }
      throw error;
    });
    let replies: Reply[];
    // Teams (or the directory) could not say right now who someone mentioned is (429, 5xx, network,
    // too slow; or Teams refused the bot itself: told as such, not as "try again"): the whole message
    // is refused and nothing is done for it. "Not found" would tell the
    // person a colleague has no account, and reading the message without them would leave them out silently.
    if (!read) replies = [{ kind: 'text', text: t(messageLang(activity), unreadable ?? 'teams.mention.unavailable'), tone: 'warning' }];
    // Too many people mentioned to look up: the whole message is refused, so no one in it is left out silently.
    else if (read.tooMany) replies = [{ kind: 'text', text: t(messageLang(activity), 'teams.mention.tooMany', { count: read.tooMany, max: MAX_MENTIONS }), tone: 'warning' }];
    else {
      // Already cleaned by the language layer's one input cleaner (entities decoded, markup and other
      // mentions' tags gone, their names kept); cleaned once only, so the marked people's places hold.
      // A message with no words there is read from its text/html attachment.
      const text = read.text || cleanInput('', htmlAttachmentsOf(activity.attachments), { dropLeadingMention: false });
      replies = await this.deps.conversation.handleText({ ...speaker(activity, userId), text, ...(read.mentions.length ? { mentions: read.mentions } : {}) });
    }
    if (isShared(activity)) {
      if (replies.length === 0) return;
      const pointer = await this.answerPrivately(activity, userId, replies);
      // The pointer holds nothing private: refused for now, it is owed to the shared conversation as any turn reply is.
      await this.sendReplies(context, [{ kind: 'text', text: pointer }], userId);
      return;
    }
    await this.sendReplies(context, replies, userId);
  }

  /**
   * Sends a shared conversation's turn's replies to the person's personal chat (keeping a summary's
   * copy there, and recording that they spoke on Teams, so later messages reach them there) and
   * returns the pointer for the shared conversation, in the language of the answer (`messageLang`): "answered in our
   * personal chat"; "coming to our personal chat shortly" when the Bot Connector refused them for
   * now and they are owed there as jobs; or, when that chat cannot be reached (never installed for
   * them, no chat known yet to open one from, Teams refusing it), "message me in a personal chat".
   * Nothing of the answer is ever posted where others read it.
   */
  private async answerPrivately(activity: Activity, userId: string, replies: readonly Reply[]): Promise<string> {
    // The language the answer itself is in: the message's own words, else the client's (a click has no words).
    const lang = messageLang(activity);
    return t(lang, POINTERS[await this.sendPrivately(userId, replies)]);
  }

  private async sendPrivately(userId: string, replies: readonly Reply[]): Promise<PrivateAnswer> {
    const { sender } = this.deps;
    if (!sender) return 'unreachable';
    for (const [index, reply] of replies.entries()) {
      let sent: Delivered | undefined;
      try {
        sent = await sender.sendToUser(userId, replyActivity(reply));
      } catch (error) {
        return this.owePrivately(userId, replies.slice(index), error);
      }
      if (!sent) return 'unreachable';
      // Sent: the person has it, whatever becomes of the copy.
      await keepSummaryCopy(this.deps.repository, reply, sent.reference, sent.activityId).catch((error: unknown) => {
        this.deps.logger.error({ userId, err: errorSummary(error) }, 'summary delivered to the personal chat, but its copy was not kept; later changes will not update it');
      });
    }
    await this.deps.presence?.spokeOn(userId, 'teams');
    return 'answered';
  }

  /**
   * After the personal chat refused `replies[0]` with `error`: when that may pass (429, 5xx,
   * network: `passingDeliveryError`) and `owed` is set, `replies` are owed to the personal chat
   * as jobs ('owed'); anything else, or no job committed, is 'unreachable'.
   */
  private async owePrivately(userId: string, replies: readonly Reply[], error: unknown): Promise<PrivateAnswer> {
    const { owed, logger } = this.deps;
    const passing = owed ? passingDeliveryError(error) : undefined;
    if (!owed || !passing) {
      logger.warn({ userId, err: errorSummary(error) }, 'answer to a shared conversation not delivered to the personal chat');
      return 'unreachable';
    }
    try {
      await owed.owe({ personalChat: true }, replies, userId, passing.retryAfterMs ?? 0);
    } catch (failure) {
      logger.error({ userId, err: errorSummary(failure) }, 'answer to a shared conversation neither delivered nor owed');
      return 'unreachable';
    }
    logger.warn(
      { userId, owed: replies.length, err: errorSummary(error), retryAfterMs: passing.retryAfterMs },
      'Teams refused an answer to a shared conversation for now; it is owed to the personal chat as a job',
    );
    // Recorded now, as for a reply sent: they spoke on Teams, and their answer is on its way there.
    // Not when the job delivers it, which may be hours later, after they spoke somewhere else.
    await this.deps.presence?.spokeOn(userId, 'teams');
    return 'owed';
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const activity = context.activity;
    const userId = activity.from?.aadObjectId ?? '';
    const raw = (invokeValue?.action?.data ?? {}) as Record<string, unknown>;
    // The cards' own field names (`draft`, `rejectReason`) as the conversation's.
    const data: Record<string, unknown> = { ...raw, draftId: raw.draft, reason: raw.rejectReason };
    const verb = userId ? String(invokeValue?.action?.verb ?? '') : '';
    // A click reports the clicker's locale and time zone as a message does: kept (on the chat
    // already saved for them; a click never changes where they are reached) before the decision, so
    // the card updates that follow it render in the zone the click answer used.
    if (userId) await this.deps.repository.updateClient(userId, { locale: activity.locale, timeZone: zoneToKeep(activity) });
    const replies = await this.deps.conversation.handleAction({ ...speaker(activity, userId), verb, data });
    // A card left in a channel: answered in the personal chat; the clicker alone sees the pointer, the card stays.
    if (isShared(activity) && userId && replies.length > 0) return invokeMessage(await this.answerPrivately(activity, userId, replies));
    const [answer, ...more] = replies;
    await this.sendReplies(context, more, userId);
    if (!answer) return invokeMessage('');
    if (isTextReply(answer)) return invokeMessage(answer.text);
    return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: replyCard(answer) as unknown as AdaptiveCardInvokeResponse['value'] };
  }

  /**
   * Sends `replies` in order as messages in the turn's conversation, keeping a summary's copy for
   * later updates. When the Bot Connector refuses one for now (429, 5xx, network: after its own
   * in-process retries) and `owed` is set, that reply and the ones after it are committed as jobs
   * sent into the same conversation when Teams is back, and this resolves: the activity id is
   * already claimed in the ledger, so a failed turn would lose them. Other failures throw.
   */
  private async sendReplies(context: TurnContext, replies: readonly Reply[], userId: string): Promise<void> {
    const reference = TurnContext.getConversationReference(context.activity);
    for (const [index, reply] of replies.entries()) {
      let response: { id?: string } | undefined;
      try {
        response = await context.sendActivity(replyActivity(reply));
      } catch (error) {
        const { owed } = this.deps;
        const passing = owed && userId ? passingDeliveryError(error) : undefined;
        if (!owed || !passing) throw error;
        this.deps.logger.warn(
          { conversationId: reference.conversation?.id, userId, owed: replies.length - index, err: errorSummary(error), retryAfterMs: passing.retryAfterMs },
          'Teams refused a turn reply for now; it is owed as a job',
        );
        await owed.owe({ reference }, replies.slice(index), userId, passing.retryAfterMs ?? 0);
        return;
      }
      if (response?.id) await keepSummaryCopy(this.deps.repository, reply, reference, response.id);
    }
  }
}

/** How a shared conversation's answer went to the personal chat (`sendPrivately`). */
type PrivateAnswer = 'answered' | 'owed' | 'unreachable';

/** The pointer the shared conversation gets for each. */
const POINTERS = { answered: 'teams.answeredInChat', owed: 'teams.answerComing', unreachable: 'teams.askInChat' } as const satisfies Record<PrivateAnswer, string>;

/**
 * A channel or group chat, read by others than the person. Teams names it in
 * `conversation.conversationType`; without one, `isGroup` or a thread id (`19:…@thread…`, Teams'
 * channel and group-chat ids) still marks it shared, and only what is left is taken as the
 * personal chat (some clients and older emulators send no type).
 */
function isShared(activity: Activity): boolean {
  const conversation = activity.conversation;
  const type = conversation?.conversationType;
  if (type !== undefined && type !== '') return type !== 'personal';
  return conversation?.isGroup === true || /^19:.*@thread/i.test(conversation?.id ?? '');
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

/**
 * The zone kept with their chat for later cards and notices, as the conversation writes their replies
 * (`requesterZone`): the client's IANA zone when this runtime knows it, else the offset of its
 * `localTimestamp` ("+01:00"), else the zone name as reported (shown as UTC).
 */
function zoneToKeep(activity: Activity): string | undefined {
  const named = timeZoneOf(activity);
  return requesterZone(named, utcOffset(activity)) ?? named;
}

/** The client's UTC offset from `localTimestamp` ("...+02:00"), so "until Friday" means their Friday. */
function utcOffset(activity: Activity): number | undefined {
  const raw = (activity as { rawLocalTimestamp?: string }).rawLocalTimestamp;
  const match = typeof raw === 'string' ? /([+-])(\d{2}):(\d{2})$/.exec(raw) : null;
  if (!match) return undefined;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}
