import type { Presence } from '../../conversation/presence.js';
import { randomUUID } from 'node:crypto';
import {
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
} from 'botbuilder';
import type { Logger } from 'pino';
import type { Directory } from '../../directory/directory.js';
import type { Clock } from '../../domain/clock.js';
import type { RequestEngineApi } from '../../domain/engine-api.js';
import { isBotError, type BotError } from '../../domain/errors.js';
import type { PermissionRequest } from '../../domain/request.js';
import { isRight, rightAppliesTo, type Right } from '../../domain/rights.js';
import type { CloudEndpoints } from '../../permissions/clouds.js';
import { ADAPTIVE_CARD_CONTENT_TYPE, cardAttachment, escapeText, t, type CardJson, type Lang } from './cards.js';
import { errorSummary } from './proactive.js';
import type { Draft, TeamsRepository } from './repositories.js';
import { MAX_TEXT_LENGTH, type Resolution, type understand, type Understanding } from '../../language/understand.js';

/** The language layer's entry point (injected so tests and benches use the same one as `npm start`). */
export type UnderstandFn = typeof understand;
import {
  accessCard,
  adminCenterUrl,
  approvalCard,
  choiceCard,
  formatMoment,
  helpCard,
  holdingsCard,
  langOf,
  Names,
  noticeCard,
  rightLabel,
  statusCard,
  summaryCard,
  type Audience,
} from './views.js';

/** "retry REQ-..." / "probeer REQ-... opnieuw": the language layer reads these as status with a request id. */
const RETRY_WORDS = /\b(retry|opnieuw)\b/i;
/** More candidates than this are asked for in words, not with a card. */
const MAX_CHOICES = 6;
/** A draft older than this is forgotten. */
const DRAFT_TTL_MS = 30 * 60_000;

export interface TeamsBotDeps {
  engine: RequestEngineApi;
  /** The bot's cloud (`CLOUD`), for admin-center links. */
  cloud: CloudEndpoints;
  directory: Directory;
  understand: UnderstandFn;
  repository: TeamsRepository;
  clock: Clock;
  logger: Logger;
  /** Rights held on a target now (the permission service), so "remove Jan's Send As" finds the Jan who has it. */
  rightsOn?: (targetId: string) => Promise<Array<{ trustee: string; right: Right }>>;
  /** Where each person last spoke to the bot: messages owed to them go there. */
  presence?: Presence;
}

type Reply = string | CardJson;

// Control characters other than newline, carriage return and tab, and bidi overrides.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');

/**
 * The Teams conversation: text requests in English or Dutch, clarifying questions and choice
 * cards, approval clicks (`Action.Execute`), status, cancel, help and access queries. Who may do
 * what is decided by the engine from `from.aadObjectId`, never from card data.
 */
export class TeamsBot extends TeamsActivityHandler {
  constructor(private readonly deps: TeamsBotDeps) {
    super();
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onInstallationUpdate(async (context, next) => {
      const action = context.activity.action ?? '';
      if (action.startsWith('add')) await this.rememberConversation(context);
      // After an uninstall the saved chat no longer reaches the person; a later message reopens one.
      else if (action.startsWith('remove') && context.activity.from?.aadObjectId && context.activity.conversation?.conversationType === 'personal') {
        await this.deps.repository.forgetReference(context.activity.from.aadObjectId);
      }
      await next();
    });
    this.onConversationUpdate(async (context, next) => {
      await this.rememberConversation(context);
      await next();
    });
  }

  // ---- conversation references --------------------------------------------------------------

  private async rememberConversation(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const userId = activity.from?.aadObjectId;
    // Only personal chats are a way to reach someone privately.
    const type = activity.conversation?.conversationType;
    if (!userId || (type && type !== 'personal')) return;
    const reference = TurnContext.getConversationReference(activity);
    await this.deps.repository.saveReference(userId, reference, { locale: activity.locale, timeZone: timeZoneOf(activity) });
    await this.deps.presence?.spokeOn(userId, 'teams');
  }

  // ---- messages -----------------------------------------------------------------------------

  private async handleMessage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const userId = activity.from?.aadObjectId;
    const localeLang = langOf(activity.locale) ?? 'en';
    const log = this.deps.logger.child({ activityId: activity.id, userId });
    if (!userId) {
      log.warn('message without aadObjectId ignored');
      return;
    }
    await this.rememberConversation(context);
    const raw = typeof activity.text === 'string' ? TurnContext.removeRecipientMention(activity) ?? activity.text : '';
    if (CONTROL.test(raw)) {
      // Nobody types these; such a message is refused rather than guessed at.
      log.info('message with control characters refused');
      await this.reply(context, t(localeLang, 'reply.controlChars'));
      return;
    }
    // One line for the language layer: Teams sends line breaks as \n, mentions as <at>..</at>.
    const text = raw.replace(/<\/?at>/g, '').replace(/\s+/g, ' ').trim();
    if (!text) {
      await this.reply(context, t(localeLang, 'reply.empty'));
      return;
    }
    if (text.length > MAX_TEXT_LENGTH) {
      log.info({ length: text.length }, 'message too long');
      await this.reply(context, t(localeLang, 'reply.tooLong', { length: text.length, limit: MAX_TEXT_LENGTH }));
      return;
    }
    const understanding = await this.deps.understand(text, {
      directory: this.deps.directory,
      requesterId: userId,
      now: new Date(this.deps.clock.now()),
      ...utcOffset(activity),
      ...(this.deps.rightsOn ? { rightsOn: this.deps.rightsOn } : {}),
    });
    const lang = understanding.language;
    const audience: Audience = { lang, ...zone(activity) };
    log.info({ intent: understanding.intent, lang }, 'message understood');

    try {
      if (understanding.intent === 'unknown') {
        const draft = await this.deps.repository.draft(userId);
        if (draft?.awaiting && this.deps.clock.now() - draft.createdAt < DRAFT_TTL_MS) {
          // A free-text answer to the question we asked.
          await this.answerDraft(context, draft, text, audience);
          return;
        }
      }
      // A new request replaces whatever was being completed.
      await this.deps.repository.deleteDraft(userId);
      await this.dispatch(context, userId, understanding, audience);
    } catch (error) {
      await this.reply(context, this.errorText(error, lang, log));
    }
  }

  private async dispatch(context: TurnContext, userId: string, u: Understanding, audience: Audience): Promise<void> {
    const { lang } = audience;
    const names = new Names(this.deps.directory);
    switch (u.intent) {
      case 'help':
        await this.reply(context, helpCard(lang));
        return;
      case 'status': {
        if (u.requestRef && RETRY_WORDS.test(context.activity.text ?? '')) {
          await this.adminAction(context, 'retry', u.requestRef, userId, lang);
          return;
        }
        const [mine, awaiting] = await Promise.all([
          this.deps.engine.requestsOf(userId, { limit: 10 }),
          this.deps.engine.awaitingDecisionBy(userId),
        ]);
        await this.reply(context, await statusCard(mine, awaiting, names, audience));
        return;
      }
      case 'cancel':
        await this.cancelFromText(context, userId, u, audience, names);
        return;
      case 'revoke':
        if (u.requestRef && !u.grantee && !u.target) {
          await this.adminAction(context, 'revoke', u.requestRef, userId, lang);
          return;
        }
      // falls through: a revoke naming a person and a mailbox is a request like any other
      case 'grant':
      case 'query': {
        const draft: Draft = {
          id: randomUUID(),
          requesterId: userId,
          intent: u.intent,
          permission: u.permission,
          grantee: u.grantee,
          target: u.target,
          duration: u.duration,
          until: u.until,
          ...(audience.timeZone ? { timeZone: audience.timeZone } : {}),
          language: lang,
          createdAt: this.deps.clock.now(),
        };
        if (u.reason) draft.reason = u.reason;
        if (u.autoMapping !== undefined) draft.autoMapping = u.autoMapping;
        await this.advance(context, draft, audience, names);
        return;
      }
      case 'unknown':
        await this.reply(context, t(lang, 'reply.notUnderstood'));
        return;
    }
  }

  /** Admin-only: revoke an applied grant now, or retry a failed apply. The engine checks the admin. */
  private async adminAction(context: TurnContext, action: 'revoke' | 'retry', requestId: string, userId: string, lang: Lang): Promise<void> {
    await this.reply(context, await this.runAdminAction(action, requestId, userId, lang));
  }

  private async runAdminAction(action: 'revoke' | 'retry', requestId: string, userId: string, lang: Lang): Promise<string> {
    try {
      if (action === 'revoke') {
        const request = await this.deps.engine.revokeNow(requestId, userId);
        return t(lang, 'reply.revoking', { requestId: escapeText(request.id, 80) });
      }
      const request = await this.deps.engine.retry(requestId, userId);
      return t(lang, 'reply.retrying', { requestId: escapeText(request.id, 80) });
    } catch (error) {
      if (isBotError(error, 'not_allowed')) return t(lang, action === 'revoke' ? 'reply.notAllowedRevoke' : 'reply.notAllowedRetry');
      if (isBotError(error, 'invalid_request') || isBotError(error, 'conflict')) {
        const state = (await this.deps.engine.get(requestId))?.state ?? '?';
        return t(lang, action === 'revoke' ? 'reply.notRevocable' : 'reply.notFailed', { state });
      }
      throw error;
    }
  }

  private async cancelFromText(context: TurnContext, userId: string, u: Understanding, audience: Audience, names: Names): Promise<void> {
    const { lang } = audience;
    if (u.requestRef) {
      const request = await this.deps.engine.cancel(u.requestRef, userId);
      await this.reply(context, t(lang, 'reply.cancelled', { requestId: escapeText(request.id, 80) }));
      return;
    }
    const open = (await this.deps.engine.requestsOf(userId, { openOnly: true })).filter((r) => r.state === 'pending');
    if (open.length === 0) {
      await this.reply(context, t(lang, 'reply.noOpenRequests'));
    } else if (open.length === 1) {
      const request = await this.deps.engine.cancel(open[0]!.id, userId);
      await this.reply(context, t(lang, 'reply.cancelled', { requestId: escapeText(request.id, 80) }));
    } else {
      await this.reply(context, await statusCard(open, [], names, audience));
    }
  }

  // ---- completing a request -----------------------------------------------------------------

  /** Asks for the next missing or unclear slot, or submits the complete request. */
  private async advance(context: TurnContext, draft: Draft, audience: Audience, names: Names): Promise<void> {
    const { lang } = audience;
    const directory = this.deps.directory;
    // A draft that asked something before is stored and must be removed once submitted.
    const stored = draft.awaiting !== undefined;
    delete draft.awaiting;
    delete draft.options;

    if (draft.intent === 'query') {
      if (draft.target) {
        if (!(await this.settle(context, draft, 'target', audience))) return;
        const report = await refusedAs(this.deps.engine.whoHasAccess(draft.requesterId, (draft.target as { id: string }).id));
        await this.reply(
          context,
          report ? await accessCard(report, names, audience, adminCenterUrl(this.deps.cloud, report.target.kind)) : t(lang, 'reply.notAllowedQuery'),
        );
        return;
      }
      if (draft.grantee) {
        if (!(await this.settle(context, draft, 'grantee', audience))) return;
        const report = await refusedAs(this.deps.engine.whatCanAccess(draft.requesterId, (draft.grantee as { id: string }).id));
        await this.reply(context, report ? await holdingsCard(report, names, audience) : t(lang, 'reply.notAllowedWhat'));
        return;
      }
      await this.ask(context, draft, 'target', audience);
      return;
    }

    if (!(await this.settle(context, draft, 'grantee', audience))) return;
    if (!(await this.settle(context, draft, 'target', audience))) return;
    const targetId = (draft.target as { id: string }).id;
    const target = await directory.getTarget(targetId);
    if (!target) {
      await this.reply(context, t(lang, 'reply.unknownTarget', { text: escapeText(targetId, 80) }));
      return;
    }
    if (draft.intent === 'grant' && (draft.permission === null || !rightAppliesTo(draft.permission, target.kind))) {
      const wasFullAccessOnGroup = draft.permission === 'FullAccess';
      const options = (['FullAccess', 'SendAs', 'SendOnBehalf'] as const).filter((r) => rightAppliesTo(r, target.kind));
      draft.awaiting = 'permission';
      draft.options = [...options];
      draft.permission = null;
      await this.deps.repository.saveDraft(draft);
      const question = `${wasFullAccessOnGroup ? `${t(lang, 'reply.rightNotOnGroup')} ` : ''}${t(lang, 'reply.chooseRight', {
        target: escapeText(target.displayName, 120),
      })}`;
      await this.reply(context, choiceCard(lang, question, draft.id, options.map((r) => rightLabel(r, lang))));
      return;
    }

    if (stored) await this.deps.repository.deleteDraft(draft.requesterId);
    const outcome = await this.deps.engine.submit({
      requesterId: draft.requesterId,
      kind: draft.intent,
      granteeId: (draft.grantee as { id: string }).id,
      targetId,
      right: draft.permission,
      duration: draft.duration,
      until: draft.until,
      timeZone: draft.timeZone ?? audience.timeZone,
      ...(draft.reason ? { reason: draft.reason } : {}),
      ...(draft.autoMapping !== undefined ? { autoMapping: draft.autoMapping } : {}),
      language: lang,
    });
    switch (outcome.outcome) {
      case 'created':
      case 'duplicate': {
        if (outcome.outcome === 'duplicate') await this.reply(context, t(lang, 'reply.duplicate', { requestId: escapeText(outcome.request.id, 80) }));
        await this.sendSummary(context, outcome.request, audience, names);
        return;
      }
      case 'already_held':
        await this.reply(
          context,
          t(lang, 'reply.alreadyHeld', {
            grantee: await names.person(outcome.granteeId),
            right: rightLabel(outcome.right, lang),
            target: (await names.target(outcome.targetId)).name,
          }),
        );
        return;
      case 'nothing_to_revoke':
        await this.reply(
          context,
          t(lang, 'reply.nothingToRevoke', { grantee: await names.person(outcome.granteeId), target: (await names.target(outcome.targetId)).name }),
        );
        return;
    }
  }

  /**
   * Makes one slot resolved: `true` when it is; otherwise asks (question or choice card), saves the
   * draft and returns `false`.
   */
  private async settle(context: TurnContext, draft: Draft, slot: 'grantee' | 'target', audience: Audience): Promise<boolean> {
    const value: Resolution | null = draft[slot];
    const { lang } = audience;
    if (value?.status === 'resolved') return true;
    if (value?.status === 'ambiguous' && value.candidates.length > MAX_CHOICES) {
      // Too many to list on a card: ask for the full name instead.
      await this.reply(context, t(lang, 'reply.tooManyMatches', { count: value.candidates.length }));
      await this.ask(context, draft, slot, audience);
      return false;
    }
    if (value?.status === 'ambiguous' && value.candidates.length > 0) {
      const candidates = value.candidates;
      const labels = await Promise.all(candidates.map((id) => this.label(id)));
      draft.awaiting = slot;
      draft.options = candidates;
      await this.deps.repository.saveDraft(draft);
      await this.reply(context, choiceCard(lang, t(lang, slot === 'grantee' ? 'reply.chooseGrantee' : 'reply.chooseTarget'), draft.id, labels));
      return false;
    }
    if (value?.status === 'unknown') {
      await this.reply(context, t(lang, slot === 'grantee' ? 'reply.unknownPerson' : 'reply.unknownTarget', { text: escapeText(value.text, 80) }));
    }
    await this.ask(context, draft, slot, audience);
    return false;
  }

  private async ask(context: TurnContext, draft: Draft, slot: 'grantee' | 'target', audience: Audience): Promise<void> {
    draft.awaiting = slot;
    delete draft.options;
    await this.deps.repository.saveDraft(draft);
    await this.reply(context, t(audience.lang, slot === 'grantee' ? 'reply.askGrantee' : 'reply.askTarget'));
  }

  /** A free-text reply to "for whom?" / "on which mailbox?". */
  private async answerDraft(context: TurnContext, draft: Draft, text: string, audience: Audience): Promise<void> {
    const directory = this.deps.directory;
    if (draft.awaiting === 'grantee') {
      const users = await directory.findUsers(text);
      draft.grantee = users.length === 1 ? { status: 'resolved', id: users[0]!.id } : users.length ? { status: 'ambiguous', candidates: users.map((u) => u.id) } : { status: 'unknown', text };
    } else if (draft.awaiting === 'target') {
      const targets = await directory.findTargets(text);
      const found = targets.length ? targets : (await directory.findUsers(text)).map((u) => ({ id: u.id }));
      draft.target = found.length === 1 ? { status: 'resolved', id: found[0]!.id } : found.length ? { status: 'ambiguous', candidates: found.map((x) => x.id) } : { status: 'unknown', text };
    } else {
      await this.deps.repository.deleteDraft(draft.requesterId);
      await this.reply(context, t(audience.lang, 'reply.notUnderstood'));
      return;
    }
    await this.advance(context, draft, { ...audience, lang: draft.language }, new Names(directory));
  }

  private async label(id: string): Promise<string> {
    const user = await this.deps.directory.getUser(id);
    if (user) return `${escapeText(user.displayName, 120)} (${escapeText(user.mail, 200)})`;
    const target = await this.deps.directory.getTarget(id);
    return target ? `${escapeText(target.displayName, 120)} (${escapeText(target.mail, 200)})` : escapeText(id, 80);
  }

  private async sendSummary(context: TurnContext, request: PermissionRequest, audience: Audience, names: Names): Promise<void> {
    const card = await summaryCard(request, names, audience);
    const response = await context.sendActivity({ attachments: [cardAttachment(card)] });
    if (response?.id) {
      await this.deps.repository.addCardCopy(request.id, {
        userId: request.requesterId,
        role: 'summary',
        reference: TurnContext.getConversationReference(context.activity),
        activityId: response.id,
        ...audience,
      });
    }
  }

  // ---- card actions -------------------------------------------------------------------------

  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const activity = context.activity;
    const userId = activity.from?.aadObjectId;
    // The answer replaces a card we sent unprompted, so it speaks the recipient's language the same way.
    const preferred = userId ? langOf((await this.deps.directory.getUser(userId))?.preferredLanguage) : undefined;
    const lang = preferred ?? langOf(activity.locale) ?? 'en';
    const audience: Audience = { lang, ...zone(activity) };
    const log = this.deps.logger.child({ activityId: activity.id, userId });
    const verb = invokeValue?.action?.verb;
    const data = (invokeValue?.action?.data ?? {}) as Record<string, unknown>;
    log.info({ verb }, 'card action');
    if (!userId) return message(t(lang, 'reply.badAction'));
    try {
      switch (verb) {
        case 'approve':
        case 'reject':
          return await this.decide(userId, verb, data, audience);
        case 'choose':
          return await this.choose(context, userId, data, audience);
        case 'retry': {
          const requestId = requestIdOf(data);
          if (!requestId) return message(t(lang, 'reply.badAction'));
          return message(await this.runAdminAction('retry', requestId, userId, lang));
        }
        case 'cancel': {
          const requestId = requestIdOf(data);
          if (!requestId) return message(t(lang, 'reply.badAction'));
          const request = await this.deps.engine.cancel(requestId, userId);
          return message(t(lang, 'reply.cancelled', { requestId: escapeText(request.id, 80) }));
        }
        default:
          return message(t(lang, 'reply.badAction'));
      }
    } catch (error) {
      return message(this.errorText(error, lang, log));
    }
  }

  private async decide(userId: string, verb: 'approve' | 'reject', data: Record<string, unknown>, audience: Audience): Promise<AdaptiveCardInvokeResponse> {
    const { lang } = audience;
    const requestId = requestIdOf(data);
    if (!requestId) return message(t(lang, 'reply.badAction'));
    const reasonInput = typeof data.rejectReason === 'string' ? data.rejectReason.replace(CONTROL_ALL, '').trim().slice(0, 500) : '';
    const names = new Names(this.deps.directory);
    try {
      const request = await this.deps.engine.decide(requestId, userId, verb, verb === 'reject' && reasonInput ? reasonInput : undefined);
      return card(await approvalCard(request, names, audience));
    } catch (error) {
      if (isBotError(error, 'already_decided')) {
        const request = await this.deps.engine.get(requestId);
        const note = await this.alreadyDecidedNote(error, audience, names);
        if (request) return card(await approvalCard(request, names, audience, { note }));
        return message(note);
      }
      throw error;
    }
  }

  private async alreadyDecidedNote(error: BotError, audience: Audience, names: Names): Promise<string> {
    const { lang } = audience;
    const verdict = error.details.verdict;
    if (verdict !== 'approved' && verdict !== 'rejected') {
      // Cancelled or expired before anyone decided.
      return t(lang, 'reply.notPending', { state: escapeText(String(error.details.state ?? verdict ?? ''), 40) });
    }
    const by = typeof error.details.by === 'string' ? await names.person(error.details.by) : '?';
    const at = typeof error.details.at === 'number' ? formatMoment(error.details.at, audience) : '?';
    return t(lang, 'state.alreadyDecided', { verdict: t(lang, `verdict.${verdict}`), by, at });
  }

  private async choose(context: TurnContext, userId: string, data: Record<string, unknown>, audience: Audience): Promise<AdaptiveCardInvokeResponse> {
    const draft = await this.deps.repository.draft(userId);
    const pick = typeof data.pick === 'number' ? data.pick : typeof data.pick === 'string' && /^\d{1,2}$/.test(data.pick) ? Number(data.pick) : -1;
    // The draft is looked up by the clicking user: someone else's choice card does nothing here.
    if (!draft || draft.id !== data.draft || !draft.options || !draft.awaiting || pick < 0 || pick >= draft.options.length) {
      return message(t(audience.lang, 'reply.choiceExpired'));
    }
    const value = draft.options[pick]!;
    const lang = draft.language;
    const chosenLabel = draft.awaiting === 'permission' ? rightLabel(value as Right, lang) : await this.label(value);
    if (draft.awaiting === 'permission') {
      if (!isRight(value)) return message(t(lang, 'reply.choiceExpired'));
      draft.permission = value;
    } else {
      draft[draft.awaiting] = { status: 'resolved', id: value };
    }
    // Continue the request in this turn; the answer to the click replaces the choice card.
    await this.advance(context, draft, { ...audience, lang }, new Names(this.deps.directory));
    return card(noticeCard(lang, [`✓ ${chosenLabel}`], { title: t(lang, 'choose.title') }));
  }

  // ---- helpers ------------------------------------------------------------------------------

  private async reply(context: TurnContext, reply: Reply): Promise<void> {
    if (typeof reply === 'string') await context.sendActivity({ type: 'message', text: reply, textFormat: 'plain' });
    else await context.sendActivity({ type: 'message', attachments: [cardAttachment(reply)] });
  }

  /** A coded error as a sentence for the user; anything else is logged and answered generically. */
  private errorText(error: unknown, lang: Lang, log: Logger): string {
    if (isBotError(error)) {
      log.info({ code: error.code }, 'request refused');
      const grantee = typeof error.details.grantee === 'string' ? escapeText(error.details.grantee, 120) : '';
      switch (error.code) {
        case 'not_found':
          return t(lang, 'reply.notFound');
        case 'not_an_approver':
          return t(lang, 'reply.notAnApprover');
        case 'not_allowed':
          return t(lang, 'reply.notYours');
        case 'already_decided':
          return t(lang, 'reply.notPending', { state: escapeText(String(error.details.state ?? ''), 40) });
        case 'guest_not_allowed':
          return t(lang, 'reply.guestNotAllowed', { grantee: grantee || '?' });
        case 'not_a_member':
          return t(lang, 'reply.notAMember', { grantee: grantee || '?', target: escapeText(String(error.details.target ?? '?'), 120) });
        case 'invalid_request':
          return t(lang, 'reply.invalid', { message: escapeText(error.message, 300) });
        case 'permission_service_unavailable':
        case 'directory_unavailable':
        case 'timeout':
          return t(lang, 'reply.unavailable');
        default:
          return t(lang, 'reply.error');
      }
    }
    log.error({ err: errorSummary(error) }, 'unexpected error');
    return t(lang, 'reply.error');
  }
}

/** The query's answer, or `undefined` when the engine refused it (`not_allowed`). */
async function refusedAs<T>(query: Promise<T>): Promise<T | undefined> {
  try {
    return await query;
  } catch (error) {
    if (isBotError(error, 'not_allowed')) return undefined;
    throw error;
  }
}

function requestIdOf(data: Record<string, unknown>): string | undefined {
  const id = data.requestId;
  return typeof id === 'string' && id.length > 0 && id.length <= 100 ? id : undefined;
}

function card(content: CardJson): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: content as unknown as AdaptiveCardInvokeResponse['value'] };
}

function message(text: string): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text as unknown as AdaptiveCardInvokeResponse['value'] };
}

/** The client's IANA time zone, from `localTimezone` or the clientInfo entity. */
function timeZoneOf(activity: TurnContext['activity']): string | undefined {
  const fromEntity = activity.entities?.find((e) => e.type === 'clientInfo')?.timezone;
  const zoneName = activity.localTimezone ?? (typeof fromEntity === 'string' ? fromEntity : undefined);
  return typeof zoneName === 'string' && zoneName.length < 64 ? zoneName : undefined;
}

function zone(activity: TurnContext['activity']): { timeZone?: string } {
  const timeZone = timeZoneOf(activity);
  return timeZone ? { timeZone } : {};
}

/** The client's UTC offset from `localTimestamp` ("...+02:00"), so "until Friday" means their Friday. */
function utcOffset(activity: TurnContext['activity']): { utcOffsetMinutes?: number } {
  const raw = (activity as { rawLocalTimestamp?: string }).rawLocalTimestamp;
  const match = typeof raw === 'string' ? /([+-])(\d{2}):(\d{2})$/.exec(raw) : null;
  if (!match) return {};
  return { utcOffsetMinutes: (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) };
}
