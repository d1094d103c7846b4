import type { Logger } from 'pino';
import type { FreshenReply } from '../conversation/fresh-reply.js';
import type { Reply } from '../conversation/types.js';
import type { Clock } from '../domain/clock.js';
import { isBotError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { DELIVERY_RETRY, retryDelay, retryReason, shouldRetry, type RetryPolicy } from '../domain/retry-policy.js';
import type { JobOutcome, Worker } from '../scheduler/worker.js';
import type { DurableStore } from '../store/durable-store.js';

/** The fields every owed reply's job payload has besides its destination's. */
interface OwedFields {
  reply: Reply;
  /** Directory id of the person the reply is for (a summary's copy is kept under it). */
  userId: string;
  /** When the turn owed it (epoch ms): the retries give up `giveUpAfterMs` (24 h) after it. */
  queuedAt: number;
}

/**
 * One reply still owed, as stored in its job: the destination's own fields (Slack: `channel` and
 * `threadTs`; Teams: `reference`) side by side with `reply`, `userId` and `queuedAt`. The
 * destination's fields are spread into the payload rather than nested, so Slack's jobs keep the
 * shape they had before this class was shared (`{ channel, reply, userId, threadTs?, queuedAt }`)
 * and jobs stored by an earlier version still run.
 */
export type OwedReply<D extends object> = D & OwedFields;

/**
 * Posts one owed reply to `destination`, for `userId`, as the turn would have (and keeps a
 * summary's copy). Throws a `BotError` on failure: a retryable one (`channel_unavailable`, with
 * `retryAfterMs` when the service said so) is tried again, anything else is final.
 */
export type PostOwedReply<D extends object> = (destination: D, reply: Reply, userId: string) => Promise<void>;

export interface OwedRepliesDeps<D extends object> {
  /** The job kind (`slack_reply`, `teams_reply`); its handler is registered on `worker` by the constructor. */
  kind: string;
  /** The channel's name in logs ("Slack", "Teams"). */
  channelName: string;
  store: DurableStore;
  worker: Worker;
  clock: Clock;
  logger: Logger;
  post: PostOwedReply<D>;
  /**
   * The conversation a destination is in: replies to one conversation are delivered in order.
   * `userId` is whose reply it is, for a destination named relative to them (Teams: their personal chat).
   */
  conversationOf: (destination: D, userId: string) => string;
  /** What of a destination goes into the log line of a dropped reply (ids, never text). */
  logFields?: (destination: D) => Record<string, unknown>;
  /**
   * The reply as it should read when it is finally sent (`freshSummaries`: a summary re-rendered
   * from its request's current state). When it throws, the reply is sent as it was stored.
   */
  freshen?: FreshenReply;
  /** Default `DELIVERY_RETRY`: backoff from 5 s up to 15 min, Retry-After honoured, 24 h in all. */
  retry?: RetryPolicy;
}

/**
 * A turn's replies that the channel refused for now (an outage, a long 429) become durable jobs, so
 * they reach the person when the channel is back, as the delivery jobs do for approval cards and
 * post-backs (SPEC section 4: nothing owed to a person is lost to an outage). Channel-neutral: a
 * channel gives the job kind, its destination type `D` and how to post to one.
 *
 * One job per reply, ordered per conversation (the store's `orderKey`: a job waits until the
 * earlier ones of its conversation are done), so they arrive in the order the turn said them.
 * Retried with `DELIVERY_RETRY` (backoff, never sooner than Retry-After) for up to 24 h after the
 * turn; a reply the channel will never take (a non-retryable `BotError` such as
 * `recipient_unreachable`, a malformed message, or an error that is no `BotError` at all) is
 * logged and dropped, and a retryable one still failing after 24 h likewise.
 * At least once: a crash between the post and the job's completion posts the reply again.
 */
export class OwedReplies<D extends object> {
  private readonly policy: RetryPolicy;
  private readonly idPrefix: string;

  constructor(private readonly deps: OwedRepliesDeps<D>) {
    this.policy = deps.retry ?? DELIVERY_RETRY;
    this.idPrefix = deps.kind.replace(/_/g, '-');
    deps.worker.handle(deps.kind, (job) => this.deliver(job.payload as OwedReply<D>, job.attempts, job.id));
  }

  /**
   * Commits `replies` (in order) as jobs for `destination`, for `userId`, first tried `afterMs`
   * (ms) from now (the service's Retry-After, if it gave one); resolves once they are durable, and
   * wakes the worker. Throws what the store throws (nothing is then owed).
   */
  async owe(destination: D, replies: readonly Reply[], userId: string, afterMs = 0): Promise<void> {
    if (replies.length === 0) return;
    const now = this.deps.clock.now();
    const orderKey = `${this.idPrefix}:${this.deps.conversationOf(destination, userId)}`;
    const schedule = replies.map((reply) => {
      const payload = { ...destination, reply, userId, queuedAt: now } as OwedReply<D>;
      return { id: newId(this.idPrefix), kind: this.deps.kind, dueAt: now + Math.max(0, afterMs), orderKey, payload };
    });
    await this.deps.store.commit({ schedule });
    this.deps.worker.wake();
  }

  private async freshened(reply: Reply, userId: string): Promise<Reply> {
    try {
      return await this.deps.freshen!(reply);
    } catch (error) {
      this.deps.logger.warn({ userId, kind: reply.kind, err: isBotError(error) ? error.code : String(error) }, `a turn reply owed in ${this.deps.channelName} is sent as it was said: its request could not be read now`);
      return reply;
    }
  }

  private async deliver(owed: OwedReply<D>, attempts: number, jobId: string): Promise<JobOutcome> {
    const { reply, userId, queuedAt, ...rest } = owed;
    const destination = rest as unknown as D;
    try {
      // A summary sent after an outage shows the request as it is now, not as it was in the turn.
      const current = this.deps.freshen ? await this.freshened(reply, userId) : reply;
      await this.deps.post(destination, current, userId);
      return;
    } catch (error) {
      const nextAt = this.deps.clock.now() + retryDelay(attempts + 1, error, this.policy);
      if (isBotError(error) && shouldRetry(error, nextAt, queuedAt, this.policy)) {
        // One warning per attempt (the backoff grows to minutes): an outage shows in the log as it happens.
        this.deps.logger.warn(
          {
            jobId,
            channel: this.deps.channelName.toLowerCase(),
            reason: retryReason(error),
            code: error.code,
            attempt: attempts + 1,
            nextTryAt: new Date(nextAt).toISOString(),
            // Under a name of its own: a Slack destination's fields name its conversation `channel`.
            destination: this.deps.logFields?.(destination),
            userId,
            kind: reply.kind,
            err: error.message,
          },
          `a turn reply owed in ${this.deps.channelName} failed; will retry`,
        );
        return { retryAt: nextAt, error: error.message };
      }
      this.deps.logger.error(
        { ...this.deps.logFields?.(destination), userId, kind: reply.kind, attempts: attempts + 1, err: isBotError(error) ? error.code : String(error) },
        `a turn reply owed in ${this.deps.channelName} could not be delivered; dropped`,
      );
    }
  }
}
