/**
 * Calendar arithmetic for grant end times, with date-fns on a `TZDate` (@date-fns/tz: time zones from
 * the runtime's Intl data): month and year durations land on the same day of the target month,
 * clamped to its last day (31 January + P1M = 28 or 29 February); days follow the calendar across
 * daylight-saving changes in the requester's zone; hours and minutes are elapsed time.
 */
import { TZDate } from '@date-fns/tz/date';
import { add } from 'date-fns/add';
import { addDays } from 'date-fns/addDays';
import { startOfDay } from 'date-fns/startOfDay';
import { startOfWeek } from 'date-fns/startOfWeek';
import { BotError } from './errors.js';

// The forms requests carry (SPEC section 5: P14D, P1M, PT8H; also P2W, P1Y, P1DT4H): whole numbers only.
const ISO_DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/;

/** The zone to compute in: the IANA name when this runtime knows it, else UTC. */
function zoneOf(timeZone: string | null | undefined): string {
  return isTimeZone(timeZone) ? timeZone : 'UTC';
}

/**
 * `from` (epoch ms) plus an ISO 8601 duration (P14D, P2W, P1M, P1Y, PT8H, P1DT4H), in epoch ms.
 * Years, months, weeks and days move the calendar in `timeZone` (an IANA name; UTC when absent or
 * unknown): the wall-clock time stays, a month end is clamped (2026-01-31 + P1M = 2026-02-28,
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

/** Whether `timeZone` is an IANA time zone name this runtime knows ("Europe/Amsterdam"). */
export function isTimeZone(timeZone: string | null | undefined): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length >= 64) return false;
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

/**
 * The end of a grant "until YYYY-MM-DD": the end of that day, so "until Friday" includes Friday.
 * The day is the requester's: midnight after it in `timeZone` (an IANA name, as Teams and Slack
 * report it; a daylight-saving change that day is followed). Without a known zone the day is taken
 * in UTC. Returns epoch ms.
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

/**
 * The span of a calendar period around `now` (epoch ms) in the asker's calendar, as epoch ms
 * `[since, until)`: `today` (midnight to midnight), `yesterday`, `this_week` (Monday midnight to the
 * next Monday's). The calendar is `timeZone` (an IANA name) when this runtime knows it; else the fixed
 * `utcOffsetMinutes` (minutes east of UTC) the client reported; else UTC. A daylight-saving change in
 * the span makes it 23 or 25 hours a day.
 */
export function periodSpan(period: 'today' | 'yesterday' | 'this_week', now: number, timeZone?: string | null, utcOffsetMinutes?: number): { since: number; until: number } {
  if (!isTimeZone(timeZone) && utcOffsetMinutes !== undefined && Number.isFinite(utcOffsetMinutes) && Math.abs(utcOffsetMinutes) <= 14 * 60) {
    // A fixed offset: whole days of the shifted clock.
    const day = 86_400_000;
    const shift = utcOffsetMinutes * 60_000;
    const today = Math.floor((now + shift) / day) * day - shift;
    if (period === 'today') return { since: today, until: today + day };
    if (period === 'yesterday') return { since: today - day, until: today };
    const weekday = (new Date(today + shift).getUTCDay() + 6) % 7; // Monday 0
    return { since: today - weekday * day, until: today + (7 - weekday) * day };
  }
  const today = startOfDay(new TZDate(now, zoneOf(timeZone)));
  if (period === 'today') return { since: today.getTime(), until: addDays(today, 1).getTime() };
  if (period === 'yesterday') return { since: addDays(today, -1).getTime(), until: today.getTime() };
  const monday = startOfWeek(today, { weekStartsOn: 1 });
  return { since: monday.getTime(), until: addDays(monday, 7).getTime() };
}

/**
 * Minutes east of UTC of the asker's calendar at `now` (epoch ms), for reading "tomorrow" or "until
 * Friday" from their own date: the offset of `timeZone` (an IANA name this runtime knows) at that
 * moment, daylight saving included, as `endOfDate` ends the day in that zone; else the fixed
 * `utcOffsetMinutes` the client reported (within ±14 h); else `undefined` (the caller's UTC).
 */
export function calendarOffset(now: number, timeZone?: string | null, utcOffsetMinutes?: number): number | undefined {
  // TZDate's getTimezoneOffset follows Date's sign: minutes west of UTC.
  if (isTimeZone(timeZone)) return -new TZDate(now, timeZone).getTimezoneOffset() || 0;
  if (utcOffsetMinutes !== undefined && Number.isFinite(utcOffsetMinutes) && Math.abs(utcOffsetMinutes) <= 14 * 60) return utcOffsetMinutes;
  return undefined;
}
