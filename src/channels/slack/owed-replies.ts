import type { Logger } from 'pino';
import type { Reply } from '../../conversation/types.js';
import type { Clock } from '../../domain/clock.js';
import { isBotError } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { DELIVERY_RETRY, retryDelay, shouldRetry, type RetryPolicy } from '../../domain/retry-policy.js';
import type { JobOutcome, Worker } from '../../scheduler/worker.js';
import type { DurableStore } from '../../store/durable-store.js';

/** The job kind of a turn's reply that Slack did not take in the turn. */
export const SLACK_REPLY_JOB = 'slack_reply';

/** One reply still owed, as stored in its job. `queuedAt` (epoch ms): the retries give up 24 h after it. */
export interface OwedReply {
  channel: string;
  reply: Reply;
  /** Directory id of the person the reply is for (a summary's copy is kept under it). */
  userId: string;
  threadTs?: string;
  queuedAt: number;
}

/** Posts one reply as the turn would have (`SlackPoster.post` on the delivery client). */
export type PostReply = (channel: string, reply: Reply, userId: string, threadTs?: string) => Promise<void>;

/**
 * A turn's replies that Slack refused for now (an outage, a long 429) become durable jobs, so they
 * reach the person when Slack is back, as the delivery jobs do for approval cards and post-backs
 * (SPEC section 4: nothing owed to a person is lost to an outage). One job per reply, ordered per
 * channel (`orderKey`), so they arrive in the order the turn said them. Retried with
 * `DELIVERY_RETRY` (backoff, Retry-After honoured) for up to 24 h after the turn; a reply Slack
 * will never take (`recipient_unreachable`, a malformed message) is logged and dropped.
 */
export class OwedReplies {
  private readonly policy: RetryPolicy;

  constructor(
    private readonly deps: { store: DurableStore; worker: Worker; clock: Clock; logger: Logger; post: PostReply; retry?: RetryPolicy },
  ) {
    this.policy = deps.retry ?? DELIVERY_RETRY;
    deps.worker.handle(SLACK_REPLY_JOB, (job) => this.deliver(job.payload as OwedReply, job.attempts));
  }

  /**
   * Commits `replies` (in order) as jobs for `channel`, first tried after `afterMs` (Slack's
   * Retry-After, if it gave one); resolves once they are durable.
   */
  async owe(channel: string, replies: readonly Reply[], userId: string, threadTs?: string, afterMs = 0): Promise<void> {
    const now = this.deps.clock.now();
    const schedule = replies.map((reply) => {
      const payload: OwedReply = { channel, reply, userId, queuedAt: now, ...(threadTs ? { threadTs } : {}) };
      return { id: newId('slack-reply'), kind: SLACK_REPLY_JOB, dueAt: now + afterMs, orderKey: `slack-reply:${channel}`, payload };
    });
    await this.deps.store.commit({ schedule });
    this.deps.worker.wake();
  }

  private async deliver(owed: OwedReply, attempts: number): Promise<JobOutcome> {
    try {
      await this.deps.post(owed.channel, owed.reply, owed.userId, owed.threadTs);
      return;
    } catch (error) {
      const nextAt = this.deps.clock.now() + retryDelay(attempts + 1, error, this.policy);
      if (isBotError(error) && shouldRetry(error, nextAt, owed.queuedAt, this.policy)) {
        return { retryAt: nextAt, error: error.message };
      }
      this.deps.logger.error({ channel: owed.channel, userId: owed.userId, kind: owed.reply.kind, err: isBotError(error) ? error.code : String(error) }, 'a turn reply owed in Slack could not be delivered; dropped');
    }
  }
}
