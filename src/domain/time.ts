import { BotError } from './errors.js';

const ISO_DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/;

/** Adds an ISO 8601 duration (P14D, P2W, P1M, PT8H, P1DT4H) to `from` (epoch ms), calendar-aware for months and years. */
export function addIsoDuration(from: number, duration: string): number {
  const match = ISO_DURATION.exec(duration);
  if (!match || duration === 'P' || duration.endsWith('T')) {
    throw new BotError('invalid_request', `"${duration}" is not an ISO 8601 duration`);
  }
  const [years, months, weeks, days, hours, minutes] = match.slice(1).map((v) => Number(v ?? 0)) as number[];
  const date = new Date(from);
  if (years || months) date.setUTCMonth(date.getUTCMonth() + (years ?? 0) * 12 + (months ?? 0));
  return date.getTime() + ((weeks ?? 0) * 7 + (days ?? 0)) * 86_400_000 + (hours ?? 0) * 3_600_000 + (minutes ?? 0) * 60_000;
}

// Intl formatters are costly to build and few zones are in use: one per zone, kept (bounded).
const zoneFormatters = new Map<string, Intl.DateTimeFormat | null>();
function zoneFormatter(timeZone: string): Intl.DateTimeFormat | null {
  let format = zoneFormatters.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      format = null; // not a time zone this runtime knows
    }
    if (zoneFormatters.size > 500) zoneFormatters.clear();
    zoneFormatters.set(timeZone, format);
  }
  return format;
}

/** Whether `timeZone` is an IANA time zone name this runtime knows ("Europe/Amsterdam"). */
export function isTimeZone(timeZone: string | null | undefined): timeZone is string {
  return typeof timeZone === 'string' && timeZone.length > 0 && timeZone.length < 64 && zoneFormatter(timeZone) !== null;
}

/** How far the zone's wall clock is ahead of UTC at `utcMs`, in ms. */
function zoneOffsetMs(utcMs: number, format: Intl.DateTimeFormat): number {
  const part: Record<string, number> = {};
  for (const { type, value } of format.formatToParts(utcMs)) part[type] = Number(value);
  const wallClockAsUtc = Date.UTC(part.year!, part.month! - 1, part.day!, part.hour!, part.minute!, part.second!);
  return wallClockAsUtc - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The end of a grant "until YYYY-MM-DD": the end of that day, so "until Friday" includes Friday.
 * The day is the requester's: midnight after it in `timeZone` (an IANA name, as Teams and Slack
 * report it). Without a known zone the day is taken in UTC.
 */
export function endOfDate(date: string, timeZone?: string | null): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const utcMidnightAfter = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + 1) : Number.NaN;
  if (Number.isNaN(utcMidnightAfter) || new Date(utcMidnightAfter - 1).toISOString().slice(0, 10) !== date) {
    throw new BotError('invalid_request', `"${date}" is not a date (YYYY-MM-DD)`);
  }
  const format = timeZone ? zoneFormatter(timeZone) : null;
  if (!format) return utcMidnightAfter;
  // Midnight on the zone's clock: shift by the offset, then once more with the offset found at
  // that instant, which differs when a daylight-saving change lies in between.
  const first = utcMidnightAfter - zoneOffsetMs(utcMidnightAfter, format);
  return utcMidnightAfter - zoneOffsetMs(first, format);
}
