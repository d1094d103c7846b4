/**
 * The channel-neutral conversation: what a channel hands in (a person's text or a click) and what
 * it gets back (replies already phrased in the person's language, as view models a channel only lays
 * out). Teams renders them as Adaptive Cards, Slack as Block Kit. Nothing here imports an SDK.
 *
 * Stable contract: other channels are built on it. Change it only by adding.
 */
import type { Directory } from '../directory/directory.js';
import type { Clock } from '../domain/clock.js';
import type { AuditEntry, RequestEngineApi, TargetAccessReport, TrusteeAccessReport } from '../domain/engine-api.js';
import type { ErrorCode } from '../domain/errors.js';
import type { Logger } from '../domain/logger.js';
import type { PermissionRequest } from '../domain/request.js';
import type { Right, TargetKind } from '../domain/rights.js';
import type { MarkedMention, Resolution, Understanding, UnderstandOptions } from '../language/understand.js';

export type { MarkedMention } from '../language/understand.js';

/** The languages the bot speaks. */
export type Lang = 'en' | 'nl';

/**
 * Who a reply is phrased for: their language and, when the channel knows it, their time zone: an IANA
 * name, or for a person whose client reported only its UTC offset, that offset ("+01:00").
 */
export interface Audience {
  lang: Lang;
  timeZone?: string;
}

// ---------------------------------------------------------------------------------------------
// Input

/** The authenticated person and what their client reported; identity is decided by the channel. */
export interface Speaker {
  /** Directory user id (Teams `from.aadObjectId`; Slack: the directory user whose mail is the profile's). */
  userId: string;
  /** `teams`, `slack`: for logs and for reaching the person later. */
  channel: string;
  /** BCP 47 locale of the client (`nl-NL`, `en-US`), if reported: the language of answers to clicks. */
  locale?: string;
  /** IANA time zone of the client (`Europe/Amsterdam`), if reported: moments are shown and "until" dates end there. */
  timeZone?: string;
  /**
   * Minutes east of UTC of the client's clock, if reported ("until Friday" means their Friday). Without
   * a known `timeZone`, moments are shown and "until" dates end at this fixed offset.
   */
  utcOffsetMinutes?: number;
  /** The channel's id of the incoming message or click, for logs only. */
  messageId?: string;
}

/**
 * A typed message. `text` is plain text: the channel has removed its own markup (Teams `<at>`
 * mentions, Slack `<@U...>`), decoded entities and read an HTML-only message. The core still refuses
 * control characters and over-long text with a reply.
 */
export interface TextInput extends Speaker {
  text: string;
  /**
   * People the channel marked in the message and identified itself (Slack `<@U…>`: the channel puts
   * the person's name in `text` and says here who that is, or that it is nobody the bot serves, and
   * which appearances of the name in `text` it put there: `occurrences`, from `placeMarked`).
   * The language layer takes those words as that person, never as a name to look up; the same name
   * typed elsewhere in `text` is read as typed.
   */
  mentions?: readonly MarkedMention[];
}

/** Verbs a channel's buttons carry. Anything else is answered with `bad_action`. */
export type ActionVerb = 'approve' | 'reject' | 'choose' | 'cancel' | 'retry' | 'revoke' | 'audit';

/**
 * A click. `data` is untrusted card data: the core reads only these keys and checks each against the
 * stored request or draft and the authenticated `userId`:
 * - approve, reject, cancel, retry, revoke: `requestId` (string); reject: `reason` (string, optional)
 * - choose: `draftId` (string), `step` (number or digit string, the question the choice asked:
 *   `Draft.step`), `pick` (number or digit string, index into the choice's options)
 * - audit (next page): `requestId` | `targetId` | `granteeId` | `scope: 'all'` (everything the bot did),
 *   `since` / `until` (epoch ms as digits, when a period was asked) and `before` (the page cursor)
 */
export interface ActionInput extends Speaker {
  verb: string;
  data: Record<string, unknown>;
}

/** The entry point every channel calls. */
export interface ConversationApi {
  /** A message: returns the replies to post, in order. Never throws for a person's mistake; refusals are replies. */
  handleText(input: TextInput): Promise<Reply[]>;
  /**
   * A click: `replies[0]` answers the click in place (it replaces the clicked message: Teams' invoke
   * response, Slack's `chat.update`); any further replies are new messages in the conversation.
   */
  handleAction(input: ActionInput): Promise<Reply[]>;
}

// ---------------------------------------------------------------------------------------------
// Replies. Every text is phrased in the audience's language; names and other user-supplied parts
// are escaped with the conversation's `escape` (the channel's markup), the rest is plain.

/** The colour of a status line or notice, in the channel's palette. */
export type Tone = 'default' | 'accent' | 'good' | 'warning' | 'attention';

export interface Fact {
  title: string;
  value: string;
}

/** A request as a requester's summary or an approver's card shows it. */
export interface RequestView {
  requestId: string;
  /** "Request: Send As for Megan Bowen on Training" / "Alex asks for Send As for Megan on Training". */
  title: string;
  /** What the right lets the grantee do, one sentence per right. */
  explanation: string;
  facts: Fact[];
  /** Pre-flight warnings (replacement, not a member, already pending), one sentence each. */
  warnings: string[];
  /** State line ("Waiting for approval", "Approved by X at T; applied, effective by about HH:MM"). */
  status: string;
  tone: Tone;
}

/** The approver's card: a request view plus the decision controls while it is pending. */
export interface ApprovalView extends RequestView {
  /** True while pending: show the reason box and Approve / Reject. */
  actionable: boolean;
  /** "Reminder: ..." on the reminder copy, else ''. */
  reminder: string;
  labels: { approve: string; reject: string; rejectReason: string };
}

/** A short message with a title, lines, optional facts and buttons. */
export interface NoticeView {
  title: string;
  lines: string[];
  tone: Tone;
  facts: Fact[];
  actions: { title: string; verb: ActionVerb; data: Record<string, string> }[];
}

export interface ChoiceOption {
  label: string;
  /** The value sent back as `pick`. */
  pick: number;
}

export interface StatusItem {
  requestId: string;
  /** "REQ-7K2F9: Send As for Megan Bowen on Training" */
  title: string;
  status: string;
  /** The end of a time-bound grant, phrased ("ends Saturday 5 December 2026"), or ''. */
  ends: string;
  /** Offer Cancel (the request is pending and the viewer asked for it). */
  cancellable: boolean;
  cancelLabel: string;
}

export interface StatusView {
  title: string;
  /** Shown when there are no items. */
  empty: string;
  items: StatusItem[];
  awaitingTitle: string;
  awaiting: string[];
}

export interface AccessRow {
  title: string;
  value: string;
}

/** "Who has access to X" or "what can Y access": rows of a right (or a target) and its holders. */
export interface AccessView {
  title: string;
  subtitle: string;
  rows: AccessRow[];
  /** The admin center page of the bot's cloud, or ''. */
  adminUrl: string;
  adminLabel: string;
}

export interface HelpView {
  title: string;
  intro: string;
  examplesTitle: string;
  /** Example sentences built from names in the directory in use. */
  examples: string[];
  rights: string;
}

export interface AuditLine {
  /** "23 Nov 2026 09:00" */
  at: string;
  /** "Emma Clarke approved REQ-7K2F9 (Send As for Zoë on Training)" */
  text: string;
  outcome: AuditEntry['outcome'];
}

export interface AuditView {
  title: string;
  /** Shown when the page is empty. */
  empty: string;
  lines: AuditLine[];
  /** The "older entries" button, when there are more. */
  more?: { label: string; verb: 'audit'; data: Record<string, string> };
}

/** Which slot a question or a choice fills (`period`: how a grant ends, when the message gave it two ways). */
export type Slot = 'grantee' | 'target' | 'right' | 'period';

/** Codes of refusals the conversation phrases; each has its own sentence per language. */
export type RefusalCode =
  // the person asking
  /** The person speaking is not in the organisation's directory: the bot cannot act for them. */
  | 'not_in_directory'
  /** The person speaking is a guest account: guests cannot use the bot (as Slack guests cannot, SPEC section 5). */
  | 'guest_requester'
  // the request itself
  | 'unknown_person'
  | 'unknown_target'
  | 'guest_not_allowed'
  | 'not_a_member'
  | 'end_in_past'
  | 'too_long'
  /** A time limit that was written but cannot be used ("for 0 days", "until 2026-02-30"); `details.rule` says why. */
  | 'end_unread'
  | 'own_mailbox'
  | 'full_access_on_group'
  | 'duration_and_until'
  | 'right_missing'
  | 'nobody_can_approve'
  | 'invalid_request'
  // acting on a request
  | 'not_found'
  | 'not_an_approver'
  | 'not_yours'
  | 'not_pending'
  | 'admin_only_retry'
  | 'admin_only_revoke'
  | 'not_failed'
  | 'not_revocable'
  /** revoke: the request removes a right; it is not a grant, so there is nothing to revoke. */
  | 'not_a_grant'
  // queries
  | 'query_target_not_allowed'
  | 'query_person_not_allowed'
  | 'audit_not_allowed'
  // the message or click
  | 'control_chars'
  | 'text_too_long'
  | 'bad_action'
  | 'choice_expired'
  /** A choice's button naming none of its options (the choice stays open). */
  | 'not_an_option'
  /** An "older entries" button whose page cursor is not valid (tampered, or from an older version). */
  | 'page_expired'
  | 'wrong_tenant'
  // the bot's side
  | 'unavailable'
  | 'service_rejected'
  | 'error';

/** Structured facts of a refusal (ids, not names): tests and logs read these, people read `text`. */
export interface RefusalDetails {
  /** The engine's error code, when the refusal came from a `BotError`. */
  errorCode?: ErrorCode;
  requestId?: string;
  granteeId?: string;
  targetId?: string;
  /** The rule that refused (`end_in_past`, `group_membership_policy`...). */
  rule?: string;
  /** The request's state, when it matters ("no longer pending: it is approved"); a code, people read the words. */
  state?: string;
  /** nobody_can_approve: the requester asked for themselves. */
  forSelf?: boolean;
  /** nobody_can_approve: the requester is a bot admin (so no other admin is left). */
  requesterIsAdmin?: boolean;
}

export type Reply =
  /** A sentence. */
  | { kind: 'text'; text: string; tone?: Tone }
  /** A question for a missing slot; the person answers in text. */
  | { kind: 'ask'; slot: Exclude<Slot, 'right' | 'period'>; text: string }
  /**
   * Pick one of N (a choice card / buttons); the click sends `choose` with `draftId`, `step` (which
   * question of the draft this choice is, `Draft.step`) and the option's `pick`.
   */
  | { kind: 'choice'; slot: Slot; draftId: string; step: number; title: string; question: string; options: ChoiceOption[] }
  /**
   * The requester's summary of a request just made (or already open). The channel keeps where it
   * posted it, so the card can be updated when the request changes (`MessagingChannel.updateCopies`).
   */
  | { kind: 'summary'; request: PermissionRequest; view: RequestView; audience: Audience }
  /**
   * The approver's card after a decision click (replaces the clicked card). `note` is set on a late
   * click (the request was decided, cancelled or expired before it): who decided and when, which
   * `view.status` then shows too; a channel may instead show the card as after the decision and
   * tell the clicker the note apart (Slack does).
   */
  | { kind: 'approval'; request: PermissionRequest; view: ApprovalView; audience: Audience; note?: string }
  /** A refusal: its own code and sentence; nothing was changed. */
  | { kind: 'refusal'; code: RefusalCode; text: string; details: RefusalDetails }
  | { kind: 'access'; report: TargetAccessReport; view: AccessView }
  | { kind: 'holdings'; report: TrusteeAccessReport; view: AccessView }
  /** "My requests": the person's requests and what awaits their decision. */
  | { kind: 'requests'; mine: PermissionRequest[]; awaiting: PermissionRequest[]; view: StatusView }
  | { kind: 'audit'; filter: AuditFilter; page: AuditPage; view: AuditView }
  | { kind: 'help'; view: HelpView }
  | { kind: 'notice'; view: NoticeView };

export type ReplyKind = Reply['kind'];

// ---------------------------------------------------------------------------------------------
// What the conversation needs from the rest of the bot

/**
 * Which history to read: one request, one mailbox or group, or one person (as grantee), or a person on
 * one mailbox or group (`granteeId` and `targetId`: "for Liam on Support"); none of them:
 * everything the bot did (admins). `since` / `until` (epoch ms): only the entries with `since <= at < until`.
 */
export interface AuditFilter {
  requestId?: string;
  targetId?: string;
  granteeId?: string;
  since?: number;
  until?: number;
}

export interface AuditPageOptions {
  /** Entries per page (the engine caps it). */
  limit?: number;
  /** Cursor from a previous page's `next`: entries older than it. */
  before?: string;
}

/** Newest first; `next` is the cursor of the following (older) page, absent on the last. */
export interface AuditPage {
  entries: AuditEntry[];
  next?: string;
}

/**
 * The engine as the conversation uses it. `audit` answers one page, newest first; an engine that
 * still answers every entry at once (an array, oldest first) is paged by the conversation.
 */
export interface ConversationEngine extends Omit<RequestEngineApi, 'audit'> {
  audit(actorId: string, filter: AuditFilter, page?: AuditPageOptions): Promise<AuditPage | AuditEntry[]>;
}

/** The language layer's entry point (`src/language/understand.ts`). */
export type UnderstandFn = (text: string, options: UnderstandOptions) => Promise<Understanding>;

/** A request still being completed in conversation (a name to pick, a right to choose...). */
export interface Draft {
  id: string;
  requesterId: string;
  /** `audit`: the choice of whose history an audit question asks ("what did the bot do for Jan?", two Jans). */
  intent: 'grant' | 'revoke' | 'query' | 'audit';
  permission: Right | null;
  grantee: Resolution | null;
  target: Resolution | null;
  duration: string | null;
  until: string | null;
  /** The requester's time zone when they wrote, an IANA name or a fixed offset "+01:00" (an "until" date ends at midnight there). */
  timeZone?: string;
  reason?: string;
  autoMapping?: boolean;
  language: Lang;
  /** The slot the last question or choice card asked for, and the values a choice may pick. */
  awaiting?: 'grantee' | 'target' | 'permission' | 'period';
  options?: string[];
  /**
   * Which question of this draft is open: its count of questions asked (1, 2, ...), set by
   * `openQuestion`. A choice's buttons carry it; a click with another step (or none) is stale.
   */
  step?: number;
  /**
   * The choice open offers names close to one not found ("Did you mean …?", `offerNearNames`): a name
   * typed instead of a pick is looked up as a fresh answer (and may be offered near names of its own),
   * not pointed to the buttons as at a choice of namesakes.
   */
  nearNames?: true;
  /**
   * The ends the message gave and the requester must pick from before anything is submitted (a period and
   * an end date, or a numeric date read two ways): each an ISO duration (`P14D`) or a date (YYYY-MM-DD).
   */
  periodChoices?: { why: 'duration_and_until' | 'day_month_order'; options: string[] };
  /** Several rights named in one grant or removal ("send as and full access"): the choice of rights offers these only. */
  permissions?: Right[];
  /** Several mailboxes or groups named in one request ("on Training and Support"): the choice of them says why it is asked. */
  severalTargets?: boolean;
  /** Several people in one request: the ones settled so far, and the ones still to settle after `grantee`. */
  granteesSettled?: string[];
  granteesLeft?: Resolution[];
  /**
   * An audit question waiting for the choice of a person or a mailbox or group: the filter so far (its
   * period, and the name already found of "for Liam on Support"); `personOn`: both names were said.
   */
  audit?: { filter: AuditFilter; personOn?: true };
  createdAt: number;
}

/** Where drafts are kept between turns (the store, so a restart or another instance continues them). */
export interface DraftStore {
  draft(userId: string): Promise<Draft | undefined>;
  saveDraft(draft: Draft): Promise<void>;
  deleteDraft(userId: string): Promise<void>;
}

/**
 * The last page of a paged answer a person was shown (an audit history page): what a typed "more" /
 * "meer" continues. Kept per authenticated person and read only for them, so typed paging is checked
 * like the "Older entries" button: the engine decides from `filter` and the person, never from text.
 */
export interface LastPage {
  userId: string;
  kind: 'audit';
  filter: AuditFilter;
  /** The cursor of the following (older) page; absent when the page shown was the last. */
  next?: string;
  /** When it was shown (epoch ms). */
  at: number;
}

/** Where the last page each person saw is kept between turns (the store, as drafts are). */
export interface PageStore {
  lastPage(userId: string): Promise<LastPage | undefined>;
  saveLastPage(page: LastPage): Promise<void>;
}

/**
 * Escapes user-supplied text for the channel's markup (Adaptive Card Markdown, Slack mrkdwn), capped
 * at `max` characters. `prose`, when the channel has one: the escape for what a person wrote in their
 * own words (a reason), shown only in rich text (cards, Block Kit mrkdwn), never in a button label
 * or other plain text; it shows the words as typed and lets none of them format the message.
 */
export type Escape = ((text: string, max?: number) => string) & { prose?: (text: string, max?: number) => string };

export interface ConversationDeps {
  engine: ConversationEngine;
  directory: Directory;
  understand: UnderstandFn;
  drafts: DraftStore;
  /** Where the last page each person saw is kept, for a typed "more"; without it there is nothing to continue. */
  pages?: PageStore;
  clock: Clock;
  logger: Logger;
  /** The channel's escaping of user-supplied text; default: Markdown (Adaptive Cards). */
  escape?: Escape;
  /** The admin center page for a target kind in the bot's cloud (`CLOUD`), for "who has access" answers. */
  adminCenterUrl?: (kind: TargetKind) => string;
  /** Rights held on a target now (the permission service), so "remove Jan's Send As" finds the Jan who has it. */
  rightsOn?: UnderstandOptions['rightsOn'];
}
