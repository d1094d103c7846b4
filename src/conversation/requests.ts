import { randomUUID } from 'node:crypto';
import { BotError } from '../domain/errors.js';
import { rightAppliesTo, RIGHTS, type Right } from '../domain/rights.js';
import type { MarkedMention, PeriodChoice, Resolution, Understanding } from '../language/understand.js';
import { resolveAnswerWithEnd } from './answers.js';
import { DRAFT_TTL_MS, MAX_CHOICES, type Core } from './core.js';
import { offerNearNames, saysYes } from './near-names.js';
import { answersOpenQuestion, offerChoice, openQuestion } from './open-question.js';
import { auditChosen, whatCanAccess, whoHasAccess } from './queries.js';
import { refusalFor } from './refusals.js';
import type { Turn } from './turn.js';
import type { PermissionRequest } from '../domain/request.js';
import type { AuditFilter, Draft, Lang } from './types.js';
import { formatClock, formatDay, formatDuration, formatEnd } from './wording/format.js';
import { rightLabel } from './wording/requests.js';
import { LANGS, t } from './wording/strings.js';
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
  // Several rights or several targets named: one request is one right on one target, so the choice
  // offers only what was named, and says the rest is a request of its own.
  if (u.intent !== 'query' && u.permissions && u.permissions.length > 1) draft.permissions = u.permissions;
  if (u.intent !== 'query' && u.targets && u.targets.length > 1) draft.severalTargets = true;
  // Several people named: one request per person, each settled and approved on its own.
  if (u.intent !== 'query' && u.grantees && u.grantees.length > 1) {
    draft.grantee = u.grantees[0]!;
    draft.granteesLeft = u.grantees.slice(1);
    draft.granteesSettled = [];
  }
  await advance(core, turn, draft);
}

/**
 * An audit question whose name has namesakes ("what did the bot do for Jan?"): a choice of them, as a
 * request offers one (buttons, or an option typed back: its label, its place, or a name that finds
 * one). `audit` is the filter so far; `names` the person and the mailbox or group as found, one or both
 * of them ambiguous. Once picked, the history is shown (`auditChosen`).
 */
export async function startAuditChoice(
  core: Core,
  turn: Turn,
  audit: { filter: AuditFilter; personOn?: true },
  names: { grantee?: Resolution; target?: Resolution },
): Promise<void> {
  const draft: Draft = {
    id: randomUUID(),
    requesterId: turn.userId,
    intent: 'audit',
    permission: null,
    grantee: names.grantee ?? null,
    target: names.target ?? null,
    duration: null,
    until: null,
    language: turn.audience.lang,
    audit,
    createdAt: core.clock.now(),
  };
  await advance(core, turn, draft);
}

/** The person's draft while it still waits for an answer (a question or a choice asked less than `DRAFT_TTL_MS` ago). */
export async function openDraft(core: Core, userId: string): Promise<Draft | undefined> {
  const draft = await core.drafts.draft(userId);
  return draft?.awaiting && core.clock.now() - draft.createdAt < DRAFT_TTL_MS ? draft : undefined;
}

/** A message typed while a question or choice is open, as `answerDraft` reads it. */
export interface TypedAnswer {
  text: string;
  understanding: Understanding;
  /** The message may be the name a question asked for: no request, command or sentence in it. */
  readsAsName: boolean;
  /** The channel's marked people in the message. */
  mentions?: readonly MarkedMention[];
  /** Minutes east of UTC of the asker's calendar now (`calendarOffset`), for an end in the answer ("Megan until Friday"). */
  utcOffsetMinutes?: number;
}

/**
 * A typed answer to the question or choice `draft` asked (the person's open draft, `openDraft`);
 * `false` when the message is no answer to it (a new message). At a choice, an option typed as
 * written on its button (or a right named alone), or its place ("2", "the first one", "de tweede"),
 * is that button; anything else (a place with no button there too) is pointed to the buttons, and the
 * choice stays open.
 */
export async function answerDraft(core: Core, turn: Turn, draft: Draft, typed: TypedAnswer): Promise<boolean> {
  const slot = draft.awaiting;
  if (!slot) return false;
  const { text, understanding: u } = typed;
  let index = draft.options ? await typedOption(turn, draft, text, u) : undefined;
  // "Did you mean Training?" "Yes.": the one name offered.
  if (index === undefined && draft.nearNames && saysYes(text)) {
    if (draft.options?.length === 1) index = 0;
    else {
      // Yes to several names names none of them: no wrong pick either, so asked which, with the buttons.
      turn.audience = { ...turn.audience, lang: draft.language };
      turn.replies.push({ kind: 'text', text: await notAnOption(turn, draft, 'reply.pickWhichOne') });
      return true;
    }
  }
  if (index === OUT_OF_RANGE) {
    // "3" of two options: there is no such button.
    turn.audience = { ...turn.audience, lang: draft.language };
    turn.replies.push({ kind: 'text', text: await notAnOption(turn, draft) });
    return true;
  }
  if (index !== undefined) {
    turn.audience = { ...turn.audience, lang: draft.language };
    const end = slot === 'permission' && draft.intent === 'grant' ? u.rightWithEnd : undefined;
    if (end) {
      // "Send As for 2 weeks": the end said with the right is kept, in place of one said before (said last).
      draft.duration = end.duration;
      draft.until = end.until;
    }
    await pick(core, turn, draft, index);
    return true;
  }
  if (slot === 'permission' || slot === 'period') {
    turn.audience = { ...turn.audience, lang: draft.language };
    // Full Access is offered on mailboxes only: not among the options means the target is a group.
    const said = slot === 'permission' && u.rightAlone === 'FullAccess' ? t(draft.language, 'reply.rightNotOnGroup') : await notAnOption(turn, draft);
    turn.replies.push({ kind: 'text', text: said });
    return true;
  }
  // "Megan needs it" answers "For whom?" only; "On which mailbox?" is asked about no person.
  const answer = slot === 'grantee' && u.answerName ? u.answerName : typed.readsAsName ? text : undefined;
  if (answer === undefined && draft.options) {
    // More than an option at a choice ("Jan Smit, thanks a lot for that"): pointed to the buttons, the choice kept.
    turn.audience = { ...turn.audience, lang: draft.language };
    turn.replies.push({ kind: 'text', text: await notAnOption(turn, draft) });
    return true;
  }
  if (answer === undefined) return false;
  const options = { directory: core.directory, requesterId: turn.userId, now: new Date(core.clock.now()), ...(typed.utcOffsetMinutes !== undefined ? { utcOffsetMinutes: typed.utcOffsetMinutes } : {}), ...(typed.mentions?.length ? { mentions: typed.mentions } : {}) };
  const { resolution, end } = await resolveAnswerWithEnd(answer, slot, core.understand, options);
  turn.audience = { ...turn.audience, lang: draft.language };
  if (resolution.status === 'unknown' && draft.options && !draft.nearNames) {
    turn.replies.push({ kind: 'text', text: await notAnOption(turn, draft) });
    return true;
  }
  if (resolution.status === 'unknown' && !sameWords(resolution.text, answer)) {
    // Only some of its words read as a name ("Training" of "somebody on Training"): the whole answer is
    // said not to be a name, never one of its words said not to be found.
    const code = slot === 'grantee' ? 'unknown_person' : 'unknown_target';
    turn.replies.push({ kind: 'refusal', code, text: t(draft.language, 'reply.answerNotAName', { text: turn.names.escape(answer, 80) }), details: {} });
    await ask(core, turn, draft, slot, true);
    return true;
  }
  draft[slot] = resolution;
  if (end && draft.intent === 'grant' && resolution.status !== 'unknown') {
    // "Megan for 2 weeks": the end said with the name is kept (said last, it stands for one said before).
    draft.duration = end.duration;
    draft.until = end.until;
  }
  await advance(core, turn, draft);
  return true;
}

/**
 * What a click on a choice's button did: `picked` (the option's label; the request continues in
 * this turn), `expired` (the choice is no longer open), or `notAnOption` (the choice is open but the
 * pick names none of its options, as a tampered or stale value may: the draft is left as it was,
 * `text` says which options there are, in the draft's language).
 */
export type ChoiceOutcome = { picked: string } | { expired: true } | { notAnOption: string };

/**
 * A picked option of a choice (a button's `draftId`, `step` and `pick`, untrusted): the draft's awaited
 * slot, continued in this turn. A button of an earlier question of the same draft (its `step` is not
 * the open one's, or it has none) is `expired`: it never answers a question it did not show.
 */
export async function choose(core: Core, turn: Turn, draftId: unknown, rawStep: unknown, rawPick: unknown): Promise<ChoiceOutcome> {
  const draft = await core.drafts.draft(turn.userId);
  // The draft is looked up by the clicking person: someone else's choice does nothing here.
  if (!draft || draft.id !== draftId || !draft.options || !draft.awaiting) return { expired: true };
  if (!answersOpenQuestion(draft, rawStep)) return { expired: true };
  const index = typeof rawPick === 'number' ? rawPick : typeof rawPick === 'string' && /^\d{1,2}$/.test(rawPick) ? Number(rawPick) : -1;
  turn.audience = { ...turn.audience, lang: draft.language };
  if (!Number.isInteger(index) || index < 0 || index >= draft.options.length) return { notAnOption: await notAnOption(turn, draft) };
  const label = await pick(core, turn, draft, index);
  return label === undefined ? { expired: true } : { picked: label };
}

/** Option `index` of the choice `draft` offers, clicked or typed: its slot filled, the request continued; its label. */
async function pick(core: Core, turn: Turn, draft: Draft, index: number): Promise<string | undefined> {
  const value = draft.options![index]!;
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
    draft[draft.awaiting!] = { status: 'resolved', id: value };
    label = await turn.names.labelled(value);
  }
  await advance(core, turn, draft);
  return label;
}

/** `typedOption`'s answer for a number or ordinal that names no option ("3" of two). */
const OUT_OF_RANGE = -1;

/**
 * The option a typed message picks: a right named alone that is offered, the words of an option's
 * label in either language ("send-as", "Verzenden namens", "Jan Smit (jan.smit@contoso.example)"), or
 * its place ("1", "the first one", "de tweede", "the last"), as the buttons are listed; `OUT_OF_RANGE`
 * for a place there is no option at; `undefined` when it is none of them.
 */
async function typedOption(turn: Turn, draft: Draft, text: string, u: Understanding): Promise<number | undefined> {
  const options = draft.options ?? [];
  if (draft.awaiting === 'permission' && u.rightAlone && options.includes(u.rightAlone)) return options.indexOf(u.rightAlone);
  if (draft.awaiting === 'permission' && draft.intent === 'grant' && u.rightWithEnd && options.includes(u.rightWithEnd.right)) return options.indexOf(u.rightWithEnd.right);
  const labels = await Promise.all(options.map((value) => Promise.all(LANGS.map((lang) => optionLabel(turn, draft, value, lang)))));
  // Thanks and please around an option add nothing to it: "Send As, thanks", "Jan Smit graag".
  const plain = withoutThanks(text);
  const index = labels.findIndex((forms) => forms.some((label) => sameWords(label, text) || sameWords(label, plain)));
  if (index >= 0) return index;
  // After the labels: an option whose label is a number or an ordinal is picked by its label.
  const place = placeIn(text, options.length);
  if (place === undefined) return undefined;
  return place >= 0 && place < options.length ? place : OUT_OF_RANGE;
}

/** Ordinal and number words and the place they name, English and Dutch ("one" / "een" are fillers: "the first one"). */
const ORDINALS = new Map<string, number>([
  ['first', 1], ['second', 2], ['third', 3], ['fourth', 4], ['fifth', 5], ['sixth', 6], ['seventh', 7], ['eighth', 8], ['ninth', 9], ['tenth', 10],
  ['eerste', 1], ['tweede', 2], ['derde', 3], ['vierde', 4], ['vijfde', 5], ['zesde', 6], ['zevende', 7], ['achtste', 8], ['negende', 9], ['tiende', 10],
  ['two', 2], ['three', 3], ['four', 4], ['five', 5], ['six', 6], ['twee', 2], ['drie', 3], ['vier', 4], ['vijf', 5], ['zes', 6],
]);
const LAST_WORDS = new Set(['last', 'laatste']);
/** Words around a place that add nothing to it: "the first one please", "nummer 2", "option #1", "ik wil de tweede". */
const PLACE_FILLERS = new Set([
  'the', 'de', 'het', 'one', 'een', 'a', 'an', 'option', 'optie', 'number', 'nummer', 'nr', 'no', 'choice', 'keuze', 'button', 'knop',
  'please', 'pls', 'graag', 'aub', 'die', 'that', 'i', 'ik', 'take', 'neem', 'pick', 'kies', 'want', 'wil', 'mean', 'bedoel', 'ok', 'okay', 'oke',
]);

/**
 * The place (0-based) a typed answer names among `count` options: a number ("1", "#2", "2."), an
 * ordinal ("the first one", "1st", "de tweede", "2e", "the last"), with only `PLACE_FILLERS` around
 * it. Outside 0..count-1 when there is no option there; `undefined` when it names no one place.
 */
function placeIn(text: string, count: number): number | undefined {
  const words = text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const places: number[] = [];
  for (const word of words) {
    const n = /^(\d{1,3})(?:st|nd|rd|th|e|ste|de)?$/.exec(word);
    const value = n ? Number(n[1]) : LAST_WORDS.has(word) ? count : ORDINALS.get(word);
    if (value !== undefined) places.push(value);
    else if (!PLACE_FILLERS.has(word)) return undefined;
  }
  return places.length === 1 ? places[0]! - 1 : undefined;
}

/** Words that only thank or ask nicely, around a typed option (English and Dutch). */
const THANKS = new Set(['thanks', 'thank', 'you', 'thx', 'ty', 'cheers', 'please', 'pls', 'plz', 'ok', 'okay', 'bedankt', 'dank', 'je', 'dankjewel', 'dankje', 'dankuwel', 'graag', 'aub', 'svp', 'alsjeblieft', 'alstublieft']);

/** `text` with the thanks and please words (`THANKS`) at its start and end left out. */
function withoutThanks(text: string): string {
  const words = text.split(/[\s,.!;:]+/u).filter(Boolean);
  const plain = (w: string) => THANKS.has(w.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase());
  while (words.length > 1 && plain(words[words.length - 1]!)) words.pop();
  while (words.length > 1 && plain(words[0]!)) words.shift();
  return words.join(' ');
}

/** An option's label in `lang`, as its button shows it (a person's is the same in every language). */
async function optionLabel(turn: Turn, draft: Draft, value: string, lang: Lang): Promise<string> {
  if (draft.awaiting === 'permission') return rightLabel(value as Right, lang);
  if (draft.awaiting === 'period') return periodLabel(value, lang);
  return turn.names.labelled(value);
}

/**
 * "That is not one of the options. Pick one of the buttons above (…), or say "cancel" to stop.", in
 * the language the choice was asked in; with `reply.pickWhichOne`, "Which one? Pick one of the buttons
 * above (…) …", for an answer that picks none without being wrong (a yes to several names offered).
 */
async function notAnOption(turn: Turn, draft: Draft, key: 'reply.pickOption' | 'reply.pickWhichOne' = 'reply.pickOption'): Promise<string> {
  const labels = await Promise.all((draft.options ?? []).map((value) => optionLabel(turn, draft, value, draft.language)));
  return t(draft.language, key, { options: labels.join(', ') });
}

/**
 * "My question above is still open: pick one of its buttons (…), or say "cancel" to stop.", in the
 * turn's language, the options as their buttons show them (in the language the choice was asked in):
 * said after an answer to something else (`MessageKind` `aside`) that leaves the choice `draft` open.
 */
export async function choiceStillOpen(turn: Turn, draft: Draft): Promise<string> {
  const labels = await Promise.all((draft.options ?? []).map((value) => optionLabel(turn, draft, value, draft.language)));
  return t(turn.audience.lang, 'reply.choiceStillOpen', { options: labels.join(', ') });
}

/** The same words, whatever their case, accents, punctuation or escaping: "send-as" and "Send As". */
function sameWords(a: string, b: string): boolean {
  const words = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  return words(a) === words(b);
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
  delete draft.nearNames;

  if (draft.intent === 'audit') {
    // The person first, then the mailbox or group ("for Jan on Sales", both with namesakes).
    for (const slot of ['grantee', 'target'] as const) if (draft[slot] && !(await settle(core, turn, draft, slot, askedBefore === slot))) return;
    if (stored) await core.drafts.deleteDraft(draft.requesterId);
    await auditChosen(core, turn, draft);
    return;
  }

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
    const question = why === 'duration_and_until'
      ? t(lang, 'reply.choosePeriod', { duration: periodValue(options.find((o) => o.startsWith('P')) ?? '', lang), until: periodValue(options.find((o) => !o.startsWith('P')) ?? '', lang) })
      : t(lang, 'reply.chooseDayMonth', { first: periodValue(options[0] ?? '', lang), second: periodValue(options[1] ?? '', lang) });
    await offerChoice(core, turn, draft, { awaiting: 'period', slot: 'period', values: options, labels: options.map((o) => periodLabel(o, lang)), question });
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
  // A removal that names several rights is asked about as a grant is; one that names none removes every right.
  const severalRemoved = draft.intent === 'revoke' && draft.permission === null && (draft.permissions?.length ?? 0) > 1;
  if ((draft.intent === 'grant' && (draft.permission === null || !rightAppliesTo(draft.permission, target.kind))) || severalRemoved) {
    const applicable = RIGHTS.filter((r) => rightAppliesTo(r, target.kind));
    // The rights named, when more than one of them exists on this target; else every right there is.
    const named = (draft.permissions ?? []).filter((r) => applicable.includes(r));
    const options = named.length > 1 ? named : applicable;
    const wasFullAccessOnGroup = draft.permission === 'FullAccess' || (target.kind === 'group' && draft.permissions?.includes('FullAccess') === true);
    draft.permission = null;
    const chooseKey = named.length > 1 ? 'reply.chooseOneRight' : 'reply.chooseRight';
    const question = `${wasFullAccessOnGroup ? `${t(lang, 'reply.rightNotOnGroup')} ` : ''}${t(lang, chooseKey, { target: turn.names.escape(target.displayName, 120) })}`;
    await offerChoice(core, turn, draft, { awaiting: 'permission', slot: 'right', values: options, labels: options.map((r) => rightLabel(r, lang)), question });
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
    const question = t(lang, slot === 'grantee' ? 'reply.chooseGrantee' : draft.severalTargets ? 'reply.chooseOneTarget' : 'reply.chooseTarget');
    await offerChoice(core, turn, draft, { awaiting: slot, slot, values: value.candidates, labels, question });
    return false;
  }
  if (value?.status === 'unknown') {
    const code = slot === 'grantee' ? 'unknown_person' : 'unknown_target';
    turn.replies.push({ kind: 'refusal', code, text: t(lang, slot === 'grantee' ? 'reply.unknownPerson' : 'reply.unknownTarget', { text: turn.names.escape(value.text, 80) }), details: {} });
    // A near name is offered, never taken: "Did you mean Training?" waits for the pick.
    if (await offerNearNames(core, turn, draft, slot, value.text)) return false;
  }
  await ask(core, turn, draft, slot, again);
  return false;
}

/** Asks for a name; asked `again`, the question says how to stop ("or say cancel"), so nobody is held in it. */
async function ask(core: Core, turn: Turn, draft: Draft, slot: 'grantee' | 'target', again: boolean): Promise<void> {
  openQuestion(draft, slot);
  delete draft.nearNames;
  await core.drafts.saveDraft(draft);
  const key = slot === 'grantee' ? (again ? 'reply.askGranteeAgain' : 'reply.askGrantee') : again ? 'reply.askTargetAgain' : 'reply.askTarget';
  turn.replies.push({ kind: 'ask', slot, text: t(turn.audience.lang, key) });
}

function resolvedId(resolution: Resolution | null): string {
  if (resolution?.status !== 'resolved') throw new Error('slot not settled');
  return resolution.id;
}
