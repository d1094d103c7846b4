import { isBotError, type BotError } from '../domain/errors.js';

/**
 * `details.operation` of the errors a channel's mention reading throws when a mentioned person could
 * not be looked up right now (Teams `TeamsMentionResolver.read`, Slack `readMentions`).
 */
export const MENTION_LOOKUP = 'mention_lookup';

/**
 * Whether `error` means the people mentioned in a message could not be identified right now, so the
 * channel's edge refuses the message whole ("could not check who you mentioned") and does nothing
 * for it: `BotError('channel_unavailable')` (the chat service failed the lookup, for a reason that
 * passes: 429, 408, 5xx, a network error, a transient error code; or one that will not until the
 * bot's own setup is fixed: `isMentionLookupBlocked`) or `BotError('timeout')` (the lookups ran past
 * the channel's deadline), either with `details.operation === MENTION_LOOKUP`. Such a person may well
 * exist: answering "not found" would tell the writer a colleague has no account. A directory failure
 * is not one of these.
 */
export function isMentionLookupUnavailable(error: unknown): error is BotError {
  return (isBotError(error, 'channel_unavailable') || isBotError(error, 'timeout')) && error.details.operation === MENTION_LOOKUP;
}

/**
 * Whether a mention lookup that could not be made (`isMentionLookupUnavailable`) was refused because
 * of the bot's own setup (`details.blocked`, not retryable): Slack refusing the app's installation
 * (a revoked token, a missing scope), Teams refusing the Bot Framework credentials or a request it
 * cannot read. Trying again in a moment does not help, so the person is told the bot cannot look
 * people up right now and that its administrator has been told (the channel logs one error for the
 * operator), not to try again.
 */
export function isMentionLookupBlocked(error: unknown): error is BotError {
  return isMentionLookupUnavailable(error) && error.details.blocked === true;
}
