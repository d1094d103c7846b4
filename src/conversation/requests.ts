import { randomUUID } from 'node:crypto';
import { BotError } from '../domain/errors.js';
import { rightAppliesTo, RIGHTS, type Right } from '../domain/rights.js';
import type { MarkedMention, PeriodChoice, Resolution, Understanding } from '../language/understand.js';
import { resolveAnswer } from './answers.js';
import { DRAFT_TTL_MS, MAX_CHOICES, type Core } from './core.js';
import { whatCanAccess, whoHasAccess } from './queries.js';
import { refusalFor } from './refusals.js';
import type { Turn } from './turn.js';
import type { PermissionRequest } from '../domain/request.js';
import type { Draft } from './types.js';
import { formatClock, formatDay, formatDuration, formatEnd } from './wording/format.js';
import { rightLabel } from './wording/requests.js';
import { t } from './wording/strings.js';
import { summaryView } from './wording/views.js';

/**
 * A grant, revoke or query as understood: a draft, completed by asking for what is missing or unclear.
 * `period`: the ends the message gave two ways (`Understanding.periodChoice`), asked about before anything else.
 */
export async function startRequest(core: Core, turn: Turn, u: Understanding & { intent: Draft['intent'] }, period?: PeriodChoice): Promise<void> {
  const draft: Draft = {
    id: randomUUID(),
    requesterId: turn.userId,
    intent: u.intent,
    permission: u.permission,
    grantee: u.grantee,
    target: u.target,
    duration: u.duration,
    until: u.until,
    ...(turn.audience.timeZone ? { timeZone: turn.audience.timeZone } : {}),
    language: turn.audience.lang,
    createdAt: core.clock.now(),
  };
  if (u.reason) draft.reason = u.reason;
  if (u.autoMapping !== undefined) draft.autoMapping = u.autoMapping;
  if (period && u.intent !== 'query') {
    draft.duration = null;
    draft.until = null;
    draft.periodChoices = { why: period.why, options: period.options.map((o) => o.duration ?? o.until) };
  }
  // Several people named: one request per person, each settled and approved on its own.
  if (u.intent !== 'query' && u.grantees && u.grantees.length > 1) {
    draft.grantee = u.grantees[0]!;
    draft.granteesLeft = u.grantees.slice(1);
    draft.granteesSettled = [];
  }
  await advance(core, turn, draft);
}

/** The person's draft while it still waits for an answer (a question or a choice asked less than `DRAFT_TTL_MS` ago). */
export async function openDraft(core: Core, userId: string): Promise<Draft | undefined> {
  const draft = await core.drafts.draft(userId);
  return draft?.awaiting && core.clock.now() - draft.createdAt < DRAFT_TTL_MS ? draft : undefined;
}

/**
 * A typed answer to the question `draft` asked (the person's open draft, `openDraft`; `mentions`: the
 * channel's marked people in the answer); `false` when it waits for no typed answer.
 */
export async function answerDraft(core: Core, turn: Turn, draft: Draft, text: string, mentions?: readonly MarkedMention[]): Promise<boolean> {
  if (!draft.awaiting) return false;
  if (draft.awaiting === 'permission' || draft.awaiting === 'period') {
    // A right or an end is picked on the choice; a typed answer to it starts over.
    await core.drafts.deleteDraft(turn.userId);
    return false;
  }
  const options = { directory: core.directory, requesterId: turn.userId, now: new Date(core.clock.now()), ...(mentions?.length ? { mentions } : {}) };
  draft[draft.awaiting] = await resolveAnswer(text, draft.awaiting, core.understand, options);
  turn.audience = { ...turn.audience, lang: draft.language };
  await advance(core, turn, draft);
  return true;
}

/** A picked option of a choice: the draft's awaited slot, continued in this turn. `undefined` when the choice is no longer open. */
export async function choose(core: Core, turn: Turn, draftId: unknown, rawPick: unknown): Promise<string | undefined> {
  const draft = await core.drafts.draft(turn.userId);
  const pick = typeof rawPick === 'number' ? rawPick : typeof rawPick === 'string' && /^\d{1,2}$/.test(rawPick) ? Number(rawPick) : -1;
  // The draft is looked up by the clicking person: someone else's choice does nothing here.
  if (!draft || draft.id !== draftId || !draft.options || !draft.awaiting || !Number.isInteger(pick) || pick < 0 || pick >= draft.options.length) return undefined;
  const value = draft.options[pick]!;
  turn.audience = { ...turn.audience, lang: draft.language };
  let label: string;
  if (draft.awaiting === 'permission') {
    if (!(RIGHTS as readonly string[]).includes(value)) return undefined;
    draft.permission = value as Right;
    label = rightLabel(draft.permission, draft.language);
  } else if (draft.awaiting === 'period') {
    // A period (P…) or an end date: the one picked, the other left out.
    const isDuration = value.startsWith('P');
    draft.duration = isDuration ? value : null;
    draft.until = isDuration ? null : value;
    label = periodLabel(value, draft.language);
  } else {
    draft[draft.awaiting] = { status: 'resolved', id: value };
    label = await turn.names.labelled(value);
  }
  await advance(core, turn, draft);
  return label;
}

/** Asks for the next missing or unclear slot, or submits the complete request (one per person). */
async function advance(core: Core, turn: Turn, draft: Draft): Promise<void> {
  const { lang } = turn.audience;
  // A draft that asked something before is stored and must be removed once submitted.
  const stored = draft.awaiting !== undefined;
  // Asked again after an answer that was not found: the question then says how to leave it.
  const askedBefore = draft.awaiting;
  delete draft.awaiting;
  delete draft.options;

  if (draft.intent === 'query') {
    if (draft.target) {
      if (await settle(core, turn, draft, 'target', askedBefore === 'target')) await whoHasAccess(core, turn, resolvedId(draft.target));
      return;
    }
    if (draft.grantee) {
      if (await settle(core, turn, draft, 'grantee', askedBefore === 'grantee')) await whatCanAccess(core, turn, resolvedId(draft.grantee));
      return;
    }
    await ask(core, turn, draft, 'target', askedBefore === 'target');
    return;
  }

  // The end first: a message that gave it two ways is never submitted with one of them dropped.
  if (draft.periodChoices) {
    const { why, options } = draft.periodChoices;
    delete draft.periodChoices;
    draft.awaiting = 'period';
    draft.options = options;
    await core.drafts.saveDraft(draft);
    const question = why === 'duration_and_until'
      ? t(lang, 'reply.choosePeriod', { duration: periodValue(options.find((o) => o.startsWith('P')) ?? '', lang), until: periodValue(options.find((o) => !o.startsWith('P')) ?? '', lang) })
      : t(lang, 'reply.chooseDayMonth', { first: periodValue(options[0] ?? '', lang), second: periodValue(options[1] ?? '', lang) });
    turn.replies.push({ kind: 'choice', slot: 'period', draftId: draft.id, title: t(lang, 'choose.title'), question, options: options.map((o, pick) => ({ label: periodLabel(o, lang), pick })) });
    return;
  }

  for (;;) {
    if (!(await settle(core, turn, draft, 'grantee', askedBefore === 'grantee'))) return;
    const next = draft.granteesLeft?.shift();
    if (!next) break;
    draft.granteesSettled = [...(draft.granteesSettled ?? []), resolvedId(draft.grantee)];
    draft.grantee = next;
  }
  if (!(await settle(core, turn, draft, 'target', askedBefore === 'target'))) return;
  const targetId = resolvedId(draft.target);
  const target = await core.directory.getTarget(targetId);
  if (!target) {
    turn.replies.push({ kind: 'refusal', code: 'unknown_target', text: t(lang, 'reply.unknownTarget', { text: turn.names.escape(targetId, 80) }), details: { targetId } });
    return;
  }
  // A guest can hold no right on a group (the engine refuses it): said now, not after a choice of rights
  // none of which they could get.
  if (draft.intent === 'grant' && target.kind === 'group' && !draft.granteesSettled?.length) {
    const granteeId = resolvedId(draft.grantee);
    if ((await core.directory.getUser(granteeId))?.guest) {
      await core.drafts.deleteDraft(turn.userId);
      const guest = new BotError('guest_not_allowed', 'guests cannot receive rights on groups', { details: { rule: 'guest_on_group', granteeId, targetId } });
      turn.replies.push(await refusalFor(guest, turn.context, turn.names, lang, turn.log));
      return;
    }
  }
  if (draft.intent === 'grant' && (draft.permission === null || !rightAppliesTo(draft.permission, target.kind))) {
    const wasFullAccessOnGroup = draft.permission === 'FullAccess';
    const options = RIGHTS.filter((r) => rightAppliesTo(r, target.kind));
    draft.awaiting = 'permission';
    draft.options = [...options];
    draft.permission = null;
    await core.drafts.saveDraft(draft);
    const question = `${wasFullAccessOnGroup ? `${t(lang, 'reply.rightNotOnGroup')} ` : ''}${t(lang, 'reply.chooseRight', { target: turn.names.escape(target.displayName, 120) })}`;
    turn.replies.push({ kind: 'choice', slot: 'right', draftId: draft.id, title: t(lang, 'choose.title'), question, options: options.map((r, pick) => ({ label: rightLabel(r, lang), pick })) });
    return;
  }

  if (stored) await core.drafts.deleteDraft(draft.requesterId);
  const granteeIds = [...new Set([...(draft.granteesSettled ?? []), resolvedId(draft.grantee)])];
  if (granteeIds.length === 1) {
    await submit(core, turn, draft, granteeIds[0]!, targetId);
    return;
  }
  turn.replies.push({ kind: 'text', text: t(lang, 'reply.perPerson', { count: granteeIds.length, grantees: await turn.names.people(granteeIds) }) });
  for (const granteeId of granteeIds) {
    // One person's refusal (a guest, say) does not stop the others' requests.
    await submit(core, turn, draft, granteeId, targetId).catch(async (error: unknown) => {
      turn.replies.push(await refusalFor(error, turn.context, turn.names, lang, turn.log));
    });
  }
}

async function submit(core: Core, turn: Turn, draft: Draft, granteeId: string, targetId: string): Promise<void> {
  const { lang } = turn.audience;
  turn.context = { operation: 'submit', granteeId, targetId, durationAndUntil: Boolean(draft.duration && draft.until) };
  const outcome = await core.engine.submit({
    requesterId: draft.requesterId,
    kind: draft.intent === 'revoke' ? 'revoke' : 'grant',
    granteeId,
    targetId,
    right: draft.permission,
    duration: draft.duration,
    until: draft.until,
    timeZone: draft.timeZone ?? turn.audience.timeZone ?? null,
    ...(draft.reason ? { reason: draft.reason } : {}),
    ...(draft.autoMapping !== undefined ? { autoMapping: draft.autoMapping } : {}),
    language: lang,
  });
  switch (outcome.outcome) {
    case 'created':
    case 'duplicate':
      if (outcome.outcome === 'duplicate') turn.replies.push({ kind: 'text', text: duplicateText(outcome.request, draft, turn) });
      turn.replies.push({ kind: 'summary', request: outcome.request, view: await summaryView(outcome.request, turn.names, turn.audience), audience: turn.audience });
      return;
    case 'already_held': {
      const params = { grantee: await turn.names.person(outcome.granteeId), right: rightLabel(outcome.right, lang), target: (await turn.names.target(outcome.targetId)).name };
      const held = outcome.propagating
        ? t(lang, 'reply.alreadyHeldApplied', { ...params, ...windowTimes(outcome.propagating, turn) })
        : t(lang, 'reply.alreadyHeld', params);
      // A time-bound grant: when it ends, whatever end (or none) this request asked for.
      const text = outcome.endsAt === undefined ? held : `${held} ${t(lang, 'reply.alreadyHeldEnds', { until: formatEnd(outcome.endsAt, turn.audience) })}`;
      turn.replies.push({ kind: 'text', text });
      return;
    }
    case 'nothing_to_revoke': {
      const params = { grantee: await turn.names.person(outcome.granteeId), target: (await turn.names.target(outcome.targetId)).name };
      const text = outcome.propagating
        ? t(lang, 'reply.nothingToRevokeRemoved', { ...params, ...windowTimes(outcome.propagating, turn) })
        : t(lang, 'reply.nothingToRevoke', params);
      turn.replies.push({ kind: 'text', text });
      return;
    }
  }
}

/**
 * "That request is already open": and when the open request ends otherwise than this message asked
 * (another period, an end date, or none), which end it has, that the new one was not applied, and how
 * to change it (cancel it and ask again: a request's end cannot be changed while it is open; once
 * approved it is applied as asked).
 */
function duplicateText(open: PermissionRequest, draft: Draft, turn: Turn): string {
  const { lang } = turn.audience;
  const requestId = turn.names.escape(open.id, 80);
  const openEnd = { duration: open.duration ?? null, until: open.until ?? null };
  const asked = { duration: draft.duration, until: draft.until };
  // A revoke has no end: only a grant's can differ.
  if (open.kind !== 'grant' || (openEnd.duration === asked.duration && openEnd.until === asked.until)) return t(lang, 'reply.duplicate', { requestId });
  // Only a pending request can be cancelled; an approved one is being applied as it was asked.
  const key = open.state === 'pending' ? 'reply.duplicateOtherEnd' : 'reply.duplicateOtherEndApproved';
  return t(lang, key, { requestId, open: endPhrase(openEnd, lang), asked: endPhrase(asked, lang) });
}

/** How a request ends, inside a sentence: "for 14 days", "until Friday, 27 November 2026", "with no end date". */
function endPhrase(end: { duration: string | null; until: string | null }, lang: Turn['audience']['lang']): string {
  if (end.duration) return t(lang, 'end.for', { duration: periodValue(end.duration, lang) });
  if (end.until) return t(lang, 'end.until', { day: periodValue(end.until, lang) });
  return t(lang, 'end.none');
}

/** A period or an end date as words: "2 weeks" / "2 weken", "Friday, 27 November 2026" / "vrijdag 27 november 2026". */
function periodValue(value: string, lang: Turn['audience']['lang']): string {
  return value.startsWith('P') ? formatDuration(value, lang) : formatDay(value, lang);
}

/** A period choice's option: "For 2 weeks" / "Voor 2 weken", "Until Friday 27 November 2026 (inclusive)" / "Tot en met …". */
function periodLabel(value: string, lang: Turn['audience']['lang']): string {
  return value.startsWith('P') ? t(lang, 'period.for', { duration: periodValue(value, lang) }) : t(lang, 'period.until', { day: periodValue(value, lang) });
}

/** "applied 09:00, effective by about 10:00" in the reader's time zone. */
function windowTimes(window: { appliedAt: number; effectiveBy: number }, turn: Turn): { appliedAt: string; effectiveBy: string } {
  return { appliedAt: formatClock(window.appliedAt, turn.audience), effectiveBy: formatClock(window.effectiveBy, turn.audience) };
}

/**
 * Makes one slot resolved: `true` when it is; otherwise asks (question or choice), saves the draft
 * and returns `false`. `again`: the slot was asked for before (the answer was not found).
 */
async function settle(core: Core, turn: Turn, draft: Draft, slot: 'grantee' | 'target', again = false): Promise<boolean> {
  const value: Resolution | null = draft[slot];
  const { lang } = turn.audience;
  if (value?.status === 'resolved') return true;
  if (value?.status === 'ambiguous' && value.candidates.length > MAX_CHOICES) {
    // Too many to list as options: ask for the full name instead.
    turn.replies.push({ kind: 'text', text: t(lang, 'reply.tooManyMatches', { count: value.candidates.length }) });
    await ask(core, turn, draft, slot, again);
    return false;
  }
  if (value?.status === 'ambiguous' && value.candidates.length > 0) {
    const labels = await Promise.all(value.candidates.map((id) => turn.names.labelled(id)));
    draft.awaiting = slot;
    draft.options = value.candidates;
    await core.drafts.saveDraft(draft);
    turn.replies.push({
      kind: 'choice',
      slot,
      draftId: draft.id,
      title: t(lang, 'choose.title'),
      question: t(lang, slot === 'grantee' ? 'reply.chooseGrantee' : 'reply.chooseTarget'),
      options: labels.map((label, pick) => ({ label, pick })),
    });
    return false;
  }
  if (value?.status === 'unknown') {
    const code = slot === 'grantee' ? 'unknown_person' : 'unknown_target';
    turn.replies.push({ kind: 'refusal', code, text: t(lang, slot === 'grantee' ? 'reply.unknownPerson' : 'reply.unknownTarget', { text: turn.names.escape(value.text, 80) }), details: {} });
  }
  await ask(core, turn, draft, slot, again);
  return false;
}

/** Asks for a name; asked `again`, the question says how to stop ("or say cancel"), so nobody is held in it. */
async function ask(core: Core, turn: Turn, draft: Draft, slot: 'grantee' | 'target', again: boolean): Promise<void> {
  draft.awaiting = slot;
  delete draft.options;
  await core.drafts.saveDraft(draft);
  const key = slot === 'grantee' ? (again ? 'reply.askGranteeAgain' : 'reply.askGrantee') : again ? 'reply.askTargetAgain' : 'reply.askTarget';
  turn.replies.push({ kind: 'ask', slot, text: t(turn.audience.lang, key) });
}

function resolvedId(resolution: Resolution | null): string {
  if (resolution?.status !== 'resolved') throw new Error('slot not settled');
  return resolution.id;
}
