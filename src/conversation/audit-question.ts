import { normalizeName } from '../directory/normalize.js';
import { periodSpan } from '../domain/time.js';
import type { Resolution, UnderstandOptions } from '../language/understand.js';
import { resolveAnswer } from './answers.js';
import type { Command } from './commands.js';
import type { Core } from './core.js';
import { auditNamed, auditOf, subjectOf } from './queries.js';
import { startAuditChoice } from './requests.js';
import type { Turn } from './turn.js';
import type { AuditFilter, MarkedMention } from './types.js';
import { t } from './wording/strings.js';

/** The asker, as an audit question names them: "what did the bot do for me?", "wat heeft de bot voor mij gedaan?". */
const ASKER_WORDS = new Set(['me', 'mij', 'myself', 'mezelf', 'mijzelf']);

/**
 * "audit REQ-7K2F9", "audit Support", "audit Priya": one page of history, newest first. A person's
 * history is what was asked or done for them (as grantee; admins); a mailbox's or group's, what
 * concerns it ("audit my mailbox": its owner, or an admin). Asked in everyday words ("what did the
 * bot do today?", "what happened on Support yesterday?"): the same, or with no name everything the
 * bot did (admins), limited to the period said (today, yesterday, this week, last week, or a weekday:
 * its most recent one), in the asker's zone, else at `utcOffsetMinutes` (minutes east of UTC), else
 * UTC. "for Liam on Support": that person's history there. "me" / "mij" is the asker, read as any
 * person named (an admin: their history as a person; anyone else: their own mailbox's, if the engine
 * lets them). A name several people or mailboxes share is a choice (`startAuditChoice`: buttons, or the
 * option typed back), as in a request. Plain `audit` with no name still asks whose.
 */
export async function audit(
  core: Core,
  turn: Turn,
  command: Extract<Command, { verb: 'audit' }>,
  mentions?: readonly MarkedMention[],
  utcOffsetMinutes?: number,
): Promise<void> {
  const { lang } = turn.audience;
  if (command.requestId) {
    await auditOf(core, turn, { requestId: command.requestId }, turn.names.escape(command.requestId, 80));
    return;
  }
  // "what did the bot do today?": within the period said, in the asker's calendar.
  const span: AuditFilter = command.period ? periodSpan(command.period, core.clock.now(), turn.audience.timeZone, utcOffsetMinutes) : {};
  if (!command.subject && command.question) {
    // Everything the bot did (the whole log): the engine lets only admins read it.
    await auditOf(core, turn, span, await subjectOf(turn, span));
    return;
  }
  if (!command.subject) {
    const names = await core.examples.namesFor(turn.userId);
    turn.replies.push({ kind: 'text', text: t(lang, 'reply.askAudit', { shared: names.shared, person: names.person }) });
    return;
  }
  const options: UnderstandOptions = { directory: core.directory, requesterId: turn.userId, now: new Date(core.clock.now()), ...(mentions?.length ? { mentions } : {}) };
  // "for Liam on Support": that person's history on that mailbox or group, when both names are found.
  if (command.split && (await personOn(core, turn, command.split, span, options))) return;
  // "me" / "mij" is the asker ("what did the bot do for me?"); a person the channel marked
  // ("audit @Megan Bowen") is that person, never a namesake.
  const found = ASKER_WORDS.has(normalizeName(command.subject)) ? { status: 'resolved' as const, id: turn.userId } : await resolveAnswer(command.subject, 'target', core.understand, options);
  if (found.status === 'unknown') {
    turn.replies.push({ kind: 'refusal', code: 'unknown_target', text: t(lang, 'reply.unknownTarget', { text: turn.names.escape(found.text, 80) }), details: {} });
    return;
  }
  if (found.status === 'ambiguous') {
    // Namesakes who are all people are a choice of people ("Which person do you mean?"); else of mailboxes and groups.
    const people = (await Promise.all(found.candidates.map((id) => core.directory.getUser(id)))).every(Boolean);
    await startAuditChoice(core, turn, { filter: span }, people ? { grantee: found } : { target: found });
    return;
  }
  await auditNamed(core, turn, found.id, span);
}

/**
 * "for Liam on Support" ("me" / "mij": the asker): `true` when it was answered, its page, or a choice
 * when a name has namesakes (the other name found); `false` when a name is not found as a person and a
 * mailbox or group, and the subject is read whole (a name such as "Tools for Sales" may hold the
 * linking word itself).
 */
async function personOn(core: Core, turn: Turn, split: { person: string; place: string }, span: AuditFilter, options: UnderstandOptions): Promise<boolean> {
  const [person, place] = await Promise.all([
    ASKER_WORDS.has(normalizeName(split.person)) ? ({ status: 'resolved', id: turn.userId } as const) : resolveAnswer(split.person, 'grantee', core.understand, options),
    resolveAnswer(split.place, 'target', core.understand, options),
  ]);
  if (!(await allAre(person, (id) => core.directory.getUser(id))) || !(await allAre(place, (id) => core.directory.getTarget(id)))) return false;
  if (person.status === 'resolved' && place.status === 'resolved') {
    const filter: AuditFilter = { ...span, granteeId: person.id, targetId: place.id };
    await auditOf(core, turn, filter, await subjectOf(turn, filter));
    return true;
  }
  await startAuditChoice(core, turn, { filter: span, personOn: true }, { grantee: person, target: place });
  return true;
}

/** Whether a name was found and each id it may be is found by `get` (a person, or a mailbox or group). */
async function allAre(found: Resolution, get: (id: string) => Promise<unknown>): Promise<boolean> {
  if (found.status === 'unknown') return false;
  const ids = found.status === 'resolved' ? [found.id] : found.candidates;
  return ids.length > 0 && (await Promise.all(ids.map(get))).every(Boolean);
}
