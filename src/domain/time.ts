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

/**
 * The end of a grant "until YYYY-MM-DD": the end of that day, so "until Friday" includes Friday.
 * Days are taken in UTC; the directory has no time zone per user.
 */
export function endOfDate(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + 1) : Number.NaN;
  if (Number.isNaN(ms) || new Date(ms - 1).toISOString().slice(0, 10) !== date) {
    throw new BotError('invalid_request', `"${date}" is not a date (YYYY-MM-DD)`);
  }
  return ms;
}
