/**
 * The admin's everyday audit questions: "what did the bot do today?", "what did the bot do for Zoë?",
 * "what happened on Support today?", "wat heeft de bot vandaag gedaan?", "wat heeft de bot voor Zoë
 * gedaan?", "wat is er met Support gebeurd?"; and what it removed, gave or changed ("what did the bot
 * revoke on Facturen?", "wat heeft de bot bij Support weggehaald?"), approved or rejected ("what did the
 * bot approve today?", "wat heeft de bot afgewezen?"): a question about the past, never
 * a request. Read from the whole message (a question with anything else around it is not one of
 * these); the name is handed on as typed ("me" / "mij" too), for `resolveAnswer` or the asker.
 * The period may be today, yesterday, this week, last week, a weekday ("on Friday", "op vrijdag": the
 * most recent one), the one before today ("last Friday", "afgelopen vrijdag") or that day of last week
 * ("Friday last week", "last week on Friday", "vorige week vrijdag", "vrijdag vorige week").
 */
import { WEEKDAYS, type CalendarPeriod, type Weekday } from '../domain/time.js';

/**
 * A span of the asker's calendar: the day, the day before, the week so far (Monday on), the week
 * before it (Monday to Sunday), a named weekday (its most recent one, or the one before today), or a
 * weekday of last week; `periodSpan` reads it.
 */
export type AuditPeriod = CalendarPeriod;

/** What an audit question asks: whose history (`subject`, '' for everything the bot did), over which period. */
export interface AuditQuestion {
  /** The name as typed ("Zoë", "Support"), '' when none was said. */
  subject: string;
  /**
   * A person and a mailbox or group both said ("for Liam on Support", "voor Liam bij Support"): the
   * subject read as the two names, as typed. Only a reading: `subject` stays the whole, for a name
   * that holds such a word itself ("Tools for Sales").
   */
  split?: { person: string; place: string };
  period?: AuditPeriod;
  language: 'en' | 'nl';
}

/** The Dutch name of each weekday. */
const DUTCH_WEEKDAYS: Readonly<Record<Weekday, string>> = {
  monday: 'maandag', tuesday: 'dinsdag', wednesday: 'woensdag', thursday: 'donderdag', friday: 'vrijdag', saturday: 'zaterdag', sunday: 'zondag',
};

const PERIODS: ReadonlyArray<readonly [RegExp, AuditPeriod, 'en' | 'nl']> = [
  [/(?:^|\s)today(?=\s|$)/iu, 'today', 'en'],
  [/(?:^|\s)yesterday(?=\s|$)/iu, 'yesterday', 'en'],
  [/(?:^|\s)this\s+week(?=\s|$)/iu, 'this_week', 'en'],
  [/(?:^|\s)vandaag(?=\s|$)/iu, 'today', 'nl'],
  [/(?:^|\s)gisteren(?=\s|$)/iu, 'yesterday', 'nl'],
  [/(?:^|\s)deze\s+week(?=\s|$)/iu, 'this_week', 'nl'],
  // "Friday last week", "last week on Friday", "vorige week vrijdag", "vrijdag van vorige week": that
  // day of last week (before "last week" and the bare weekday, which would each take half of it).
  ...WEEKDAYS.map((day) => [new RegExp(`(?:^|\\s)(?:(?:on\\s+)?${day}\\s+(?:of\\s+)?(?:last|previous)\\s+week|(?:last|previous)\\s+week\\s+(?:on\\s+)?${day})(?=\\s|$)`, 'iu'), `last_week_${day}` as const, 'en'] as const),
  ...WEEKDAYS.map((day) => [new RegExp(`(?:^|\\s)(?:(?:op\\s+)?${DUTCH_WEEKDAYS[day]}\\s+(?:van\\s+)?(?:vorige|verleden)\\s+week|(?:vorige|verleden)\\s+week\\s+(?:op\\s+)?${DUTCH_WEEKDAYS[day]})(?=\\s|$)`, 'iu'), `last_week_${day}` as const, 'nl'] as const),
  [/(?:^|\s)(?:last|previous)\s+week(?=\s|$)/iu, 'last_week', 'en'],
  [/(?:^|\s)(?:vorige|verleden)\s+week(?=\s|$)/iu, 'last_week', 'nl'],
  // "last Friday", "afgelopen vrijdag": the one before today (before the bare weekday, which would
  // otherwise take "Friday" and leave "last" behind).
  ...WEEKDAYS.map((day) => [new RegExp(`(?:^|\\s)(?:on\\s+)?(?:last|previous|past)\\s+${day}(?=\\s|$)`, 'iu'), `last_${day}` as const, 'en'] as const),
  ...WEEKDAYS.map((day) => [new RegExp(`(?:^|\\s)(?:op\\s+)?(?:afgelopen|vorige|verleden)\\s+${DUTCH_WEEKDAYS[day]}(?=\\s|$)`, 'iu'), `last_${day}` as const, 'nl'] as const),
  // "on Friday", "Friday"; "op vrijdag", "vrijdag": the preposition goes with the day, so "on Support on
  // Friday" keeps its "on Support".
  ...WEEKDAYS.map((day) => [new RegExp(`(?:^|\\s)(?:on\\s+)?${day}(?=\\s|$)`, 'iu'), day, 'en'] as const),
  ...WEEKDAYS.map((day) => [new RegExp(`(?:^|\\s)(?:op\\s+)?${DUTCH_WEEKDAYS[day]}(?=\\s|$)`, 'iu'), day, 'nl'] as const),
];

// What the bot did, in Dutch (the participle of "wat heeft de bot ... gedaan"), and the words that lead a name.
const DUTCH_DONE = '(?:gedaan|weggehaald|ingetrokken|gegeven|verwijderd|toegekend|afgenomen|veranderd|gewijzigd|toegepast|goedgekeurd|afgewezen)';
const DUTCH_LINK = '(?:voor|met|op|bij|aan|van)';

// Each shape: the question with its period taken out; group 1 (or 2) is the name, when one is said.
const SHAPES: ReadonlyArray<readonly [RegExp, 'en' | 'nl']> = [
  // "what did the bot do (for Zoë)", "what has the bot done (on Support)", "what did you do",
  // "what did the bot revoke on Facturen", "what has the bot removed from Support", "what did the bot
  // approve today": asked about, never asked for.
  [/^what\s+(?:did|has)\s+(?:the\s+bot|you)\s+(?:do|done|remove|removed|revoke|revoked|give|given|grant|granted|change|changed|apply|applied|approve|approved|reject|rejected|take\s+away|taken\s+away)(?:\s+(?:for|to|on|with|about|from|in|at)\s+(.+))?$/iu, 'en'],
  // "what happened (on|to|with Support)", "what has happened"
  [/^what(?:'s|\s+has)?\s+happened(?:\s+(?:on|to|with|in|for|at)\s+(.+))?$/iu, 'en'],
  // "wat heeft de bot (voor Zoë) gedaan", "wat deed de bot (voor Zoë)", "wat heb je gedaan",
  // "wat heeft de bot (bij Facturen) weggehaald / ingetrokken / gegeven / verwijderd"; the participle
  // may also come before the name ("wat heeft de bot gedaan voor Zoë op Support"), once.
  [new RegExp(`^wat\\s+(?:heeft|deed|heb|had)\\s+(?:de\\s+bot|je|jij)(?:(?:\\s+${DUTCH_LINK}\\s+(.+?))?(?:\\s+${DUTCH_DONE})?|\\s+${DUTCH_DONE}\\s+${DUTCH_LINK}\\s+(.+))$`, 'iu'), 'nl'],
  // "wat is er (met Support) gebeurd", "wat is er gebeurd (met Support)"
  [/^wat\s+is\s+er(?:\s+(?:met|op|bij|voor)\s+(.+?))?\s+gebeurd(?:\s+(?:met|op|bij|voor)\s+(.+))?$/iu, 'nl'],
  // "wat gebeurde er (met Support)"
  [/^wat\s+gebeurde\s+er(?:\s+(?:met|op|bij|voor)\s+(.+))?$/iu, 'nl'],
];

/**
 * Reads `text` as an audit question, or undefined when it is not one. At most one period may be
 * said; a message naming a request id is not read ("what happened to REQ-7K2F9" is its status).
 * The subject keeps its case and accents as typed.
 */
export function readAuditQuestion(text: string): AuditQuestion | undefined {
  let rest = text.normalize('NFC').replace(/[?!.]+\s*$/u, '').replace(/\s+/gu, ' ').trim();
  if (rest.length === 0 || rest.length > 200 || /\bREQ-/iu.test(rest)) return undefined;
  let period: AuditPeriod | undefined;
  for (const [pattern, name] of PERIODS) {
    const match = pattern.exec(rest);
    if (!match) continue;
    if (period) return undefined; // "today and yesterday": not one of these questions
    period = name;
    rest = `${rest.slice(0, match.index)} ${rest.slice(match.index + match[0].length)}`.replace(/\s+/gu, ' ').trim();
  }
  for (const [shape, language] of SHAPES) {
    const match = shape.exec(rest);
    if (!match) continue;
    const subject = (match[1] ?? match[2] ?? '').trim();
    const split = subject ? splitSubject(rest.slice(0, rest.lastIndexOf(subject)), subject) : undefined;
    return { subject, ...(split ? { split } : {}), ...(period ? { period } : {}), language };
  }
  return undefined;
}

/** Words that put a person after them ("for Liam", "voor Liam"), and a mailbox or group ("on Support", "bij Support"). */
const PERSON_WORDS = new Set(['for', 'to', 'about', 'voor', 'aan']);
const PLACE_WORDS = new Set(['on', 'in', 'at', 'from', 'op', 'bij', 'van']);

/**
 * The subject as a person and a place when it names both: "for Liam on Support", "on Support for
 * Liam", "voor Liam bij Support", "met Liam op Support" (`before` is the question up to the subject,
 * its last word the one that led it). The first linking word inside the subject splits it; the side
 * a person word leads is the person. Undefined when it does not read as both.
 */
function splitSubject(before: string, subject: string): { person: string; place: string } | undefined {
  const lead = before.trim().split(' ').pop()?.toLowerCase() ?? '';
  const words = subject.split(' ');
  for (let i = 1; i < words.length - 1; i++) {
    const word = words[i]!.toLowerCase();
    if (!PLACE_WORDS.has(word) && !PERSON_WORDS.has(word)) continue;
    const first = words.slice(0, i).join(' ');
    const second = words.slice(i + 1).join(' ');
    if (PLACE_WORDS.has(word) && !PLACE_WORDS.has(lead)) return { person: first, place: second };
    if (PERSON_WORDS.has(word) && !PERSON_WORDS.has(lead)) return { person: second, place: first };
    return undefined;
  }
  return undefined;
}
