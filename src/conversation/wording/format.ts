import type { PermissionRequest } from '../../domain/request.js';
import { endOfDate, isOffsetZone, isTimeZone, wallClockAsUtc } from '../../domain/time.js';
import type { Audience, Escape, Lang } from '../types.js';
import { escapeMarkdown } from './escape.js';
import { t } from './strings.js';

// Intl formatters are costly to build; a handful of languages and zones cover every user.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(lang: Lang, zone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${lang}|${zone}|${JSON.stringify(options)}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', { ...options, timeZone: zone });
    if (formatters.size > 500) formatters.clear();
    formatters.set(key, format);
  }
  return format;
}

/**
 * `ms` (epoch ms) written by Intl with `options` on the clock of `zone`. A fixed offset ("+01:00",
 * the zone of a person whose client reported only that) is written as its wall clock in UTC: Intl on
 * Node 20 takes no offset zone, and one way on every runtime keeps the words the same.
 */
function write(lang: Lang, zone: string, options: Intl.DateTimeFormatOptions, ms: number): string {
  if (isOffsetZone(zone)) return formatter(lang, 'UTC', options).format(wallClockAsUtc(ms, zone));
  return formatter(lang, zone, options).format(ms);
}

/** The audience's zone when it is one (Teams and Slack send IANA names; a client offset "+01:00" when that is all), else undefined. */
function validZone(zone: string | undefined): string | undefined {
  return isTimeZone(zone) ? zone : undefined;
}

const CLOCK: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
const DAY: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' };

/** "14:05" in the audience's zone; "14:05 UTC" when the zone is unknown. `ms`: epoch milliseconds. */
export function formatClock(ms: number, audience: Audience): string {
  const zone = validZone(audience.timeZone);
  const text = write(audience.lang, zone ?? 'UTC', CLOCK, ms);
  return zone ? text : `${text} UTC`;
}

/** "22 Nov 2026 14:05" (with UTC when the zone is unknown): when something happened. */
export function formatMoment(ms: number, audience: Audience): string {
  const zone = validZone(audience.timeZone);
  const date = write(audience.lang, zone ?? 'UTC', { day: 'numeric', month: 'short', year: 'numeric' }, ms);
  return `${date} ${formatClock(ms, audience)}`;
}

/**
 * The end of a time-bound grant as an "until" phrase, one rendering everywhere (cards, post-backs,
 * my requests, what can X access), for sentences such as "It lasts {end}.": an end at midnight on
 * the audience's clock is the end of the day before, as people say it ("until the end of Friday,
 * 4 December 2026" / "tot en met vrijdag 4 december 2026": a grant "until Friday" includes Friday),
 * never "24:00"; any other end is a moment ("until Saturday, 5 December 2026 at 14:05" / "tot
 * zaterdag 5 december 2026 om 14:05"). The clock is the audience's zone, or UTC (said so) when
 * unknown. `ms`: epoch milliseconds.
 */
export function formatEnd(ms: number, audience: Audience): string {
  const known = validZone(audience.timeZone);
  const zone = known ?? 'UTC';
  const clock = write(audience.lang, zone, CLOCK, ms);
  const midnight = clock === '00:00' || clock === '24:00';
  const day = write(audience.lang, zone, DAY, midnight ? ms - 1 : ms);
  if (midnight) return t(audience.lang, 'end.untilDay', { day: known ? day : `${day} (UTC)` });
  return t(audience.lang, 'end.untilMoment', { day, time: known ? clock : `${clock} UTC` });
}

/** A calendar date (YYYY-MM-DD, no zone) as "Friday, 27 November 2026" / "vrijdag 27 november 2026"; anything else as given. */
export function formatDay(ymd: string, lang: Lang): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(ymd) || Number.isNaN(Date.parse(`${ymd}T12:00:00Z`))) return ymd;
  return formatter(lang, 'UTC', DAY).format(Date.parse(`${ymd}T12:00:00Z`));
}

/**
 * The days of a span `[since, until)` (epoch ms) in the audience's zone (UTC, said so, when unknown):
 * "Monday 7 December 2026" for one day, "Monday 7 December 2026 – Sunday 13 December 2026" for more.
 */
export function formatSpan(since: number, until: number, audience: Audience): string {
  const known = validZone(audience.timeZone);
  const first = write(audience.lang, known ?? 'UTC', DAY, since);
  const last = write(audience.lang, known ?? 'UTC', DAY, Math.max(since, until - 1));
  const span = first === last ? first : `${first} – ${last}`;
  return known ? span : `${span} (UTC)`;
}

/** The notifier's name for the end of a grant: the same rendering as `formatEnd`. */
export const formatDate = formatEnd;

/**
 * When a grant ends (epoch ms): the end fixed at apply time, else the end of its "until" date in the
 * requester's zone; undefined for a standing grant or one whose duration starts counting at apply.
 */
export function endOf(request: Pick<PermissionRequest, 'endsAt' | 'until' | 'untilTimeZone'>): number | undefined {
  if (request.endsAt !== undefined) return request.endsAt;
  if (!request.until) return undefined;
  try {
    return endOfDate(request.until, request.untilTimeZone);
  } catch {
    return undefined;
  }
}

const UNIT_WORDS: Record<Lang, Record<string, [string, string]>> = {
  en: { D: ['day', 'days'], W: ['week', 'weeks'], M: ['month', 'months'], Y: ['year', 'years'], H: ['hour', 'hours'], MIN: ['minute', 'minutes'] },
  nl: { D: ['dag', 'dagen'], W: ['week', 'weken'], M: ['maand', 'maanden'], Y: ['jaar', 'jaar'], H: ['uur', 'uur'], MIN: ['minuut', 'minuten'] },
};

/** "P14D" -> "14 days" / "14 dagen"; unknown shapes are shown as given (escaped). */
export function formatDuration(iso: string, lang: Lang, escape: Escape = escapeMarkdown): string {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(iso);
  if (!match || iso === 'P' || iso === 'PT') return escape(iso, 40);
  const units = ['Y', 'M', 'W', 'D', 'H', 'MIN'];
  const parts: string[] = [];
  units.forEach((unit, i) => {
    const n = match[i + 1];
    if (n === undefined) return;
    const [one, many] = UNIT_WORDS[lang][unit]!;
    parts.push(`${Number(n)} ${Number(n) === 1 ? one : many}`);
  });
  return parts.join(' ');
}
