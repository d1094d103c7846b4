import type { EngineEvent } from '../domain/notifier.js';
import type { PermissionRequest } from '../domain/request.js';
import type { Right } from '../domain/rights.js';

/**
 * The messages the bot owes people, and the small port every chat channel implements to deliver
 * them (after Teleport's `MessagingBot`: the channel sends, updates copies and finds recipients;
 * it decides nothing). Who is told what is decided once, in `notification-policy.ts`; each
 * message is then a durable delivery job (`src/domain/deliveries.ts`), retried with backoff until
 * the channel accepts it (24 h at most) or refuses it for good.
 */

/** Why a person hears about a request. */
export type RecipientRole = 'approver' | 'requester' | 'grantee' | 'admin' | 'decider';

/** What happened, as a channel renders it: the engine event plus the facts its wording needs. */
export interface Notice {
  event: EngineEvent['type'];
  /** `revoked`: the rights removed. */
  rights?: Right[];
  /**
   * `not_yet_visible`: false during the quick rechecks (the next at `nextCheckAt`, epoch ms); true
   * once they are spent and the admins are told (slow checks follow, the next at `nextCheckAt`,
   * unless `gaveUp`: that was the last check).
   */
  finalCheck?: boolean;
  nextCheckAt?: number;
  gaveUp?: boolean;
  /**
   * `not_yet_visible` with `finalCheck`, and `removal_not_visible` (which also uses `nextCheckAt`
   * and `gaveUp`): whether any admin was told (false when the bot has none).
   */
  adminsTold?: boolean;
  /** `approver_unreachable`: who could not be reached, and who has the approval card instead. */
  unreachable?: string[];
  reachedInstead?: string[];
}

/**
 * One message to one person. Stored as the payload of its delivery job, so it carries the request
 * as it was when the event happened: a post-back delivered after an outage still says "approved",
 * not the state the request has reached since. An approval card (`role: 'approver'`) is the
 * exception: it asks for a decision, so the delivery job renders it from the request as it is when
 * it is sent, and drops it once the request is no longer pending.
 */
export interface OutboundMessage {
  /** Stable across retries: `requestId:eventSeq:recipientId`. */
  id: string;
  recipientId: string;
  role: RecipientRole;
  notice: Notice;
  request: PermissionRequest;
  /** The language to use when set (the requester hears in the language of their request). */
  language?: 'en' | 'nl';
}

/**
 * A chat channel as the delivery jobs see it. Implemented by Teams (`src/channels/teams/`) and
 * Slack (`src/channels/slack/`).
 *
 * Errors: `send` and `updateCopies` throw a `BotError`:
 * - `recipient_unreachable` (not retryable): the person cannot be reached on this channel at all
 *   (never installed the app, blocked the bot, left the tenant; Teams answers 403/404 to the new
 *   chat, Slack `user_not_found`, `cannot_dm_bot`...). The delivery job gives up and tells someone
 *   who can act.
 * - `channel_unavailable` (retryable; `details.retryAfterMs` when the service said how long, from
 *   Retry-After): timeouts, 429, 5xx, network errors. The job retries with backoff.
 */
export interface MessagingChannel {
  /** `teams` or `slack`: the name stored with a person's last conversation. */
  readonly name: string;
  /** When the person last spoke to the bot on this channel (epoch ms), or undefined if never. */
  lastSeen(userId: string): Promise<number | undefined>;
  /** Whether this channel can reach someone it has never heard from (Teams can open a 1:1 chat by Entra id). */
  readonly opensChats: boolean;
  /** Sends one message; keeps a copy reference when the message is a card that later updates (approval, summary). */
  send(message: OutboundMessage): Promise<void>;
  /** Re-renders every copy this channel holds of the request's cards (approvers', requester's summary) from `request`. */
  updateCopies(request: PermissionRequest): Promise<void>;
  /** For `/readyz` and the logs: can the channel's service be reached? */
  health(): Promise<boolean>;
}
