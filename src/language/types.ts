/**
 * The shapes the language layer hands out: what a message asks (SPEC section 5 plus the fields the bot
 * uses), and the options `understand` reads against. `understand.ts` re-exports them.
 */
import type { Directory } from '../directory/directory.js';
import type { Right } from '../domain/rights.js';
import type { UnreadEnd } from './dates.js';
import type { Explanation } from './explain.js';

export type { UnreadEnd } from './dates.js';

/** A name read from the text, looked up in the directory: one id, several candidates, or not found. */
export type Resolution =
  | { status: 'resolved'; id: string }
  | { status: 'ambiguous'; candidates: string[] }
  | { status: 'unknown'; text: string };
/** What the message asks for (SPEC section 5). */
export type Intent = 'grant' | 'revoke' | 'query' | 'status' | 'cancel' | 'help' | 'unknown';
/** What a message asks. The first seven fields are the SPEC section 5 contract (`toContractJson`). */
export interface Understanding {
  intent: Intent;
  permission: Right | null;
  grantee: Resolution | null;
  target: Resolution | null;
  duration: string | null;
  until: string | null;
  language: 'en' | 'nl';
  /** false when the text says "without automapping" / "zonder automapping". */
  autoMapping?: boolean;
  /** "because ..." / "omdat ..." text if given (trimmed, max 500 chars). */
  reason?: string;
  /** A request id mentioned, e.g. "cancel REQ-7K2F9" -> "REQ-7K2F9". */
  requestRef?: string;
  /**
   * Set when the grantee is several people named together ("give Zoë and Priya full access to Facturen",
   * "geef Zoë en Priya ..."): one resolution per person, in the order written, so the conversation can make
   * one request per person (each approved on its own). `grantee` then holds every candidate as
   * `ambiguous`, the contract-compatible answer that never acts on one of them silently.
   */
  grantees?: Resolution[];
  /**
   * Set when a grant or revoke names several mailboxes or groups together ("send as on Training and
   * Support", "... Training as well as Support", "... Training or Support", "op Training en Support",
   * "op Training evenals Support", "op Training of Support"): one resolution per target, in the order written. `target` then
   * holds every candidate as `ambiguous` (the contract answer); the bot makes one request per target,
   * so it asks which one this request is for. Not part of the SPEC section 5 contract.
   */
  targets?: Resolution[];
  /**
   * Set when a grant or revoke names several rights ("send as and full access", "verzenden als en
   * volledige toegang"), in the order written; `permission` is then null (the contract answer). A request
   * is one right, so the bot asks which of these this request is for (a revoke with none named removes
   * every right; one with several named does not). Not part of the SPEC section 5 contract.
   */
  permissions?: Right[];
  /**
   * Set when a grant or revoke names several mailboxes or groups that each could be the one meant, with
   * rights ("give Megan send as on Support and full access on Sales", "geef Megan verzenden als op Support
   * en volledige toegang op Sales"): the intent is then `unknown` (no request is made of part of it) and
   * this says which it would have been, so the bot can say one request is one right on one mailbox or
   * group and how to ask. Not part of the SPEC section 5 contract.
   */
  severalRequests?: 'grant' | 'revoke';
  /**
   * Set when the message asks about group membership ("add Zoë to the Marketing group", "voeg Kwame toe
   * aan de groep Marketing", "make Zoë a member of Marketing"), which the bot does not manage: the intent
   * is then `unknown`, and the bot says what it does instead. Not part of the SPEC section 5 contract.
   */
  membership?: true;
  /**
   * Set when a grant names a Microsoft 365 group or a shared mailbox where the person who gets the right
   * goes ("give Training send as on Support", "geef Training verzenden als op Support", "give Training and
   * Zoë ..."): rights are given to people, so the intent is then `unknown` and the bot says so, naming it,
   * rather than ask "for whom?" or grant the other name alone. `text`: the name as written; `ids`: the
   * groups and mailboxes it names (one, or several with that name). Not part of the SPEC section 5 contract.
   */
  granteeNotPerson?: { text: string; ids: string[] };
  /**
   * Set when the text reads as a sentence (a right named, or a verb or question word outside the names
   * the directory knows), not as a name on its own: a bot waiting for a name ("For whom?") takes it as
   * a new message. Not part of the SPEC section 5 contract.
   */
  sentence?: boolean;
  /**
   * The whole message asks the bot to stop ("stop", "quit", "never mind", "forget it", "stoppen",
   * "laat maar", "nee"), in that language: a bot waiting for an answer drops its question. 'any' when
   * the words mark neither language ("stop" is Dutch too): the answer is in the question's language, or
   * with no question open in the person's. Such a word alone is never a removal ("stop" names no right
   * and nobody). Not part of the SPEC contract.
   */
  stopAsking?: 'en' | 'nl' | 'any';
  /**
   * A short message (at most `STOP_WITHIN_WORDS` words) that says stop among other words ("Isaiah, forget
   * it", "stop Isaiah", "Send As, forget it"), in the stop phrase's language: a bot waiting for an answer
   * drops its question rather than take the rest as the answer. A lone "no" / "nee" is not counted (it
   * often corrects an answer). Not part of the SPEC contract.
   */
  stopSaid?: 'en' | 'nl' | 'any';
  /**
   * The whole message only names one right ("Send As", "send-as please", "verzenden als", "full
   * access"): a bot that offered a choice of rights takes it as that right's button. "send as please"
   * also reads as a grant that names nobody; with no choice open it is that. Not part of the SPEC contract.
   */
  rightAlone?: Right;
  /**
   * The message only names one right and when it ends ("Send As for 2 weeks", "send on behalf until next
   * week", "verzenden als tot vrijdag"): a bot that offered a choice of rights takes it as that right's
   * button, and the end with it. Set whatever the intent. Not part of the SPEC contract.
   */
  rightWithEnd?: { right: Right; duration: string | null; until: string | null };
  /**
   * The message names one person of the directory and otherwise only words that say they are the one
   * meant ("Megan needs it", "Megan does", "it's for Megan", "Megan heeft het nodig"): that name as
   * written. A bot that asked "For whom?" reads it as the answer; set only when the message asks
   * nothing (intent `unknown`). Not part of the SPEC contract.
   */
  answerName?: string;
  /**
   * Set when a grant's time limit was written but cannot be used ("for 0 days", "for 1000 years", "until
   * 2026-02-30", a later start such as "from Monday", an end without a length such as "while I am on
   * holiday", a time word nothing read): the intent is then `unknown` (never a grant without the end it
   * asked for) and this says why, so the bot can answer about the time limit. Not part of the SPEC
   * section 5 contract. Also set on a revoke that names a time other than now (`later_removal`: "from
   * Monday", "on Friday", "next week"; `temporary_removal`: "until Friday", "for 2 weeks"): a removal is
   * now and for good, so the intent is then `unknown` too, never a removal now.
   */
  unreadEnd?: UnreadEnd;
  /** Only with `UnderstandOptions.explain`: which words and cues led to this reading. */
  explain?: Explanation;
  /**
   * Set when the request was read but its end is not the bot's to settle: the intent is then `unknown`
   * (a reader that does not know this field asks rather than acts) and `request` holds the reading.
   */
  periodChoice?: PeriodChoice;
}

/** One way to end a grant: a period (`duration`, ISO 8601) or an end date (`until`, YYYY-MM-DD). */
export type PeriodOption = { duration: string; until: null } | { duration: null; until: string };

/**
 * An end the requester must pick: `duration_and_until` when the message gives both a period and an end
 * date ("for 2 weeks until Friday"), `day_month_order` when a numeric date reads as two real dates
 * ("until 1/2") and no locale says which. `options` in the order written (day first before month first);
 * `request` is the reading with `duration` and `until` null, to complete with the option picked.
 */
export interface PeriodChoice {
  why: 'duration_and_until' | 'day_month_order';
  options: PeriodOption[];
  request: Understanding & { intent: 'grant' | 'revoke' };
}
/** What `understand` reads a message against. */
export interface UnderstandOptions {
  directory: Directory;
  requesterId: string;
  now: Date;
  /** minutes east of UTC for "until Friday" etc.; default 0 */
  utcOffsetMinutes?: number;
  /**
   * The requester's client locale (BCP 47, Teams `activity.locale`, Slack `locale`): numeric dates are read
   * month first for `en-US`, day first for any other locale. Without it a date such as "1/2" that reads as
   * two real dates is not guessed (`Understanding.periodChoice`).
   */
  locale?: string;
  /**
   * The language the person is known to write in (their directory `preferredLanguage`, else their
   * client's locale): `Understanding.language` when no word around the names and right phrases marks
   * a language ("next week" does, "ok", "Megan", "Send As" or "REQ-7K2F9" do not), so such a short
   * message keeps their language. Without it, every word of the message decides, names included.
   */
  language?: 'en' | 'nl';
  /**
   * Rights currently held on a target (e.g. read from the permission service). Used only to settle a
   * revoke: "remove Joni's send on behalf on Marketing" means the Joni who holds it. Default: the
   * directory's `initialPermissions()`.
   */
  rightsOn?: (targetId: string) => Promise<Array<{ trustee: string; right: Right }>>;
  /** Fill `Understanding.explain` (costs a little time; for the CLI's `--explain` and corpus misses). */
  explain?: boolean;
  /**
   * People the channel itself marked in the text (a Slack `<@U…>` mention), already identified by it:
   * where the words of `text` appear in the message (at the `occurrences` given, else everywhere) they
   * are that directory user, or, without `userId`, a person the bot does not serve (answered as an
   * unknown name). Such words are never looked up by name, so a namesake in the directory cannot stand
   * in for the person meant.
   */
  mentions?: readonly MarkedMention[];
}

/** A person the channel marked in a message: the words standing for them, and their directory id if any. */
export interface MarkedMention {
  text: string;
  userId?: string;
  /**
   * Where the channel marked them: which appearances of `text`'s words in the message text are this
   * person (0 the first time those words appear, 1 the second, ...; counted by `wordsAppearances`),
   * as `placeMarked` works them out. The other appearances of the same words were typed, and are read
   * as names like any other. Without it, every appearance of the words is this person (and words two
   * marked namesakes share are both of them: the bot asks which); so too when the list does not fit
   * the text the language layer reads.
   */
  occurrences?: readonly number[];
}

