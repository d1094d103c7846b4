/**
 * Calendar arithmetic for grant end times, with Luxon (time zones from the runtime's Intl data):
 * month and year durations land on the same day of the target month, clamped to its last day
 * (31 January + P1M = 28 or 29 February), days follow the calendar across daylight-saving changes
 * in the requester's zone, hours and minutes are exact.
 */
import { DateTime, Duration, IANAZone } from 'luxon';
import { BotError } from './errors.js';

// The forms requests carry (SPEC section 5: P14D, P1M, PT8H; also P2W, P1Y, P1DT4H): whole numbers only.
const ISO_DURATION = /^P(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?)?$/;

/** The zone to compute in: the IANA name when this runtime knows it, else UTC. */
function zoneOf(timeZone: string | null | undefined): string {
  return isTimeZone(timeZone) ? timeZone : 'UTC';
}

/**
 * `from` (epoch ms) plus an ISO 8601 duration (P14D, P2W, P1M, P1Y, PT8H, P1DT4H), in epoch ms.
 * Years, months, weeks and days move the calendar in `timeZone` (an IANA name; UTC when absent or
 * unknown): the wall-clock time stays, a month end is clamped (2026-01-31 + P1M = 2026-02-28,
 * 2028-01-31 + P1M = 2028-02-29, 2028-02-29 + P1Y = 2029-02-28), and a day across a daylight-saving
 * change is 23 or 25 hours. Hours and minutes are added as elapsed time.
 * @throws BotError `invalid_request` when `duration` is not of that form.
 */
export function addIsoDuration(from: number, duration: string, timeZone?: string | null): number {
  const parsed = ISO_DURATION.test(duration) && duration !== 'P' && !duration.endsWith('T') ? Duration.fromISO(duration) : undefined;
  if (!parsed?.isValid) throw new BotError('invalid_request', `"${duration}" is not an ISO 8601 duration`);
  return DateTime.fromMillis(from, { zone: zoneOf(timeZone) }).plus(parsed).toMillis();
}

/** Whether `timeZone` is an IANA time zone name this runtime knows ("Europe/Amsterdam"). */
export function isTimeZone(timeZone: string | null | undefined): timeZone is string {
  return typeof timeZone === 'string' && timeZone.length > 0 && timeZone.length < 64 && IANAZone.isValidZone(timeZone);
}

/**
 * The end of a grant "until YYYY-MM-DD": the end of that day, so "until Friday" includes Friday.
 * The day is the requester's: midnight after it in `timeZone` (an IANA name, as Teams and Slack
 * report it; a daylight-saving change that day is followed). Without a known zone the day is taken
 * in UTC. Returns epoch ms.
 * @throws BotError `invalid_request` when `date` is not a calendar date written YYYY-MM-DD.
 */
export function endOfDate(date: string, timeZone?: string | null): number {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(date) ? DateTime.fromISO(date, { zone: zoneOf(timeZone) }) : undefined;
  if (!day?.isValid) throw new BotError('invalid_request', `"${date}" is not a date (YYYY-MM-DD)`);
  return day.plus({ days: 1 }).startOf('day').toMillis();
}
