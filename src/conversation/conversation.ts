import type { DirectoryUser } from '../directory/directory.js';
import { BotError, isBotError } from '../domain/errors.js';
import { calendarOffset, requesterZone } from '../domain/time.js';
import { MAX_TEXT_LENGTH, type Understanding, type UnreadEnd } from '../language/understand.js';
import { readCommand, type Command } from './commands.js';
import type { Core } from './core.js';
import { ExampleSource } from './examples.js';
import { messageKind, readsQuestion } from './message-kind.js';
import { audit } from './audit-question.js';
import { auditMore, continuePaging, help, myRequests, notMembership, notToMailboxOrGroup, notUnderstood, oneRequestEach, requestStatus } from './queries.js';
import { refusalFor } from './refusals.js';
import { answerDraft, choiceStillOpen, choose, openDraft, startRequest } from './requests.js';
import { turnLogger, type Turn } from './turn.js';
import type { ActionInput, Audience, ConversationApi, ConversationDeps, Lang, MarkedMention, Reply, Speaker, TextInput } from './types.js';
import { escapeMarkdown } from './wording/escape.js';
import { formatMoment } from './wording/format.js';
import { Names } from './wording/names.js';
import { withStateName } from './wording/requests.js';
import { langOf, t } from './wording/strings.js';
import { approvalView, noticeView, statusView } from './wording/views.js';

// Control characters other than newline, carriage return and tab, and bidi overrides.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');

/**
 * The conversation every channel shares: text requests in English or Dutch, clarifying questions
 * and choices, decisions, my requests, cancel, admin actions (retry, revoke), queries, audit and
 * help. Who may do what is decided by the engine from the authenticated `userId`, never from card
 * data; every refusal is a reply with its own code, in the person's language.
 */
export class Conversation implements ConversationApi {
  private readonly core: Core;

  constructor(deps: ConversationDeps) {
    const escape = deps.escape ?? escapeMarkdown;
    this.core = { ...deps, escape, examples: new ExampleSource(deps.directory, escape) };
  }

  async handleText(input: TextInput): Promise<Reply[]> {
    const { core } = this;
    const turn = this.turn(input, { lang: langOf(input.locale) ?? 'en', ...zone(input) });
    const raw = typeof input.text === 'string' ? input.text : '';
    if (CONTROL.test(raw)) {
      // Nobody types these; such a message is refused rather than guessed at.
      turn.log.info({}, 'message with control characters refused');
      return [{ kind: 'refusal', code: 'control_chars', text: t(turn.audience.lang, 'reply.controlChars'), details: {} }];
    }
    // One line for the language layer: chat clients send line breaks as \n.
    const text = raw.replace(/\s+/g, ' ').trim();
    if (text.length > MAX_TEXT_LENGTH) {
      turn.log.info({ length: text.length }, 'message too long');
      return [{ kind: 'refusal', code: 'text_too_long', text: t(turn.audience.lang, 'reply.tooLong', { length: text.length, limit: MAX_TEXT_LENGTH }), details: {} }];
    }
    try {
      const speaker = await this.speakerInDirectory(input.userId);
      if (speaker === null) throw notInDirectory(input.userId);
      // Guests cannot use the bot, as in Slack (SPEC section 5); a click on a card they were sent as an
      // approver still goes through (`handleAction`), checked against the stored request.
      if (speaker?.guest) throw new BotError('guest_not_allowed', 'The person speaking is a guest account', { details: { userId: input.userId, rule: 'guest_requester' } });
      // Their own language until the message's words say another: "next week", "ok" or a bare name does not switch it.
      const known = knownLanguage(speaker, input.locale);
      turn.audience = { ...turn.audience, lang: known };
      if (!text) {
        const example = await this.firstExample(turn);
        return [{ kind: 'text', text: t(turn.audience.lang, 'reply.emptyExample', { example }) }];
      }
      // "tomorrow" and "until Friday" count from the asker's own date, in the zone their day will end in.
      const now = core.clock.now();
      const dayOffset = calendarOffset(now, turn.audience.timeZone, input.utcOffsetMinutes);
      const understanding = await core.understand(text, {
        directory: core.directory,
        requesterId: input.userId,
        now: new Date(now),
        ...(dayOffset !== undefined ? { utcOffsetMinutes: dayOffset } : {}),
        // The client's locale decides how "1/2" reads (en-US: 2 January; others: 1 February).
        ...(typeof input.locale === 'string' && input.locale.length < 36 ? { locale: input.locale } : {}),
        ...(core.rightsOn ? { rightsOn: core.rightsOn } : {}),
        ...(input.mentions?.length ? { mentions: input.mentions } : {}),
        language: known,
      });
      turn.audience = { ...turn.audience, lang: understanding.language };
      turn.log.info({ intent: understanding.intent, lang: understanding.language }, 'message understood');
      const command = readCommand(text, understanding);
      // Only a message that may stop or answer an open question reads it: a request goes on without reading one.
      const draft = readsQuestion(understanding, command) ? await openDraft(core, input.userId) : undefined;
      const message = messageKind(understanding, command, draft);
      switch (message.kind) {
        case 'stop-question':
          await core.drafts.deleteDraft(input.userId);
          turn.replies.push({ kind: 'text', text: t(message.language, message.said === 'stop' ? 'reply.questionStopped' : 'reply.questionDropped') });
          return turn.replies;
        case 'nothing-to-stop':
          turn.replies.push({ kind: 'text', text: t(message.language, 'reply.nothingToStop') });
          return turn.replies;
        case 'answer':
          if (await answerDraft(core, turn, message.question, { text, understanding, readsAsName: message.readsAsName, ...(input.mentions ? { mentions: input.mentions } : {}), ...(dayOffset !== undefined ? { utcOffsetMinutes: dayOffset } : {}) })) return turn.replies;
          // `answerDraft` did not take it as the answer ("Megan needs it" at "On which mailbox?"): a new message after all.
          break;
        case 'aside':
          // "add Megan to the Sales group" at a choice: answered, and the choice kept (nothing replaced it), as said.
          await this.dispatch(turn, understanding, command, input.mentions, input.utcOffsetMinutes);
          turn.replies.push({ kind: 'text', text: await choiceStillOpen(turn, message.question) });
          return turn.replies;
        case 'new-message':
          break;
      }
      // A new message replaces whatever was being completed: its own answer says what happens now.
      await core.drafts.deleteDraft(input.userId);
      await this.dispatch(turn, understanding, command, input.mentions, input.utcOffsetMinutes);
    } catch (error) {
      turn.replies.push(await refusalFor(error, turn.context, turn.names, turn.audience.lang, turn.log));
    }
    return turn.replies;
  }

  async handleAction(input: ActionInput): Promise<Reply[]> {
    const { core } = this;
    // The answer replaces a card the person may have got unprompted, so it speaks their language the same way.
    const speaker = await this.speakerInDirectory(input.userId);
    const turn = this.turn(input, { lang: knownLanguage(speaker, input.locale), ...zone(input) });
    const data = input.data && typeof input.data === 'object' ? input.data : {};
    turn.log.info({ verb: String(input.verb).slice(0, 20) }, 'card action');
    try {
      if (speaker === null) throw notInDirectory(input.userId);
      switch (input.verb) {
        case 'approve':
        case 'reject':
          await this.decide(turn, input.verb, data);
          break;
        case 'choose': {
          const chosen = await choose(core, turn, data.draftId, data.step, data.pick);
          if ('expired' in chosen) return [refusal(turn, 'choice_expired', 'reply.choiceExpired')];
          // The choice stays open: a refusal (not a card) leaves its buttons where they are.
          if ('notAnOption' in chosen) return [{ kind: 'refusal', code: 'not_an_option', text: chosen.notAnOption, details: {} }];
          // The click is answered with what was picked; the rest of the request follows as new messages.
          turn.replies.unshift({ kind: 'notice', view: noticeView(turn.audience.lang, [`✓ ${chosen.picked}`], { title: t(turn.audience.lang, 'choose.title') }) });
          break;
        }
        case 'retry':
        case 'revoke': {
          const requestId = requestIdOf(data);
          if (!requestId) return [refusal(turn, 'bad_action', 'reply.badAction')];
          await this.adminAction(turn, input.verb, requestId);
          break;
        }
        case 'cancel':
          await this.cancelByClick(turn, data);
          break;
        case 'audit':
          await auditMore(core, turn, data);
          break;
        default:
          return [refusal(turn, 'bad_action', 'reply.badAction')];
      }
    } catch (error) {
      turn.replies.unshift(await refusalFor(error, turn.context, turn.names, turn.audience.lang, turn.log));
    }
    return turn.replies;
  }

  private turn(input: Speaker, audience: Audience): Turn {
    return {
      userId: input.userId,
      audience,
      names: new Names(this.core.directory, this.core.escape),
      log: turnLogger(this.core.logger, { channel: input.channel, messageId: input.messageId, userId: input.userId }),
      replies: [],
      context: { operation: 'action' },
    };
  }

  private async firstExample(turn: Turn): Promise<string> {
    const names = await this.core.examples.namesFor(turn.userId);
    return t(turn.audience.lang, 'example.grant', { ...names });
  }

  private async dispatch(turn: Turn, u: Understanding, command: Command | undefined, mentions?: readonly MarkedMention[], utcOffsetMinutes?: number): Promise<void> {
    const { core } = this;
    if (command?.verb === 'retry') return this.adminAction(turn, 'retry', command.requestId);
    if (command?.verb === 'audit') return audit(core, turn, command, mentions, utcOffsetMinutes);
    if (command?.verb === 'more') {
      // "volgende" alone marks no language for the language layer; the paging word itself does.
      turn.audience = { ...turn.audience, lang: command.lang };
      return continuePaging(core, turn);
    }
    switch (u.intent) {
      case 'help':
        return help(core, turn);
      case 'status':
        // "status REQ-7K2F9": that request; "status", "my requests": the list.
        return u.requestRef ? requestStatus(core, turn, u.requestRef) : myRequests(core, turn);
      case 'cancel':
        return this.cancelByText(turn, u);
      case 'revoke':
        if (u.requestRef && !u.grantee && !u.target) return this.adminAction(turn, 'revoke', u.requestRef);
        return startRequest(core, turn, { ...u, intent: 'revoke' });
      case 'grant':
      case 'query':
        return startRequest(core, turn, { ...u, intent: u.intent });
      case 'unknown':
        // A request whose end was given two ways: the requester picks the end, nothing is dropped unasked.
        if (u.periodChoice) return startRequest(core, turn, u.periodChoice.request, u.periodChoice);
        // A grant whose time limit cannot be used, or a removal asked for later or for a while: said about
        // the time, not "did not understand", and never a removal now.
        if (u.unreadEnd) return endNotRead(turn, u.unreadEnd);
        // Rights on several mailboxes or groups, each with its own cue: said to be several requests.
        if (u.severalRequests) return oneRequestEach(core, turn, u.severalRequests);
        // "add Zoë to the Marketing group": membership, which the bot does not do; said so.
        if (u.membership) return notMembership(core, turn);
        // "give Training send as on Support": rights go to people; said so, naming the group.
        if (u.granteeNotPerson) return notToMailboxOrGroup(core, turn, u.granteeNotPerson);
        return notUnderstood(core, turn);
    }
  }

  /** Admin only (the engine checks): revoke an applied grant now, or retry a failed apply. */
  private async adminAction(turn: Turn, action: 'revoke' | 'retry', requestId: string): Promise<void> {
    const { engine } = this.core;
    const { lang } = turn.audience;
    turn.context = { operation: action, requestId };
    try {
      const request = action === 'revoke' ? await engine.revokeNow(requestId, turn.userId) : await engine.retry(requestId, turn.userId);
      const key = action === 'revoke' ? 'reply.revoking' : 'reply.retrying';
      turn.replies.push({ kind: 'text', text: t(lang, key, { requestId: turn.names.escape(request.id, 80) }) });
    } catch (error) {
      // "Only a failed request can be retried (effective)": the state as it is now.
      if (isBotError(error, 'invalid_request') || isBotError(error, 'conflict')) turn.context.state = (await engine.get(requestId))?.state ?? '?';
      throw error;
    }
  }

  /** "cancel": the one pending request, the named one, or the list to pick from. */
  private async cancelByText(turn: Turn, u: Understanding): Promise<void> {
    const { engine } = this.core;
    const { lang } = turn.audience;
    if (u.requestRef) {
      await this.cancel(turn, u.requestRef);
      return;
    }
    const open = (await engine.requestsOf(turn.userId, { openOnly: true })).filter((r) => r.state === 'pending');
    if (open.length === 0) turn.replies.push({ kind: 'text', text: t(lang, 'reply.noOpenRequests') });
    else if (open.length === 1) await this.cancel(turn, open[0]!.id);
    else turn.replies.push({ kind: 'requests', mine: open, awaiting: [], view: await statusView(open, [], turn.names, turn.audience) });
  }

  /** Cancel on a "Your requests" card: the card is redrawn without that Cancel, and the cancellation confirmed. */
  private async cancelByClick(turn: Turn, data: Record<string, unknown>): Promise<void> {
    const requestId = requestIdOf(data);
    if (!requestId) {
      turn.replies.push(refusal(turn, 'bad_action', 'reply.badAction'));
      return;
    }
    await this.cancel(turn, requestId);
    const confirmation = turn.replies.pop()!;
    await myRequests(this.core, turn);
    turn.replies.push(confirmation);
  }

  private async cancel(turn: Turn, requestId: string): Promise<void> {
    turn.context = { operation: 'cancel', requestId };
    const request = await this.core.engine.cancel(requestId, turn.userId);
    turn.replies.push({ kind: 'text', text: t(turn.audience.lang, 'reply.cancelled', { requestId: turn.names.escape(request.id, 80) }) });
  }

  /** Approve or reject; a late click is shown who decided first and when. */
  private async decide(turn: Turn, verdict: 'approve' | 'reject', data: Record<string, unknown>): Promise<void> {
    const { engine } = this.core;
    const requestId = requestIdOf(data);
    if (!requestId) {
      turn.replies.push(refusal(turn, 'bad_action', 'reply.badAction'));
      return;
    }
    const reason = typeof data.reason === 'string' ? data.reason.replace(CONTROL_ALL, '').trim().slice(0, 500) : '';
    turn.context = { operation: 'decide', requestId };
    try {
      const request = await engine.decide(requestId, turn.userId, verdict, verdict === 'reject' && reason ? reason : undefined);
      turn.replies.push({ kind: 'approval', request, view: await approvalView(request, turn.names, turn.audience), audience: turn.audience });
    } catch (error) {
      if (!isBotError(error, 'already_decided')) throw error;
      const request = await engine.get(requestId);
      const note = await this.alreadyDecidedNote(error, turn);
      if (request) turn.replies.push({ kind: 'approval', request, view: await approvalView(request, turn.names, turn.audience, { note }), audience: turn.audience, note });
      else turn.replies.push({ kind: 'refusal', code: 'not_pending', text: note, details: { requestId } });
    }
  }

  /**
   * The person speaking as the directory has them: null only when the directory answered that nobody
   * has this id (a Teams account of another tenant, one removed since); undefined when it could not
   * answer, and the turn goes on (what needs the directory then says it is unavailable).
   */
  private async speakerInDirectory(userId: string): Promise<DirectoryUser | null | undefined> {
    return this.core.directory.getUser(userId).then(
      (user) => user ?? null,
      () => undefined,
    );
  }

  private async alreadyDecidedNote(error: BotError, turn: Turn): Promise<string> {
    const { lang } = turn.audience;
    const verdict = error.details.verdict;
    if (verdict !== 'approved' && verdict !== 'rejected') {
      // Cancelled or expired before anyone decided.
      return withStateName(lang, 'reply.notPending', typeof error.details.state === 'string' ? error.details.state : typeof verdict === 'string' ? verdict : undefined);
    }
    const by = typeof error.details.by === 'string' ? await turn.names.person(error.details.by) : '?';
    const at = typeof error.details.at === 'number' ? formatMoment(error.details.at, turn.audience) : '?';
    return t(lang, 'state.alreadyDecided', { verdict: t(lang, `verdict.${verdict}`), by, at });
  }
}

/**
 * A grant's time limit that was written but cannot be used, or a revoke's time other than now (a removal is
 * now and for good): why, and that nothing was done.
 */
function endNotRead(turn: Turn, end: UnreadEnd): void {
  const { lang } = turn.audience;
  const text = turn.names.escape(end.text, 40);
  const reply: Reply =
    end.why === 'too_long'
      ? { kind: 'refusal', code: 'too_long', text: t(lang, 'refusal.period_too_long', { text }), details: { rule: 'too_long' } }
      : { kind: 'refusal', code: 'end_unread', text: t(lang, `refusal.end_unread.${end.why}`, { text }), details: { rule: end.why } };
  turn.replies.push(reply);
}

/**
 * The person speaking is not in the directory: the bot cannot act for them (nobody could approve,
 * nothing is theirs). The same error the engine gives an unknown requester (`role: 'requester'`).
 */
function notInDirectory(userId: string): BotError {
  return new BotError('not_found', 'The person speaking is not in the directory', { details: { userId, role: 'requester' } });
}

/**
 * The language a person is known to use, before their words say otherwise: their directory
 * `preferredLanguage` (what the bot's unprompted cards to them are written in), else their client's
 * locale, else English. A message keeps it unless its own words mark another language.
 */
function knownLanguage(speaker: DirectoryUser | null | undefined, locale: string | undefined): Lang {
  return langOf(speaker?.preferredLanguage) ?? langOf(locale) ?? 'en';
}

function refusal(turn: Turn, code: 'bad_action' | 'choice_expired', key: string): Reply {
  return { kind: 'refusal', code, text: t(turn.audience.lang as Lang, key), details: {} };
}

function requestIdOf(data: Record<string, unknown>): string | undefined {
  const id = data.requestId;
  return typeof id === 'string' && id.length > 0 && id.length <= 100 ? id : undefined;
}

/**
 * The zone the speaker's replies are written in, their days counted in and their "until" dates ended
 * in: their client's IANA zone when it is one, else the offset their client reported ("+01:00"), so
 * "until tomorrow" ends at their midnight rather than UTC's; else the name as reported (shown as UTC).
 */
function zone(input: Speaker): { timeZone?: string } {
  const decided = requesterZone(input.timeZone, input.utcOffsetMinutes);
  if (decided) return { timeZone: decided };
  return typeof input.timeZone === 'string' && input.timeZone.length < 64 ? { timeZone: input.timeZone } : {};
}
