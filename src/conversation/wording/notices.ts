import type { PermissionRequest } from '../../domain/request.js';
import type { Right } from '../../domain/rights.js';
import type { OutboundMessage } from '../messaging.js';
import type { Audience, Reply, Tone } from '../types.js';
import { endOf, formatClock, formatEnd } from './format.js';
import type { Names } from './names.js';
import { howToUse, requestWords, rightsLabel, type RequestWords } from './requests.js';
import { t } from './strings.js';
import { approvalView, noticeView } from './views.js';

/**
 * One owed message (`OutboundMessage`) phrased for its recipient, for any channel to lay out:
 * - an approver's approval request or reminder: an `approval` reply (undefined once the request is
 *   no longer pending: there is nothing left to ask);
 * - an admin's failure notice: a `notice` with a Retry button (`verb: retry`, `data.requestId`);
 * - every post-back (approved, rejected with its reason, cancelled, applied with "effective by about
 *   HH:MM", effective with how to use the right, not yet visible (and when it is checked again),
 *   failed, expired, revoked, reminders, an approver who could not be reached and who was reached
 *   instead): a `notice` with its lines and tone.
 * Names are escaped with `names.escape` (the channel's markup).
 */
export async function outboundReply(message: OutboundMessage, names: Names, audience: Audience): Promise<Reply | undefined> {
  const { request, notice, role } = message;
  const lang = audience.lang;
  if (role === 'approver') {
    if (request.state !== 'pending') return undefined;
    return { kind: 'approval', request, view: await approvalView(request, names, audience, { reminder: notice.event === 'approver_reminder' }), audience };
  }
  const words = await requestWords(request, names, lang);
  if (role === 'admin') {
    const line = t(lang, 'post.failedAdmin', { summary: words.summary, requestId: names.escape(request.id, 80), message: names.escape(request.failure?.message ?? '', 300) });
    return { kind: 'notice', view: noticeView(lang, [line], { tone: 'attention', actions: [{ title: t(lang, 'action.retry'), verb: 'retry', data: { requestId: request.id } }] }) };
  }
  return { kind: 'notice', view: noticeView(lang, await postBackLines(message, names, audience, words), { tone: toneOf(message) }) };
}

async function postBackLines(message: OutboundMessage, names: Names, audience: Audience, words: RequestWords): Promise<string[]> {
  const { request, notice } = message;
  const lang = audience.lang;
  const summary = words.summary;
  switch (notice.event) {
    case 'decided': {
      const by = await names.person(request.decision?.by ?? '');
      if (request.decision?.verdict !== 'rejected') return [t(lang, 'post.approved', { summary, by })];
      return [request.decision.reason ? t(lang, 'post.rejectedReason', { summary, by, reason: names.escape(request.decision.reason) }) : t(lang, 'post.rejected', { summary, by })];
    }
    case 'cancelled':
      return [t(lang, 'post.cancelled', { summary })];
    case 'applied':
      return [t(lang, request.kind === 'grant' ? 'post.applied' : 'post.appliedRevoke', { summary, effectiveBy: request.effectiveBy ? formatClock(request.effectiveBy, audience) : '?' })];
    case 'effective': {
      const lines = [t(lang, 'post.effective', { summary })];
      if (request.kind === 'grant') lines.push(t(lang, 'post.howToUse', { how: howToUse(request, words, lang) }));
      const end = request.kind === 'grant' ? endOf(request) : undefined;
      if (end !== undefined) lines.push(t(lang, 'post.endsAt', { endsAt: formatEnd(end, audience) }));
      return lines;
    }
    case 'not_yet_visible':
      return notice.finalCheck || notice.nextCheckAt === undefined
        ? [t(lang, 'post.notVisibleFinal', { summary })]
        : [t(lang, 'post.notYetVisibleAt', { summary, at: formatClock(notice.nextCheckAt, audience) })];
    case 'failed':
      return [t(lang, 'post.failed', { summary, message: names.escape(request.failure?.message ?? '', 300) })];
    case 'expired':
      return [t(lang, 'post.expired', { summary })];
    case 'revoked':
      return [revokedLine(request, notice.rights ?? request.rights, words, audience)];
    case 'revoke_reminder': {
      const end = endOf(request);
      return [t(lang, 'post.revokeReminder', { summary, endsAt: end !== undefined ? formatEnd(end, audience) : '?' })];
    }
    case 'approver_unreachable': {
      const unreachable = await names.people(notice.unreachable ?? []);
      const reached = notice.reachedInstead ?? [];
      return reached.length
        ? [t(lang, 'post.approverUnreachable', { summary, unreachable, reached: await names.people(reached) })]
        : [t(lang, 'post.approverUnreachableNobody', { summary, unreachable })];
    }
    default:
      return [summary];
  }
}

function toneOf(message: OutboundMessage): Tone {
  switch (message.notice.event) {
    case 'decided':
      return message.request.decision?.verdict === 'rejected' ? 'attention' : 'good';
    case 'cancelled':
    case 'expired':
    case 'revoked':
    case 'revoke_reminder':
      return 'warning';
    case 'failed':
    case 'not_yet_visible':
    case 'approver_unreachable':
      return 'attention';
    default:
      return 'good';
  }
}

/**
 * The post-back of a grant that ended: "Ended as planned: ... (it ended on Friday 11 December 2026
 * at 24:00). Outlook can take a while to catch up." when its own end date ended it (revoked by the
 * system at or after `endsAt`), else "Revoked: {rights} for {grantee} on {target}." (an admin's
 * revoke, a revoke request). `words`: `requestWords` of the request, names already escaped.
 */
export function revokedLine(request: PermissionRequest, rights: readonly Right[], words: Pick<RequestWords, 'grantee' | 'target'>, audience: Audience): string {
  const values = { rights: rightsLabel(rights, audience.lang), grantee: words.grantee, target: words.target };
  const endedOnTime = request.revokedBy === 'system' && request.endsAt !== undefined && (request.revokedAt ?? 0) >= request.endsAt;
  return endedOnTime ? t(audience.lang, 'post.ended', { ...values, endsAt: formatEnd(request.endsAt!, audience) }) : t(audience.lang, 'post.revoked', values);
}
