import type { Logger } from 'pino';
import type { MessagingChannel, OutboundMessage } from '../../conversation/messaging.js';
import type { Directory } from '../../directory/directory.js';
import { BotError, isBotError } from '../../domain/errors.js';
import type { PermissionRequest } from '../../domain/request.js';
import { outboundReply } from '../../conversation/wording/index.js';
import { isTextReply, replyCard } from './replies.js';
import { cardAttachment, t, type CardJson, type Lang } from './cards.js';
import { BotConnectorError } from './bot-connector-http.js';
import { errorSummary, type ProactiveSender } from './proactive.js';
import type { StoredReference, TeamsRepository } from './repositories.js';
import { approvalCard, langOf, Names, summaryCard, type Audience } from './views.js';

/**
 * Teams as a `MessagingChannel`: renders each message the notification policy asks for as an
 * Adaptive Card and sends it to the person's personal chat (opening one by Entra object id if
 * needed), and re-renders every copy of a request's cards. It decides nothing about who is told.
 *
 * Bot Connector failures become the port's coded errors: 403 and 404 when reaching the person
 * (the app is not installed for them, they blocked it, they left the tenant) are
 * `recipient_unreachable`; throttling (429), 5xx, timeouts and network errors are
 * `channel_unavailable`, retried by the delivery job.
 */
export class TeamsMessaging implements MessagingChannel {
  readonly name = 'teams';
  /** Teams can open a 1:1 chat with anyone in the tenant who has the app (by Entra object id). */
  readonly opensChats = true;

  constructor(
    private readonly sender: ProactiveSender,
    private readonly repository: TeamsRepository,
    private readonly directory: Directory,
    private readonly logger: Logger,
  ) {}

  async lastSeen(userId: string): Promise<number | undefined> {
    return (await this.repository.reference(userId))?.updatedAt;
  }

  async health(): Promise<boolean> {
    return true;
  }

  async send(message: OutboundMessage): Promise<void> {
    const { audience, stored } = await this.recipient(message.recipientId, message.language);
    const names = new Names(this.directory);
    const card = await this.render(message, names, audience);
    if (!card) return;
    const summary = message.role === 'approver' ? undefined : t(audience.lang, 'post.title');
    const delivered = await this.sender
      .sendToUser(message.recipientId, { attachments: [cardAttachment(card)], ...(summary ? { summary } : {}) }, stored)
      .catch((error: unknown) => {
        throw asDeliveryError(error);
      });
    if (!delivered) {
      // No chat with anyone yet, so no service URL to open one: it may come once someone writes.
      throw new BotError('channel_unavailable', 'Teams: no conversation known yet to open a chat from', { details: { channel: 'teams', reason: 'no_service_url' } });
    }
    if (message.role === 'approver') {
      await this.repository.addCardCopy(message.request.id, {
        userId: message.recipientId,
        role: 'approver',
        reference: delivered.reference,
        activityId: delivered.activityId,
        ...audience,
      });
    }
  }

  /** Re-renders every copy of the request's cards (approvers' and the requester's summary). */
  async updateCopies(request: PermissionRequest): Promise<void> {
    const copies = await this.repository.cardCopies(request.id);
    const names = new Names(this.directory);
    const failures: unknown[] = [];
    await Promise.all(
      copies.map(async (copy) => {
        // The copy's owner's zone as Teams last reported it (a click or message since the copy was
        // sent), else the one it was sent with: every copy of a card in the same zone as the click answer.
        const timeZone = (await this.repository.reference(copy.userId))?.timeZone ?? copy.timeZone;
        const audience: Audience = timeZone ? { lang: copy.lang, timeZone } : { lang: copy.lang };
        const card = copy.role === 'approver' ? await approvalCard(request, names, audience) : await summaryCard(request, names, audience);
        try {
          await this.sender.update(copy, { attachments: [cardAttachment(card)] });
        } catch (error) {
          const coded = asDeliveryError(error);
          // A deleted chat or message cannot be updated; anything else may pass.
          if (coded.retryable) failures.push(coded);
          else this.logger.warn({ requestId: request.id, userId: copy.userId, err: errorSummary(error) }, 'card copy cannot be updated');
        }
      }),
    );
    if (failures.length) throw failures[0];
  }

  /**
   * A recipient's audience: language (set by the message, else their directory preference, else the
   * locale of their chat, else English) and time zone; and their saved chat, read once.
   */
  private async recipient(userId: string, preferred?: Lang): Promise<{ audience: Audience; stored: StoredReference | null }> {
    const [user, stored] = await Promise.all([this.directory.getUser(userId), this.repository.reference(userId)]);
    const lang = preferred ?? langOf(user?.preferredLanguage) ?? langOf(stored?.locale) ?? 'en';
    return { audience: stored?.timeZone ? { lang, timeZone: stored.timeZone } : { lang }, stored: stored ?? null };
  }

  /**
   * The card of an owed message: the channel-neutral reply (`outboundReply`: the approval request,
   * the admin's failure notice with Retry, every post-back) laid out as Teams' Adaptive Card.
   */
  private async render(message: OutboundMessage, names: Names, audience: Audience): Promise<CardJson | undefined> {
    const reply = await outboundReply(message, names, audience);
    return reply && !isTextReply(reply) ? replyCard(reply) : undefined;
  }
}

/**
 * A Bot Connector failure as the port's coded error. Teams answers 403 when the bot may not
 * message the person (app not installed for them, blocked, another tenant) and 404 when the
 * person or the conversation does not exist; botbuilder surfaces both as `statusCode`.
 */
export function asDeliveryError(error: unknown): BotError {
  if (isBotError(error)) return error;
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  const message = error instanceof Error ? error.message : String(error);
  if (status === 403 || status === 404) {
    return new BotError('recipient_unreachable', `Teams refused the chat (${status}): ${message}`.slice(0, 300), { cause: error, details: { channel: 'teams', status } });
  }
  if (status === 400 || status === 401 || status === 413) {
    // The message itself, or our credentials, are wrong: trying again will not help.
    return new BotError('channel_unavailable', `Teams rejected the message (${status}): ${message}`.slice(0, 300), { cause: error, retryable: false, details: { channel: 'teams', status } });
  }
  const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return new BotError('channel_unavailable', `Teams is unavailable${typeof status === 'number' ? ` (${status})` : ''}: ${message}`.slice(0, 300), {
    cause: error,
    details: { channel: 'teams', ...(typeof status === 'number' ? { status } : {}), ...(typeof retryAfterMs === 'number' ? { retryAfterMs } : {}) },
  });
}

/**
 * A Bot Connector failure that may pass, coded as `asDeliveryError` codes it (`channel_unavailable`,
 * retryable, with `retryAfterMs` when the connector sent Retry-After): throttling (429), 408, 5xx,
 * and network errors and timeouts on the way to it. `undefined` for everything else: a refusal (400,
 * 401, 403, 404, 413) and any error that did not come from a Bot Connector call at all (a bug is
 * not an outage, and is not worth owing).
 */
export function passingDeliveryError(error: unknown): BotError | undefined {
  const fromConnector =
    isBotError(error) ||
    error instanceof BotConnectorError ||
    typeof (error as { statusCode?: unknown } | undefined)?.statusCode === 'number' ||
    (error as { name?: unknown } | undefined)?.name === 'RestError';
  if (!fromConnector) return undefined;
  const coded = asDeliveryError(error);
  return coded.code === 'channel_unavailable' && coded.retryable ? coded : undefined;
}
