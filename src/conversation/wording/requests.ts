import { endedAsPlanned, REQUEST_STATES, type PermissionRequest, type PreflightWarning } from '../../domain/request.js';
import { groupRightReplaced, type Right } from '../../domain/rights.js';
import type { Audience, Fact, Lang, Tone } from '../types.js';
import { endOf, formatClock, formatDuration, formatEnd, formatMoment } from './format.js';
import type { Names } from './names.js';
import { t } from './strings.js';

/**
 * A request's state as a word for inside a sentence ("in effect" / "van kracht"), from
 * `state.name.<state>`; undefined for a missing state or one this version does not know, so the
 * caller says its sentence without it rather than show an internal code.
 */
export function stateName(state: string | undefined, lang: Lang): string | undefined {
  return state !== undefined && (REQUEST_STATES as readonly string[]).includes(state) ? t(lang, `state.name.${state}`) : undefined;
}

/**
 * A sentence that names a request's state: `key` with `{state}` as a plain word, or `<key>NoState`
 * (the same sentence without it) when the state is unknown.
 */
export function withStateName(lang: Lang, key: string, state: string | undefined, params: Record<string, string> = {}): string {
  const name = stateName(state, lang);
  return name === undefined ? t(lang, `${key}NoState`, params) : t(lang, key, { ...params, state: name });
}

/** "Send As" / "Verzenden als" */
export function rightLabel(right: Right, lang: Lang): string {
  return t(lang, `right.${right}`);
}

/** "Send As, Send on Behalf"; an empty list (a revoke of everything) is "all rights". */
export function rightsLabel(rights: readonly Right[], lang: Lang): string {
  return rights.length === 0 ? t(lang, 'allRights') : rights.map((r) => rightLabel(r, lang)).join(', ');
}

/** The parts every sentence about a request is made of, escaped. */
export interface RequestWords {
  requester: string;
  grantee: string;
  target: string;
  targetMail: string;
  targetKind: string;
  right: string;
  /** "Send As for Megan Bowen on Training" */
  summary: string;
}

export async function requestWords(request: PermissionRequest, names: Names, lang: Lang): Promise<RequestWords> {
  const [requester, grantee, target] = await Promise.all([
    names.person(request.requesterId),
    names.person(request.granteeId),
    names.target(request.targetId),
  ]);
  const right = rightsLabel(request.rights, lang);
  const key = request.kind === 'grant' ? 'summary.title.grant' : 'summary.title.revoke';
  // The summary title minus its "Request:" lead-in, reused in post-backs.
  const summary = t(lang, key, { right, grantee, target: target.name }).replace(/^[^:]+:\s*/, '');
  return { requester, grantee, target: target.name, targetMail: target.mail, targetKind: target.kind, right, summary };
}

/** One line: what state the request is in, who decided and when, and its tone. */
export async function stateLine(request: PermissionRequest, names: Names, audience: Audience): Promise<{ status: string; tone: Tone }> {
  const { lang } = audience;
  const decision = request.decision;
  const by = decision ? await names.person(decision.by) : '';
  const at = decision ? formatMoment(decision.at, audience) : '';
  switch (request.state) {
    case 'pending':
      return { status: t(lang, 'state.pending'), tone: 'accent' };
    case 'approved':
    case 'applying':
      return { status: t(lang, `state.${request.state}`, { by, at }), tone: 'good' };
    case 'applied':
      // Past the window and its rechecks without Exchange showing it: say so, not "effective by" a time gone by.
      if (request.checksEndedAt !== undefined) {
        return { status: t(lang, 'state.appliedNotVisible', { by, at, checkedAt: formatMoment(request.checksEndedAt, audience) }), tone: 'attention' };
      }
      if (request.unconfirmedAt !== undefined) {
        const until = request.checksUntil !== undefined ? formatMoment(request.checksUntil, audience) : '?';
        return { status: t(lang, 'state.appliedUnconfirmed', { by, at, checkedAt: formatMoment(request.unconfirmedAt, audience), until }), tone: 'attention' };
      }
      return {
        status: t(lang, 'state.applied', { by, at, effectiveBy: request.effectiveBy ? formatClock(request.effectiveBy, audience) : '?' }),
        tone: 'good',
      };
    case 'effective':
      return { status: t(lang, 'state.effective', { by, at }), tone: 'good' };
    case 'failed':
      return { status: t(lang, 'state.failed', { by, at }), tone: 'attention' };
    case 'rejected':
      return decision?.reason
        ? { status: t(lang, 'state.rejectedReason', { by, at, reason: names.prose(decision.reason) }), tone: 'attention' }
        : { status: t(lang, 'state.rejected', { by, at }), tone: 'attention' };
    case 'cancelled':
      return { status: t(lang, 'state.cancelled', { at: formatMoment(request.updatedAt, audience) }), tone: 'warning' };
    case 'expired':
      return { status: t(lang, 'state.expired', { at: formatMoment(request.updatedAt, audience) }), tone: 'warning' };
    case 'revoked': {
      const revokedAt = formatMoment(request.revokedAt ?? request.updatedAt, audience);
      // Who revoked it, as a decided card says who approved: the admin who revoked it directly, or
      // the approver of the revoke request that ended it. 'system' (its end date, a removal found
      // later) names nobody.
      const revoker = request.revokedBy && request.revokedBy !== 'system' ? await names.person(request.revokedBy) : undefined;
      const revoked = revoker !== undefined ? t(lang, 'state.revokedBy', { by: revoker, at: revokedAt }) : t(lang, 'state.revoked', { at: revokedAt });
      // A removal Exchange still showed after its window: say so (and whether the bot still checks), not only "Revoked".
      if (request.removalChecksEndedAt !== undefined) {
        return { status: t(lang, 'state.revokedNotGone', { revoked, checkedAt: formatMoment(request.removalChecksEndedAt, audience) }), tone: 'attention' };
      }
      if (request.removalUnconfirmedAt !== undefined && request.removalSettledAt === undefined) {
        const until = request.removalChecksUntil !== undefined ? formatMoment(request.removalChecksUntil, audience) : '?';
        return { status: t(lang, 'state.revokedUnconfirmed', { revoked, checkedAt: formatMoment(request.removalUnconfirmedAt, audience), until }), tone: 'attention' };
      }
      // Its own end date ended it: "Ended as planned", as its post-back said, not "Revoked".
      if (endedAsPlanned(request)) {
        // A longer grant kept the right: nothing was removed, and the card says through which.
        if (request.rightKeptBy !== undefined) return { status: t(lang, 'state.endedKept', { at: revokedAt, keptBy: names.escape(request.rightKeptBy, 80) }), tone: 'warning' };
        return { status: t(lang, 'state.ended', { at: revokedAt }), tone: 'warning' };
      }
      return { status: revoked, tone: 'warning' };
    }
    case 'replaced': {
      const values = {
        at: formatMoment(request.replacedAt ?? request.updatedAt, audience),
        requestId: names.escape(request.replacedBy ?? '?', 80),
        right: replacingRights(request, lang),
      };
      // Closed before anyone decided, or approved and applied, then replaced.
      return decision ? { status: t(lang, 'state.replacedApplied', { ...values, by, decidedAt: at }), tone: 'warning' } : { status: t(lang, 'state.replaced', values), tone: 'warning' };
    }
    case 'already_held':
      return { status: t(lang, 'state.alreadyHeld', { by, at, held: await alreadyHeldWords(request, names, audience) }), tone: 'good' };
  }
}

/**
 * Why an `already_held` request was closed: "Zoë Dubois already has Full Access on Facturen through
 * REQ-…" (with "; it lasts until …" when that grant is time-bound), for its state line and post-back.
 */
export async function alreadyHeldWords(request: PermissionRequest, names: Names, audience: Audience): Promise<string> {
  const { lang } = audience;
  const [grantee, target] = await Promise.all([names.person(request.granteeId), names.target(request.targetId)]);
  const values = { grantee, target: target.name, right: rightsLabel(request.rights, lang), requestId: names.escape(request.heldBy ?? '?', 80) };
  return request.heldUntil === undefined
    ? t(lang, 'held.through', values)
    : t(lang, 'held.throughUntil', { ...values, until: formatEnd(request.heldUntil, audience) });
}

/** The right(s) whose grant replaced a `replaced` request on its group ("Send on Behalf" for a Send As one). */
export function replacingRights(request: PermissionRequest, lang: Lang): string {
  const others = request.rights.map((right) => groupRightReplaced(right, request.targetKind)).filter((right): right is Right => right !== undefined);
  return rightsLabel(others, lang);
}

/**
 * The pre-flight warnings as sentences, each with a warning sign. `timeBound`: the request is a
 * grant with an end (a duration, an end date): a replacement then says that the right it removes
 * does not come back when this grant ends (the bot never restores it: SPEC section 1, applying the
 * one removes the other, and nothing gives it back).
 */
export function warningLines(warnings: readonly PreflightWarning[], words: RequestWords, lang: Lang, names: Names, timeBound = false): string[] {
  return warnings.map((w) => {
    switch (w.code) {
      case 'replacement':
        // An open request for the other right rather than a right held: approving this one closes it, or replaces it once applied.
        return w.requestId
          ? `⚠ ${t(lang, 'warning.replacementPending', { grantee: words.grantee, replaces: rightLabel(w.replaces, lang), requestId: names.escape(w.requestId, 80) })}`
          : `⚠ ${t(lang, timeBound ? 'warning.replacementTimeBound' : 'warning.replacement', { grantee: words.grantee, replaces: rightLabel(w.replaces, lang) })}`;
      case 'not_a_member':
        return `⚠ ${t(lang, 'warning.not_a_member', { grantee: words.grantee })}`;
      case 'already_pending':
        return `⚠ ${t(lang, 'warning.already_pending', { requestId: names.escape(w.requestId, 80) })}`;
      case 'guest_trustee':
        return `⚠ ${t(lang, 'warning.guest_trustee', { grantee: words.grantee })}`;
    }
  });
}

/** Whether a grant has an end: a duration or end date asked for, or the end set when it was applied. */
export function isTimeBound(request: PermissionRequest): boolean {
  return request.kind === 'grant' && (Boolean(request.duration) || Boolean(request.until) || request.endsAt !== undefined);
}

/**
 * When a grant ends, as a fact: the duration asked for until it is applied (the clock starts then),
 * the end itself once known (`formatEnd`, the one rendering of ends: "until the end of Friday, ..."),
 * or "no end date"; all under one title ("For how long"), so the value reads on from it.
 */
export function endFact(request: PermissionRequest, audience: Audience, names: Names): Fact | undefined {
  const { lang } = audience;
  if (request.kind !== 'grant') return undefined;
  const end = endOf(request);
  if (end !== undefined) return { title: t(lang, 'label.duration'), value: formatEnd(end, audience) };
  if (request.duration) return { title: t(lang, 'label.duration'), value: formatDuration(request.duration, lang, names.escape) };
  return { title: t(lang, 'label.duration'), value: t(lang, 'label.permanent') };
}

/** The facts of a request card: who asked, for whom, which right on what, how long, why, approvers, id. */
export async function requestFacts(request: PermissionRequest, words: RequestWords, names: Names, audience: Audience, withApprovers: boolean): Promise<Fact[]> {
  const { lang } = audience;
  const facts: Fact[] = [
    { title: t(lang, 'label.requester'), value: words.requester },
    { title: t(lang, 'label.grantee'), value: words.grantee },
    { title: t(lang, 'label.right'), value: words.right },
    { title: t(lang, 'label.target'), value: `${words.target} (${t(lang, `kind.${words.targetKind}`)})` },
  ];
  const end = endFact(request, audience, names);
  if (end) facts.push(end);
  if (request.reason) facts.push({ title: t(lang, 'label.reason'), value: names.prose(request.reason) });
  if (request.rights.includes('FullAccess') && request.kind === 'grant' && !request.autoMapping) {
    facts.push({ title: t(lang, 'label.autoMapping'), value: t(lang, 'label.autoMappingOff') });
  }
  if (withApprovers) facts.push({ title: t(lang, 'label.approvers'), value: await names.people(request.approverIds) });
  facts.push({ title: t(lang, 'label.request'), value: names.escape(request.id, 80) });
  return facts;
}

/** What each right of the request lets the grantee do, one sentence per right. */
export function explanation(request: PermissionRequest, words: RequestWords, lang: Lang): string {
  return request.rights.map((right) => t(lang, `explain.${right}`, { grantee: words.grantee, target: words.target })).join(' ');
}

/** How to use a right, for the "effective" post-back. */
export function howToUse(request: PermissionRequest, words: RequestWords, lang: Lang): string {
  return request.rights
    .map((right) =>
      t(lang, `use.${right}`, {
        mail: words.targetMail,
        target: words.target,
        grantee: words.grantee,
        automap: t(lang, request.autoMapping ? 'use.automap' : 'use.noAutomap'),
      }),
    )
    .join(' ');
}
