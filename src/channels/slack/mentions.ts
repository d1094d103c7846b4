import type { MarkedMention } from '../../conversation/types.js';
import { BotError, isBotError } from '../../domain/errors.js';
import { asMarkedWords as asWords, markSlot, placeMarkedMentions, withoutMarkSlots } from '../../language/marked.js';
import { MENTION_LOOKUP } from '../mention-lookup.js';
import { plainTextOf } from './escape.js';
import { isSlackInstallationFailure } from './slack-errors.js';
import type { IdentityOutcome } from './identity.js';

/** A message's plain text with its user mentions as words, and who those words are. */
export interface ReadMessage {
  text: string;
  /** One per person mentioned (the app itself left out), for `TextInput.mentions`. */
  mentions: MarkedMention[];
  /**
   * Set (to how many people were mentioned) when more than `MAX_MENTIONS` different people are: none
   * of them was looked up, and the message is to be refused whole rather than read.
   */
  tooMany?: number;
}

/**
 * At most this many different people are looked up per message (each may cost a `users.info`). A
 * message mentioning more is refused whole: the people past the limit could be neither identified
 * nor even named back (Slack sends mentions without labels), and acting on the first ten of a longer
 * list would silently leave the others out.
 */
export const MAX_MENTIONS = 10;

const USER_MENTION = /<@([UW][A-Z0-9]{1,20})(?:\|([^>]*))?>/g;

/**
 * Reads a message as Slack delivers it (`text` of `message.im` / `app_mention` / a slash command):
 * each user mention, `<@U…>` or `<@U…|label>` (Slack sends them unlabelled now), is identified the
 * way the sender is (`resolve`: `SlackIdentities.resolve`, i.e. `users.info` -> profile email ->
 * directory user by mail, own workspace only, cached) and written as that directory user's display
 * name, which `mentions` marks as them, with where it stands (`MarkedMention.occurrences`). A person
 * the bot does not serve (not in the directory, a guest, deactivated, another workspace, or Slack
 * refused the lookup for good) is written as the name Slack shows for them (the label, else their
 * profile name, else `unnamed`: a string, or a function asked only then) and marked without a user, so the core answers that it could not
 * find them and never takes a namesake. The app's own mention (`botUserId`, from `auth.test`) is
 * dropped, as in `plainTextOf`. More than `MAX_MENTIONS` different people: nobody is looked up and
 * `tooMany` is set.
 *
 * @throws BotError('channel_unavailable') with `details.operation` `MENTION_LOOKUP` (see
 *   `isMentionLookupUnavailable`) when Slack could not be asked about a mentioned person right now
 *   (a retryable failure of `users.info`: 429, 5xx, network, a transient error code), or refuses the
 *   app's installation (`invalid_auth`, `token_revoked`, `missing_scope`...: also `details.blocked`,
 *   see `isMentionLookupBlocked`); the message is then to be refused whole, since that person may
 *   well exist. Other errors of `resolve` propagate.
 */
export async function readMentions(
  text: string,
  options: { botUserId?: string; resolve: (slackUserId: string) => Promise<IdentityOutcome>; unnamed: string | (() => string) },
): Promise<ReadMessage> {
  const labels = new Map<string, string | undefined>();
  for (const match of text.matchAll(USER_MENTION)) {
    const id = match[1]!;
    if (id !== options.botUserId && !labels.has(id)) labels.set(id, match[2]);
  }
  if (labels.size === 0) return { text: plainTextOf(text, options.botUserId), mentions: [] };
  if (labels.size > MAX_MENTIONS) return { text: plainTextOf(text, options.botUserId), mentions: [], tooMany: labels.size };
  const slots = new Map<string, string>();
  const mentions: MarkedMention[] = [];
  for (const [id, label] of labels) {
    const outcome = await identify(options.resolve, id);
    const words = outcome?.known ? asWords(outcome.identity.user.displayName) : undefined;
    slots.set(id, markSlot(mentions.length));
    if (outcome?.known && words) {
      mentions.push({ text: words, userId: outcome.identity.user.id });
      continue;
    }
    const unnamed = () => (typeof options.unnamed === 'function' ? options.unnamed() : options.unnamed);
    const shown = asWords(label) ?? asWords(outcome && !outcome.known ? outcome.name : undefined) ?? asWords(unnamed()) ?? 'unknown';
    mentions.push({ text: shown });
  }
  // Each mention's place is kept (a slot) until the text is final, so the core knows which
  // appearances of a name were marked: two namesakes are told apart, and a typed "Sales" beside a
  // marked person called Sales stays a typed name.
  return placeMarkedMentions(plainTextOf(withoutMarkSlots(text), options.botUserId, slots), mentions);
}

/**
 * The person, or undefined when Slack refused the lookup for good (a `channel_unavailable` that is not
 * retryable: they are then not found). A refusal of the app's installation (`isSlackInstallationFailure`:
 * a revoked token, a missing scope) says nothing about the person and does not pass: rethrown, marked
 * as a mention lookup and `blocked` (`isMentionLookupBlocked`). A retryable one says nothing about the
 * person either: rethrown, marked as a mention lookup. Both keep the failure's details (`method`,
 * `status`, `slackError`, `retryAfterMs`).
 */
async function identify(resolve: (slackUserId: string) => Promise<IdentityOutcome>, slackUserId: string): Promise<IdentityOutcome | undefined> {
  try {
    return await resolve(slackUserId);
  } catch (error) {
    if (!isBotError(error, 'channel_unavailable')) throw error;
    if (isSlackInstallationFailure(error)) {
      throw new BotError('channel_unavailable', `Slack refuses mention lookups: ${error.message}`.slice(0, 300), {
        cause: error,
        retryable: false,
        details: { ...error.details, channel: 'slack', operation: MENTION_LOOKUP, slackUserId, blocked: true },
      });
    }
    if (!error.retryable) return undefined;
    throw new BotError('channel_unavailable', `Slack mention lookup failed for now: ${error.message}`.slice(0, 300), {
      cause: error,
      details: { ...error.details, channel: 'slack', operation: MENTION_LOOKUP, slackUserId },
    });
  }
}

/**
 * `text` (as Slack delivers it) with every `<…>` token taken out: user mentions, channel links,
 * URLs. For reading the language of a message whose mentions could not be read; a mention's label
 * or a link must not count as words of it.
 */
export function textWithoutMentions(text: string): string {
  return text.replace(/<[^>]*>/g, ' ');
}
