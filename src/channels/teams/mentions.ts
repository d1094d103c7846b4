import { TeamsInfo, type Activity, type TeamsChannelAccount, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { MarkedMention } from '../../conversation/types.js';
import type { Directory, DirectoryUser } from '../../directory/directory.js';
import type { Clock } from '../../domain/clock.js';
import { BotError } from '../../domain/errors.js';
import { cleanInput } from '../../language/clean.js';
import { asMarkedWords, markSlot, placeMarkedMentions, withoutMarkSlots } from '../../language/marked.js';
import { MENTION_LOOKUP } from '../mention-lookup.js';
import { errorSummary } from './proactive.js';
import { passingDeliveryError } from './teams-messaging.js';

/** A message's text with its user mentions as words, and who those words are (as Slack's `ReadMessage`). */
export interface ReadTeamsMessage {
  /**
   * `activity.text` with the bot's own mentions removed and each user mention's `<at>…</at>` replaced
   * by the words that stand for the person, cleaned (`cleanInput`, the leading mention kept) so that
   * `mentions[].occurrences` count in this very text.
   */
  text: string;
  /** One per person mentioned (the bot itself left out), for `TextInput.mentions`. */
  mentions: MarkedMention[];
  /**
   * Set (to how many people were mentioned) when more than `MAX_MENTIONS` different people are: none
   * of them was looked up, and the message is to be refused whole rather than read.
   */
  tooMany?: number;
}

/** The person a user mention entity names, as Teams sent it (`entities[].mentioned`). */
export interface MentionedAccount {
  /** The Teams user id (`29:…`), unique per bot. */
  id: string;
  /** The display name Teams shows for them. */
  name?: string;
  /** Their Entra object id, when Teams put it in the entity. */
  aadObjectId?: string;
}

/**
 * At most this many different people are looked up per message (each may cost a `TeamsInfo.getMember`
 * call). A message mentioning more is refused whole, as in Slack: acting on the first ten of a longer
 * list would silently leave the others out.
 */
export const MAX_MENTIONS = 10;

/** How long a Teams member answer is reused for the same conversation (a changed mail shows within this). */
export const MEMBER_TTL_MS = 5 * 60_000;

/**
 * How long the lookups of one message may take together. Teams waits about 15 s for the bot's answer
 * to `/api/messages`, and the library retries a failing `getMember` with waits of its own; a person
 * not identified by then could not be checked, and the message is refused whole
 * (`isMentionLookupUnavailable`), never guessed by name nor answered as not found.
 */
export const LOOKUP_DEADLINE_MS = 5_000;

/**
 * `activity.text` with every `<at>…</at>` tag taken out, for reading the language of a message
 * whose mentions could not be read: a mentioned name ("Van Dijk") must not count as Dutch words.
 */
export function textWithoutMentions(activity: Pick<Activity, 'text'>): string {
  return typeof activity.text === 'string' ? activity.text.replace(AT_TAG, ' ') : '';
}

/** Cached member answers kept at most (a busy tenant's mentions cannot grow memory without end). */
const MAX_CACHED_MEMBERS = 5_000;

/** A mention tag in Teams' `activity.text`: `<at>Megan Bowen</at>` (Teams adds no attributes, but some clients might). */
const AT_TAG = /<at(?:\s[^>]*)?>[\s\S]*?<\/at>/gi;
/** A letter or digit: replaced words standing right against one get a space between. */
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;

/**
 * Reads a Teams message (`activity.text` and its `entities`) the way Slack's `readMentions` reads a
 * Slack one.
 *
 * Source of the Teams behaviour: the Bot Framework mention entity
 * (`{ type: 'mention', text: '<at>Megan Bowen</at>', mentioned: { id: '29:…', name: 'Megan Bowen',
 * aadObjectId? } }`, one entity per mention, its `text` exactly the tag as it stands in
 * `activity.text`; see botframework-schema `Mention` and Teams' "Add mentions to your messages").
 *
 * Each `<at>…</at>` tag in the text is matched to the first unused mention entity with exactly that
 * `text` (so repeated and reordered mentions pair up). The bot's own mentions (`mentioned.id ===
 * activity.recipient.id`, all of them, as `TurnContext.removeRecipientMention` does for the first) are
 * removed. A user mention (a Teams user id `29:…`, or an entity carrying `aadObjectId`) is replaced
 * by the directory user's display name, as words, when `resolve` finds them, and is marked as them in
 * `mentions`; otherwise by the name Teams shows (the tag's text, else `mentioned.name`, else
 * `unnamed`), marked without a user, so the core answers that it could not find them and never takes
 * a namesake. Each person's `occurrences` say which appearances of their words are their tags, in
 * the cleaned text returned. Other mentions (tags, channels, teams, other bots) and tags without an
 * entity keep their text, as before. More than `MAX_MENTIONS` different people: nobody is looked up
 * and `tooMany` is set.
 *
 * @param resolve the directory user a mentioned account is, or undefined when not served or unknown;
 *   called once per different `mentioned.id`, all at once. Its errors (a failing directory, a lookup
 *   that could not be made) propagate: the first one rejects the whole reading, so no message is read
 *   with one of its people silently missing.
 */
export async function readTeamsMentions(
  activity: Pick<Activity, 'text' | 'entities' | 'recipient'>,
  options: { resolve: (mentioned: MentionedAccount) => Promise<DirectoryUser | undefined>; unnamed: string },
): Promise<ReadTeamsMessage> {
  // Nothing typed can pass for a slot (`markSlot`).
  const text = typeof activity.text === 'string' ? withoutMarkSlots(activity.text) : '';
  const botId = activity.recipient?.id;
  const entities = mentionEntities(activity.entities);
  const slots: Array<{ start: number; end: number; account?: MentionedAccount; shown?: string }> = [];
  const used = new Set<number>();
  for (const match of text.matchAll(AT_TAG)) {
    const index = entities.findIndex((e, i) => !used.has(i) && e.text === match[0]);
    if (index < 0) continue;
    used.add(index);
    const entity = entities[index]!;
    const start = match.index;
    const end = start + match[0].length;
    if (botId !== undefined && entity.mentioned.id === botId) slots.push({ start, end });
    else if (isUserMention(entity.mentioned)) slots.push({ start, end, account: entity.mentioned, shown: cleanInput(match[0], undefined, { dropLeadingMention: false }) });
  }
  const accounts = new Map<string, MentionedAccount>();
  for (const slot of slots) if (slot.account && !accounts.has(slot.account.id)) accounts.set(slot.account.id, slot.account);
  if (accounts.size > MAX_MENTIONS) return { text: spliced(text, slots.filter((s) => !s.account), () => ''), mentions: [], tooMany: accounts.size };
  const resolved = await Promise.all([...accounts.values()].map(async (account) => [account.id, await options.resolve(account)] as const));
  const people = new Map<string, MarkedMention>();
  for (const [id, user] of resolved) {
    const words = user ? asMarkedWords(user.displayName) : undefined;
    if (user && words) {
      people.set(id, { text: words, userId: user.id });
      continue;
    }
    // The name shown in the first tag for them, as the person wrote it.
    const slot = slots.find((s) => s.account?.id === id)!;
    const shown = asMarkedWords(slot.shown) ?? asMarkedWords(slot.account!.name) ?? asMarkedWords(options.unnamed) ?? 'unknown';
    people.set(id, { text: shown });
  }
  // Each mention's place is kept (a slot) through cleaning, so the core knows which appearances of a
  // name were marked: two namesakes are told apart, and a typed "Sales" beside a marked person called
  // Sales stays a typed name.
  const order = [...people.keys()];
  const withSlots = spliced(text, slots, (slot) => (slot.account ? markSlot(order.indexOf(slot.account.id)) : ''));
  return placeMarkedMentions(cleanInput(withSlots, undefined, { dropLeadingMention: false }), [...people.values()]);
}

/**
 * Identifies the people mentioned in Teams messages as directory users, for `readTeamsMentions`:
 * a mention carrying `mentioned.aadObjectId` is the directory user with that id; any other is asked
 * of Teams with `TeamsInfo.getMember(context, mentioned.id)` (Bot Connector
 * `GET /v3/conversations/{conversationId}/members/{memberId}`, or the team's roster in a team channel;
 * the answer is a `TeamsChannelAccount`: `aadObjectId`, `email`, `userPrincipalName`, `tenantId`) and
 * is the directory user with its `aadObjectId`, or, only when Teams gave none, the one whose mail is its
 * `email`, else its `userPrincipalName`.
 *
 * Not found (undefined, and the core answers "could not find <name>"): someone of another tenant
 * (`tenantId` not the directory's), an object id or mail the directory does not have, and Teams
 * saying the member is not there (404 `MemberNotFoundInConversation`; logged, not thrown).
 *
 * Not checked (thrown, see `isMentionLookupUnavailable`; the edge refuses the whole message and asks
 * to try again): Teams failing the lookup for a reason that passes (429, 408, 5xx, network errors,
 * after the library's own retries; `BotError('channel_unavailable')` with `status` and `retryAfterMs`
 * in its details when Teams sent them), and lookups still running after `LOOKUP_DEADLINE_MS`
 * (`BotError('timeout')`). Such a person may well exist: answering "not found" would be wrong.
 *
 * Not checked, and not passing (thrown, not retryable, `details.blocked`: `isMentionLookupBlocked`;
 * the edge says the bot cannot look people up now and its administrator has been told): Teams
 * refusing the bot itself (`LOOKUP_REFUSALS`: 401, 403, 400). These say nothing about the person;
 * the operator reads one error naming what to fix, again only when the status changes (`refused`).
 *
 * Teams' answers are reused per conversation and member for `MEMBER_TTL_MS`; failures, passing or
 * not, are not kept. Directory failures (`BotError('directory_unavailable')`) propagate.
 */
export class TeamsMentionResolver {
  private readonly members = new Map<string, { member: TeamsChannelAccount; at: number }>();
  /** The status Teams last refused a lookup with (`LOOKUP_REFUSALS`), until a lookup is answered: logged as an error once per change. */
  private refused: number | undefined;

  constructor(
    private readonly deps: {
      directory: Pick<Directory, 'tenantId' | 'getUser' | 'findUserByMail'>;
      clock: Clock;
      logger: Logger;
      /** Asks Teams about one member of the turn's conversation (default `TeamsInfo.getMember`). */
      getMember?: (context: TurnContext, memberId: string) => Promise<TeamsChannelAccount>;
      ttlMs?: number;
      deadlineMs?: number;
    },
  ) {}

  /**
   * `readTeamsMentions` of the turn's activity, with each mentioned person identified here.
   * @param unnamed how to name someone Teams gave no readable name for (in the person's language).
   * @throws BotError for which `isMentionLookupUnavailable` holds when any one mentioned person could
   *   not be checked right now (the others' answers are then not used); `directory_unavailable`.
   */
  async read(context: TurnContext, unnamed: string): Promise<ReadTeamsMessage> {
    let timer: NodeJS.Timeout | undefined;
    // null: the deadline passed first.
    const deadline = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), this.deps.deadlineMs ?? LOOKUP_DEADLINE_MS);
      timer.unref?.();
    });
    try {
      return await readTeamsMentions(context.activity, {
        unnamed,
        resolve: async (mentioned) => {
          const user = await Promise.race([this.identify(context, mentioned), deadline]);
          if (user === null) {
            // Still asking Teams (or the directory) is no answer about the person.
            throw new BotError('timeout', 'Teams mention not identified in time', {
              details: { channel: 'teams', operation: MENTION_LOOKUP, memberId: mentioned.id, deadlineMs: this.deps.deadlineMs ?? LOOKUP_DEADLINE_MS },
            });
          }
          return user;
        },
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /** The directory user a mentioned account is, or undefined. */
  private async identify(context: TurnContext, mentioned: MentionedAccount): Promise<DirectoryUser | undefined> {
    const { directory } = this.deps;
    if (mentioned.aadObjectId) return directory.getUser(mentioned.aadObjectId);
    const member = await this.member(context, mentioned.id);
    if (!member) return undefined;
    if (typeof member.tenantId === 'string' && member.tenantId && member.tenantId !== directory.tenantId) return undefined;
    // Older connector answers name the object id `objectId` (TeamsInfo.getMembers copies it over).
    const objectId = member.aadObjectId ?? (member as { objectId?: string }).objectId;
    // An object id the directory does not know is someone else than whoever owns that mail here.
    if (typeof objectId === 'string' && objectId) return directory.getUser(objectId);
    for (const mail of [member.email, member.userPrincipalName]) {
      if (typeof mail !== 'string' || !mail.includes('@')) continue;
      const user = await directory.findUserByMail(mail);
      if (user) return user;
    }
    return undefined;
  }

  /**
   * Teams' account for a member of the turn's conversation (cached), or undefined when Teams refused
   * the lookup for good; throws `BotError('channel_unavailable')` (`details.operation` `MENTION_LOOKUP`)
   * when it failed for a reason that passes.
   */
  private async member(context: TurnContext, memberId: string): Promise<TeamsChannelAccount | undefined> {
    const activity = context.activity;
    const teamId = (activity.channelData as { team?: { id?: unknown } } | undefined)?.team?.id;
    const key = `${activity.serviceUrl}\n${typeof teamId === 'string' ? teamId : activity.conversation?.id}\n${memberId}`;
    const now = this.deps.clock.now();
    const cached = this.members.get(key);
    if (cached && now - cached.at < (this.deps.ttlMs ?? MEMBER_TTL_MS)) return cached.member;
    try {
      const member = await (this.deps.getMember ?? ((c, id) => TeamsInfo.getMember(c, id)))(context, memberId);
      this.refused = undefined;
      if (!member || typeof member !== 'object') return undefined;
      if (this.members.size >= MAX_CACHED_MEMBERS) this.members.clear();
      this.members.set(key, { member, at: now });
      return member;
    } catch (error) {
      // 429, 408, 5xx, network: Teams could not be asked, which says nothing about the person.
      const passing = passingDeliveryError(error);
      if (passing) {
        const status = passing.details.status;
        throw new BotError('channel_unavailable', `Teams member lookup failed for now: ${passing.message}`.slice(0, 300), {
          cause: error,
          details: {
            channel: 'teams',
            operation: MENTION_LOOKUP,
            memberId,
            ...(typeof status === 'number' ? { status } : {}),
            ...(passing.retryAfterMs !== undefined ? { retryAfterMs: passing.retryAfterMs } : {}),
          },
        });
      }
      const statusCode = (error as { statusCode?: unknown } | undefined)?.statusCode;
      const status = typeof statusCode === 'number' ? statusCode : undefined;
      const refusal = status === undefined ? undefined : LOOKUP_REFUSALS[status];
      if (refusal) {
        const teamsError = (error as { code?: unknown }).code;
        const coded = typeof teamsError === 'string' && teamsError ? ` ${teamsError}` : '';
        const line = `Teams refuses the bot's member lookups (${status}${coded}): ${refusal}; until then a message mentioning someone is refused and its writer told the administrator has been notified`;
        const fields = { memberId, conversationId: activity.conversation?.id, status, err: errorSummary(error) };
        // One error per change for the operator, not one per message (every mention fails alike).
        if (this.refused !== status) this.deps.logger.error(fields, line);
        else this.deps.logger.warn(fields, 'teams member lookup refused again');
        this.refused = status;
        throw new BotError('channel_unavailable', line, {
          cause: error,
          retryable: false,
          details: { channel: 'teams', operation: MENTION_LOOKUP, memberId, status, blocked: true, ...(coded ? { teamsError: coded.trim() } : {}) },
        });
      }
      this.deps.logger.warn({ memberId, err: errorSummary(error) }, 'teams member lookup refused; mention answered as not found');
      return undefined;
    }
  }
}

/**
 * Bot Connector answers to `GET /v3/conversations/{id}/members/{memberId}` that refuse the bot, not
 * the person, with what the operator is to do. Only 404 (`MemberNotFoundInConversation`) says the
 * person is not there; these say nothing about them, and trying again will not help:
 * - 401: the connector did not take the bot's token: the Bot Framework credentials are wrong.
 * - 403: the token is taken but not for this conversation (`BotNotInConversationRoster`): the
 *   credentials are another app's, or the app was removed from where the message came from.
 * - 400 (`BadArgument`/`BadSyntax`): Teams could not read the request. It answers that for ids it
 *   does not take in that place, e.g. a conversation and member id swapped in the path
 *   (microsoft/Agents-for-js#756, fixed in #724: `TeamsInfo.getMember` answered 400 for every member);
 *   the member id comes from Teams' own mention entity, so a 400 is a bug on the bot's side (or
 *   the library's), never a sign the person is missing: "not found" would tell the writer a
 *   colleague has no account.
 */
const LOOKUP_REFUSALS: Readonly<Record<number, string>> = {
  401: 'the Bot Framework credentials are wrong; check MicrosoftAppId, MicrosoftAppPassword (or CertificateThumbprint and CertificatePrivateKey), MicrosoftAppType and MicrosoftAppTenantId',
  403: "the Bot Framework credentials are not this bot's, or the app was removed from the conversation; check MicrosoftAppId, MicrosoftAppPassword (or the certificate), MicrosoftAppTenantId and the app's installation in Teams",
  400: 'Teams could not read the request (an id it does not take there: a bug in the bot or its Bot Framework library, to be reported with this line)',
};

/** The mention entities of an activity, well-formed ones only (`type` `mention`, string `text` and `mentioned.id`). */
function mentionEntities(entities: Activity['entities'] | undefined): Array<{ text: string; mentioned: MentionedAccount }> {
  if (!Array.isArray(entities)) return [];
  const found: Array<{ text: string; mentioned: MentionedAccount }> = [];
  for (const entity of entities as unknown[]) {
    const e = entity as { type?: unknown; text?: unknown; mentioned?: { id?: unknown; name?: unknown; aadObjectId?: unknown } } | null;
    if (typeof e?.type !== 'string' || e.type.toLowerCase() !== 'mention' || typeof e.text !== 'string') continue;
    const id = e.mentioned?.id;
    if (typeof id !== 'string' || !id) continue;
    const mentioned: MentionedAccount = { id };
    if (typeof e.mentioned?.name === 'string') mentioned.name = e.mentioned.name;
    if (typeof e.mentioned?.aadObjectId === 'string' && e.mentioned.aadObjectId) mentioned.aadObjectId = e.mentioned.aadObjectId;
    found.push({ text: e.text, mentioned });
  }
  return found;
}

/** A person rather than a tag, channel, team or bot: a Teams user id (`29:…`), or Teams named their Entra object. */
function isUserMention(mentioned: MentionedAccount): boolean {
  return mentioned.id.startsWith('29:') || mentioned.aadObjectId !== undefined;
}

/** `text` with each slot's span replaced by `words(slot)`, a space kept between them and a letter or digit next to them. */
function spliced<S extends { start: number; end: number }>(text: string, slots: readonly S[], words: (slot: S) => string): string {
  let out = '';
  let last = 0;
  for (const slot of [...slots].sort((a, b) => a.start - b.start)) {
    const replacement = words(slot);
    const before = text.slice(last, slot.start);
    out += before;
    const left = out.at(-1) ?? '';
    const right = text[slot.end] ?? '';
    out += replacement ? `${WORD_CHAR.test(left) ? ' ' : ''}${replacement}${WORD_CHAR.test(right) ? ' ' : ''}` : ' ';
    last = slot.end;
  }
  return out + text.slice(last);
}
