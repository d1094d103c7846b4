import type { Logger } from 'pino';
import type { ConversationApi, Lang, Reply, Speaker } from '../../conversation/types.js';
import { langOf, t } from '../../conversation/wording/index.js';
import { isBotError } from '../../domain/errors.js';
import { langOfIdentity, zoneOfIdentity, type SlackIdentities, type SlackIdentity } from './identity.js';
import { markedLanguageOf } from '../../language/detect-language.js';
import { isMentionLookupBlocked, isMentionLookupUnavailable } from '../mention-lookup.js';
import { MAX_MENTIONS, readMentions, textWithoutMentions } from './mentions.js';
import type { SlackPoster } from './poster.js';
import type { PermissionRequest } from '../../domain/request.js';
import { rejectModal, rejectOrigin, submittedReason } from './reject-modal.js';
import { replyMessage } from './reply-blocks.js';
import { isSlackInstallationFailure } from './slack-errors.js';
import type { SlackCopy, SlackLink, SlackRepository } from './repository.js';
import type { SlackWebApi } from './web-api.js';
import type { SlackWorkspace } from './workspace.js';

/** One answer per Events API delivery (`event_id`), shared by every instance (the conversation core's `TurnLedger`). */
export interface TurnClaims {
  claim(channel: string, messageId: string): Promise<boolean>;
}

/** The App Home view for a person (built by `home.ts`). */
export type HomeView = (identity: SlackIdentity) => Promise<Record<string, unknown>>;

export interface SlackInboundDeps {
  conversation: ConversationApi;
  /** The stored requests (a store read, fast enough before a Reject modal's 3-second trigger). */
  requests: { get(requestId: string): Promise<PermissionRequest | undefined> };
  /** Re-renders one posted copy of a request from its stored state (`SlackMessaging.refreshCopy`). */
  cards: { refreshCopy(request: PermissionRequest, copy: SlackCopy, api?: SlackWebApi): Promise<void> };
  identities: SlackIdentities;
  repository: SlackRepository;
  poster: SlackPoster;
  /** The turn client (views.open, views.publish, conversations.open). */
  api: SlackWebApi;
  workspace: SlackWorkspace;
  claims: TurnClaims;
  home: HomeView;
  logger: Logger;
  /** Where each person last spoke to the bot (the delivery jobs read it): told `slack` on every inbound turn. */
  presence?: { spokeOn(userId: string, channel: string): Promise<void> };
  /** When a `/mailbox` command is acknowledged empty if the person is not identified by then (`commandAckDeadline()`). */
  ackDeadline?: AckDeadline;
}

/**
 * How long (real time, ms) a `/mailbox` command waits for Slack to say who typed it before it is
 * acknowledged without words: Slack shows the person an error after 3 seconds without an answer,
 * and Bolt answers 404 itself after 3001 ms.
 */
export const COMMAND_ACK_WAIT_MS = 2_000;

/** Starts the wait of one `/mailbox` command for its acknowledgement: `reached` resolves at the deadline; `cancel` ends the wait. */
export type AckDeadline = () => { reached: Promise<void>; cancel(): void };

/** The deadline `ms` of real time from now (Slack's 3 seconds are wall-clock time). */
export function commandAckDeadline(ms = COMMAND_ACK_WAIT_MS): AckDeadline {
  return () => {
    let timer: NodeJS.Timeout | undefined;
    const reached = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    return { reached, cancel: () => clearTimeout(timer) };
  };
}

/** Where a typed request came from and where its answers go. */
export interface TextTurn {
  slackUserId: string;
  /** The workspace the request came from (envelope `team_id`, payload `team.id`). */
  teamId: string | undefined;
  text: string;
  /** Where the person wrote: their direct message, the mention's channel; undefined: answered in their DM (a slash command). */
  channel?: string;
  /** Answer in this thread (a mention). */
  threadTs?: string;
  /**
   * `channel` is read by others (a channel, private channel or group DM: the event's
   * `channel_type` is not `im`): every reply goes to the person's DM and the thread gets only a
   * pointer to it, since the answers name who holds which rights (SPEC section 2).
   */
  shared?: boolean;
  /** The Events API delivery, so a retry of it runs once. */
  eventId?: string;
  /** The message as Slack identifies it, for logs. */
  messageId?: string;
}

/** A `/mailbox` command as Slack posts it. */
export interface CommandTurn {
  slackUserId: string;
  /** The workspace the command came from (`team_id`). */
  teamId: string | undefined;
  text: string;
  /** Where it was typed (`channel_id`): a channel, a group DM or any DM. */
  channel: string;
  /** The command as Slack identifies it (`trigger_id`), for logs. */
  messageId?: string;
}

export interface ClickTurn {
  slackUserId: string;
  teamId: string | undefined;
  /** The button's `action_id`: the verb, with `:n` when several buttons share it. */
  actionId: string;
  /** The button's `value`: the action's data as JSON (untrusted). */
  value: string | undefined;
  channel: string;
  ts: string;
  /** The thread the clicked message is a reply in (its parent's `ts`), if any. */
  threadTs?: string;
  triggerId: string;
}

/**
 * The Slack turns: a typed request (direct message, mention, `/mailbox`), a button click, the
 * Reject modal's submission and a visit to the Home tab. Each one identifies the verified Slack
 * user as a directory user (or refuses them with a sentence in their Slack language), records that
 * they spoke to the bot in Slack, hands the neutral input to the conversation core and lays out
 * its replies. A turn from a conversation others read (a mention in a channel, private channel or
 * group DM; a click on a card left in one) is answered in the person's DM with the app, as
 * `/mailbox` is, and the thread gets only "I've answered you in a direct message": queries, audit
 * and requests name who holds which rights (SPEC section 2). Who may do what is decided by the core from that directory user and the stored
 * request; the button's value is only read as the data the core checks.
 */
export class SlackInbound {
  constructor(private readonly deps: SlackInboundDeps) {}

  async text(turn: TextTurn): Promise<void> {
    if (turn.eventId && !(await this.deps.claims.claim('slack', turn.eventId))) {
      this.deps.logger.info({ eventId: turn.eventId }, 'slack retry of an event already taken');
      return;
    }
    const shared = turn.shared === true && turn.channel !== undefined ? { channel: turn.channel, threadTs: turn.threadTs } : undefined;
    const identity = await this.identify(
      turn.slackUserId,
      turn.teamId,
      async (text, lang) => (shared ? this.refusePrivately(turn.slackUserId, shared, text, lang) : this.refuse(turn.channel ?? (await this.dmOf(turn.slackUserId)), text, turn.threadTs)),
      turn.text,
    );
    if (!identity) return;
    await this.answerText(turn, identity, shared);
  }

  /**
   * A `/mailbox` command, typed in `turn.channel` (a channel, a group DM, any DM). Slack wants the
   * HTTP answer within 3 seconds and shows its body to the person alone (`ack(text)`: an ephemeral
   * `response_type`), so the command is acknowledged once the person is identified: with why they
   * are not served, or, when the answer goes to their DM with the app from anywhere else, with
   * "I've answered you in a direct message" in the language of the answer, as a mention's thread
   * gets it. The answer itself goes to the DM, where the summary can later be updated. Should Slack
   * take longer than `ackDeadline` to say who they are, the command is acknowledged empty and the
   * turn goes on as before: the answer, or why they are not served, in their DM.
   */
  async command(turn: CommandTurn, ack: (text?: string) => Promise<void>): Promise<void> {
    let acknowledged = false;
    const acknowledge = async (text?: string): Promise<void> => {
      if (acknowledged) return;
      acknowledged = true;
      await ack(text);
    };
    const identifying = this.identify(turn.slackUserId, turn.teamId, async (text) => (acknowledged ? this.refuse(await this.dmOf(turn.slackUserId), text) : acknowledge(text)), turn.text);
    const deadline = (this.deps.ackDeadline ?? commandAckDeadline())();
    let first: SlackIdentity | undefined | 'late';
    try {
      first = await Promise.race([identifying, deadline.reached.then(() => 'late' as const)]);
    } finally {
      deadline.cancel();
    }
    if (first === 'late') await acknowledge();
    const identity = first === 'late' ? await identifying : first;
    if (!identity) return acknowledge();
    // Typed in the DM with the app itself: the answer appears right there, no pointer needed.
    const inDm = (await this.deps.repository.link(identity.user.id))?.dmChannel === turn.channel;
    await acknowledge(inDm ? undefined : t(markedLanguageOf(textWithoutMentions(turn.text)) ?? langOfIdentity(identity), 'slack.answeredInDm'));
    // No `channel`: answered in the DM with the app.
    await this.answerText({ slackUserId: turn.slackUserId, teamId: turn.teamId, text: turn.text, ...(turn.messageId ? { messageId: turn.messageId } : {}) }, identity, undefined);
  }

  /** A typed turn of a served person: read, handed to the core, its replies laid out. */
  private async answerText(turn: TextTurn, identity: SlackIdentity, shared: SharedPlace | undefined): Promise<void> {
    // `/mailbox` and a shared conversation are answered in the DM with the app, like later messages.
    const channel = turn.channel && !shared ? turn.channel : await this.dmWith(identity);
    await this.remember(identity, turn.channel?.startsWith('D') && !turn.threadTs ? turn.channel : undefined);
    const { botUserId } = await this.deps.workspace.get();
    // The language the conversation answers in: the message's own words, else the person's. Whatever
    // the edge says itself (a refusal, the pointer to the DM, the stand-in for a mentioned person Slack
    // gives no name for) is in it too, so the stand-in never tips a Dutch message to English or is
    // quoted in a Dutch answer. Read only when the edge needs it, once: not on the way of every message.
    let said: Lang | undefined;
    const saidIn = (): Lang => (said ??= markedLanguageOf(textWithoutMentions(turn.text)) ?? langOfIdentity(identity));
    let unreadable: 'slack.mention.unavailable' | 'slack.mention.blocked' = 'slack.mention.unavailable';
    const read = await readMentions(turn.text, {
      botUserId,
      resolve: (slackUserId) => this.deps.identities.resolve(slackUserId, turn.teamId),
      unnamed: () => t(saidIn(), 'slack.mention.unnamed'),
    }).catch((error: unknown) => {
      if (!isMentionLookupUnavailable(error)) throw error;
      // A broken installation was told to the operator, as one error, by `SlackTokenHealth`: a warning here.
      if (isMentionLookupBlocked(error)) unreadable = 'slack.mention.blocked';
      this.deps.logger.warn(
        { slackUserId: turn.slackUserId, messageId: turn.messageId, err: error.message, lookup: error.details },
        unreadable === 'slack.mention.blocked' ? "Slack refuses the app's installation for mention lookups; message refused" : 'mentioned people could not be checked right now; message refused',
      );
      return undefined;
    });
    let replies: Reply[];
    // Slack could not say right now who someone mentioned is: the whole message is refused and nothing
    // is done for it. "Not found" would tell the person a colleague has no account, and reading the
    // message without them would leave them out silently. "Try again in a moment" only when it may
    // pass; a broken installation is told as such. In the message's own language, as the
    // conversation would have answered it, else the person's.
    if (!read) replies = [{ kind: 'text', text: t(saidIn(), unreadable), tone: 'warning' }];
    // Too many people mentioned to look up: the whole message is refused, so no one in it is left out silently.
    else if (read.tooMany) replies = [{ kind: 'text', text: t(saidIn(), 'slack.mention.tooMany', { count: read.tooMany, max: MAX_MENTIONS }), tone: 'warning' }];
    else replies = await this.deps.conversation.handleText({ ...this.speaker(identity, turn.messageId), text: read.text, ...(read.mentions.length ? { mentions: read.mentions } : {}) });
    await this.deps.poster.post(channel, replies, identity.user.id, shared ? undefined : turn.threadTs);
    if (shared && replies.length > 0) await this.pointToDm(shared, saidIn());
  }

  /**
   * A button. Approve and Reject are honoured only on a stored copy of the request their value
   * names (`decisionClick`); every other verb goes to the core, whose first reply replaces the
   * clicked message.
   */
  async click(turn: ClickTurn): Promise<void> {
    const verb = turn.actionId.split(':')[0] ?? '';
    const data = parseValue(turn.value);
    if (verb === 'approve' || verb === 'reject') return this.decisionClick(verb, data, turn);
    // A card left in a channel before its answers went by DM (IM ids start with D): answered in the DM too.
    const shared = turn.channel.startsWith('D') ? undefined : { channel: turn.channel, threadTs: turn.threadTs ?? turn.ts };
    const identity = await this.identify(turn.slackUserId, turn.teamId, (text, lang) =>
      shared ? this.refusePrivately(turn.slackUserId, shared, text, lang) : this.refuse(turn.channel, text),
    );
    if (!identity) return;
    await this.remember(identity);
    const replies = await this.deps.conversation.handleAction({ ...this.speaker(identity, turn.ts), verb, data });
    if (!shared) return this.deps.poster.answerClick(turn.channel, turn.ts, replies, identity.user.id);
    await this.deps.poster.post(await this.dmWith(identity), replies, identity.user.id);
    if (replies.length > 0) await this.pointToDm(shared, langOfIdentity(identity));
  }

  /**
   * Approve or Reject on an approval card. The clicked message (`channel`, `ts`) must be a copy the
   * bot posted of the request the value names, to the person clicking; anything else (a tampered
   * value naming another request, garbage) is refused to the clicker alone and the message is left
   * as it was. Reject opens the reason modal from the click and two store reads (its trigger
   * expires in 3 seconds), but only while the request is pending; a late click of either goes to
   * the core, which changes nothing and says who decided (`answerDecision`).
   */
  private async decisionClick(verb: 'approve' | 'reject', data: Record<string, unknown>, turn: ClickTurn): Promise<void> {
    const requestId = typeof data.requestId === 'string' && data.requestId.length <= 100 ? data.requestId : undefined;
    const copy = requestId ? await this.approvalCopyAt(requestId, turn.channel, turn.ts) : undefined;
    const known = this.deps.identities.peek(turn.slackUserId);
    if (verb === 'reject' && requestId && copy && (!known || known.user.id === copy.userId) && (await this.deps.requests.get(requestId))?.state === 'pending') {
      await this.deps.api.viewsOpen(turn.triggerId, rejectModal({ requestId, channel: turn.channel, ts: turn.ts }, copy.lang));
      return;
    }
    const identity = await this.identify(turn.slackUserId, turn.teamId, (text) => this.refuse(turn.channel, text));
    if (!identity) return;
    await this.remember(identity);
    if (!requestId || copy?.userId !== identity.user.id) {
      this.deps.logger.warn({ slackUserId: turn.slackUserId, verb, channel: turn.channel }, 'decision click not on a copy of the request it names; refused');
      await this.tell(turn.channel, identity, t(langOfIdentity(identity), 'reply.badAction'));
      return;
    }
    const replies = await this.deps.conversation.handleAction({ ...this.speaker(identity, turn.ts), verb, data: { requestId } });
    await this.answerDecision(copy, replies, identity);
  }

  /**
   * The Reject modal's submission: the decision, with the reason typed (if any), for the copy the
   * modal was opened from; a `private_metadata` naming anything but a copy of that request posted
   * to the submitter is refused in their own DM, and nothing changes.
   */
  async rejectSubmitted(submission: { slackUserId: string; teamId: string | undefined; privateMetadata: unknown; view: Parameters<typeof submittedReason>[0] }): Promise<void> {
    const origin = rejectOrigin(submission.privateMetadata);
    if (!origin) {
      this.deps.logger.warn({ slackUserId: submission.slackUserId }, 'reject submission without its origin; refused');
      const identity = await this.identify(submission.slackUserId, submission.teamId, async (text) => this.refuse(await this.dmOf(submission.slackUserId), text));
      if (identity) await this.refuse(await this.dmWith(identity), t(langOfIdentity(identity), 'reply.badAction'));
      return;
    }
    const copy = await this.approvalCopyAt(origin.requestId, origin.channel, origin.ts);
    const identity = await this.identify(submission.slackUserId, submission.teamId, async (text) => this.refuse(await this.dmOf(submission.slackUserId), text));
    if (!identity) return;
    await this.remember(identity);
    if (copy?.userId !== identity.user.id) {
      this.deps.logger.warn({ slackUserId: submission.slackUserId, channel: origin.channel }, 'reject submission not for a copy of its request; refused');
      await this.refuse(await this.dmWith(identity), t(langOfIdentity(identity), 'reply.badAction'));
      return;
    }
    const reason = submittedReason(submission.view).trim();
    const replies = await this.deps.conversation.handleAction({ ...this.speaker(identity, origin.ts), verb: 'reject', data: { requestId: origin.requestId, ...(reason ? { reason } : {}) } });
    await this.answerDecision(copy, replies, identity);
  }

  /**
   * The core's answer to a decision on `copy`. The decision taken: the clicked card is left to the
   * decision's update-copies job, which re-renders every copy of the request (this one included)
   * once, and only what follows the card is posted. A late one (`note`: decided, cancelled or
   * expired before the click) leaves the card showing the request as it is now, rendered as every
   * copy is after a decision, and tells the clicker alone who decided and when; anything else (a
   * refusal) is answered as any click is (`SlackPoster.answerClick`).
   */
  private async answerDecision(copy: SlackCopy, replies: Reply[], identity: SlackIdentity): Promise<void> {
    const [first, ...rest] = replies;
    if (first?.kind !== 'approval') return this.deps.poster.answerClick(copy.channel, copy.ts, replies, identity.user.id);
    // Replacing the card here as well gave the clicked copy the same chat.update twice, the job's
    // possibly after (and over) the next event's. The job is durable and retried, in order with the
    // request's later updates, in the copy's own language and zone.
    if (first.note === undefined) return this.deps.poster.post(copy.channel, rest, identity.user.id);
    try {
      await this.deps.cards.refreshCopy(first.request, copy, this.deps.api);
    } catch (error) {
      if (!isBotError(error) || error.retryable) throw error;
      this.deps.logger.info({ requestId: first.request.id, slackError: error.details.slackError }, 'late click: copy not re-rendered');
    }
    await this.tell(copy.channel, identity, first.note);
    await this.deps.poster.post(copy.channel, rest, identity.user.id);
  }

  /**
   * The approval card of `requestId` posted as the message `channel`/`ts`, if the bot posted one (a
   * store read). Only an approver's copy carries Approve and Reject: a decision named on the
   * requester's summary is tampered data.
   */
  private async approvalCopyAt(requestId: string, channel: string, ts: string): Promise<SlackCopy | undefined> {
    return (await this.deps.repository.copies(requestId)).find((c) => c.role === 'approver' && c.channel === channel && c.ts === ts);
  }

  /** A sentence only the person sees, where they clicked (`chat.postEphemeral`); in their own DM if Slack will not. */
  private async tell(channel: string, identity: SlackIdentity, text: string): Promise<void> {
    const { blocks } = replyMessage({ kind: 'text', text, tone: 'warning' });
    try {
      await this.deps.api.postEphemeral({ channel, user: identity.slackUserId, text, blocks });
    } catch (error) {
      if (!isBotError(error) || error.retryable) throw error;
      // Never a plain message where others read it (a forged click may name someone else's DM).
      await this.refuse(await this.dmWith(identity), text);
    }
  }

  /** The Home tab: the person's requests and what awaits their decision, published for them. */
  async homeOpened(visit: { slackUserId: string; teamId: string | undefined; eventId?: string }): Promise<void> {
    if (visit.eventId && !(await this.deps.claims.claim('slack', visit.eventId))) return;
    const identity = await this.identify(visit.slackUserId, visit.teamId, async () => undefined);
    if (!identity) return;
    await this.remember(identity);
    const view = await this.deps.home(identity);
    await this.deps.api.viewsPublish(visit.slackUserId, view);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private speaker(identity: SlackIdentity, messageId?: string): Speaker {
    return {
      userId: identity.user.id,
      channel: 'slack',
      ...(identity.locale ? { locale: identity.locale } : {}),
      ...(identity.timeZone ? { timeZone: identity.timeZone } : {}),
      ...(identity.utcOffsetMinutes !== undefined ? { utcOffsetMinutes: identity.utcOffsetMinutes } : {}),
      ...(messageId ? { messageId } : {}),
    };
  }

  /**
   * The directory user of a verified Slack user, or undefined after `refuse` told them (in their
   * Slack language) why they are not served. Bots are ignored without an answer. When Slack cannot
   * say right now who they are (`users.info` failing: 429, 5xx, network), they are told to send it
   * again in a moment, in the language of `said` (their message, when there is one) else English:
   * the event is already acknowledged, so Slack will not deliver it again, and silence would leave
   * them waiting for an answer that never comes. When Slack refuses the app's installation
   * (`isSlackInstallationFailure`: a revoked token, a missing `users:read`), trying again will not
   * help: they are told the bot cannot look people up in this workspace right now and that its
   * administrator has been told (`SlackTokenHealth` logged the one error for the operator).
   * A refused person Slack will not let the app reach (`recipient_unreachable`: `users.info` and
   * `conversations.open` answer `user_not_found` for a user the workspace does not know) is not
   * told, and that is logged at info: it is expected, not a fault.
   */
  private async identify(
    slackUserId: string,
    teamId: string | undefined,
    refuse: (text: string, lang: Lang) => Promise<void>,
    said?: string,
  ): Promise<SlackIdentity | undefined> {
    try {
      const outcome = await this.deps.identities.resolve(slackUserId, teamId);
      if (outcome.known) return outcome.identity;
      this.deps.logger.info({ slackUserId, refusal: outcome.refusal }, 'slack user refused');
      if (outcome.refusal !== 'bot') {
        // Slack's locale for them, else the words they wrote (nobody Slack knows has no locale).
        const lang = langOf(outcome.locale) ?? (said === undefined ? undefined : markedLanguageOf(textWithoutMentions(said))) ?? 'en';
        await refuse(t(lang, `slack.identity.${outcome.refusal}`), lang).catch((error: unknown) => {
          // Someone Slack will not let the app reach (an unknown user has no DM to open): an expected
          // end of the turn, nobody to tell; anything else is a fault.
          if (!isBotError(error, 'recipient_unreachable')) throw error;
          this.deps.logger.info({ slackUserId, refusal: outcome.refusal, slackError: error.details.slackError }, 'the refused slack user cannot be reached; not told');
        });
      }
      return undefined;
    } catch (error) {
      if (!isBotError(error, 'channel_unavailable')) throw error;
      const blocked = isSlackInstallationFailure(error);
      this.deps.logger.warn(
        { slackUserId, err: error.message },
        blocked ? "Slack refuses the app's installation for identity lookups; the person is told" : 'slack identity unavailable; the person is asked to try again',
      );
      const lang = (said === undefined ? undefined : markedLanguageOf(textWithoutMentions(said))) ?? 'en';
      await refuse(t(lang, blocked ? 'slack.identity.blocked' : 'slack.identity.unavailable'), lang).catch((failure: unknown) => {
        // Slack is failing for the answer too: nothing more can be said to them now.
        this.deps.logger.warn({ slackUserId, err: failure instanceof Error ? failure.message : String(failure) }, 'and could not be told so');
      });
      return undefined;
    }
  }

  /** Who spoke to the bot in Slack, and how to reach them there (`dmChannel`: the DM they wrote in). */
  private async remember(identity: SlackIdentity, dmChannel?: string): Promise<void> {
    const known = await this.deps.repository.link(identity.user.id);
    const channel = dmChannel ?? (known?.slackUserId === identity.slackUserId ? known.dmChannel : undefined);
    const link: SlackLink = { slackUserId: identity.slackUserId };
    if (channel) link.dmChannel = channel;
    if (identity.locale) link.locale = identity.locale;
    // The zone their replies were written in, so later card updates and notices agree with them.
    const timeZone = zoneOfIdentity(identity);
    if (timeZone) link.timeZone = timeZone;
    await Promise.all([
      this.deps.repository.recordSeen(identity.user.id, identity.slackUserId),
      this.deps.repository.saveLink(identity.user.id, link),
      this.deps.presence?.spokeOn(identity.user.id, 'slack'),
    ]);
  }

  /** The person's direct-message channel with the app (for `/mailbox` answers). */
  private async dmWith(identity: SlackIdentity): Promise<string> {
    const link = await this.deps.repository.link(identity.user.id);
    if (link?.dmChannel && link.slackUserId === identity.slackUserId) return link.dmChannel;
    const channel = await this.dmOf(identity.slackUserId);
    await this.deps.repository.saveLink(identity.user.id, { ...(link ?? {}), slackUserId: identity.slackUserId, dmChannel: channel });
    return channel;
  }

  private async dmOf(slackUserId: string): Promise<string> {
    return this.deps.api.openDm(slackUserId);
  }

  /**
   * Why a person is not served, in their DM when they wrote in a shared conversation. A person
   * Slack will not let the app DM (another organisation's member) is told in the thread: the
   * sentence names no rights, only why they are not served.
   */
  private async refusePrivately(slackUserId: string, shared: SharedPlace, text: string, lang: Lang): Promise<void> {
    let dm: string;
    try {
      dm = await this.dmOf(slackUserId);
    } catch (error) {
      if (!isBotError(error, 'recipient_unreachable')) throw error;
      return this.refuse(shared.channel, text, shared.threadTs);
    }
    await this.refuse(dm, text);
    await this.pointToDm(shared, lang);
  }

  /** The one line a shared conversation gets for a turn answered in the DM: no content of the answer. */
  private async pointToDm(shared: SharedPlace, lang: Lang): Promise<void> {
    await this.deps.poster.post(shared.channel, [{ kind: 'text', text: t(lang, 'slack.answeredInDm') }], '', shared.threadTs);
  }

  /** Why a person is not served, where they wrote. */
  private async refuse(channel: string, text: string, threadTs?: string): Promise<void> {
    await this.deps.poster.post(channel, [{ kind: 'text', text, tone: 'warning' }], '', threadTs);
  }
}

/** Where a turn from a shared conversation came from: the pointer to the DM goes there. */
interface SharedPlace {
  channel: string;
  threadTs: string | undefined;
}

/** A button's value as the data object the core reads; anything else is no data. */
function parseValue(value: string | undefined): Record<string, unknown> {
  if (!value || value.length > 2000) return {};
  try {
    const data = JSON.parse(value) as unknown;
    return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
