import type { ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { FreshenReply } from '../../conversation/fresh-reply.js';
import type { Clock } from '../../domain/clock.js';
import { BotError } from '../../domain/errors.js';
import type { RetryPolicy } from '../../domain/retry-policy.js';
import type { Worker } from '../../scheduler/worker.js';
import type { DurableStore } from '../../store/durable-store.js';
import { OwedReplies } from '../owed-replies.js';
import { errorSummary, type ProactiveSender } from './proactive.js';
import { keepSummaryCopy, replyActivity } from './replies.js';
import type { TeamsRepository } from './repositories.js';
import { asDeliveryError } from './teams-messaging.js';

/** The job kind of a turn's reply that the Bot Connector did not take in the turn. */
export const TEAMS_REPLY_JOB = 'teams_reply';

/**
 * Where an owed Teams reply goes: the conversation of the turn that owed it (`reference`, from
 * `TurnContext.getConversationReference`; the only shape earlier versions stored), or the person's
 * personal chat (`personalChat`: the answers to a turn in a channel or group chat, which only they
 * may read), found when the reply is sent: their saved chat, else a new 1:1 chat.
 */
export type TeamsDestination = { reference: Partial<ConversationReference> } | { personalChat: true };

/** Teams' owed replies: what the bot's turns hand a reply to when the Bot Connector refuses it for now. */
export type TeamsOwedReplies = OwedReplies<TeamsDestination>;

/**
 * The channel-neutral `OwedReplies` for Teams (job kind `teams_reply`, ordered per conversation
 * id, or per person for their personal chat): a turn's replies the Bot Connector refused for now
 * (429, 5xx, timeout, network error) are sent later through the proactive path
 * (`ProactiveSender.sendToChat`: the turn's conversation, and on 403/404 a new 1:1 chat with the
 * person, as for any proactive message; `sendToUser` for the personal chat), retried with
 * `DELIVERY_RETRY` (never sooner than Retry-After) for up to 24 h. Each failure is coded by
 * `asDeliveryError`: `channel_unavailable` retried, `recipient_unreachable` (the new chat refused
 * too) and a rejected message (400, 401, 413) logged and dropped. A summary sent this way is kept
 * as a copy of its request (`keepSummaryCopy`), so later changes update it.
 */
export function createTeamsOwedReplies(deps: {
  store: DurableStore;
  worker: Worker;
  clock: Clock;
  logger: Logger;
  sender: Pick<ProactiveSender, 'sendToChat' | 'sendToUser'>;
  repository: TeamsRepository;
  /** A summary re-rendered from its request's current state when it is finally sent (`freshSummaries`). */
  freshen?: FreshenReply;
  retry?: RetryPolicy;
}): TeamsOwedReplies {
  const { sender, repository, logger } = deps;
  return new OwedReplies<TeamsDestination>({
    kind: TEAMS_REPLY_JOB,
    channelName: 'Teams',
    store: deps.store,
    worker: deps.worker,
    clock: deps.clock,
    logger,
    // One order per personal chat: the person's id stands for it, as its conversation id may not exist yet.
    conversationOf: (destination, userId) => ('reference' in destination ? (destination.reference.conversation?.id ?? '') : `personal:${userId}`),
    logFields: (destination) => ('reference' in destination ? { conversationId: destination.reference.conversation?.id } : { personalChat: true }),
    ...(deps.retry ? { retry: deps.retry } : {}),
    ...(deps.freshen ? { freshen: deps.freshen } : {}),
    async post(destination, reply, userId) {
      const activity = replyActivity(reply);
      const sending = 'reference' in destination ? sender.sendToChat(userId, destination.reference, activity) : sender.sendToUser(userId, activity);
      const delivered = await sending.catch((error: unknown) => {
        throw asDeliveryError(error);
      });
      if (!delivered) {
        throw new BotError('channel_unavailable', 'Teams: no conversation known yet to open a chat from', { details: { channel: 'teams', reason: 'no_service_url' } });
      }
      // Sent: a failure to keep the copy must not send it again (the person would read it twice).
      await keepSummaryCopy(repository, reply, delivered.reference, delivered.activityId).catch((error: unknown) => {
        logger.error({ userId, err: errorSummary(error) }, 'owed Teams summary delivered, but its copy was not kept; later changes will not update it');
      });
    },
  });
}
