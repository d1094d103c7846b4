import { isBotError, type BotError } from '../domain/errors.js';
import type { Logger } from '../domain/logger.js';
import type { Names } from './wording/names.js';
import { withStateName } from './wording/requests.js';
import { t } from './wording/strings.js';
import type { Lang, RefusalCode, RefusalDetails, Reply } from './types.js';

/** What the person was doing when the engine refused: the same code means different things per operation. */
export type Operation = 'submit' | 'decide' | 'cancel' | 'retry' | 'revoke' | 'query_target' | 'query_person' | 'audit' | 'action';

/** The ids the conversation knows from the turn, used when the error's details lack them. */
export interface RefusalContext {
  operation: Operation;
  requestId?: string;
  granteeId?: string;
  targetId?: string;
  /** The request's state when the conversation read it (retry, revoke). */
  state?: string;
  /** submit: the request gave both a duration and an end date. */
  durationAndUntil?: boolean;
}

/** Maps an invalid_request's rule (`details.rule`, or the engine's older `details.reason`) to its refusal. */
const INVALID_RULES: Record<string, RefusalCode> = {
  end_in_past: 'end_in_past',
  too_long: 'too_long',
  own_mailbox: 'own_mailbox',
  full_access_on_group: 'full_access_on_group',
  duration_and_until: 'duration_and_until',
  duration_and_end: 'duration_and_until',
  right: 'right_missing',
  right_missing: 'right_missing',
  // The engine's page cursor did not parse: a tampered or outdated "older entries" button.
  bad_cursor: 'page_expired',
};

/** What is unavailable, when it is not the permission service. */
const UNAVAILABLE_TEXT: Partial<Record<string, string>> = {
  directory_unavailable: 'refusal.directory_unavailable',
  // Not "nothing was changed": a write the store lost touch with may have been applied.
  store_unavailable: 'reply.storeUnavailable',
};

/**
 * A coded engine error as a refusal in the person's language, naming the person and the mailbox or
 * group it is about (looked up in the directory from the error's `details` or the turn's ids). An
 * error that is not a `BotError` is logged and answered with the generic `error`.
 */
export async function refusalFor(error: unknown, context: RefusalContext, names: Names, lang: Lang, log: Logger): Promise<Reply & { kind: 'refusal' }> {
  if (!isBotError(error)) {
    log.error({ err: summary(error) }, 'unexpected error');
    return refusal('error', t(lang, 'reply.error'), {});
  }
  log.info({ code: error.code, operation: context.operation }, 'request refused');
  const details = detailsOf(error, context);
  const who = async () => ({
    grantee: details.granteeId ? await names.person(details.granteeId) : '?',
    target: details.targetId ? (await names.target(details.targetId)).name : '?',
  });
  const requestId = names.escape(details.requestId ?? '', 80);
  const code = codeOf(error, context, details);
  switch (code) {
    case 'guest_not_allowed':
    case 'not_a_member':
    case 'end_in_past':
    case 'too_long':
    case 'own_mailbox':
    case 'full_access_on_group':
    case 'duration_and_until':
    case 'right_missing':
      return refusal(code, t(lang, `refusal.${code}`, await who()), details);
    case 'nobody_can_approve':
      return refusal(code, await nobodyCanApprove(details, names, lang), details);
    case 'not_yours':
      return refusal(code, t(lang, 'refusal.not_yours', { requestId }), details);
    case 'not_found':
      return refusal(code, t(lang, 'reply.notFound'), details);
    case 'not_in_directory':
      return refusal(code, t(lang, 'refusal.not_in_directory'), details);
    case 'guest_requester':
      return refusal(code, t(lang, 'refusal.guest_requester'), details);
    case 'unknown_person':
      return refusal(code, t(lang, 'reply.unknownPerson', { text: names.escape(str(error.details.userId) ?? details.granteeId ?? '?', 80) }), details);
    case 'unknown_target':
      return refusal(code, t(lang, 'reply.unknownTarget', { text: details.targetId ? (await names.target(details.targetId)).name : '?' }), details);
    case 'not_an_approver':
      return refusal(code, t(lang, 'reply.notAnApprover'), details);
    case 'not_pending':
      return refusal(code, withStateName(lang, 'reply.notPending', details.state), details);
    case 'admin_only_retry':
      return refusal(code, t(lang, 'reply.notAllowedRetry'), details);
    case 'admin_only_revoke':
      return refusal(code, t(lang, 'reply.notAllowedRevoke'), details);
    case 'not_failed':
      return refusal(code, withStateName(lang, 'reply.notFailed', details.state), details);
    case 'not_revocable':
      return refusal(code, withStateName(lang, 'reply.notRevocable', details.state), details);
    case 'not_a_grant':
      return refusal(code, t(lang, 'reply.notAGrant', { requestId }), details);
    case 'query_target_not_allowed':
      return refusal(code, t(lang, 'reply.notAllowedQuery'), details);
    case 'query_person_not_allowed':
      return refusal(code, t(lang, 'reply.notAllowedWhat'), details);
    case 'audit_not_allowed':
      return refusal(code, t(lang, 'refusal.audit_not_allowed'), details);
    case 'wrong_tenant':
      return refusal(code, t(lang, 'reply.wrongTenant'), details);
    case 'service_rejected':
      return refusal(code, t(lang, 'refusal.service_rejected'), details);
    case 'unavailable':
      return refusal(code, t(lang, UNAVAILABLE_TEXT[error.code] ?? 'reply.unavailable'), details);
    case 'invalid_request':
      return refusal(code, t(lang, 'refusal.invalid_request'), details);
    case 'page_expired':
      return refusal(code, t(lang, 'refusal.page_expired'), details);
    default:
      log.error({ err: summary(error) }, 'unexpected error');
      return refusal('error', t(lang, 'reply.error'), details);
  }
}

/** One refusal code per meaning: the error's code, read with the operation it refused and its rule. */
function codeOf(error: BotError, context: RefusalContext, details: RefusalDetails): RefusalCode {
  const op = context.operation;
  switch (error.code) {
    case 'not_found':
      // The engine's not_found names what it did not find: a person (`role`), a mailbox or group, or a request.
      // The requester (the person speaking) is not someone to look up again: they are not in the directory at all.
      if (error.details.role === 'requester') return 'not_in_directory';
      if (typeof error.details.role === 'string') return 'unknown_person';
      if (typeof error.details.targetId === 'string' && typeof error.details.requestId !== 'string') return 'unknown_target';
      return 'not_found';
    case 'guest_not_allowed':
      return error.details.rule === 'guest_requester' ? 'guest_requester' : error.code;
    case 'not_an_approver':
    case 'not_a_member':
    case 'wrong_tenant':
      return error.code;
    case 'already_decided':
      return 'not_pending';
    case 'not_allowed':
      if (details.rule === 'nobody_can_approve' || op === 'submit') return 'nobody_can_approve';
      if (op === 'retry') return 'admin_only_retry';
      if (op === 'revoke') return 'admin_only_revoke';
      if (op === 'query_target') return 'query_target_not_allowed';
      if (op === 'query_person') return 'query_person_not_allowed';
      if (op === 'audit') return 'audit_not_allowed';
      if (op === 'decide') return 'not_an_approver';
      return 'not_yours';
    case 'invalid_request':
    case 'conflict':
      if (op === 'retry') return 'not_failed';
      if (op === 'revoke') return details.rule === 'not_a_grant' ? 'not_a_grant' : 'not_revocable';
      for (const rule of [details.rule, str(error.details.reason)]) if (rule && INVALID_RULES[rule]) return INVALID_RULES[rule]!;
      if (op === 'submit' && context.durationAndUntil) return 'duration_and_until';
      return 'invalid_request';
    case 'permission_service_rejected':
      return 'service_rejected';
    case 'permission_service_unavailable':
    case 'directory_unavailable':
    case 'timeout':
    case 'channel_unavailable':
    case 'store_unavailable':
      return 'unavailable';
    default:
      return 'error';
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= 200 ? value : undefined;
}

/** The error's structured details (the engine's), completed with the turn's ids. */
function detailsOf(error: BotError, context: RefusalContext): RefusalDetails {
  const d = error.details;
  const details: RefusalDetails = { errorCode: error.code };
  const requestId = str(d.requestId) ?? context.requestId;
  const granteeId = str(d.granteeId) ?? context.granteeId;
  const targetId = str(d.targetId) ?? context.targetId;
  const rule = str(d.rule) ?? str(d.reason) ?? (d.missing === 'right' ? 'right_missing' : undefined);
  const state = str(d.state) ?? context.state;
  if (requestId) details.requestId = requestId;
  if (granteeId) details.granteeId = granteeId;
  if (targetId) details.targetId = targetId;
  if (rule) details.rule = rule;
  if (state) details.state = state;
  if (typeof d.forSelf === 'boolean') details.forSelf = d.forSelf;
  if (typeof d.requesterIsAdmin === 'boolean') details.requesterIsAdmin = d.requesterIsAdmin;
  return details;
}

/**
 * Nobody is left to approve (SPEC section 3: never the requester, never the grantee). The requester
 * is never named as a third party ("you and Isaiah" when Isaiah asks for himself), and an admin is
 * not told to ask an admin: nobody else can approve it, so they make the change in the admin center
 * or have another admin added.
 */
async function nobodyCanApprove(details: RefusalDetails, names: Names, lang: Lang): Promise<string> {
  const target = details.targetId ? await names.target(details.targetId) : undefined;
  const vars = {
    grantee: details.granteeId ? await names.person(details.granteeId) : '?',
    target: target?.name ?? '?',
    center: t(lang, target?.kind === 'group' ? 'refusal.center.m365' : 'refusal.center.exchange'),
  };
  const key = `refusal.nobody_can_approve${details.requesterIsAdmin ? '_admin' : ''}${details.forSelf ? '_self' : ''}`;
  return t(lang, key, vars);
}

function refusal(code: RefusalCode, text: string, details: RefusalDetails): Reply & { kind: 'refusal' } {
  return { kind: 'refusal', code, text, details };
}

/** An error's code and status for logs, without request bodies or headers. */
export function summary(error: unknown): Record<string, unknown> {
  if (error && typeof error === 'object') {
    const e = error as { name?: string; code?: unknown; statusCode?: unknown; message?: string };
    return { name: e.name, code: e.code, statusCode: e.statusCode, message: e.message?.slice(0, 200) };
  }
  return { message: String(error).slice(0, 200) };
}
