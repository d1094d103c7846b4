import type { AuditAction, AuditEntry } from '../../domain/engine-api.js';
import type { PermissionRequest } from '../../domain/request.js';
import type { ApprovalView, Audience, AuditFilter, AuditView, HelpView, Lang, NoticeView, RequestView, StatusView } from '../types.js';
import { endOf, formatEnd, formatMoment } from './format.js';
import type { Names } from './names.js';
import { explanation, isTimeBound, requestFacts, requestWords, rightsLabel, stateLine, warningLines } from './requests.js';
import { strings, t } from './strings.js';

/**
 * The view models of every reply and card: all words, phrased for one audience, and no layout.
 * Teams lays them out as Adaptive Cards (`src/channels/teams/views.ts`), Slack as Block Kit.
 */

/** The approver's card. Pending: decision controls; decided or closed: who decided and when (or `note`). */
export async function approvalView(
  request: PermissionRequest,
  names: Names,
  audience: Audience,
  options: { reminder?: boolean; note?: string } = {},
): Promise<ApprovalView> {
  const { lang } = audience;
  const words = await requestWords(request, names, lang);
  const actionable = request.state === 'pending';
  const state = await stateLine(request, names, audience);
  const s = strings(lang);
  return {
    requestId: request.id,
    title: t(lang, request.kind === 'grant' ? 'approval.title.grant' : 'approval.title.revoke', {
      requester: words.requester,
      right: words.right,
      grantee: words.grantee,
      target: words.target,
    }),
    explanation: explanation(request, words, lang),
    facts: await requestFacts(request, words, names, audience, false),
    warnings: warningLines(standingWarnings(request), words, lang, names, isTimeBound(request)),
    status: options.note ?? (actionable ? '' : state.status),
    tone: options.note ? 'attention' : state.tone,
    actionable,
    reminder: options.reminder && actionable ? t(lang, 'approval.reminder') : '',
    labels: { approve: s['approval.approve']!, reject: s['approval.reject']!, rejectReason: s['approval.rejectReason']! },
  };
}

/** The requester's summary: what, for whom, who will approve, the request id and its state. */
export async function summaryView(request: PermissionRequest, names: Names, audience: Audience): Promise<RequestView> {
  const { lang } = audience;
  const words = await requestWords(request, names, lang);
  const state = await stateLine(request, names, audience);
  return {
    requestId: request.id,
    title: t(lang, request.kind === 'grant' ? 'summary.title.grant' : 'summary.title.revoke', { right: words.right, grantee: words.grantee, target: words.target }),
    explanation: explanation(request, words, lang),
    facts: await requestFacts(request, words, names, audience, true),
    warnings: warningLines(standingWarnings(request), words, lang, names, isTimeBound(request)),
    status: state.status,
    tone: state.tone,
  };
}

/** A short message: a title (default "Mailbox access"), lines of already escaped text, facts and buttons. */
export function noticeView(lang: Lang, lines: string[], options: Partial<Omit<NoticeView, 'lines'>> = {}): NoticeView {
  return { title: options.title ?? t(lang, 'post.title'), lines, tone: options.tone ?? 'default', facts: options.facts ?? [], actions: options.actions ?? [] };
}

/**
 * "My requests": each with its state and end, Cancel offered on the pending ones, and what awaits the
 * viewer's decision. `options.title` replaces "Your requests" (one request asked about by its id);
 * `options.cancellable: false` offers no Cancel (the viewer did not make the request).
 */
export async function statusView(
  requests: readonly PermissionRequest[],
  awaiting: readonly PermissionRequest[],
  names: Names,
  audience: Audience,
  options: { title?: string; cancellable?: boolean } = {},
): Promise<StatusView> {
  const { lang } = audience;
  const cancellable = (request: PermissionRequest) => request.state === 'pending' && options.cancellable !== false;
  const items = await Promise.all(
    requests.map(async (request) => {
      const words = await requestWords(request, names, lang);
      const state = await stateLine(request, names, audience);
      const end = request.kind === 'grant' ? endOf(request) : undefined;
      return {
        requestId: request.id,
        title: `${names.escape(request.id, 80)}: ${words.summary}`,
        status: state.status,
        ends: end !== undefined && !['rejected', 'cancelled', 'expired', 'failed', 'revoked', 'replaced', 'already_held'].includes(request.state) ? t(lang, 'status.ends', { end: formatEnd(end, audience) }) : '',
        cancellable: cancellable(request),
        cancelLabel: cancellable(request) ? t(lang, 'status.cancel', { requestId: names.escape(request.id, 80) }) : '',
      };
    }),
  );
  const awaitingLines = await Promise.all(awaiting.map(async (request) => `${names.escape(request.id, 80)}: ${(await requestWords(request, names, lang)).summary}`));
  return { title: options.title ?? t(lang, 'status.title'), empty: t(lang, 'reply.noRequests'), items, awaitingTitle: t(lang, 'status.awaiting'), awaiting: awaitingLines };
}

/** Names from the directory in use for the help examples (escaped); see `examplesFor`. */
export interface ExampleNames {
  person: string;
  other: string;
  group: string;
  shared: string;
}

const EXAMPLE_KEYS = ['example.grant', 'example.read', 'example.self', 'example.revoke', 'example.who', 'example.what', 'example.mine'];

/** The help examples, in the audience's language, with names from the directory in use. */
export function helpExamples(lang: Lang, names: ExampleNames): string[] {
  return EXAMPLE_KEYS.map((key) => t(lang, key, { ...names }));
}

export function helpView(lang: Lang, names: ExampleNames): HelpView {
  return { title: t(lang, 'help.title'), intro: t(lang, 'help.intro'), examplesTitle: t(lang, 'help.examples'), examples: helpExamples(lang, names), rights: t(lang, 'help.rights') };
}

/**
 * One page of audit history, newest first, with the "older entries" button when there are more. `requestOf`
 * reads a request's kind and rights for its request, approval and apply lines (`auditLine`), each
 * request once per page; without it those lines are plain.
 */
export async function auditView(
  subject: string,
  filter: AuditFilter,
  entries: readonly AuditEntry[],
  next: string | undefined,
  names: Names,
  audience: Audience,
  requestOf?: AuditRequestOf,
): Promise<AuditView> {
  const { lang } = audience;
  const once = requestOf ? oncePerRequest(requestOf) : undefined;
  const lines = await Promise.all(entries.map(async (entry) => ({ at: formatMoment(entry.at, audience), text: await auditLine(entry, names, lang, once), outcome: entry.outcome })));
  // "Nothing recorded yet" would promise more to come; a period (yesterday) may be over.
  const empty = t(lang, filter.since !== undefined || filter.until !== undefined ? 'audit.emptyPeriod' : 'audit.empty');
  const view: AuditView = { title: t(lang, 'audit.title', { subject }), empty, lines };
  if (next) {
    const data: Record<string, string> = { before: next };
    // Card data is strings: a period's bounds (epoch ms) are written as digits.
    for (const [key, value] of Object.entries(filter)) if (typeof value === 'string' || typeof value === 'number') data[key] = String(value);
    // Everything the bot did names no request, mailbox, group or person: the button says so.
    if (!filter.requestId && !filter.targetId && !filter.granteeId) data.scope = 'all';
    view.more = { label: t(lang, 'audit.more'), verb: 'audit', data };
  }
  return view;
}

/**
 * The words of each audit action, `audit.action.<key>` in every language. A `Record` over
 * `AuditAction`: an action the engine, the conversation or a channel can write but that has no
 * words here fails the type check (test/conversation/wording/audit.test.ts checks en and nl have them).
 */
export const AUDIT_ACTION_KEYS: Readonly<Record<AuditAction, string>> = {
  created: 'audit.action.created',
  approved: 'audit.action.approved',
  rejected: 'audit.action.rejected',
  cancelled: 'audit.action.cancelled',
  expired: 'audit.action.expired',
  approver_reminder: 'audit.action.approver_reminder',
  approver_unreachable: 'audit.action.approver_unreachable',
  delivery_failed: 'audit.action.delivery_failed',
  applying: 'audit.action.applying',
  apply_resumed: 'audit.action.apply_resumed',
  apply_retry_scheduled: 'audit.action.apply_retry_scheduled',
  retry_requested: 'audit.action.retry_requested',
  applied: 'audit.action.applied',
  recheck_scheduled: 'audit.action.recheck_scheduled',
  not_yet_visible: 'audit.action.not_yet_visible',
  late_check_scheduled: 'audit.action.late_check_scheduled',
  checks_ended: 'audit.action.checks_ended',
  effective: 'audit.action.effective',
  failed: 'audit.action.failed',
  revoke_reminder: 'audit.action.revoke_reminder',
  revoke_requested: 'audit.action.revoke_requested',
  revoke_failed: 'audit.action.revoke_failed',
  revoked: 'audit.action.revoked',
  replaced: 'audit.action.replaced',
  already_held: 'audit.action.already_held',
  ended_kept: 'audit.action.ended_kept',
  removal_recheck_scheduled: 'audit.action.removal_recheck_scheduled',
  removal_still_shown: 'audit.action.removal_still_shown',
  removal_late_check_scheduled: 'audit.action.removal_late_check_scheduled',
  removal_confirmed: 'audit.action.removal_confirmed',
  removal_not_visible: 'audit.action.removal_not_visible',
  decide: 'audit.action.decide',
  query_target: 'audit.action.query_target',
  query_trustee: 'audit.action.query_trustee',
};

/**
 * An audit action in words. One this version does not know (written by a newer one) is still
 * readable: its code as plain words ("quota_warning" -> "quota warning"), never Markdown-escaped.
 */
export function auditActionWords(action: string, lang: Lang): string {
  const key = Object.hasOwn(AUDIT_ACTION_KEYS, action) ? AUDIT_ACTION_KEYS[action as AuditAction] : undefined;
  if (key) return t(lang, key);
  // Letters and digits only: nothing left for any channel's markup to escape or interpret.
  const plain = action.replace(/[^\p{L}\p{N}]+/gu, ' ').trim().slice(0, 40).trim();
  return t(lang, 'audit.action.other', { action: plain || '?' });
}

/** What an audit line says of its request beyond the entry: a removal or a grant, and of which rights. */
export type AuditRequestOf = (requestId: string) => Promise<Pick<PermissionRequest, 'kind' | 'rights' | 'heldBy' | 'rightKeptBy'> | undefined>;

/**
 * `requestOf` reading each request once: a page's request, approval and apply lines of one request
 * share one read. The store port has no read of several keys at once (`VersionedStore.get` reads
 * one), so a page reads each of its requests once rather than all of them in one go.
 */
function oncePerRequest(requestOf: AuditRequestOf): AuditRequestOf {
  const read = new Map<string, ReturnType<AuditRequestOf>>();
  return (requestId) => {
    let found = read.get(requestId);
    if (!found) read.set(requestId, (found = requestOf(requestId)));
    return found;
  };
}

/**
 * The actions whose line names the request's kind and rights (`audit.<action>.grant` / `.revoke`):
 * what was asked, approved and done; and, for a grant, the request that holds its right: closed as
 * already held (`heldBy`), or ended with the right kept (`rightKeptBy`).
 */
const DESCRIBED_ACTIONS: ReadonlySet<string> = new Set<AuditAction>(['created', 'approved', 'applied', 'already_held', 'ended_kept']);

/** The request a described line names beside its own (`heldBy`, `keptBy`), escaped; undefined when the line needs one the request lacks. */
function otherRequest(action: string, request: Pick<PermissionRequest, 'heldBy' | 'rightKeptBy'>, names: Names): Record<string, string> | undefined {
  if (action === 'already_held') return request.heldBy !== undefined ? { heldBy: names.escape(request.heldBy, 80) } : undefined;
  if (action === 'ended_kept') return request.rightKeptBy !== undefined ? { keptBy: names.escape(request.rightKeptBy, 80) } : undefined;
  return {};
}

/**
 * "the bot: reminded the approvers (REQ-7K2F9: Zoë Dubois on Training)". The lines of the request
 * itself, its approval and its apply (`DESCRIBED_ACTIONS`) say what it was (the entry holds no kind or
 * rights, so they are read from the request with `requestOf`): "Emma Clarke: requested removal of
 * Full Access for Zoë Dubois on Training (REQ-7K2F9)", "approved Send As for …", "the bot: removed Full
 * Access for …"; a request no longer found keeps the plain "approved (REQ-…: …)".
 */
async function auditLine(entry: AuditEntry, names: Names, lang: Lang, requestOf?: AuditRequestOf): Promise<string> {
  const actor = entry.actorId === 'system' ? t(lang, 'audit.system') : await names.person(entry.actorId);
  const outcome = entry.outcome === 'ok' ? '' : ` (${t(lang, `audit.outcome.${entry.outcome}`)})`;
  const words = entry.requestId
    ? { requestId: names.escape(entry.requestId, 80), grantee: entry.granteeId ? await names.person(entry.granteeId) : '?', target: entry.targetId ? (await names.target(entry.targetId)).name : '?' }
    : undefined;
  const described = DESCRIBED_ACTIONS.has(entry.action);
  const request = words && described && requestOf ? await requestOf(entry.requestId).catch(() => undefined) : undefined;
  const other = request ? otherRequest(entry.action, request, names) : undefined;
  if (words && request && other) {
    const key = `audit.${entry.action}.${request.kind === 'revoke' ? 'revoke' : 'grant'}`;
    return `${actor}: ${t(lang, key, { ...words, ...other, rights: rightsLabel(request.rights, lang) })}${outcome}`;
  }
  const action = auditActionWords(entry.action, lang);
  const about = words ? t(lang, 'audit.about', words) : '';
  return `${actor}: ${action}${outcome}${about ? ` ${about}` : ''}`;
}

/**
 * The pre-flight warnings a card still shows: all of them while the request waits for a decision;
 * after it, not the one about another request for the other group right that was still open then
 * ("… is still open"): by now that one is decided or closed, and the card would say what is no longer so.
 */
function standingWarnings(request: PermissionRequest): PermissionRequest['warnings'] {
  if (request.state === 'pending') return request.warnings;
  return request.warnings.filter((w) => !(w.code === 'replacement' && w.requestId !== undefined));
}
