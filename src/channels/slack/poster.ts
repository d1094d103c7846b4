import type { Logger } from 'pino';
import type { Reply } from '../../conversation/types.js';
import { replyMessage } from './reply-blocks.js';
import type { SlackRepository } from './repository.js';
import { isBotError } from '../../domain/errors.js';
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
  ) {}

  /** Posts `replies` in order to `channel` (in the thread `threadTs` when given), for `userId` (directory id). */
  async post(channel: string, replies: readonly Reply[], userId: string, threadTs?: string): Promise<void> {
    for (const reply of replies) {
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
  }

  /**
   * Answers a click: `replies[0]` replaces the clicked message when it is a card (the decided
   * approval, a choice made), the rest are posted after it. A message Slack no longer has is
   * answered with a new one instead.
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
