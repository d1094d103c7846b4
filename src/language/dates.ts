import * as chrono from 'chrono-node';
import { UTCDate } from '@date-fns/utc/date';
import { addMonths } from 'date-fns/addMonths';
import { addYears } from 'date-fns/addYears';
import { getDaysInMonth } from 'date-fns/getDaysInMonth';
import { isExists } from 'date-fns/isExists';
import { lastDayOfMonth } from 'date-fns/lastDayOfMonth';
import { lastDayOfYear } from 'date-fns/lastDayOfYear';
import { startOfMonth } from 'date-fns/startOfMonth';

/**
 * Durations ("for 2 weeks", "twee weken") and end dates ("until Friday", "tot 31 december")
 * in English and Dutch, normalised as SPEC section 5 says: days and weeks as days (P14D),
 * months as P1M, hours as PT8H; an end date as YYYY-MM-DD in the requester's local calendar.
 */
export interface TimeSpan {
  duration: string | null;
  until: string | null;
  /** The text with the time expressions blanked out (same length, so offsets stay valid). */
  rest: string;
  /**
   * An end date or a period was written but could not be read ("until 2026-02-30", "for 0 weeks",
   * "for 99999 days"), has no length ("temporarily"), or starts later ("from Monday"): the request must
   * not go ahead as if it had no end, or from now.
   */
  unread: boolean;
  /** Why, when `unread`: what was written and what is wrong with it (`UnreadEnd`). */
  unreadEnd?: UnreadEnd;
  /**
   * Both a period and an end date were written ("for 2 weeks until Friday"): `duration` and `until`
   * are then both set, and the request must not go ahead with one of them dropped.
   */
  both?: boolean;
  /**
   * A numeric end date that reads as two real dates ("until 1/2": 1 February day first, 2 January month
   * first) with no locale to decide: `until` is null and these are the readings, day first first.
   */
  untilReadings?: [string, string];
  /**
   * What a removal cannot keep, for a revoke (always now, and for good): a later moment (`later_removal`:
   * "from Monday", "on Friday", "tomorrow", "next week", "by Friday") or a while (`temporary_removal`:
   * "until Friday", "for 2 weeks", "for the weekend", "while she is away"), with the words as written.
   * Unset when the text names no time but now ("now", "today", "as of today", "for now").
   */
  revokeTime?: UnreadEnd;
}

/**
 * A time limit that was written but not read, and why: a period of zero or less (`zero`: "for 0 days"),
 * longer than any grant may last (`too_long`: "for 1000 years"), a number this reader does not take
 * (`unread`: "for 1000 minutes", or a time word left over that nothing read: "around the weekend"), an
 * end date that is no date (`date`: "until 2026-02-30"), an end without its length (`vague`:
 * "temporarily", "while I am on holiday", "for a while"), or a start later than now (`later_start`:
 * "from Monday", "vanaf maandag", "for 2 weeks starting Monday"; a grant can only start when it is
 * applied). For a revoke, which removes now and for good: a later moment (`later_removal`: "from Monday",
 * "on Friday", "next week") or a while (`temporary_removal`: "until Friday", "for 2 weeks"). `text`: the
 * words as written ("0 days", "from Monday"); '' for a date.
 */
export interface UnreadEnd {
  why: 'zero' | 'too_long' | 'unread' | 'date' | 'vague' | 'later_start' | 'later_removal' | 'temporary_removal';
  text: string;
}

/** The longest a time-bound grant may last (the engine refuses longer ones: `MAX_GRANT_MS`, 366 days). */
const MAX_PERIOD_MS = 366 * 86_400_000;
/** About how long one of each unit lasts, to tell a period too long from one merely written oddly. */
const UNIT_MS: Record<Unit, number> = { MIN: 60_000, H: 3_600_000, D: 86_400_000, W: 7 * 86_400_000, M: 31 * 86_400_000, Y: 366 * 86_400_000 };

/** Which way a numeric day/month date is written: day first (`dmy`) or month first (`mdy`). */
export type DateOrder = 'dmy' | 'mdy';

/** Locales that write numeric dates month first. Only en-US is certain enough to act on. */
const MONTH_FIRST_LOCALES = new Set(['en-us']);

/**
 * The numeric date order of a BCP 47 locale (`en-US` -> `mdy`, `en-GB`, `nl-NL`, `nl-BE` and every other
 * locale -> `dmy`); `undefined` when no locale is known, so the caller cannot tell.
 */
export function dateOrderOf(locale: string | undefined | null): DateOrder | undefined {
  if (typeof locale !== 'string' || !/^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/.test(locale.trim())) return undefined;
  const [language, region] = locale.trim().toLowerCase().replace(/_/g, '-').split('-');
  return MONTH_FIRST_LOCALES.has(`${language}-${region ?? ''}`) ? 'mdy' : 'dmy';
}

// Maps, not object literals: a word such as "constructor" must not find Object.prototype's members.
const NUMBER_WORDS = new Map<string, number>(Object.entries({
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18,
  nineteen: 19, twenty: 20, thirty: 30, sixty: 60, ninety: 90,
  een: 1, één: 1, eén: 1, twee: 2, drie: 3, vier: 4, vijf: 5, zes: 6, zeven: 7, acht: 8, negen: 9, tien: 10,
  elf: 11, twaalf: 12, dertien: 13, veertien: 14, vijftien: 15, zestien: 16, zeventien: 17, achttien: 18,
  negentien: 19, twintig: 20, dertig: 30, zestig: 60, negentig: 90,
}));
const NUMBER_RE = `(\\d{1,3}|a\\s+couple\\s+of|couple\\s+of|${[...NUMBER_WORDS.keys()].sort((a, b) => b.length - a.length).join('|')})`;

type Unit = 'MIN' | 'H' | 'D' | 'W' | 'M' | 'Y';
const UNITS: Array<[string, Unit]> = [
  ['minutes|minute|mins|min|minuten|minuut', 'MIN'],
  ['hours|hour|hrs|hr|uren|uur', 'H'],
  ['days|day|dagen|dag', 'D'],
  ['weeks|week|wks|wk|weken', 'W'],
  ['months|month|maanden|maand', 'M'],
  ['years|year|jaren|jaar', 'Y'],
];
const UNIT_RE = UNITS.map(([words]) => words).join('|');

// "for 2 weeks", "for the next 3 days", "voor de komende twee weken", "twee weken lang", "gedurende 8 uur".
const DURATION_RE = new RegExp(
  `(?<![\\p{L}\\p{N}.,-])(?:(?:for|voor|during|gedurende|over)\\s+)?(?:(?:the|de)\\s+)?(?:(?:next|coming|komende|volgende)\\s+)?` +
    `${NUMBER_RE}\\s*(${UNIT_RE})(?:\\s+lang)?(?![\\p{L}\\p{N}])(?!\\s+(?:ago|geleden|back|terug))`,
  'giu',
);
const FORTNIGHT_RE = /(?<![\p{L}])(?:for\s+)?(?:a\s+)?fortnight(?![\p{L}])/giu;
// "for two weeks and three days", "voor 1 maand en 2 weken": a period in two parts (`compoundDuration`).
const COMPOUND_DURATION_RE = new RegExp(
  `(?<![\\p{L}\\p{N}.,-])(?:(?:for|voor|during|gedurende|over)\\s+)?(?:(?:the|de)\\s+)?(?:(?:next|coming|komende|volgende)\\s+)?` +
    `${NUMBER_RE}\\s*(${UNIT_RE})\\s+(?:and|en)\\s+${NUMBER_RE}\\s*(${UNIT_RE})(?:\\s+lang)?(?![\\p{L}\\p{N}])(?!\\s+(?:ago|geleden|back|terug))`,
  'giu',
);

const WEEKDAYS = new Map<string, number>(Object.entries({
  sunday: 0, sun: 0, zondag: 0, zo: 0,
  monday: 1, mon: 1, maandag: 1, ma: 1,
  tuesday: 2, tue: 2, tues: 2, dinsdag: 2, di: 2,
  wednesday: 3, wed: 3, woensdag: 3, wo: 3,
  thursday: 4, thu: 4, thur: 4, thurs: 4, donderdag: 4, do: 4,
  friday: 5, fri: 5, vrijdag: 5, vr: 5,
  saturday: 6, sat: 6, zaterdag: 6, za: 6,
}));
// Short forms only after an explicit "until"/"tot"; the long names also stand for themselves there.
const UNTIL_RE =
  /(?<![\p{L}\p{N}])(?:up\s+to\s+and\s+including|up\s+until|until|untill|till|til|through|thru|tot\s+en\s+met|t\/m|tot\s+aan|totdat|tot|uiterlijk|end\s+date|einddatum)\s+(.{1,40})/giu;
/** For what is left after reading: "until" + anything (first match only), and a number + a unit. */
const UNTIL_ONCE_RE = new RegExp(UNTIL_RE.source, 'iu');
const NUMBER_UNIT_RE = new RegExp(`(?<![\\p{L}])-?\\d+(?:[.,]\\d+|e\\d+)?\\s*(${UNIT_RE})(?![\\p{L}])`, 'iu');
/**
 * A period in words this reader does not take ("for zero days", "for a few days", "voor enkele weken",
 * "for one thousand days"): "for" (or "voor", "during", "gedurende") and up to three words before a
 * unit. Never read as no time limit: a grant asked for "a few days" must not become permanent.
 */
const WORDED_PERIOD_RE = new RegExp(`(?<![\\p{L}])(?:for|voor|during|gedurende)\\s+(?:[\\p{L}\\p{N}.,]+\\s+){0,3}?(${UNIT_RE})(?![\\p{L}])`, 'iu');
/**
 * A time limit asked for without its length: "temporarily", "tijdelijk", "for a while", "for now", "voorlopig",
 * "while I am on holiday", "during my leave", "tijdens mijn vakantie", "until she is back", "tot ik terug
 * ben". The bot asks for how long rather than grant without an end.
 */
const VAGUE_RE = new RegExp(
  '(?<![\\p{L}])(?:' +
    [
      'temporarily|temporary|tijdelijk|tijdelijke|short[\\s-]term|kortstondig|voorlopig',
      'for\\s+(?:a\\s+(?:while|bit|little\\s+while|short\\s+(?:while|time|period))|some\\s+time|now|the\\s+time\\s+being|the\\s+duration(?:\\s+of(?:\\s+[\\p{L}\\p{N}\'’-]+){1,4})?)',
      'voor\\s+(?:een\\s+(?:tijdje|poosje|korte\\s+(?:tijd|periode))|nu|even)|een\\s+tijdje|een\\s+poosje',
      // "while I am on holiday", "whilst she's away", "terwijl ik weg ben", "zolang Megan ziek is": up to six
      // words, within the clause, so a request written after it ("..., give Zoë ...") stays readable.
      '(?:while|whilst|as\\s+long\\s+as|terwijl|zolang)(?:\\s+[\\p{L}\\p{N}\'’-]+){1,6}',
      '(?:during|over|throughout|tijdens|gedurende)\\s+(?:my|his|her|their|our|the|mijn|zijn|haar|hun|onze|de|het)\\s+' +
        '(?:[\\p{L}-]+\\s+){0,2}?(?:holidays?|vacation|leave|absence|trip|vakantie|verlof|afwezigheid|reis|ziekte)',
      // "until I am back", "until she returns": "until" is always about time, so any pronoun after it.
      '(?:until|till|untill)\\s+(?:i|he|she|they|we|you)(?![\\p{L}])(?:\\s+[\\p{L}\'’-]+){0,4}',
      // Dutch "tot" is also "access to" (toegang tot ...): only with a pronoun and a word for coming back or being done.
      '(?:totdat|tot)\\s+(?:ik|hij|zij|ze|we|wij|jij|je|u)\\s+(?:[\\p{L}]+\\s+){0,3}?(?:terug|weer|klaar|hersteld|beter)(?:\\s+(?:is|ben|bent|zijn|komt|kom|komen))?',
    ].join('|') +
    ')(?![\\p{L}])',
  'iu',
);

/**
 * A start later than now: "from Monday", "starting tomorrow", "as of 1 December", "on Monday", "next week
 * on Tuesday", "vanaf maandag", "per 1 december", "met ingang van morgen", "op maandag". The words after
 * the start word are read as a date (`datePhrase`); a start today or now ("from today", "vanaf nu") is no
 * later start and is just taken out. A grant starts when it is applied, so a later one cannot be kept.
 */
const START_RE =
  /(?<![\p{L}])(?:starting(?:\s+(?:from|on|at))?|start(?:s|ing)?\s+(?:from|on|at)|(?:beginning|begins|commencing)(?:\s+(?:from|on))?|as\s+(?:of|from)|effective(?:\s+(?:from|on|as\s+of))?|with\s+effect\s+from|from|(?<!day\s+)after|on|at|met\s+ingang\s+van|m\.?i\.?v\.?|ingaande|ingaand|beginnend(?:\s+op)?|startend(?:\s+op)?|vanaf|van|per|na|op)\s+(.{1,40})/giu;
/** A start that is now: "from now", "as of today", "vanaf nu", "per direct", "met onmiddellijke ingang". */
const NOW_START_RE =
  /(?<![\p{L}])(?:(?:starting|start(?:ing)?\s+from|from|as\s+of|effective|vanaf|per|met\s+ingang\s+van)\s+(?:now|today|right\s+now|immediately|nu|vandaag|direct|meteen|heden)|met\s+onmiddellijke\s+ingang)(?![\p{L}])/giu;
/**
 * Ends without a length that a removal now keeps all the same: "remove Zoë's access for now" is a removal
 * now; asking for the access again later is the requester's to do.
 */
const NOW_VAGUE_RE = /^(?:for\s+now|for\s+the\s+time\s+being|voor\s+nu|voorlopig)$/iu;
/** A plain end said as a while ("for the weekend", "the rest of the week"), not as a moment ("next week", "tomorrow"). */
const WHILE_LEAD_RE = /^(?:for|voor|during|tijdens|gedurende|over|through|throughout|the\s+rest|rest|de\s+rest)(?![\p{L}])/iu;
/** "in two weeks", "in 3 days", "over een maand": a start that far ahead (`laterStart`), never a length from now. */
const IN_PERIOD_RE =
  /(?<![\p{L}])(?:in|over)\s+(?:a|an|one|two|three|four|five|six|\d{1,3}|een|twee|drie|vier|vijf|zes|a\s+couple\s+of|a\s+few)\s+(?:days?|weeks?|months?|dagen|dag|weken|week|maanden|maand)(?![\p{L}])/giu;
/** A bare "today" (after "for today" and "until today" were read as ends): a start now, taken out. */
const TODAY_NOW_RE = /(?<![\p{L}])(?:today|vandaag)(?![\p{L}])/giu;
/** No end, said outright: "until further notice", "tot nader order". Taken out, so "until" is not a time word left unread. */
const NO_END_RE = /(?<![\p{L}])(?:until\s+further\s+notice|tot\s+nader\s+(?:order|bericht))(?![\p{L}])/giu;
/** "by Friday", "by tomorrow", "by the end of the week", "by 31 December": an end, as "until" is. */
const BY_RE = /(?<![\p{L}])by\s+(.{1,40})/giu;
/** The first word of a date phrase, to try `parseEndDate` only on what can be one. */
const DATE_LEAD_RE = /^(?:(?:this|next|coming|deze|volgende|aanstaande|komende|the|de|het)\s+)?(?:\d|[\p{L}]+)/u;

/**
 * End phrases with no "until" before them: "today", "tomorrow", "this week", "next week", "for the weekend",
 * "vandaag", "morgen", "deze week", "volgende week", "het weekend". `end` says which day they end on.
 */
const PLAIN_ENDS: Array<{ re: RegExp; end: 'today' | 'tomorrow' | 'after_tomorrow' | 'this_week' | 'next_week' | 'weekend' }> = [
  { re: /(?<![\p{L}])(?:(?:for|over|during|through|throughout|voor|tijdens|gedurende|in)\s+)?(?:the|this|het|dit|deze)\s+weekend(?![\p{L}])|(?<![\p{L}])(?:for|over|during|voor|tijdens)\s+weekend(?![\p{L}])/iu, end: 'weekend' },
  // Not "the next week", "de komende week": the coming seven days, or next week? The safety net asks.
  { re: /(?<!\b(?:the|de)\s+)(?<![\p{L}])(?:(?:for|during|voor|tijdens|gedurende|in)\s+)?(?:next|volgende|komende)\s+week(?![\p{L}])/iu, end: 'next_week' },
  { re: /(?<![\p{L}])(?:(?:for|during|voor|tijdens|gedurende)\s+)?(?:(?:the\s+rest\s+of|rest\s+of|de\s+rest\s+van)\s+)?(?:this|the|deze|de)\s+week(?![\p{L}])/iu, end: 'this_week' },
  { re: /(?<![\p{L}])(?:(?:for|voor)\s+)?(?:(?:the\s+)?day\s+after\s+tomorrow|overmorgen)(?![\p{L}])/iu, end: 'after_tomorrow' },
  // "Goedemorgen" is one word; "goede morgen" is a greeting, not tomorrow.
  { re: /(?<![\p{L}])(?<!goede\s+)(?:(?:for|voor)\s+)?(?:tomorrow|morgen)(?![\p{L}])/iu, end: 'tomorrow' },
  // Only "for today", "the rest of today": a bare "today" is when the access is wanted ("I need it today"), a start now.
  { re: /(?<![\p{L}])(?:(?:the\s+)?end\s+of\s+(?:the\s+)?day|eod|(?:het\s+)?einde\s+van\s+de\s+dag)(?![\p{L}])|(?<![\p{L}])(?:(?:for|voor)\s+(?:(?:the\s+rest\s+of|de\s+rest\s+van)\s+)?|(?:the\s+rest\s+of|de\s+rest\s+van)\s+)(?:today|tonight|vandaag|vanavond)(?![\p{L}])|(?<![\p{L}])(?:for|voor)\s+(?:the|de)\s+(?:rest\s+of\s+the\s+)?day(?![\p{L}])/iu, end: 'today' },
];

const MONTHS = new Map<string, number>(Object.entries({
  january: 1, jan: 1, januari: 1, february: 2, feb: 2, februari: 2, march: 3, mar: 3, maart: 3, mrt: 3, april: 4,
  apr: 4, may: 5, mei: 5, june: 6, jun: 6, juni: 6, july: 7, jul: 7, juli: 7, august: 8, aug: 8, augustus: 8,
  september: 9, sep: 9, sept: 9, october: 10, oct: 10, oktober: 10, okt: 10, november: 11, nov: 11,
  december: 12, dec: 12,
}));
/** YYYY-MM-DD of a `UTCDate` (its calendar fields are UTC's). */
const ymd = (d: Date) => d.toISOString().slice(0, 10);
/**
 * `today` plus `n` days, YYYY-MM-DD. A day in the requester's calendar (held at UTC midnight, no zone
 * rules) is exactly 24 hours, so this needs no library; months and years (lengths, leap years) do.
 */
const daysAfter = (today: Date, n: number) => ymd(new Date(today.getTime() + n * 86_400_000));

function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + ' '.repeat(end - start) + text.slice(end);
}

function toNumber(word: string): number | undefined {
  if (/^\d+$/.test(word)) return Number(word);
  if (/couple/i.test(word)) return 2;
  return NUMBER_WORDS.get(word.toLowerCase());
}

function isoDuration(n: number, unit: Unit): string | null {
  if (!Number.isFinite(n) || n <= 0 || n > 999) return null;
  switch (unit) {
    case 'MIN':
      return `PT${n}M`;
    case 'H':
      return `PT${n}H`;
    case 'D':
      return `P${n}D`;
    case 'W':
      return `P${n * 7}D`;
    case 'M':
      return `P${n}M`;
    case 'Y':
      return `P${n}Y`;
  }
}

/** Units from the largest down: a period in two parts names the larger first ("2 weeks and 3 days"). */
const UNIT_ORDER: readonly Unit[] = ['Y', 'M', 'W', 'D', 'H', 'MIN'];

/**
 * Two parts of a period as one ISO 8601 duration, weeks counted as days as for one part: "2 weeks and 3
 * days" -> P17D, "1 month and 2 weeks" -> P1M14D, "1 day and 4 hours" -> P1DT4H, "2 hours and 30 minutes"
 * -> PT2H30M. Null when either part is no period (zero, over 999) or the larger unit does not come first
 * ("3 days and 2 weeks", "2 days and 3 days"): such a period is not read, and is asked about.
 */
function compoundDuration(n1: number | undefined, u1: Unit, n2: number | undefined, u2: Unit): string | null {
  if (n1 === undefined || n2 === undefined || !isoDuration(n1, u1) || !isoDuration(n2, u2)) return null;
  if (UNIT_ORDER.indexOf(u1) >= UNIT_ORDER.indexOf(u2)) return null;
  const amount: Record<Unit, number> = { Y: 0, M: 0, W: 0, D: 0, H: 0, MIN: 0 };
  amount[u1] += n1;
  amount[u2] += n2;
  const days = amount.D + amount.W * 7;
  const date = `${amount.Y ? `${amount.Y}Y` : ''}${amount.M ? `${amount.M}M` : ''}${days ? `${days}D` : ''}`;
  const time = `${amount.H ? `${amount.H}H` : ''}${amount.MIN ? `${amount.MIN}M` : ''}`;
  return `P${date}${time ? `T${time}` : ''}`;
}

function unitOf(word: string): Unit {
  const lower = word.toLowerCase();
  for (const [words, unit] of UNITS) if (words.split('|').includes(lower)) return unit;
  return 'D';
}

/**
 * A calendar date from the words after "until"/"tot", in the requester's calendar (`now` at
 * `utcOffsetMinutes`), held as a `UTCDate` at that day's midnight; month and year steps (month ends,
 * next month, leap years) by date-fns.
 */
function parseEndDate(phrase: string, now: Date, utcOffsetMinutes: number, language: 'en' | 'nl', order?: DateOrder):
  | { date: string; length: number; other?: string }
  | undefined {
  const text = phrase.toLowerCase();
  const today = localToday(now, utcOffsetMinutes);

  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])/.exec(text);
  if (m) return valid(+m[1]!, +m[2]!, +m[3]!, m[0].length);
  // Numeric day and month: 31-12-2026, 31/12, 31.12.2026, 1/2. The requester's locale decides the order
  // (en-US month first, every other locale day first); a date that does not exist in that order is
  // read the other way (12/31 in en-GB, 31/12 in en-US), as English text without a locale always was.
  // Without a locale, a date that reads as two real dates is not guessed: both readings go back.
  m = /^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2,4}))?(?![\d])/.exec(text);
  if (m) {
    const first = +m[1]!;
    const second = +m[2]!;
    const read = (day: number, month: number) => {
      let year = m![3] ? +m![3] : comingYear(today, month, day);
      if (year < 100) year += 2000;
      return valid(year, month, day, m![0].length);
    };
    // Dutch is written day first whoever writes it, and so is a date with dots (12.01., 31.12.2026).
    if (language === 'nl' || /^\d{1,2}\.\d{1,2}/.test(m[0])) order = 'dmy';
    const dayFirst = read(first, second);
    const monthFirst = read(second, first);
    if (order === 'mdy') return monthFirst ?? dayFirst;
    if (order === 'dmy') return dayFirst ?? monthFirst;
    if (dayFirst && monthFirst && dayFirst.date !== monthFirst.date) return { ...dayFirst, other: monthFirst.date };
    return dayFirst ?? (language === 'en' ? monthFirst : undefined);
  }
  // "next week Friday", "vrijdag volgende week": that day of next week, before the plain weekday reads "Friday" alone.
  const nextWeek = weekdayOfNextWeek(text, today);
  if (nextWeek) return nextWeek;
  m = /^(?:(?:next|coming|this|volgende|aanstaande|komende|deze)\s+)?(\p{L}+)(?:\s+a\.?s\.?)?(?![\p{L}])/u.exec(text);
  if (m && WEEKDAYS.get(m[1]!) !== undefined && m[1]!.length >= 3) {
    // "until Friday" is the next Friday after now (never today); so is "until next Friday" ("volgende
    // vrijdag", "aanstaande vrijdag"): on a Monday, that week's Friday. "Friday next week" is the one after.
    const diff = ((WEEKDAYS.get(m[1]!)! - today.getDay() + 7) % 7) || 7;
    return { date: daysAfter(today, diff), length: m[0].length };
  }
  m = /^(tomorrow|morgen|(?:the\s+)?day\s+after\s+tomorrow|overmorgen|today|vandaag|tonight|vanavond)(?![\p{L}])/u.exec(text);
  if (m) {
    const word = m[1]!;
    const n = /after|overmorgen/.test(word) ? 2 : /tomorrow|morgen/.test(word) ? 1 : 0;
    return { date: daysAfter(today, n), length: m[0].length };
  }
  m = /^(?:the\s+|het\s+|de\s+)?(?:end|einde?)\s+(?:of\s+|van\s+)?(?:the\s+|de\s+|het\s+|this\s+|deze\s+|dit\s+)?(month|maand|year|jaar|week|day|dag|today|vandaag)(?![\p{L}])/u.exec(text);
  if (m) {
    const what = m[1]!;
    if (/^(day|dag|today|vandaag)$/.test(what)) return { date: ymd(today), length: m[0].length };
    if (what === 'month' || what === 'maand') return { date: ymd(lastDayOfMonth(today)), length: m[0].length };
    if (what === 'year' || what === 'jaar') return { date: ymd(lastDayOfYear(today)), length: m[0].length };
    return { date: endOfWeek(today, 0), length: m[0].length };
  }
  // "end of December", "eind december": the last day of that month, this year or next.
  m = /^(?:the\s+|het\s+|de\s+)?(?:end|einde?)\s+(?:of\s+|van\s+)?(\p{L}+)(?![\p{L}])/u.exec(text);
  if (m && MONTHS.get(m[1]!)) {
    const month = MONTHS.get(m[1]!)!;
    let first = new UTCDate(today.getFullYear(), month - 1, 1);
    if (lastDayOfMonth(first) < today) first = addYears(first, 1);
    return { date: ymd(lastDayOfMonth(first)), length: m[0].length };
  }
  // "the 15th", "de 15e": the next such day of a month (this month if it is still ahead).
  m = /^(?:the\s+|de\s+)?(\d{1,2})(?:st|nd|rd|th|e|ste|de)(?![\p{L}\p{N}])(?!\s+(?:of\s+)?\p{L})/u.exec(text);
  if (m) {
    const day = +m[1]!;
    if (day < 1 || day > 31) return undefined;
    // The next month that has that day: "the 30th" on 31 January is 30 March.
    let month = startOfMonth(day <= today.getDate() ? addMonths(today, 1) : today);
    while (day > getDaysInMonth(month)) month = addMonths(month, 1);
    return valid(month.getFullYear(), month.getMonth() + 1, day, m[0].length);
  }
  // The common shapes with a month name ("31 December", "December 31st", "1 januari 2027") directly;
  // chrono (below) for the rest ("Dec. 31st, 2026", "the 31st of December").
  m = /^(\d{1,2})(?:st|nd|rd|th|e|ste|de)?\s+(\p{L}+)\.?(?:\s+(\d{4}))?(?![\p{L}\p{N}])/u.exec(text) ??
    /^(\p{L}+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?(?![\p{L}\p{N}])/u.exec(text);
  if (m) {
    const dayFirst = /^\d/.test(m[1]!);
    const month = MONTHS.get((dayFirst ? m[2]! : m[1]!).toLowerCase());
    const day = +(dayFirst ? m[1]! : m[2]!);
    if (month) {
      return valid(m[3] ? +m[3] : comingYear(today, month, day), month, day, m[0].length);
    }
  }
  // Month names in either language ("31 December", "December 31st", "1 januari 2027"): chrono knows them.
  const parser = language === 'nl' ? chrono.nl : chrono.en;
  const article = /^(?:the|de)\s+/i.exec(phrase)?.[0].length ?? 0;
  // Only a result at the very start counts: a phrase no chrono date can start with ("tot Info") skips it.
  if (!mayStartChronoDate(phrase.slice(article), language)) return undefined;
  const results = parser.parse(phrase.slice(article), { instant: now, timezone: utcOffsetMinutes }, { forwardDate: true });
  const first = results[0];
  if (first && first.index === 0 && first.start.isCertain('month') && first.start.isCertain('day')) {
    const year = first.start.get('year') ?? today.getFullYear();
    return valid(year, first.start.get('month')!, first.start.get('day')!, article + first.text.length);
  }
  return undefined;
}

/**
 * The end of a week, YYYY-MM-DD: its Friday, as the working week ends (`weeksAhead` 0: this week's, today if
 * it is Friday; on Saturday and Sunday the coming week's, as that is the next working week; 1: the week after).
 */
function endOfWeek(today: Date, weeksAhead: 0 | 1): string {
  const day = today.getDay();
  if (weeksAhead === 0) return daysAfter(today, (5 - day + 7) % 7);
  return dayOfNextWeek(today, 5);
}

/**
 * A day of next week, YYYY-MM-DD: `weekday` (0 Sunday .. 6 Saturday, as `WEEKDAYS`) in the Monday-to-Sunday
 * week that starts on the coming Monday (on a Sunday, tomorrow's week), as "next week" ends on its Friday.
 */
function dayOfNextWeek(today: Date, weekday: number): string {
  const toMonday = ((8 - today.getDay()) % 7) || 7;
  return daysAfter(today, toMonday + ((weekday + 6) % 7));
}

/**
 * A weekday of next week said with it: "next week Friday", "next week on Friday", "Friday next week",
 * "Friday of next week", "volgende week vrijdag", "vrijdag volgende week", "vrijdag van volgende week",
 * "komende week vrijdag" ("komende week" is next week, as in `PLAIN_ENDS`). Group 1 or 2 is the day's word.
 */
const NEXT_WEEK_DAY = '(?:(?:next|volgende|komende)\\s+week\\s+(?:(?:on|op)\\s+)?(\\p{L}+)|(\\p{L}+)\\s+(?:(?:of|van)\\s+)?(?:next|volgende|komende)\\s+week)(?![\\p{L}])';
const NEXT_WEEK_DAY_RE = new RegExp(`^${NEXT_WEEK_DAY}`, 'iu');
/** The same anywhere in a text, with no "until" before it (`extractTimeSpan`). */
const BARE_NEXT_WEEK_DAY_RE = new RegExp(`(?<![\\p{L}])${NEXT_WEEK_DAY}`, 'giu');

/**
 * The date of a weekday of next week at the start of `text` (`NEXT_WEEK_DAY_RE`: "next week Friday",
 * "vrijdag volgende week") in the requester's calendar (`today`), with the length of its words; undefined
 * when `text` does not start so, or the word is no weekday ("next week Zoë"; short forms such as "vr" neither).
 */
function weekdayOfNextWeek(text: string, today: Date): { date: string; length: number } | undefined {
  const m = NEXT_WEEK_DAY_RE.exec(text);
  const word = (m?.[1] ?? m?.[2])?.toLowerCase();
  const weekday = word && word.length >= 3 ? WEEKDAYS.get(word) : undefined;
  return m && weekday !== undefined ? { date: dayOfNextWeek(today, weekday), length: m[0].length } : undefined;
}

/** The day a `PLAIN_ENDS` phrase ends on, YYYY-MM-DD in the requester's calendar (`today`). */
function plainEnd(end: (typeof PLAIN_ENDS)[number]['end'], today: Date): string {
  switch (end) {
    case 'today':
      return ymd(today);
    case 'tomorrow':
      return daysAfter(today, 1);
    case 'after_tomorrow':
      return daysAfter(today, 2);
    case 'this_week':
      return endOfWeek(today, 0);
    case 'next_week':
      return endOfWeek(today, 1);
    case 'weekend':
      // The coming Sunday, today if it is Sunday: the weekend ends with it.
      return daysAfter(today, (7 - today.getDay()) % 7);
  }
}

/** Words a date phrase can start with, after "this"/"next"/"the" (`DATE_LEAD_RE`), besides digits and weekday and month names. */
const DATE_LEAD_WORDS = new Set(['tomorrow', 'morgen', 'overmorgen', 'day', 'today', 'vandaag', 'tonight', 'vanavond', 'end', 'eind', 'einde']);

/**
 * Whether `phrase` can start with a date (a digit, a weekday, a month, "tomorrow", "end of ..."), so
 * `parseEndDate` (and chrono behind it) is tried only then: "on Sales", "van Thomas" and "by Jan" cost nothing.
 */
function mayBeDate(phrase: string): boolean {
  const lead = DATE_LEAD_RE.exec(phrase.toLowerCase())?.[0];
  if (!lead) return false;
  const word = /[\p{L}\d]+$/u.exec(lead)?.[0] ?? '';
  return /^\d/.test(word) || (word.length >= 3 && (WEEKDAYS.has(word) || MONTHS.has(word))) || DATE_LEAD_WORDS.has(word) || NEXT_WEEK_DAY_RE.test(phrase);
}

/**
 * Whether a start word's match (`START_RE`, `start`) is the "van" of "vrijdag van volgende week" or the
 * "on"/"op" of "next week on Friday", "volgende week op vrijdag" (`before`: the text before it).
 */
function inNextWeekDay(start: string, before: string): boolean {
  if (/^van\s/iu.test(start)) return /(?<![\p{L}])(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)\s+$/iu.test(before);
  return /^(?:on|op)\s/iu.test(start) && /(?<![\p{L}])(?:next|volgende|komende)\s+week\s+$/iu.test(before);
}

/** "next week", "volgende week", "the weekend", "het weekend": a start that is a week, not a day. */
const WEEK_START_RE = /^(?:(?:next|coming|volgende|komende)\s+week|(?:the|this|het|dit|next|volgende)\s+weekend)(?![\p{L}])/iu;

/**
 * What can be read from the start of `phrase`, after a start word ("from", "vanaf", "on", "op"): a later
 * start (`later`), a start today (`today`, no later start), or nothing (`undefined`: not a date at all).
 */
function startIn(phrase: string, now: Date, utcOffsetMinutes: number, language: 'en' | 'nl', order: DateOrder | undefined, today: Date):
  | { later: boolean; length: number }
  | undefined {
  // "from next week Friday": the day, not only "next week", is the start.
  const day = weekdayOfNextWeek(phrase, today);
  if (day) return { later: true, length: day.length };
  const week = WEEK_START_RE.exec(phrase);
  if (week) return { later: true, length: week[0].length };
  if (!mayBeDate(phrase)) return undefined;
  const found = parseEndDate(phrase, now, utcOffsetMinutes, language, order);
  if (!found) return undefined;
  // Two readings of a numeric date: the earlier one decides whether it is later than today.
  const date = found.other && found.other < found.date ? found.other : found.date;
  return { later: date > ymd(today), length: found.length };
}

/** The requester's day (`now` at `utcOffsetMinutes`), as a `UTCDate` at that day's midnight. */
function localToday(now: Date, utcOffsetMinutes: number): Date {
  const local = new Date(now.getTime() + utcOffsetMinutes * 60_000);
  return new UTCDate(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()));
}

/**
 * What a date can start with in chrono's English and Dutch casual parsers (chrono-node 2.10): digits, a few
 * signs, and the words below, as prefixes, case-insensitive and without the u flag, as chrono matches. A
 * result at index 0 needs one of its patterns to match there, so text starting with anything else gets no
 * result chrono would be asked for (dates.test.ts checks this against chrono itself). Prefixes let more
 * through than chrono reads ("Info" starts with "in"): that only costs the call.
 */
const CHRONO_START: Record<'en' | 'nl', RegExp> = {
  en: new RegExp(
    '^(?:[0-9+\\-,(（]|an?\\b|a\\s*couple|' +
      [
        'within in for about around roughly approximately just',
        'one two three four five six seven eight nine ten eleven twelve half few several the couple',
        'on first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth',
        'fifteenth sixteenth seventeenth eighteenth nineteenth twentieth twenty thirtieth thirty',
        'jan feb mar apr may jun jul aug sep oct nov dec',
        'this last past next after sun mon tue wed thu fri sat weekend weekday at from',
        'now today tonight tomorrow overmorrow tmr yesterday morning afternoon evening night midnight midday noon end',
      ].join(' ').split(' ').join('|') +
      ')',
    'i',
  ),
  nl: new RegExp(
    "^(?:[0-9+\\-,(（]|'s|van(?:ochtend|middag|namiddag|avond|nacht)|(?:ma|di|wo|do|vr|za|zo)(?=\\W|$)|" +
      [
        'dit deze vorig afgelopen aankomend komend over volgend',
        'jan feb mar mrt apr mei jun jul aug sep okt nov dec',
        'gisteren morgen namiddag avond middernacht ochtend middag nu vandaag binnen in voor on op om',
        'eerste tweede derde vierde vijfde zesde zevende achtste negende tiende elfde twaalfde dertiende veertiende',
        'vijftiende zestiende zeventiende achttiende negentiende twintigste eenentwintigste tweeëntwintigste',
        'drieentwintigste vierentwintigste vijfentwintigste zesentwintigste zevenentwintigste achtentwintig',
        'negenentwintig dertigste eenendertigste',
        'maandag dinsdag woensdag donderdag vrijdag zaterdag zondag din woe dond vrij zat zon',
        'een twee drie vier vijf zes zeven acht negen tien elf twaalf halve half paar',
      ].join(' ').split(' ').join('|') +
      ')',
    'i',
  ),
};

/** Whether chrono could read a date starting at the beginning of `text` (see CHRONO_START). */
export function mayStartChronoDate(text: string, language: 'en' | 'nl'): boolean {
  return CHRONO_START[language].test(text);
}

/** A real calendar date in a sane range, with the length of the text it was read from. */
function valid(year: number, month: number, day: number, length: number): { date: string; length: number } | undefined {
  if (year < 2000 || year > 2200 || !isExists(year, month - 1, day)) return undefined;
  return { date: ymd(new UTCDate(year, month - 1, day)), length };
}

/**
 * The year of the next month-day from `today` on, for a date written without a year ("31 December",
 * "29 February": the next leap year); this year when there is no such day (then `valid` refuses it).
 */
function comingYear(today: Date, month: number, day: number): number {
  const year = today.getFullYear();
  for (let y = year; y < year + 8; y++) {
    if (isExists(y, month - 1, day) && Date.UTC(y, month - 1, day) >= today.getTime()) return y;
  }
  return year;
}

/**
 * Nouns for what a mailbox holds or what was said in it: "the mails from March", "de berichten van maandag",
 * "the invoices from last week" name those things by when they came, not when the access starts.
 * Not "mail" or "email" alone, which also name the mailbox itself ("the Support mail from Monday").
 */
const CONTENT_NOUNS =
  'mails|emails|e-mails|messages|message|berichten|bericht|mailtjes|mailberichten|correspondence|correspondentie|' +
  'invoices|facturen|orders|bestellingen|minutes|notulen|newsletters?|nieuwsbrie(?:f|ven)|meetings?|vergaderingen|vergadering|overleg|' +
  'conversations?|gesprekken|threads';
/** A source said with a plain "from" ("mails from March"; `startsOfSources`), or any "from" before a time word's possessive ("from Monday's meeting"). */
const SOURCE_LEAD_RE = new RegExp(`(?<![\\p{L}])(?:(?:${CONTENT_NOUNS})\\s+)?(?:from|van|uit)\\s+`, 'giu');
/** One word of a time said after a source's "from" (possessive "'s" apart). */
const SOURCE_WORD_RE = /([\p{L}\p{N}]+(?:[-/.]\p{N}+)*)(['’]s)?\s*/uy;
/** Words that only lead or join a time said after a source's "from": "the", "last", "begin", "of". */
const SOURCE_TIME_FILLERS = new Set('the de het last this past previous vorige afgelopen deze dit begin end eind early late mid of'.split(' '));
/** Time words, besides full weekday and month names and numbers, that a source's "from" may name: "last week", "gisteren". */
const SOURCE_TIME_WORDS = new Set('yesterday gisteren eergisteren week weekend month maand year jaar quarter kwartaal morning ochtend'.split(' '));

/** Whether `word` names a time after a source's "from": a full weekday or month name ("Jan" may be a person), a number, an ordinal, `SOURCE_TIME_WORDS`. */
function sourceTimeWord(word: string): boolean {
  if (/^\d{1,4}(?:st|nd|rd|th|e|ste|de)?$/.test(word) || /^\d{1,4}(?:[-/.]\d{1,4}){1,2}$/.test(word)) return true;
  return (WEEKDAYS.has(word) && word.length >= 6) || (MONTHS.has(word) && (word.length >= 5 || word === 'may' || word === 'mei')) || SOURCE_TIME_WORDS.has(word);
}

/**
 * `text` with the sources said by when they came blanked out, so no start or end is read in them: "the
 * mails from March", "berichten van maandag", "invoices from last week" (a noun of `CONTENT_NOUNS`, a
 * plain "from"/"van"/"uit", a time), and "from Monday's meeting" (a time's possessive before a noun). A
 * start with no such noun before it ("from March 3", "from Monday") is left to be read as one; so is any
 * "starting", "vanaf" or "as of".
 */
function withoutSources(text: string): string {
  let rest = text;
  SOURCE_LEAD_RE.lastIndex = 0;
  for (let m = SOURCE_LEAD_RE.exec(rest); m; m = SOURCE_LEAD_RE.exec(rest)) {
    const afterNoun = !/^(?:from|van|uit)\s/iu.test(m[0]);
    const prepAt = afterNoun ? m.index + m[0].search(/(?<![\p{L}])(?:from|van|uit)\s+$/iu) : m.index;
    let end = -1;
    let possessive = false;
    let pos = m.index + m[0].length;
    for (let n = 0; n < 6; n++) {
      SOURCE_WORD_RE.lastIndex = pos;
      const w = SOURCE_WORD_RE.exec(rest);
      if (!w) break;
      const word = w[1]!.toLowerCase();
      if (sourceTimeWord(word)) {
        end = pos + w[1]!.length + (w[2]?.length ?? 0);
        if (w[2]) {
          // "from Monday's meeting": the time belongs to the noun after it.
          possessive = /^\s*\p{L}/u.test(rest.slice(end));
          break;
        }
      } else if (!SOURCE_TIME_FILLERS.has(word)) break;
      pos += w[0].length;
    }
    if (end >= 0 && (afterNoun || possessive)) {
      rest = blank(rest, prepAt, end);
      SOURCE_LEAD_RE.lastIndex = end;
    } else SOURCE_LEAD_RE.lastIndex = m.index + 1;
  }
  return rest;
}

/**
 * Finds the duration and the end date in `text` (the first of each). Normally at most one is there;
 * when both are, `both` says so and both are returned, for the caller to ask which is meant. `locale`
 * (the requester's client, BCP 47) decides the order of a numeric day and month (`dateOrderOf`);
 * without it a date with two real readings comes back as `untilReadings`, with `until` null.
 * Besides "until ...": "by Friday" (an end), "today", "tomorrow", "this week", "next week", "for the
 * weekend" (`PLAIN_ENDS`); a later start ("from Monday", `START_RE`) and an end without a length
 * ("temporarily", "while I am on holiday", `VAGUE_RE`) make the span `unread`, never dropped.
 */
export function extractTimeSpan(text: string, now: Date, utcOffsetMinutes: number, language: 'en' | 'nl', locale?: string): TimeSpan {
  let rest = text;
  let duration: string | null = null;
  let until: string | null = null;
  let untilReadings: [string, string] | undefined;
  const order = dateOrderOf(locale);
  const today = localToday(now, utcOffsetMinutes);

  // "for the mails from March", "from Monday's meeting": when the things came, not when the access starts.
  rest = withoutSources(rest);
  NO_END_RE.lastIndex = 0;
  for (let m = NO_END_RE.exec(rest); m; m = NO_END_RE.exec(rest)) rest = blank(rest, m.index, m.index + m[0].length);
  // A start now ("from today", "vanaf nu") is what every grant does: taken out, so it is not read as a later start.
  NOW_START_RE.lastIndex = 0;
  for (let m = NOW_START_RE.exec(rest); m; m = NOW_START_RE.exec(rest)) rest = blank(rest, m.index, m.index + m[0].length);
  // A later start ("from Monday", "vanaf maandag", "for 2 weeks starting Monday"): a grant starts when it is
  // applied, so this cannot be kept; found first, so its date is not read as the end.
  let laterStart: string | undefined;
  START_RE.lastIndex = 0;
  for (let m = START_RE.exec(rest); m; m = START_RE.exec(rest)) {
    // "vrijdag van volgende week", "next week on Friday": a day of next week (`NEXT_WEEK_DAY`), not a start.
    if (inNextWeekDay(m[0], rest.slice(0, m.index))) {
      START_RE.lastIndex = m.index + 1;
      continue;
    }
    const phraseStart = m.index + m[0].length - m[1]!.length;
    const phrase = m[1]!.split(/\s{2,}/)[0]!.trimEnd();
    const start = phrase ? startIn(phrase, now, utcOffsetMinutes, language, order, today) : undefined;
    if (start) {
      if (start.later) laterStart ??= rest.slice(m.index, phraseStart + start.length);
      rest = blank(rest, m.index, phraseStart + start.length);
      START_RE.lastIndex = phraseStart + start.length;
    } else {
      START_RE.lastIndex = m.index + 1;
    }
  }

  // "in two weeks", "over een maand": a moment that far from now, so a later start, not a length.
  IN_PERIOD_RE.lastIndex = 0;
  for (let m = IN_PERIOD_RE.exec(rest); m; m = IN_PERIOD_RE.exec(rest)) {
    laterStart ??= m[0];
    rest = blank(rest, m.index, m.index + m[0].length);
  }

  let untilText: string | undefined;
  UNTIL_RE.lastIndex = 0;
  for (let m = UNTIL_RE.exec(rest); m; m = UNTIL_RE.exec(rest)) {
    const phraseStart = m.index + m[0].length - m[1]!.length;
    // Stop at a blanked-out stretch (a reason taken out before) and at trailing spaces: chrono misreads them.
    const phrase = m[1]!.split(/\s{2,}/)[0]!.trimEnd();
    const found = phrase ? parseEndDate(phrase, now, utcOffsetMinutes, language, order) : undefined;
    if (found) {
      if (found.other) untilReadings = [found.date, found.other];
      else until = found.date;
      untilText = rest.slice(m.index, phraseStart + found.length);
      rest = blank(rest, m.index, phraseStart + found.length);
      break;
    }
    UNTIL_RE.lastIndex = m.index + 1;
  }
  // "by Friday", "by the end of the month": most often when the access is needed ("I need it by
  // Friday"), not when it should end, so it is not guessed either way: with no other end or period it
  // is asked about (`vague`) below ("approved by Jan" is no date, and left).
  let byDate: string | undefined;
  let byLater = false;
  if (!until && !untilReadings) {
    BY_RE.lastIndex = 0;
    for (let m = BY_RE.exec(rest); m; m = BY_RE.exec(rest)) {
      const phraseStart = m.index + m[0].length - m[1]!.length;
      const phrase = m[1]!.split(/\s{2,}/)[0]!.trimEnd();
      const found = phrase && mayBeDate(phrase) ? parseEndDate(phrase, now, utcOffsetMinutes, language, order) : undefined;
      if (found) {
        byDate = rest.slice(m.index, phraseStart + found.length);
        // "by today" asks for nothing a removal now does not do; "by Friday" may mean on Friday.
        byLater = (found.other && found.other < found.date ? found.other : found.date) > ymd(today);
        rest = blank(rest, m.index, phraseStart + found.length);
        break;
      }
      BY_RE.lastIndex = m.index + 1;
    }
  }
  // "next week Friday", "vrijdag volgende week" with no "until": when it is needed or when it should end?
  // Asked about as "by Friday" is (`vague`), never read as "next week" with "Friday" left unread.
  let bareDay: string | undefined;
  if (!until && !untilReadings) {
    BARE_NEXT_WEEK_DAY_RE.lastIndex = 0;
    for (let m = BARE_NEXT_WEEK_DAY_RE.exec(rest); m; m = BARE_NEXT_WEEK_DAY_RE.exec(rest)) {
      if (weekdayOfNextWeek(m[0], today)) {
        bareDay = m[0];
        rest = blank(rest, m.index, m.index + m[0].length);
        break;
      }
      BARE_NEXT_WEEK_DAY_RE.lastIndex = m.index + 1;
    }
  }
  // "today", "tomorrow", "this week", "next week", "for the weekend" with no "until": an end all the same.
  let plainText: string | undefined;
  if (!until && !untilReadings) {
    for (const { re, end } of PLAIN_ENDS) {
      const m = re.exec(rest);
      if (!m) continue;
      until = plainEnd(end, today);
      plainText = m[0];
      rest = blank(rest, m.index, m.index + m[0].length);
      break;
    }
  }
  // A bare "today" left ("I need it today"): when the access is wanted, which is now; no end.
  TODAY_NOW_RE.lastIndex = 0;
  for (let m = TODAY_NOW_RE.exec(rest); m; m = TODAY_NOW_RE.exec(rest)) rest = blank(rest, m.index, m.index + m[0].length);
  // A period as well, in what the end date left ("for 2 weeks until Friday"): never dropped unseen.
  let durationText: string | undefined;
  {
    COMPOUND_DURATION_RE.lastIndex = 0;
    const c = COMPOUND_DURATION_RE.exec(rest);
    const both = c ? compoundDuration(toNumber(c[1]!), unitOf(c[2]!), toNumber(c[3]!), unitOf(c[4]!)) : null;
    DURATION_RE.lastIndex = 0;
    const m = both ? null : DURATION_RE.exec(rest);
    if (c && both) {
      duration = both;
      durationText = c[0];
      rest = blank(rest, c.index, c.index + c[0].length);
    } else if (m) {
      const n = toNumber(m[1]!);
      const iso = n === undefined ? null : isoDuration(n, unitOf(m[2]!));
      if (iso) {
        duration = iso;
        durationText = m[0];
        rest = blank(rest, m.index, m.index + m[0].length);
      }
    } else {
      FORTNIGHT_RE.lastIndex = 0;
      const f = FORTNIGHT_RE.exec(rest);
      if (f) {
        duration = 'P14D';
        durationText = f[0];
        rest = blank(rest, f.index, f.index + f[0].length);
      }
    }
  }
  // An end without its length ("temporarily", "while I am on holiday"): its words are taken out either way,
  // so "while Megan is away" names nobody; it only matters when no period or end date was given.
  const vague = VAGUE_RE.exec(rest);
  if (vague) rest = blank(rest, vague.index, vague.index + vague[0].length);
  // What is left that still looks like a time: "until" + a number, weekday or month; a number + a unit.
  let unread = false;
  let unreadEnd: UnreadEnd | undefined;
  if (!duration && !until && !untilReadings) {
    const untilWord = UNTIL_ONCE_RE.exec(rest);
    const after = untilWord?.[1]?.trim().toLowerCase() ?? '';
    const firstWord = /^[\p{L}]+/u.exec(after)?.[0] ?? '';
    const period = NUMBER_UNIT_RE.exec(rest);
    const badDate = !!untilWord && (/^[-\d]/.test(after) || WEEKDAYS.get(firstWord) !== undefined && firstWord.length >= 3 || MONTHS.get(firstWord) !== undefined);
    const worded = period ? null : WORDED_PERIOD_RE.exec(rest);
    unread = badDate || period !== null || worded !== null || vague !== null;
    if (period) unreadEnd = unreadPeriod(period[0], unitOf(period[1]!));
    else if (worded) unreadEnd = { why: 'unread', text: worded[0].replace(/\s+/g, ' ').trim().slice(0, 40) };
    else if (vague) unreadEnd = { why: 'vague', text: vague[0].replace(/\s+/g, ' ').trim().slice(0, 40) };
    else if (badDate) unreadEnd = { why: 'date', text: '' };
    else if (byDate) {
      unread = true;
      unreadEnd = { why: 'vague', text: byDate.replace(/\s+/g, ' ').trim().slice(0, 40) };
    }
  }
  if (bareDay && !unreadEnd) {
    // Also beside a period ("for 2 weeks next week Friday" may say when it starts): never dropped unseen.
    unread = true;
    unreadEnd = { why: 'vague', text: bareDay.replace(/\s+/g, ' ').trim().slice(0, 40) };
  }
  if (laterStart) {
    // Whatever end was read, the access would start now instead of then: asked about, never granted so.
    unread = true;
    unreadEnd = { why: 'later_start', text: laterStart.replace(/\s+/g, ' ').trim().slice(0, 40) };
  }
  const span: TimeSpan = { duration, until, rest, unread };
  if (unreadEnd) span.unreadEnd = unreadEnd;
  const revokeTime = removalTime({ laterStart, byDate: byLater ? byDate : bareDay, plainText, untilText, durationText, vague: vague?.[0], unreadEnd, rest });
  if (revokeTime) span.revokeTime = revokeTime;
  if ((until || untilReadings) && duration) span.both = true;
  if (untilReadings) span.untilReadings = untilReadings;
  return span;
}

/**
 * What a revoke cannot keep of the time phrases read (`TimeSpan.revokeTime`): a later moment first (the
 * removal would come too early), then a while (the right would not come back). A removal is always now
 * and for good, so either one means the person asked for something else than the bot would do.
 */
function removalTime(read: {
  laterStart?: string;
  byDate?: string;
  plainText?: string;
  untilText?: string;
  durationText?: string;
  vague?: string;
  unreadEnd?: UnreadEnd;
  rest: string;
}): UnreadEnd | undefined {
  const said = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 40);
  if (read.laterStart) return { why: 'later_removal', text: said(read.laterStart) };
  if (read.byDate) return { why: 'later_removal', text: said(read.byDate) };
  if (read.plainText) return { why: WHILE_LEAD_RE.test(said(read.plainText)) ? 'temporary_removal' : 'later_removal', text: said(read.plainText) };
  if (read.untilText) return { why: 'temporary_removal', text: said(read.untilText) };
  if (read.durationText) return { why: 'temporary_removal', text: said(read.durationText) };
  if (read.vague && !NOW_VAGUE_RE.test(said(read.vague))) return { why: 'temporary_removal', text: said(read.vague) };
  const end = read.unreadEnd;
  if (end && end.why !== 'vague' && end.why !== 'later_start') {
    // "until 2026-02-30": the date was not read, but the words were written.
    const m = end.text ? null : UNTIL_ONCE_RE.exec(read.rest);
    const text = end.text || (m ? said(m[0].slice(0, m[0].length - m[1]!.length) + (m[1]!.trim().split(/\s/)[0] ?? '')) : '');
    return { why: 'temporary_removal', text };
  }
  return undefined;
}

/** Why a period such as "0 days" or "1000 years" (`text`, a number and `unit`) was not read. */
function unreadPeriod(text: string, unit: Unit): UnreadEnd {
  // Only whole numbers are periods; "0.5 days", "2,5 dagen" and "1e3 days" are not read at all.
  const whole = /^-?\d+$/.exec(/-?\d+(?:[.,]\d+|e\d+)?/.exec(text)?.[0] ?? '');
  const n = whole ? Number(whole[0]) : NaN;
  const why = !whole ? 'unread' : !(n > 0) ? 'zero' : n * UNIT_MS[unit] > MAX_PERIOD_MS ? 'too_long' : 'unread';
  return { why, text: text.replace(/\s+/g, ' ').trim().slice(0, 40) };
}
