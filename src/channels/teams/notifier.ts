import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from 'pino';
import type { Directory } from '../../directory/directory.js';
import type { EngineEvent, Notifier } from '../../domain/notifier.js';
import type { PermissionRequest } from '../../domain/request.js';
import { cardAttachment, escapeText, t, type CardJson, type Lang } from './cards.js';
import { errorSummary, type ProactiveSender } from './proactive.js';
import type { CardCopy, StoredReference, TeamsRepository } from './repositories.js';
import {
  approvalCard,
  formatClock,
  formatDate,
  howToUse,
  langOf,
  Names,
  noticeCard,
  requestWords,
  rightsLabel,
  summaryCard,
  type Audience,
} from './views.js';

/**
 * Turns engine events into Teams messages: approval cards to approvers, updates of every copy of a
 * request's cards after a change, and post-backs to the requester and the grantee.
 *
 */
export class TeamsNotifier implements Notifier {
  /**
   * Deliveries run at most 16 at a time: enough to overlap the Bot Connector's round trips (each
   * send mostly waits on the network: 4 at a time capped approval cards at 4 per round trip, about
   * 100/s at 40 ms), few enough that a burst of decisions queues its post-backs instead of crowding
   * out the turns people are waiting for (an approver's click must be answered in a second).
   */
  private readonly limit: LimitFunction;

  constructor(
    private readonly sender: ProactiveSender,
    private readonly repository: TeamsRepository,
    private readonly directory: Directory,
    private readonly logger: Logger,
    options: { concurrency?: number; admins?: () => Promise<string[]> } = {},
  ) {
    this.limit = pLimit(options.concurrency ?? 16);
    this.admins = options.admins ?? (() => directory.admins());
  }

  /** The bot's admins (BOT_ADMINS or the directory's): they get failures with a Retry button. */
  private readonly admins: () => Promise<string[]>;

  /**
   * Delivers one event. The engine calls this from its outbox, in order per request and in the
   * background of the transition, so an approver's click is answered before any of this runs.
   * A failed send is logged and does not stop the other recipients.
   */
  async notify(event: EngineEvent): Promise<void> {
    try {
      await this.limit(() => this.deliver(event));
    } catch (error) {
      this.logger.error({ event: event.type, requestId: event.request.id, err: errorSummary(error) }, 'teams delivery failed');
    }
  }

  /**
   * A recipient's audience: language (directory preference, else the locale of their chat, else
   * English) and zone; and their saved chat, read once here and handed to the sender.
   */
  private async recipient(userId: string, preferred?: Lang): Promise<{ audience: Audience; stored: StoredReference | null }> {
    const [user, stored] = await Promise.all([this.directory.getUser(userId), this.repository.reference(userId)]);
    const lang = preferred ?? langOf(user?.preferredLanguage) ?? langOf(stored?.locale) ?? 'en';
    return { audience: stored?.timeZone ? { lang, timeZone: stored.timeZone } : { lang }, stored: stored ?? null };
  }

  private async deliver(event: EngineEvent): Promise<void> {
    const request = event.request;
    const names = new Names(this.directory);
    this.logger.info({ event: event.type, requestId: request.id, state: request.state }, 'teams notify');
    switch (event.type) {
      case 'approval_needed':
        await this.sendApprovalCards(request, names, false);
        return;
      case 'approver_reminder':
        await this.sendApprovalCards(request, names, true);
        return;
      case 'decided': {
        await this.refreshCopies(request, names);
        const by = await names.person(request.decision?.by ?? '');
        await this.postBack(request, names, async (words, lang) => {
          if (request.state === 'rejected') {
            return request.decision?.reason
              ? t(lang, 'post.rejectedReason', { summary: words.summary, by, reason: escapeText(request.decision.reason) })
              : t(lang, 'post.rejected', { summary: words.summary, by });
          }
          return t(lang, 'post.approved', { summary: words.summary, by });
        }, request.state === 'rejected' ? 'Attention' : 'Good');
        return;
      }
      case 'cancelled':
        await this.refreshCopies(request, names);
        if (request.cancelledBy && request.cancelledBy !== request.requesterId) {
          await this.postBack(request, names, async (words, lang) => t(lang, 'post.cancelled', { summary: words.summary }), 'Warning', false);
        }
        return;
      case 'applied':
        await this.refreshCopies(request, names);
        await this.postBack(request, names, async (words, lang, audience) =>
          t(lang, request.kind === 'grant' ? 'post.applied' : 'post.appliedRevoke', {
            summary: words.summary,
            effectiveBy: request.effectiveBy ? formatClock(request.effectiveBy, audience) : '?',
          }),
        'Good');
        return;
      case 'effective':
        await this.refreshCopies(request, names);
        await this.postBack(request, names, async (words, lang, audience) => {
          const lines = [t(lang, 'post.effective', { summary: words.summary })];
          if (request.kind === 'grant') lines.push(t(lang, 'post.howToUse', { how: howToUse(request, words, lang) }));
          if (request.endsAt) lines.push(t(lang, 'post.endsAt', { endsAt: formatDate(request.endsAt, audience) }));
          return lines;
        }, 'Good');
        return;
      case 'not_yet_visible':
        if (!event.finalCheck) return;
        await this.postBack(request, names, async (words, lang) => t(lang, 'post.notVisibleFinal', { summary: words.summary }), 'Attention');
        return;
      case 'failed':
        await this.refreshCopies(request, names);
        await this.tellAdmins(request, names);
        await this.postBack(
          request,
          names,
          async (words, lang) => t(lang, 'post.failed', { summary: words.summary, message: escapeText(request.failure?.message ?? '', 300) }),
          'Attention',
          true,
          request.decision ? [request.decision.by] : [],
        );
        return;
      case 'expired':
        await this.refreshCopies(request, names);
        await this.postBack(request, names, async (words, lang) => t(lang, 'post.expired', { summary: words.summary }), 'Warning', false);
        return;
      case 'revoked':
        await this.refreshCopies(request, names);
        await this.postBack(request, names, async (words, lang) =>
          t(lang, 'post.revoked', { rights: rightsLabel(event.rights, lang), grantee: words.grantee, target: words.target }),
        'Warning');
        return;
      case 'revoke_reminder':
        await this.postBack(request, names, async (words, lang, audience) =>
          t(lang, 'post.revokeReminder', { summary: words.summary, endsAt: request.endsAt ? formatDate(request.endsAt, audience) : '?' }),
        'Warning');
        return;
    }
  }

  /** A failed apply: each admin gets the failure with a Retry button (the engine checks they are admins). */
  private async tellAdmins(request: PermissionRequest, names: Names): Promise<void> {
    const admins = await this.admins();
    await Promise.all(
      admins.map(async (adminId) => {
        const { audience, stored } = await this.recipient(adminId);
        const words = await requestWords(request, names, audience.lang);
        const card = noticeCard(
          audience.lang,
          [t(audience.lang, 'post.failedAdmin', { summary: words.summary, requestId: escapeText(request.id, 80), message: escapeText(request.failure?.message ?? '', 300) })],
          { color: 'Attention', actions: [{ title: t(audience.lang, 'action.retry'), verb: 'retry', requestId: request.id }] },
        );
        await this.sender.sendToUser(adminId, { attachments: [cardAttachment(card)] }, stored).catch((error: unknown) => {
          this.logger.warn({ requestId: request.id, userId: adminId, err: errorSummary(error) }, 'failure notice to admin not delivered');
        });
      }),
    );
  }

  private async sendApprovalCards(request: PermissionRequest, names: Names, reminder: boolean): Promise<void> {
    if (request.state !== 'pending') return;
    await Promise.all(
      request.approverIds.map(async (approverId) => {
        const { audience, stored } = await this.recipient(approverId);
        const card = await approvalCard(request, names, audience, { reminder });
        const delivered = await this.sender.sendToUser(approverId, { attachments: [cardAttachment(card)] }, stored).catch((error: unknown) => {
          this.logger.warn({ requestId: request.id, userId: approverId, err: errorSummary(error) }, 'approval card not delivered');
          return undefined;
        });
        if (!delivered) return;
        await this.repository.addCardCopy(request.id, {
          userId: approverId,
          role: 'approver',
          reference: delivered.reference,
          activityId: delivered.activityId,
          ...audience,
        });
      }),
    );
  }

  /** Re-renders every copy of the request's cards (approvers' and the requester's summary). */
  private async refreshCopies(request: PermissionRequest, names: Names): Promise<void> {
    const copies = await this.repository.cardCopies(request.id);
    await Promise.all(
      copies.map(async (copy) => {
        const audience: Audience = copy.timeZone ? { lang: copy.lang, timeZone: copy.timeZone } : { lang: copy.lang };
        const card = copy.role === 'approver' ? await approvalCard(request, names, audience) : await summaryCard(request, names, audience);
        try {
          await this.sender.update(copy, { attachments: [cardAttachment(card)] });
        } catch (error) {
          this.logger.warn({ requestId: request.id, userId: copy.userId, err: errorSummary(error) }, 'card update failed');
        }
      }),
    );
  }

  /**
   * A notice to the requester, and to the grantee when that is someone else (and to `extra`
   * people). The requester hears in the language of their request; others in theirs.
   */
  private async postBack(
    request: PermissionRequest,
    names: Names,
    text: (words: Awaited<ReturnType<typeof requestWords>>, lang: Lang, audience: Audience) => Promise<string | string[]>,
    color: string,
    includeGrantee = true,
    extra: string[] = [],
  ): Promise<void> {
    const recipients = [request.requesterId];
    if (includeGrantee && request.granteeId !== request.requesterId) recipients.push(request.granteeId);
    for (const id of extra) if (!recipients.includes(id)) recipients.push(id);
    await Promise.all(
      recipients.map(async (userId) => {
        const { audience, stored } = await this.recipient(userId, userId === request.requesterId ? request.language : undefined);
        const words = await requestWords(request, names, audience.lang);
        const body = await text(words, audience.lang, audience);
        const card: CardJson = noticeCard(audience.lang, Array.isArray(body) ? body : [body], { color });
        await this.sender.sendToUser(userId, { attachments: [cardAttachment(card)], summary: t(audience.lang, 'post.title') }, stored).catch((error: unknown) => {
          this.logger.warn({ requestId: request.id, userId, err: errorSummary(error) }, 'post-back not delivered');
        });
      }),
    );
  }
}
