/**
 * Calendar arithmetic for grant end times, with date-fns on a `TZDate` (@date-fns/tz: IANA zones from
 * the runtime's Intl data, and fixed UTC offsets such as "+01:00", which TZDate reads itself where
 * Intl does not, as on Node 20): month and year durations land on the same day of the target month,
 * clamped to its last day (31 January + P1M = 28 or 29 February); days follow the calendar across
 * daylight-saving changes in the requester's zone; hours and minutes are elapsed time.
 *
 * A zone here is an IANA name ("Europe/Amsterdam") or, for a person whose client reports only its
 * offset (Teams' `localTimestamp`, Slack's `tz_offset`), that offset as "+HH:MM" (`offsetZone`).
 */
import { TZDate } from '@date-fns/tz/date';
import { add } from 'date-fns/add';
import { addDays } from 'date-fns/addDays';
import { startOfDay } from 'date-fns/startOfDay';
import { startOfWeek } from 'date-fns/startOfWeek';
import { BotError } from './errors.js';

// The forms requests carry (SPEC section 5: P14D, P1M, PT8H; also P2W, P1Y, P1DT4H): whole numbers only.
const ISO_DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/;

/** The zone to compute in: the zone when it is one (`isTimeZone`), else UTC. */
function zoneOf(timeZone: string | null | undefined): string {
  return isTimeZone(timeZone) ? timeZone : 'UTC';
}

/**
 * `from` (epoch ms) plus an ISO 8601 duration (P14D, P2W, P1M, P1Y, PT8H, P1DT4H), in epoch ms.
 * Years, months, weeks and days move the calendar in `timeZone` (an IANA name or a "+HH:MM" offset;
 * UTC when absent or unknown): the wall-clock time stays, a month end is clamped (2026-01-31 + P1M = 2026-02-28,
 * 2028-01-31 + P1M = 2028-02-29, 2028-02-29 + P1Y = 2029-02-28), and a day across a daylight-saving
 * change is 23 or 25 hours. Hours and minutes are added as elapsed time (date-fns `add`).
 * @throws BotError `invalid_request` when `duration` is not of that form.
 */
export function addIsoDuration(from: number, duration: string, timeZone?: string | null): number {
  const match = ISO_DURATION.exec(duration);
  if (!match || duration === 'P' || duration.endsWith('T')) {
    throw new BotError('invalid_request', `"${duration}" is not an ISO 8601 duration`);
  }
  const [years, months, weeks, days, hours, minutes] = match.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  return add(new TZDate(from, zoneOf(timeZone)), { years, months, weeks, days, hours, minutes }).getTime();
}

// Intl formatters are costly to build and few zones are in use: whether a zone is known, kept (bounded).
const knownZones = new Map<string, boolean>();

// A fixed offset as ECMA-262 writes one (±HH, ±HHMM, ±HH:MM; `offsetZone` writes ±HH:MM), within the
// ±14:00 that real clocks use. "-00:30" is left out: TZDate reads it as +00:30, and no place uses it.
const OFFSET_ZONE = /^([+-])(\d{2})(?::?(\d{2}))?$/;

/**
 * Whether `timeZone` is a zone this code computes in: an IANA time zone name this runtime knows
 * ("Europe/Amsterdam"), or a fixed UTC offset from -14:00 to +14:00 ("+01:00", "-05:00", "+0545",
 * "+01"). The offsets are checked here, not by Intl, so every runtime takes the same ones (Intl on
 * Node 20 takes none; on Node 24 it takes up to ±23:59). "+25:00", "01:00", "abc" are no zones.
 */
export function isTimeZone(timeZone: string | null | undefined): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length >= 64) return false;
  if (timeZone.startsWith('+') || timeZone.startsWith('-')) return isOffsetZone(timeZone);
  let known = knownZones.get(timeZone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
      known = true;
    } catch {
      known = false; // not a time zone this runtime knows
    }
    if (knownZones.size > 500) knownZones.clear();
    knownZones.set(timeZone, known);
  }
  return known;
}

/** Whether `timeZone` is a fixed UTC offset `isTimeZone` takes ("+01:00"), rather than an IANA name. */
export function isOffsetZone(timeZone: string | null | undefined): timeZone is string {
  const match = typeof timeZone === 'string' ? OFFSET_ZONE.exec(timeZone) : null;
  if (!match) return false;
  const [hours, minutes] = [Number(match[2]), Number(match[3] ?? 0)];
  if (minutes > 59 || hours * 60 + minutes > 14 * 60) return false;
  return !(match[1] === '-' && hours === 0 && minutes > 0);
}

/**
 * A client's fixed offset (`utcOffsetMinutes`, minutes east of UTC, as Teams' `localTimestamp` and
 * Slack's `tz_offset` give it) as a zone: 60 -> "+01:00", -300 -> "-05:00", 0 -> "+00:00".
 * Undefined when it is no whole number of minutes within ±14 h, or between -1 and -59 (see `isOffsetZone`).
 */
export function offsetZone(utcOffsetMinutes: number | null | undefined): string | undefined {
  if (typeof utcOffsetMinutes !== 'number' || !Number.isInteger(utcOffsetMinutes)) return undefined;
  const size = Math.abs(utcOffsetMinutes);
  const zone = `${utcOffsetMinutes < 0 ? '-' : '+'}${String(Math.floor(size / 60)).padStart(2, '0')}:${String(size % 60).padStart(2, '0')}`;
  return isOffsetZone(zone) ? zone : undefined;
}

/**
 * The moment (epoch ms) whose UTC clock reads what the clock of `zone` reads at `ms` (epoch ms), to
 * the millisecond, as TZDate reads it: formatting that moment in UTC shows `zone`'s date and time.
 * For the fixed offsets ("+01:00"), which Intl on Node 20 cannot format in; `zone` unknown: UTC's.
 */
export function wallClockAsUtc(ms: number, zone: string): number {
  const local = new TZDate(ms, zoneOf(zone));
  return Date.UTC(local.getFullYear(), local.getMonth(), local.getDate(), local.getHours(), local.getMinutes(), local.getSeconds(), local.getMilliseconds());
}

/**
 * The zone a person's days are counted and ended in: `timeZone` when it is one (the IANA name their
 * client reported), else the fixed offset their client reported (`utcOffsetMinutes`, minutes east of
 * UTC) as "+HH:MM", else undefined (the caller's UTC). An offset does not follow daylight saving: it
 * is the person's clock when they asked, which is what "until tomorrow" was said on.
 */
export function requesterZone(timeZone: string | null | undefined, utcOffsetMinutes?: number | null): string | undefined {
  return isTimeZone(timeZone) ? timeZone : offsetZone(utcOffsetMinutes);
}

/**
 * The end of a grant "until YYYY-MM-DD": the end of that day, so "until Friday" includes Friday.
 * The day is the requester's: midnight after it in `timeZone` (an IANA name, as Teams and Slack
 * report it, a daylight-saving change that day followed; or a fixed offset "+01:00" when the client
 * reported only that). Without a known zone the day is taken in UTC. Returns epoch ms.
 * @throws BotError `invalid_request` when `date` is not a calendar date written YYYY-MM-DD.
 */
export function endOfDate(date: string, timeZone?: string | null): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [NaN, NaN, NaN];
  const start = new TZDate(year, month - 1, day, zoneOf(timeZone));
  if (Number.isNaN(start.getTime()) || start.getFullYear() !== year || start.getMonth() !== month - 1 || start.getDate() !== day) {
    throw new BotError('invalid_request', `"${date}" is not a date (YYYY-MM-DD)`);
  }
  return addDays(start, 1).getTime();
}

/** A day of the week, as an audit question names it ("on Friday", "op vrijdag"). */
export type Weekday = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';

/** The days of the week from Monday, as `Weekday` names them (index 0 is Monday). */
export const WEEKDAYS: readonly Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/**
 * A span of the asker's calendar: a day, the week so far or the one before it, a named weekday (its
 * most recent one), the one before today (`last_friday`), or that weekday of last week (`last_week_friday`).
 */
export type CalendarPeriod = 'today' | 'yesterday' | 'this_week' | 'last_week' | Weekday | `last_${Weekday}` | `last_week_${Weekday}`;

/**
 * The span of a calendar period around `now` (epoch ms) in the asker's calendar, as epoch ms
 * `[since, until)`: `today` (midnight to midnight), `yesterday`, `this_week` (Monday midnight to the
 * next Monday's), `last_week` (the Monday-to-Sunday week before this one), a weekday (`friday`:
 * the most recent Friday, today when today is one; `last_friday`: the one before today), or a weekday
 * of last week (`last_week_friday`: the Friday of the Monday-to-Sunday week before this one, even when
 * this week's Friday has not come yet). The calendar is
 * `requesterZone(timeZone, utcOffsetMinutes)`: `timeZone` when it is a zone, else the fixed
 * `utcOffsetMinutes` (minutes east of UTC) the client reported; else UTC. A daylight-saving change
 * in the span makes it 23 or 25 hours a day.
 */
export function periodSpan(period: CalendarPeriod, now: number, timeZone?: string | null, utcOffsetMinutes?: number): { since: number; until: number } {
  const today = startOfDay(new TZDate(now, zoneOf(requesterZone(timeZone, utcOffsetMinutes))));
  const monday = startOfWeek(today, { weekStartsOn: 1 });
  const [from, days] = spanInDays(period, (today.getDay() + 6) % 7);
  const base = from === 'monday' ? monday : today;
  // Calendar days (addDays), so a daylight-saving change inside the span is followed.
  return { since: addDays(base, days[0]).getTime(), until: addDays(base, days[1]).getTime() };
}

/**
 * A period as whole days `[first, end)` counted from today's midnight or this week's Monday's;
 * `weekday` is today's (Monday 0). A named weekday is the most recent one: today when today is it.
 */
function spanInDays(period: CalendarPeriod, weekday: number): ['today' | 'monday', [number, number]] {
  switch (period) {
    case 'today':
      return ['today', [0, 1]];
    case 'yesterday':
      return ['today', [-1, 0]];
    case 'this_week':
      return ['monday', [0, 7]];
    case 'last_week':
      return ['monday', [-7, 0]];
    default: {
      // "Friday last week": that day of the Monday-to-Sunday week before this one.
      if (period.startsWith('last_week_')) {
        const day = WEEKDAYS.indexOf(period.slice('last_week_'.length) as Weekday);
        return ['monday', [day - 7, day - 6]];
      }
      // "Friday": the most recent one, today when today is one; "last Friday": the one before today.
      const last = period.startsWith('last_');
      const day = WEEKDAYS.indexOf((last ? period.slice('last_'.length) : period) as Weekday);
      const back = (weekday - day + 7) % 7 || (last ? 7 : 0);
      return ['today', [-back, 1 - back]];
    }
  }
}

/**
 * Minutes east of UTC of the asker's calendar at `now` (epoch ms), for reading "tomorrow" or "until
 * Friday" from their own date: the offset at that moment of `requesterZone(timeZone, utcOffsetMinutes)`
 * (daylight saving included for an IANA name), the zone `endOfDate` ends the day in; `undefined`
 * without either (the caller's UTC).
 */
export function calendarOffset(now: number, timeZone?: string | null, utcOffsetMinutes?: number): number | undefined {
  const zone = requesterZone(timeZone, utcOffsetMinutes);
  // TZDate's getTimezoneOffset follows Date's sign: minutes west of UTC.
  return zone === undefined ? undefined : -new TZDate(now, zone).getTimezoneOffset() || 0;
}
