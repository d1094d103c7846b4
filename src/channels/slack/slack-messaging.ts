import type { Logger } from 'pino';
import type { MessagingChannel, OutboundMessage } from '../../conversation/messaging.js';
import type { Audience } from '../../conversation/types.js';
import { approvalView, langOf, Names, outboundReply, summaryView } from '../../conversation/wording/index.js';
import type { Directory } from '../../directory/directory.js';
import { BotError, isBotError } from '../../domain/errors.js';
import type { PermissionRequest } from '../../domain/request.js';
import { escapeSlack } from './escape.js';
import { approvalMessage, replyMessage, requestMessage } from './reply-blocks.js';
import type { SlackCopy, SlackLink, SlackRepository } from './repository.js';
import type { SlackWebApi } from './web-api.js';
import { inWorkspace } from './identity.js';
import type { SlackWorkspace } from './workspace.js';

export interface SlackMessagingDeps {
  /** The delivery client: no retries of its own, a 429 answered at once (the delivery jobs retry). */
  api: SlackWebApi;
  repository: SlackRepository;
  directory: Directory;
  workspace: SlackWorkspace;
  logger: Logger;
}

/**
 * The Slack side of the messaging port (`MessagingChannel`): every message is a direct message from
 * the app (`conversations.open` + `chat.postMessage`); the `ts` of each approval request and
 * requester summary is kept per request, and `updateCopies` re-renders every copy with
 * `chat.update`, showing who decided and when. A person the app has never heard from is found by
 * the directory mail (`users.lookupByEmail`), so `opensChats` is true.
 *
 * Errors (`BotError`): `recipient_unreachable` when Slack says the person cannot be reached
 * (`user_not_found`, `users_not_found`, `cannot_dm_bot`, `user_disabled`,
 * `not_in_channel`, ...) or they are not in the directory; `channel_unavailable` for 429 (with
 * `details.retryAfterMs` from Retry-After), 5xx, network errors and timeouts.
 */
export class SlackMessaging implements MessagingChannel {
  readonly name = 'slack';
  readonly opensChats = true;

  constructor(private readonly deps: SlackMessagingDeps) {}

  lastSeen(userId: string): Promise<number | undefined> {
    return this.deps.repository.lastSeen(userId);
  }

  async send(message: OutboundMessage): Promise<void> {
    const isApproval = message.role === 'approver' && (message.notice.event === 'approval_needed' || message.notice.event === 'approver_reminder');
    // A retried job whose earlier attempt did post (the process died before the job was marked done).
    const copies = isApproval ? await this.deps.repository.copiesRecord(message.request.id) : undefined;
    if (copies?.value.some((c) => c.messageId === message.id)) return;
    const { channel, audience } = await this.reach(message.recipientId, message.language);
    const reply = await outboundReply(message, new Names(this.deps.directory, escapeSlack), audience);
    // An approval request for a request decided in the meantime: nothing left to ask.
    if (!reply) return;
    const { text, blocks } = replyMessage(reply);
    const posted = await this.forgetIfGone(
      message.recipientId,
      this.deps.api.postMessage({ channel, text, blocks }),
    );
    if (reply.kind === 'approval' && posted.ts) {
      await this.deps.repository.addCopy(message.request.id, copyOf(message.recipientId, 'approver', channel, posted.ts, audience, message.id), copies);
    }
  }

  /**
   * Re-renders every Slack copy of the request's messages. All copies are tried; a copy Slack no
   * longer has (deleted message, left channel) is skipped, and the first retryable failure is
   * thrown at the end so the job tries again (`chat.update` of an up-to-date copy changes nothing).
   */
  async updateCopies(request: PermissionRequest): Promise<void> {
    const copies = await this.deps.repository.copies(request.id);
    const names = new Names(this.deps.directory, escapeSlack);
    let retry: BotError | undefined;
    for (const copy of copies) {
      try {
        await this.render(request, copy, names, this.deps.api);
      } catch (error) {
        if (!isBotError(error)) throw error;
        if (error.retryable) retry ??= error;
        else this.deps.logger.warn({ requestId: request.id, userId: copy.userId, slackError: error.details.slackError }, 'slack copy not updated');
      }
    }
    if (retry) throw retry;
  }

  /**
   * Re-renders one copy from `request` as `updateCopies` does (the request's state now, in the
   * copy's language and zone), with `api` (the turn client when a click asks for it). Throws what
   * `chat.update` throws.
   */
  async refreshCopy(request: PermissionRequest, copy: SlackCopy, api: SlackWebApi = this.deps.api): Promise<void> {
    await this.render(request, copy, new Names(this.deps.directory, escapeSlack), api);
  }

  private async render(request: PermissionRequest, copy: SlackCopy, names: Names, api: SlackWebApi): Promise<void> {
    // The copy's owner's zone from their Slack profile as last seen (a click or message since the
    // copy was posted), else the one it was posted with: every copy in the zone the click answer used.
    const timeZone = (await this.deps.repository.link(copy.userId))?.timeZone ?? copy.timeZone;
    const audience: Audience = timeZone ? { lang: copy.lang, timeZone } : { lang: copy.lang };
    const { text, blocks } = copy.role === 'approver' ? approvalMessage(await approvalView(request, names, audience)) : requestMessage(await summaryView(request, names, audience));
    await api.update({ channel: copy.channel, ts: copy.ts, text, blocks });
  }

  health(): Promise<boolean> {
    return this.deps.workspace.reachable();
  }

  /**
   * The direct-message channel with `directoryId` and how to phrase for them. Their language:
   * `preferred` (the requester hears in the language of their request), else the directory's
   * preference, else their Slack locale; their zone: their Slack profile's.
   */
  private async reach(directoryId: string, preferred?: 'en' | 'nl'): Promise<{ channel: string; audience: Audience }> {
    const user = await this.deps.directory.getUser(directoryId);
    if (!user) throw new BotError('recipient_unreachable', `${directoryId} is not in the directory`, { details: { userId: directoryId } });
    let link = await this.deps.repository.link(directoryId);
    if (!link) link = await this.find(directoryId, user.mail);
    if (!link.dmChannel) {
      const slackUserId = link.slackUserId;
      const dmChannel = await this.forgetIfGone(directoryId, this.deps.api.openDm(slackUserId));
      link = { ...link, dmChannel };
      await this.deps.repository.saveLink(directoryId, link);
    }
    const lang = preferred ?? langOf(user.preferredLanguage) ?? langOf(link.locale) ?? 'en';
    return { channel: link.dmChannel!, audience: link.timeZone ? { lang, timeZone: link.timeZone } : { lang } };
  }

  /** A person the app has not heard from, by their directory mail; only members of the bot's workspace. */
  private async find(directoryId: string, mail: string): Promise<SlackLink> {
    const [found, workspace] = await Promise.all([this.deps.api.lookupByEmail(mail), this.deps.workspace.get()]);
    const user = found.user;
    if (!user?.id || user.deleted || user.is_bot || !inWorkspace(user, workspace)) {
      throw new BotError('recipient_unreachable', `no active member of the workspace has ${directoryId}'s mail`, { details: { userId: directoryId } });
    }
    const link: SlackLink = { slackUserId: user.id, ...(user.tz ? { timeZone: user.tz } : {}) };
    await this.deps.repository.saveLink(directoryId, link);
    return link;
  }

  /** A link that no longer reaches the person is forgotten, so the next message looks them up again. */
  private async forgetIfGone<T>(directoryId: string, call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (error) {
      if (isBotError(error, 'recipient_unreachable')) await this.deps.repository.forgetLink(directoryId);
      throw error;
    }
  }
}

function copyOf(userId: string, role: SlackCopy['role'], channel: string, ts: string, audience: Audience, messageId?: string): SlackCopy {
  return { userId, role, channel, ts, lang: audience.lang, ...(audience.timeZone ? { timeZone: audience.timeZone } : {}), ...(messageId ? { messageId } : {}) };
}
