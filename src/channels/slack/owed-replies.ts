import type { Logger } from 'pino';
import type { FreshenReply } from '../../conversation/fresh-reply.js';
import type { Reply } from '../../conversation/types.js';
import type { Clock } from '../../domain/clock.js';
import type { RetryPolicy } from '../../domain/retry-policy.js';
import type { Worker } from '../../scheduler/worker.js';
import type { DurableStore } from '../../store/durable-store.js';
import { OwedReplies as Owed, type OwedReply as OwedJob } from '../owed-replies.js';

/** The job kind of a turn's reply that Slack did not take in the turn. */
export const SLACK_REPLY_JOB = 'slack_reply';

/** Where a Slack reply goes: a conversation id (`D…`, `C…`) and, for a mention, its thread. */
export interface SlackDestination {
  channel: string;
  threadTs?: string;
}

/**
 * One reply still owed, as stored in its job: `{ channel, reply, userId, threadTs?, queuedAt }`.
 * `queuedAt` (epoch ms): the retries give up 24 h after it.
 */
export type OwedReply = OwedJob<SlackDestination>;

/** Posts one reply as the turn would have (`SlackPoster.postOne` on the delivery client). */
export type PostReply = (channel: string, reply: Reply, userId: string, threadTs?: string) => Promise<void>;

/**
 * Slack's owed replies: the channel-neutral `OwedReplies` (src/channels/owed-replies.ts) with job
 * kind `slack_reply`, ordered per Slack channel. A turn's replies that Slack refused for now (an
 * outage, a long 429) are posted when Slack is back, for up to 24 h (`DELIVERY_RETRY`); a reply
 * Slack will never take (`recipient_unreachable`, a malformed message) is logged and dropped.
 */
export class OwedReplies {
  private readonly owed: Owed<SlackDestination>;

  constructor(deps: { store: DurableStore; worker: Worker; clock: Clock; logger: Logger; post: PostReply; retry?: RetryPolicy; freshen?: FreshenReply }) {
    this.owed = new Owed<SlackDestination>({
      kind: SLACK_REPLY_JOB,
      channelName: 'Slack',
      store: deps.store,
      worker: deps.worker,
      clock: deps.clock,
      logger: deps.logger,
      post: (destination, reply, userId) => deps.post(destination.channel, reply, userId, destination.threadTs),
      conversationOf: (destination) => destination.channel,
      logFields: (destination) => ({ channel: destination.channel }),
      ...(deps.retry ? { retry: deps.retry } : {}),
      ...(deps.freshen ? { freshen: deps.freshen } : {}),
    });
  }

  /**
   * Commits `replies` (in order) as jobs for `channel` (in the thread `threadTs` when given), for
   * `userId` (directory id), first tried after `afterMs` (Slack's Retry-After, if it gave one);
   * resolves once they are durable.
   */
  owe(channel: string, replies: readonly Reply[], userId: string, threadTs?: string, afterMs = 0): Promise<void> {
    return this.owed.owe(threadTs ? { channel, threadTs } : { channel }, replies, userId, afterMs);
  }
}
