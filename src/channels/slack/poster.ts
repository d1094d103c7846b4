import type { Logger } from 'pino';
import type { Reply } from '../../conversation/types.js';
import { replyMessage } from './reply-blocks.js';
import type { SlackRepository } from './repository.js';
import { isBotError } from '../../domain/errors.js';
import type { OwedReplies } from './owed-replies.js';
import type { SlackWebApi } from './web-api.js';

/** Replies that may replace the clicked message; anything else (a refusal, a question) is posted below it. */
const REPLACING: ReadonlySet<Reply['kind']> = new Set(['approval', 'summary', 'notice', 'requests', 'audit']);

/**
 * Posts the conversation core's replies in a turn: into the direct message, the mention's thread
 * or the clicked message. A requester's summary is kept as a copy of its request, so the delivery
 * jobs can update it (`chat.update`) whenever the request changes.
 */
export class SlackPoster {
  constructor(
    private readonly api: SlackWebApi,
    private readonly repository: SlackRepository,
    private readonly logger: Logger,
    /** Where replies Slack refuses for now go (durable jobs); without it the failure is the caller's. */
    private readonly owed?: Pick<OwedReplies, 'owe'>,
  ) {}

  /**
   * Posts `replies` in order to `channel` (in the thread `threadTs` when given), for `userId`
   * (directory id). When Slack refuses one for now (`channel_unavailable`, retryable: an outage, a
   * long 429) and an `owed` store is set, it and the ones after it are committed as jobs that post
   * them when Slack is back, and this resolves; other failures throw.
   */
  async post(channel: string, replies: readonly Reply[], userId: string, threadTs?: string): Promise<void> {
    for (const [index, reply] of replies.entries()) {
      try {
        await this.postOne(channel, reply, userId, threadTs);
      } catch (error) {
        if (!this.owed || !isBotError(error, 'channel_unavailable') || !error.retryable) throw error;
        this.logger.warn({ channel, userId, owed: replies.length - index, slackError: error.details.slackError, status: error.details.status }, 'Slack refused a turn reply for now; it is owed as a job');
        await this.owed.owe(channel, replies.slice(index), userId, threadTs, error.retryAfterMs ?? 0);
        return;
      }
    }
  }

  /** One reply as a message; a summary is kept as a copy of its request. */
  async postOne(channel: string, reply: Reply, userId: string, threadTs?: string): Promise<void> {
    const { text, blocks } = replyMessage(reply);
    const posted = await this.api.postMessage({ channel, text, blocks, ...(threadTs ? { thread_ts: threadTs } : {}) });
    if (reply.kind === 'summary' && posted.ts) {
      await this.repository.addCopy(reply.request.id, {
        userId,
        role: 'summary',
        channel,
        ts: posted.ts,
        lang: reply.audience.lang,
        ...(reply.audience.timeZone ? { timeZone: reply.audience.timeZone } : {}),
      });
    }
  }

  /**
   * Answers a click: `replies[0]` replaces the clicked message when it is a card (a choice made, a
   * list paged), the rest are posted after it. A message Slack no longer has is answered with a new
   * one instead. A decided approval card is not answered here: the decision's update-copies job
   * re-renders it with every other copy (`SlackInbound`).
   */
  async answerClick(channel: string, ts: string, replies: readonly Reply[], userId: string): Promise<void> {
    const [first, ...rest] = replies;
    if (!first) return;
    if (!REPLACING.has(first.kind)) return this.post(channel, replies, userId);
    const { text, blocks } = replyMessage(first);
    try {
      await this.api.update({ channel, ts, text, blocks });
    } catch (error) {
      const code = isBotError(error) ? error.details.slackError : undefined;
      if (code !== 'message_not_found' && code !== 'cant_update_message') throw error;
      this.logger.info({ channel }, 'clicked message gone; answering with a new one');
      await this.post(channel, [first], userId);
    }
    await this.post(channel, rest, userId);
  }
}
