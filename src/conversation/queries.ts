import { BotError } from '../domain/errors.js';
import type { PermissionRequest } from '../domain/request.js';
import type { Core } from './core.js';
import { auditPage } from './audit-paging.js';
import type { AuditFilter, Draft } from './types.js';
import type { Turn } from './turn.js';
import { t } from './wording/strings.js';
import { formatSpan } from './wording/format.js';
import { accessView, holdingsView } from './wording/access-views.js';
import { auditView, helpExamples, helpView, statusView } from './wording/views.js';

/** "help" / "hulp": what the bot does, with examples named from the directory in use. */
export async function help(core: Core, turn: Turn): Promise<void> {
  turn.replies.push({ kind: 'help', view: helpView(turn.audience.lang, await core.examples.namesFor(turn.userId)) });
}

/** "Sorry, I did not understand that", with an example that works in this directory. */
export async function notUnderstood(core: Core, turn: Turn): Promise<void> {
  const [example] = helpExamples(turn.audience.lang, await core.examples.namesFor(turn.userId));
  turn.replies.push({ kind: 'text', text: t(turn.audience.lang, 'reply.notUnderstoodExample', { example: example ?? '' }) });
}

/**
 * Group membership asked for ("add Zoë to the Marketing group", `Understanding.membership`): the bot
 * does not manage it; said so, with the three rights it does handle and an example that works here.
 */
export async function notMembership(core: Core, turn: Turn): Promise<void> {
  const [example] = helpExamples(turn.audience.lang, await core.examples.namesFor(turn.userId));
  turn.replies.push({ kind: 'text', text: t(turn.audience.lang, 'reply.membership', { example: example ?? '' }) });
}

/**
 * A group or shared mailbox named where the grantee goes ("give Training send as on Support",
 * `Understanding.granteeNotPerson`): rights are given to people, nothing was done; said so, naming it and
 * what it is (a Microsoft 365 group, a shared mailbox; several with that name: as written), with an
 * example that works here.
 */
export async function notToMailboxOrGroup(core: Core, turn: Turn, named: { text: string; ids: readonly string[] }): Promise<void> {
  const { lang } = turn.audience;
  const [example] = helpExamples(lang, await core.examples.namesFor(turn.userId));
  const one = named.ids.length === 1 ? await turn.names.target(named.ids[0]!) : undefined;
  const key = one?.kind === 'group' ? 'reply.granteeIsGroup' : one?.kind === 'shared' ? 'reply.granteeIsMailbox' : 'reply.granteeIsTarget';
  turn.replies.push({ kind: 'text', text: t(lang, key, { name: one?.name ?? turn.names.escape(named.text, 120), example: example ?? '' }) });
}

/**
 * Several requests in one message ("give Megan send as on Support and full access on Sales",
 * `Understanding.severalRequests`): one request is one right on one mailbox or group, nothing was done,
 * and an example of one (a removal for a removal) that works in this directory.
 */
export async function oneRequestEach(core: Core, turn: Turn, intent: 'grant' | 'revoke'): Promise<void> {
  const { lang } = turn.audience;
  const example = t(lang, intent === 'revoke' ? 'example.revoke' : 'example.grant', { ...(await core.examples.namesFor(turn.userId)) });
  turn.replies.push({ kind: 'text', text: t(lang, 'reply.oneRequestEach', { example }) });
}

/** "my requests" / "status": the person's last ten requests and what awaits their decision. */
export async function myRequests(core: Core, turn: Turn): Promise<void> {
  const [mine, awaiting] = await Promise.all([core.engine.requestsOf(turn.userId, { limit: 10 }), core.engine.awaitingDecisionBy(turn.userId)]);
  turn.replies.push({ kind: 'requests', mine, awaiting, view: await statusView(mine, awaiting, turn.names, turn.audience) });
}

/**
 * "status REQ-7K2F9", "what's the status of REQ-7K2F9": that one request and its state, for the people
 * it concerns (its requester, grantee and approvers) and for those who may read its history (admins,
 * the owners of its mailbox or group: the rule of "audit REQ-…"). Anyone else, like a request that does
 * not exist, is told it could not be found, so nobody learns which ids exist.
 */
export async function requestStatus(core: Core, turn: Turn, requestId: string): Promise<void> {
  const { lang } = turn.audience;
  const request = await core.engine.get(requestId);
  if (!request || !(await mayReadRequest(core, turn.userId, request))) {
    turn.replies.push({ kind: 'refusal', code: 'not_found', text: t(lang, 'reply.requestNotFound', { requestId: turn.names.escape(requestId, 80) }), details: { requestId } });
    return;
  }
  const title = t(lang, 'status.one', { requestId: turn.names.escape(request.id, 80) });
  // Only its requester may cancel it: nobody else is offered the button.
  const view = await statusView([request], [], turn.names, turn.audience, { title, cancellable: request.requesterId === turn.userId });
  turn.replies.push({ kind: 'requests', mine: [request], awaiting: [], view });
}

/** Whether `userId` may see `request`: it concerns them, or they may read its audit history (admin, owner of its target). */
async function mayReadRequest(core: Core, userId: string, request: PermissionRequest): Promise<boolean> {
  if (request.requesterId === userId || request.granteeId === userId || request.approverIds.includes(userId)) return true;
  if (await core.engine.isAdmin(userId)) return true;
  return (await core.directory.ownersOf(request.targetId)).includes(userId);
}

/**
 * "who has access to X" (admins and X's owners; the engine decides). Only admins are offered the
 * admin center: an owner asking about their own mailbox or group cannot use it.
 */
export async function whoHasAccess(core: Core, turn: Turn, targetId: string): Promise<void> {
  turn.context = { operation: 'query_target', targetId };
  const report = await core.engine.whoHasAccess(turn.userId, targetId);
  const adminUrl = (await core.engine.isAdmin(turn.userId)) ? (core.adminCenterUrl?.(report.target.kind) ?? '') : '';
  const view = await accessView(report, turn.names, turn.audience, adminUrl, { viewerId: turn.userId });
  turn.replies.push({ kind: 'access', report, view });
}

/** "what can Y access" (admins; the engine decides), each right with its own end (`TrusteeAccessReport.timeBound`). */
export async function whatCanAccess(core: Core, turn: Turn, granteeId: string): Promise<void> {
  turn.context = { operation: 'query_person', granteeId };
  const report = await core.engine.whatCanAccess(turn.userId, granteeId);
  turn.replies.push({ kind: 'holdings', report, view: await holdingsView(report, turn.names, turn.audience) });
}

/**
 * The history of one subject found by name (`subjectId`: a person, or a mailbox or group), within
 * `span`: a person named gives an admin that person's history; anyone else their mailbox's, which its
 * owner (the person) may read. The engine decides who reads what.
 */
export async function auditNamed(core: Core, turn: Turn, subjectId: string, span: AuditFilter): Promise<void> {
  const target = await core.directory.getTarget(subjectId);
  const filter: AuditFilter = target?.kind === 'user' && (await core.engine.isAdmin(turn.userId)) ? { granteeId: subjectId, ...span } : { targetId: subjectId, ...span };
  await auditOf(core, turn, filter, await subjectOf(turn, filter));
}

/**
 * An audit question's choice settled (`Draft.audit`, the person or the mailbox or group picked): its
 * history, a person on one mailbox or group when both were said.
 */
export async function auditChosen(core: Core, turn: Turn, draft: Draft): Promise<void> {
  const { filter, personOn } = draft.audit ?? { filter: {} };
  const person = draft.grantee?.status === 'resolved' ? draft.grantee.id : undefined;
  const place = draft.target?.status === 'resolved' ? draft.target.id : undefined;
  if (personOn) {
    const both: AuditFilter = { ...filter, ...(person ? { granteeId: person } : {}), ...(place ? { targetId: place } : {}) };
    await auditOf(core, turn, both, await subjectOf(turn, both));
    return;
  }
  const id = person ?? place;
  if (id) await auditNamed(core, turn, id, filter);
}

/**
 * A typed "more" / "meer": the page after the last one this person was shown, from the state stored
 * for them (never from the text), read with the same checks as the "Older entries" button (the engine
 * decides who may read it). Says so when there is nothing to continue or no older entries.
 */
export async function continuePaging(core: Core, turn: Turn): Promise<void> {
  const { lang } = turn.audience;
  const last = await core.pages?.lastPage(turn.userId);
  if (!last) {
    const names = await core.examples.namesFor(turn.userId);
    turn.replies.push({ kind: 'text', text: t(lang, 'reply.nothingToContinue', { shared: names.shared }) });
    return;
  }
  const subject = await subjectOf(turn, last.filter);
  if (!last.next) {
    turn.replies.push({ kind: 'text', text: t(lang, 'reply.noOlderEntries', { subject }) });
    return;
  }
  await auditOf(core, turn, last.filter, subject, last.next);
}

/** A `not_found` error when the audit filter names no request, mailbox, group or person there is; else undefined. */
async function missingSubject(core: Core, filter: AuditFilter): Promise<BotError | undefined> {
  if (filter.requestId !== undefined) {
    return (await core.engine.get(filter.requestId)) ? undefined : new BotError('not_found', 'No such request', { details: { requestId: filter.requestId } });
  }
  // A person on a mailbox or group: both must be there.
  if (filter.targetId !== undefined && !(await core.directory.getTarget(filter.targetId))) {
    return new BotError('not_found', 'No such mailbox or group', { details: { targetId: filter.targetId } });
  }
  if (filter.granteeId !== undefined) {
    const id = filter.granteeId;
    const known = (await core.directory.getUser(id)) ?? (await core.directory.getTarget(id));
    return known ? undefined : new BotError('not_found', 'No such person', { details: { userId: id, role: 'person' } });
  }
  return undefined;
}

/**
 * The "older entries" button: the same filter (one of `requestId`, `targetId`, `granteeId`, both
 * `granteeId` and `targetId` for a person on one mailbox or group, or `scope: 'all'` for everything; with `since` / `until` as digits when a period was said), the page
 * before `before`. Card data is untrusted: the engine checks who may read it.
 */
export async function auditMore(core: Core, turn: Turn, data: Record<string, unknown>): Promise<void> {
  const filter: AuditFilter = {};
  for (const key of ['requestId', 'targetId', 'granteeId'] as const) {
    const value = data[key];
    if (typeof value === 'string' && value.length > 0 && value.length <= 100) filter[key] = value;
  }
  const subjects = Object.keys(filter).length;
  // A period's bounds (epoch ms, as the button wrote them); a page of everything says `scope: all`.
  for (const key of ['since', 'until'] as const) {
    const value = data[key];
    if (typeof value === 'string' && /^\d{1,15}$/.test(value)) filter[key] = Number(value);
  }
  const before = typeof data.before === 'string' && data.before.length <= 200 ? data.before : undefined;
  // One subject, or a person on one mailbox or group ("for Liam on Support"); none: everything.
  const personOnTarget = subjects === 2 && filter.granteeId !== undefined && filter.targetId !== undefined;
  if ((subjects > 1 && !personOnTarget) || (subjects === 0) !== (data.scope === 'all') || !before) {
    turn.replies.push({ kind: 'refusal', code: 'bad_action', text: t(turn.audience.lang, 'reply.badAction'), details: {} });
    return;
  }
  await auditOf(core, turn, filter, await subjectOf(turn, filter), before);
}

/**
 * What an audit filter is about, as its page title names it: a request id, a person, a mailbox or
 * group, a person on one ("Liam O'Connor on Support"), or the bot (everything), followed by its period's days when it has one ("Support, Monday
 * 7 December 2026").
 */
export async function subjectOf(turn: Turn, filter: AuditFilter): Promise<string> {
  const subject = filter.requestId
    ? turn.names.escape(filter.requestId, 80)
    : filter.granteeId && filter.targetId
      ? t(turn.audience.lang, 'audit.subject.personOn', { person: await turn.names.person(filter.granteeId), target: (await turn.names.target(filter.targetId)).name })
      : filter.granteeId
      ? await turn.names.person(filter.granteeId)
      : filter.targetId
        ? (await turn.names.target(filter.targetId)).name
        : t(turn.audience.lang, 'audit.subject.all');
  return filter.since === undefined || filter.until === undefined ? subject : t(turn.audience.lang, 'audit.subjectSpan', { subject, span: formatSpan(filter.since, filter.until, turn.audience) });
}

/** One audit page, answered and remembered as the last page this person saw (a typed "more" continues it). */
export async function auditOf(core: Core, turn: Turn, filter: AuditFilter, subject: string, before?: string): Promise<void> {
  turn.context = { operation: 'audit', ...filter };
  const page = await auditPage(core.engine, turn.userId, filter, before ? { before } : {});
  // "Nothing recorded yet" is for a request, mailbox, group or person that exists. Checked after the
  // engine allowed the read (so nobody learns what exists from a refusal), and only for an empty
  // page: the history of a mailbox deleted since is still shown.
  if (page.entries.length === 0) {
    const missing = await missingSubject(core, filter);
    if (missing) throw missing;
  }
  await core.pages?.saveLastPage({ userId: turn.userId, kind: 'audit', filter, ...(page.next ? { next: page.next } : {}), at: core.clock.now() });
  turn.replies.push({ kind: 'audit', filter, page, view: await auditView(subject, filter, page.entries, page.next, turn.names, turn.audience, (id) => core.engine.get(id)) });
}
