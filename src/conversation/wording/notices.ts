import { endedAsPlanned, grantInPlace, type PermissionRequest } from '../../domain/request.js';
import type { Right } from '../../domain/rights.js';
import type { OutboundMessage } from '../messaging.js';
import type { Audience, Reply, Tone } from '../types.js';
import { endOf, formatClock, formatEnd, formatMoment } from './format.js';
import type { Names } from './names.js';
import { alreadyHeldWords, howToUse, replacingRights, requestWords, rightsLabel, type RequestWords } from './requests.js';
import { t } from './strings.js';
import { approvalView, noticeView } from './views.js';

/**
 * One owed message (`OutboundMessage`) phrased for its recipient, for any channel to lay out:
 * - an approver's approval request or reminder: an `approval` reply (undefined once the request is
 *   no longer pending: there is nothing left to ask);
 * - an admin's failure notice: a `notice` with a Retry button (`verb: retry`, `data.requestId`);
 * - an admin's notice of a change Exchange does not show after the window (what to check, and
 *   whether the bot still checks), or that it shows after all: a `notice`; likewise for a grant
 *   ended by its end date or an admin's revoke that Exchange still shows (or that is gone after all);
 * - every post-back (approved, rejected with its reason, cancelled, applied with "effective by about
 *   HH:MM", effective with how to use the right, not yet visible (and when it is checked again),
 *   failed, expired, revoked (to the admin who revoked it directly: done, with the request's id), replaced by the other group right (closed, or removed), a removal
 *   Exchange still shows (or that is gone after all), reminders,
 *   an approver who could not be reached and who was reached instead): a `notice` with its lines and tone.
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
    const requestId = names.escape(request.id, 80);
    if (notice.event === 'not_yet_visible' || notice.event === 'effective') {
      return { kind: 'notice', view: noticeView(lang, adminVisibilityLines(message, words, requestId, audience), { tone: notice.event === 'effective' ? 'good' : 'attention' }) };
    }
    if (notice.event === 'replaced') {
      // The admins were told this grant was not visible: it is gone because another replaced it, nothing to apply again.
      const line = t(lang, 'post.replacedAdmin', { summary: words.summary, requestId, by: names.escape(request.replacedBy ?? '?', 80), right: replacingRights(request, lang) });
      return { kind: 'notice', view: noticeView(lang, [line], { tone: 'good' }) };
    }
    if (notice.event === 'revoked') {
      // The admins were told this grant was not visible: it has since been revoked or ended, so there is nothing left to look for or apply.
      return { kind: 'notice', view: noticeView(lang, [t(lang, 'post.revokedAdmin', { summary: words.summary, requestId })], { tone: 'good' }) };
    }
    if (notice.event === 'removal_not_visible' || notice.event === 'removal_confirmed') {
      return { kind: 'notice', view: noticeView(lang, adminRemovalLines(message, words, requestId, audience), { tone: notice.event === 'removal_confirmed' ? 'good' : 'attention' }) };
    }
    // A grant still in place whose planned removal failed: Retry is for failed applies (it would be
    // refused); the admin revokes it again instead.
    const removal = removalFailed(request);
    const line = t(lang, removal ? 'post.revokeFailedAdmin' : 'post.failedAdmin', { summary: words.summary, requestId, message: asSentence(names.escape(request.failure?.message ?? '', 300)) }).trim();
    const action = removal ? { title: t(lang, 'action.revokeNow'), verb: 'revoke' as const } : { title: t(lang, 'action.retry'), verb: 'retry' as const };
    return { kind: 'notice', view: noticeView(lang, [line], { tone: 'attention', actions: [{ ...action, data: { requestId: request.id } }] }) };
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
      return [request.decision.reason ? t(lang, 'post.rejectedReason', { summary, by, reason: names.prose(request.decision.reason) }) : t(lang, 'post.rejected', { summary, by })];
    }
    case 'cancelled':
      return [t(lang, 'post.cancelled', { summary })];
    case 'applied': {
      const effectiveBy = request.effectiveBy ? formatClock(request.effectiveBy, audience) : '?';
      if (request.kind === 'grant') return [t(lang, 'post.applied', { summary, effectiveBy })];
      // The grantee did not ask for the removal: what was taken, and at whose request; not "Done: remove ...".
      if (message.role === 'grantee') return [t(lang, 'post.appliedRevokeGrantee', { right: words.right, grantee: words.grantee, target: words.target, requester: words.requester, effectiveBy })];
      return [t(lang, 'post.appliedRevoke', { summary, effectiveBy })];
    }
    case 'effective': {
      // A removal in effect was checked to be gone, not "in place".
      const lines = [t(lang, request.kind === 'grant' ? 'post.effective' : 'post.effectiveRevoke', { summary })];
      if (request.kind === 'grant') lines.push(t(lang, 'post.howToUse', { how: howToUse(request, words, lang) }));
      const end = request.kind === 'grant' ? endOf(request) : undefined;
      if (end !== undefined) lines.push(t(lang, 'post.endsAt', { endsAt: formatEnd(end, audience) }));
      return lines;
    }
    case 'not_yet_visible': {
      // A removal request "not yet visible" is one Exchange still shows: said so, not "remove ... was applied".
      const removal = request.kind === 'revoke' ? 'Revoke' : '';
      const values = { summary, right: words.right, grantee: words.grantee, target: words.target };
      if (!notice.finalCheck && notice.nextCheckAt !== undefined) return [t(lang, `post.notYetVisibleAt${removal}`, { ...values, at: formatClock(notice.nextCheckAt, audience) })];
      const lines =
        notice.gaveUp || request.checksUntil === undefined
          ? [t(lang, `post.notVisibleGaveUp${removal}`, { ...values, appliedAt: formatMoment(request.appliedAt ?? request.updatedAt, audience), at: formatMoment(request.checksEndedAt ?? request.updatedAt, audience) })]
          : [t(lang, `post.notVisibleFinal${removal}`, { ...values, until: formatMoment(request.checksUntil, audience) })];
      // Said only when it is so: a bot without admins (or a message queued by an older version,
      // which told nobody) does not claim it.
      if (notice.adminsTold) lines.push(t(lang, 'post.adminTold'));
      return lines;
    }
    case 'removal_not_visible': {
      const removedAt = formatMoment(request.revokedAt ?? request.updatedAt, audience);
      const lines = removalGaveUp(message)
        ? [t(lang, 'post.removalNotVisibleGaveUp', { summary, removedAt, at: formatMoment(request.removalChecksEndedAt ?? request.updatedAt, audience) })]
        : [t(lang, 'post.removalNotVisible', { summary, removedAt, until: formatMoment(request.removalChecksUntil!, audience) })];
      if (notice.adminsTold) lines.push(t(lang, 'post.adminTold'));
      return lines;
    }
    case 'removal_confirmed':
      return [t(lang, 'post.removalConfirmed', { summary, at: formatMoment(request.removalSettledAt ?? request.updatedAt, audience) })];
    case 'failed': {
      const message = asSentence(names.escape(request.failure?.message ?? '', 300));
      const key = removalFailed(request) ? 'post.revokeFailed' : 'post.failed';
      return [message ? t(lang, key, { summary, message }) : t(lang, `${key}NoMessage`, { summary })];
    }
    case 'expired':
      return [t(lang, 'post.expired', { summary })];
    case 'revoked':
      // The admin who revoked it directly hears the confirmation they were promised, with the request's id.
      if (message.role === 'decider') return [t(lang, 'post.revokedAsked', { requestId: names.escape(request.id, 80), rights: rightsLabel(notice.rights ?? request.rights, lang), grantee: words.grantee, target: words.target })];
      return [revokedLine(request, notice.rights ?? request.rights, words, audience, request.rightKeptBy !== undefined ? names.escape(request.rightKeptBy, 80) : undefined)];
    case 'replaced': {
      const values = { summary, grantee: words.grantee, target: words.target, requestId: names.escape(request.replacedBy ?? '?', 80), right: replacingRights(request, lang) };
      // Never decided: closed, nothing was applied. Applied: the right itself was removed by the other grant.
      return [t(lang, request.decision ? 'post.replaced' : 'post.replacedPending', values)];
    }
    case 'already_held':
      // One line: closed, and why nothing more comes (no "Applied" for a right the grantee has).
      return [t(lang, 'post.alreadyHeld', { summary, held: await alreadyHeldWords(request, names, audience) })];
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

/**
 * The admins' notice of a change Exchange does not show: which request, when it was applied, when
 * it was last seen missing, what to check, and whether the bot still checks (until when); or that
 * Exchange shows it after all (`effective`).
 */
function adminVisibilityLines(message: OutboundMessage, words: RequestWords, requestId: string, audience: Audience): string[] {
  const { request, notice } = message;
  const lang = audience.lang;
  const appliedAt = formatMoment(request.appliedAt ?? request.updatedAt, audience);
  if (notice.event === 'effective') {
    return [t(lang, 'post.visibleAfterAllAdmin', { summary: words.summary, requestId, at: formatMoment(request.effectiveAt ?? request.updatedAt, audience) })];
  }
  const gaveUp = notice.gaveUp || request.checksUntil === undefined;
  const at = formatMoment((gaveUp ? request.checksEndedAt : request.unconfirmedAt) ?? request.updatedAt, audience);
  const check = t(lang, request.kind === 'grant' ? 'post.checkGrantAdmin' : 'post.checkRevokeAdmin', {
    grantee: words.grantee,
    right: words.right,
    target: words.target,
    targetMail: words.targetMail,
  });
  // For a removal request Exchange still shows the right it removed: worded as such, and checked until it is gone.
  const removal = request.kind === 'revoke';
  const values = { summary: words.summary, right: words.right, grantee: words.grantee, target: words.target, requestId, appliedAt, at };
  return gaveUp
    ? [t(lang, removal ? 'post.notVisibleGaveUpAdminRevoke' : 'post.notVisibleGaveUpAdmin', values), check]
    : [
        t(lang, removal ? 'post.notVisibleAdminRevoke' : 'post.notVisibleAdmin', values),
        check,
        t(lang, removal ? 'post.checkingUntilGoneAdmin' : 'post.checkingUntilAdmin', { until: formatMoment(request.checksUntil!, audience) }),
      ];
}

/**
 * The admins' notice of a grant ended by its end date or an admin's revoke that Exchange still
 * shows after the window: which request, when it was removed, when it was last seen, what to check,
 * and whether the bot still checks (until when); or that it is gone after all (`removal_confirmed`).
 */
function adminRemovalLines(message: OutboundMessage, words: RequestWords, requestId: string, audience: Audience): string[] {
  const { request, notice } = message;
  const lang = audience.lang;
  const summary = words.summary;
  if (notice.event === 'removal_confirmed') {
    return [t(lang, 'post.removalConfirmedAdmin', { summary, requestId, at: formatMoment(request.removalSettledAt ?? request.updatedAt, audience) })];
  }
  const removedAt = formatMoment(request.revokedAt ?? request.updatedAt, audience);
  const check = t(lang, 'post.checkRevokeAdmin', { grantee: words.grantee, right: words.right, target: words.target, targetMail: words.targetMail });
  if (removalGaveUp(message)) {
    return [t(lang, 'post.removalNotVisibleGaveUpAdmin', { summary, requestId, removedAt, at: formatMoment(request.removalChecksEndedAt ?? request.updatedAt, audience) }), check];
  }
  const at = formatMoment(request.removalUnconfirmedAt ?? request.updatedAt, audience);
  return [
    t(lang, 'post.removalNotVisibleAdmin', { summary, requestId, removedAt, at }),
    check,
    t(lang, 'post.checkingUntilGoneAdmin', { until: formatMoment(request.removalChecksUntil!, audience) }),
  ];
}

/** A `removal_not_visible` said after the last check (or with no end of checks to name). */
function removalGaveUp(message: OutboundMessage): boolean {
  return message.notice.gaveUp === true || message.request.removalChecksUntil === undefined;
}

/**
 * A `failed` event about a grant still in place: its planned removal (its end, or an admin's revoke)
 * failed, and the right stays; a failed apply leaves the request `failed`.
 */
function removalFailed(request: PermissionRequest): boolean {
  return grantInPlace(request);
}

/**
 * The permission service's message as a sentence of its own, so the words after it start a new one:
 * a full stop is added unless it already ends with ".", "!", "?" or "…" (also before a closing
 * quote or bracket). '' stays '' (the caller then says its sentence without it).
 */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return '';
  return /[.!?…]["'”’)\]\\]*$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function toneOf(message: OutboundMessage): Tone {
  // Done as the admin asked: good news for them.
  if (message.notice.event === 'revoked' && message.role === 'decider') return 'good';
  switch (message.notice.event) {
    case 'decided':
      return message.request.decision?.verdict === 'rejected' ? 'attention' : 'good';
    case 'cancelled':
    case 'expired':
    case 'revoked':
    case 'replaced':
    case 'revoke_reminder':
      return 'warning';
    case 'failed':
    case 'not_yet_visible':
    case 'removal_not_visible':
    case 'approver_unreachable':
      return 'attention';
    default:
      return 'good';
  }
}

/**
 * The post-back of a grant that ended: "Ended as planned: ... (it ran until the end of Friday, 11
 * December 2026). Outlook can take a while to catch up." when its own end date ended it (revoked by the
 * system at or after `endsAt`), else "Revoked: {rights} for {grantee} on {target}." (an admin's
 * revoke, a revoke request). `words`: `requestWords` of the request, names already escaped.
 * `keptBy`: the id (escaped) of the longer grant that kept the right at this one's end
 * (`rightKeptBy`): "Ended as planned: ... Zoë keeps it through REQ-…, which lasts longer, so nothing
 * was removed."
 */
export function revokedLine(request: PermissionRequest, rights: readonly Right[], words: Pick<RequestWords, 'grantee' | 'target'>, audience: Audience, keptBy?: string): string {
  const values = { rights: rightsLabel(rights, audience.lang), grantee: words.grantee, target: words.target };
  // Ended while a longer grant keeps the right: it was not removed, so no "Outlook can take a while".
  if (keptBy !== undefined && endedAsPlanned(request)) return t(audience.lang, 'post.endedKept', { ...values, endsAt: formatEnd(request.endsAt!, audience), keptBy });
  return endedAsPlanned(request) ? t(audience.lang, 'post.ended', { ...values, endsAt: formatEnd(request.endsAt!, audience) }) : t(audience.lang, 'post.revoked', values);
}
