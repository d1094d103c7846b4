import { describe, expect, it } from 'vitest';
import { isBotError } from '../../src/domain/errors.js';
import { addIsoDuration, calendarOffset, endOfDate, isOffsetZone, isTimeZone, offsetZone, periodSpan, requesterZone, wallClockAsUtc } from '../../src/domain/time.js';

describe('endOfDate', () => {
  it('is midnight after the date in UTC without a zone', () => {
    expect(endOfDate('2026-11-27')).toBe(Date.parse('2026-11-28T00:00:00Z'));
    expect(endOfDate('2026-12-31')).toBe(Date.parse('2027-01-01T00:00:00Z'));
  });

  it('is midnight after the date on the clock of the given zone', () => {
    expect(endOfDate('2026-11-27', 'Europe/Amsterdam')).toBe(Date.parse('2026-11-27T23:00:00Z'));
    expect(endOfDate('2026-07-10', 'Europe/Amsterdam')).toBe(Date.parse('2026-07-10T22:00:00Z'));
    expect(endOfDate('2026-11-27', 'America/Los_Angeles')).toBe(Date.parse('2026-11-28T08:00:00Z'));
    expect(endOfDate('2026-11-27', 'Asia/Kolkata')).toBe(Date.parse('2026-11-27T18:30:00Z'));
    expect(endOfDate('2026-11-27', 'Pacific/Kiritimati')).toBe(Date.parse('2026-11-27T10:00:00Z'));
  });

  it('follows daylight-saving changes between the date and the midnight after it', () => {
    // Amsterdam moves to summer time at 02:00 on 29 March 2026 and back at 03:00 on 25 October 2026.
    expect(endOfDate('2026-03-28', 'Europe/Amsterdam')).toBe(Date.parse('2026-03-28T23:00:00Z'));
    expect(endOfDate('2026-03-29', 'Europe/Amsterdam')).toBe(Date.parse('2026-03-29T22:00:00Z'));
    expect(endOfDate('2026-10-24', 'Europe/Amsterdam')).toBe(Date.parse('2026-10-24T22:00:00Z'));
    expect(endOfDate('2026-10-25', 'Europe/Amsterdam')).toBe(Date.parse('2026-10-25T23:00:00Z'));
  });

  it('is midnight after the date on the clock of a fixed offset, when that is all the client reported', () => {
    expect(endOfDate('2026-11-27', '+01:00')).toBe(Date.parse('2026-11-27T23:00:00Z'));
    expect(endOfDate('2026-11-27', '-05:00')).toBe(Date.parse('2026-11-28T05:00:00Z'));
    expect(endOfDate('2026-11-27', '+05:45')).toBe(Date.parse('2026-11-27T18:15:00Z'));
    expect(endOfDate('2026-11-27', '+14:00')).toBe(Date.parse('2026-11-27T10:00:00Z'));
    expect(endOfDate('2026-11-27', '+0100')).toBe(Date.parse('2026-11-27T23:00:00Z'));
    // A fixed offset follows no daylight saving: +01:00 in July is still 23:00 UTC.
    expect(endOfDate('2026-07-10', '+01:00')).toBe(Date.parse('2026-07-10T23:00:00Z'));
  });

  it('falls back to UTC for what is no zone: an unknown name, an offset out of range', () => {
    for (const bad of ['+25:00', '+14:30', 'abc', '01:00', '-00:30']) expect(endOfDate('2026-11-27', bad), bad).toBe(Date.parse('2026-11-28T00:00:00Z'));
  });

  it('falls back to UTC for a zone the runtime does not know, and refuses what is not a date', () => {
    expect(endOfDate('2026-11-27', 'Mars/Olympus_Mons')).toBe(Date.parse('2026-11-28T00:00:00Z'));
    for (const bad of ['2026-02-30', '27-11-2026', 'Friday', '']) {
      expect(() => endOfDate(bad, 'Europe/Amsterdam')).toThrow(expect.toSatisfy((e: unknown) => isBotError(e, 'invalid_request')));
    }
  });
});

describe('isTimeZone', () => {
  it('knows IANA names and fixed offsets within ±14:00, and nothing else', () => {
    expect(isTimeZone('Europe/Amsterdam')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(isTimeZone(undefined)).toBe(false);
    expect(isTimeZone('x'.repeat(200))).toBe(false);
    for (const offset of ['+01:00', '-05:00', '+05:45', '+14:00', '-12:00', '+00:00', '-00:00', '+0100', '+01']) {
      expect(isTimeZone(offset), offset).toBe(true);
      expect(isOffsetZone(offset), offset).toBe(true);
    }
    // Out of range, malformed, or -00:30 (TZDate would read it as +00:30).
    for (const bad of ['+25:00', '+14:30', '-14:01', '+01:60', '+1:00', '01:00', '+01:00:00', '+01:0', ' +01:00', 'x+01:00', '-00:30', 'abc', '+']) {
      expect(isTimeZone(bad), bad).toBe(false);
      expect(isOffsetZone(bad), bad).toBe(false);
    }
    expect(isOffsetZone('Europe/Amsterdam')).toBe(false);
    expect(isOffsetZone(undefined)).toBe(false);
  });
});

describe('offsetZone', () => {
  it('writes minutes east of UTC as ±HH:MM', () => {
    expect(offsetZone(60)).toBe('+01:00');
    expect(offsetZone(-300)).toBe('-05:00');
    expect(offsetZone(345)).toBe('+05:45');
    expect(offsetZone(-570)).toBe('-09:30');
    expect(offsetZone(0)).toBe('+00:00');
    expect(offsetZone(840)).toBe('+14:00');
  });

  it('is undefined for what no clock reports', () => {
    for (const bad of [15 * 60, -14 * 60 - 1, 60.5, Number.NaN, Number.POSITIVE_INFINITY, -30, undefined, null]) expect(offsetZone(bad), String(bad)).toBeUndefined();
  });
});

describe('wallClockAsUtc', () => {
  it('is the moment whose UTC clock reads what the zone\'s clock reads', () => {
    const at = Date.parse('2026-11-27T23:30:15.250Z');
    expect(wallClockAsUtc(at, '+01:00')).toBe(Date.parse('2026-11-28T00:30:15.250Z'));
    expect(wallClockAsUtc(at, '-05:00')).toBe(Date.parse('2026-11-27T18:30:15.250Z'));
    expect(wallClockAsUtc(at, 'Europe/Amsterdam')).toBe(Date.parse('2026-11-28T00:30:15.250Z'));
    expect(wallClockAsUtc(at, 'Mars/Olympus_Mons')).toBe(at);
  });
});

describe('requesterZone', () => {
  it('is the zone when known, else the client offset, else nothing', () => {
    expect(requesterZone('Europe/Amsterdam', 120)).toBe('Europe/Amsterdam');
    expect(requesterZone('Mars/Olympus_Mons', 60)).toBe('+01:00');
    expect(requesterZone(undefined, -300)).toBe('-05:00');
    expect(requesterZone('+02:00', 60)).toBe('+02:00');
    expect(requesterZone('Mars/Olympus_Mons')).toBeUndefined();
    expect(requesterZone(undefined, 15 * 60)).toBeUndefined();
  });
});

describe('addIsoDuration', () => {
  it('adds days, weeks, hours and calendar months', () => {
    const from = Date.parse('2026-01-31T10:00:00Z');
    expect(addIsoDuration(from, 'P14D')).toBe(Date.parse('2026-02-14T10:00:00Z'));
    expect(addIsoDuration(from, 'P2W')).toBe(Date.parse('2026-02-14T10:00:00Z'));
    expect(addIsoDuration(from, 'PT8H')).toBe(Date.parse('2026-01-31T18:00:00Z'));
    expect(addIsoDuration(from, 'P1DT4H')).toBe(Date.parse('2026-02-01T14:00:00Z'));
    expect(addIsoDuration(Date.parse('2026-03-15T00:00:00Z'), 'P1M')).toBe(Date.parse('2026-04-15T00:00:00Z'));
  });

  it('ends a month or year on the same day of the target month, clamped to its last day', () => {
    // 31 January + 1 month is the end of February, not 3 March.
    expect(addIsoDuration(Date.parse('2026-01-31T10:00:00Z'), 'P1M')).toBe(Date.parse('2026-02-28T10:00:00Z'));
    expect(addIsoDuration(Date.parse('2028-01-31T10:00:00Z'), 'P1M')).toBe(Date.parse('2028-02-29T10:00:00Z'));
    expect(addIsoDuration(Date.parse('2026-03-31T09:00:00Z'), 'P1M')).toBe(Date.parse('2026-04-30T09:00:00Z'));
    expect(addIsoDuration(Date.parse('2026-11-30T09:00:00Z'), 'P3M')).toBe(Date.parse('2027-02-28T09:00:00Z'));
    expect(addIsoDuration(Date.parse('2026-12-31T09:00:00Z'), 'P2M')).toBe(Date.parse('2027-02-28T09:00:00Z'));
    // Leap day + 1 year is 28 February; + 4 years is the next leap day.
    expect(addIsoDuration(Date.parse('2028-02-29T12:00:00Z'), 'P1Y')).toBe(Date.parse('2029-02-28T12:00:00Z'));
    expect(addIsoDuration(Date.parse('2028-02-29T12:00:00Z'), 'P4Y')).toBe(Date.parse('2032-02-29T12:00:00Z'));
    expect(addIsoDuration(Date.parse('2028-02-29T12:00:00Z'), 'P12M')).toBe(Date.parse('2029-02-28T12:00:00Z'));
  });

  it('moves the calendar in the requester\'s zone: the wall-clock time stays across a daylight-saving change', () => {
    // Amsterdam: summer time from 02:00 on 29 March 2026 (+01:00 -> +02:00), winter time from 03:00 on 25 October 2026.
    const beforeSpring = Date.parse('2026-03-28T09:00:00Z'); // 10:00 in Amsterdam
    expect(addIsoDuration(beforeSpring, 'P1D', 'Europe/Amsterdam')).toBe(Date.parse('2026-03-29T08:00:00Z')); // 10:00, 23 h later
    expect(addIsoDuration(beforeSpring, 'P1D')).toBe(Date.parse('2026-03-29T09:00:00Z')); // UTC: 24 h
    expect(addIsoDuration(Date.parse('2026-03-15T09:00:00Z'), 'P1M', 'Europe/Amsterdam')).toBe(Date.parse('2026-04-15T08:00:00Z'));
    expect(addIsoDuration(Date.parse('2026-10-24T08:00:00Z'), 'P1W', 'Europe/Amsterdam')).toBe(Date.parse('2026-10-31T09:00:00Z'));
    // Hours are elapsed time, also across the change.
    expect(addIsoDuration(Date.parse('2026-03-29T00:00:00Z'), 'PT8H', 'Europe/Amsterdam')).toBe(Date.parse('2026-03-29T08:00:00Z'));
    // The month end is the requester's: 30 January 23:30 UTC is 31 January 00:30 in Amsterdam, so + 1 month
    // ends at 28 February 00:30 there; in UTC the 30th + 1 month is (clamped) 28 February 23:30.
    expect(addIsoDuration(Date.parse('2026-01-30T23:30:00Z'), 'P1M', 'Europe/Amsterdam')).toBe(Date.parse('2026-02-27T23:30:00Z'));
    expect(addIsoDuration(Date.parse('2026-01-30T23:30:00Z'), 'P1M')).toBe(Date.parse('2026-02-28T23:30:00Z'));
    // An unknown zone computes in UTC.
    expect(addIsoDuration(beforeSpring, 'P1D', 'Mars/Olympus_Mons')).toBe(Date.parse('2026-03-29T09:00:00Z'));
  });

  it('refuses what is not a whole-number ISO 8601 duration', () => {
    for (const bad of ['P', 'PT', '14D', 'P1.5D', 'P-1D', 'P1D ', 'one month', '']) {
      expect(() => addIsoDuration(0, bad), bad).toThrow(expect.toSatisfy((e: unknown) => isBotError(e, 'invalid_request')));
    }
  });
});

describe('periodSpan', () => {
  const at = (iso: string) => Date.parse(iso);
  // Wednesday 25 November 2026, 00:30 in Amsterdam (still Tuesday in UTC).
  const now = at('2026-11-24T23:30:00Z');

  it("is today, yesterday and this week (Monday on) on the asker's calendar", () => {
    expect(periodSpan('today', now, 'Europe/Amsterdam')).toEqual({ since: at('2026-11-24T23:00:00Z'), until: at('2026-11-25T23:00:00Z') });
    expect(periodSpan('yesterday', now, 'Europe/Amsterdam')).toEqual({ since: at('2026-11-23T23:00:00Z'), until: at('2026-11-24T23:00:00Z') });
    expect(periodSpan('this_week', now, 'Europe/Amsterdam')).toEqual({ since: at('2026-11-22T23:00:00Z'), until: at('2026-11-29T23:00:00Z') });
    // The same moment in UTC is still Tuesday.
    expect(periodSpan('today', now)).toEqual({ since: at('2026-11-24T00:00:00Z'), until: at('2026-11-25T00:00:00Z') });
    // A Sunday belongs to the week that began the Monday before.
    expect(periodSpan('this_week', at('2026-11-29T12:00:00Z'), 'UTC')).toEqual({ since: at('2026-11-23T00:00:00Z'), until: at('2026-11-30T00:00:00Z') });
  });

  it('is a named weekday (the most recent one, today when it is that day) and last week (Monday to Sunday)', () => {
    // Wednesday 25 November in Amsterdam: Friday is the 20th, Wednesday today, Tuesday yesterday.
    expect(periodSpan('friday', now, 'Europe/Amsterdam')).toEqual({ since: at('2026-11-19T23:00:00Z'), until: at('2026-11-20T23:00:00Z') });
    expect(periodSpan('wednesday', now, 'Europe/Amsterdam')).toEqual(periodSpan('today', now, 'Europe/Amsterdam'));
    expect(periodSpan('tuesday', now, 'Europe/Amsterdam')).toEqual(periodSpan('yesterday', now, 'Europe/Amsterdam'));
    expect(periodSpan('thursday', now, 'Europe/Amsterdam')).toEqual({ since: at('2026-11-18T23:00:00Z'), until: at('2026-11-19T23:00:00Z') });
    // In UTC the same moment is still Tuesday: its Wednesday is a week back.
    expect(periodSpan('wednesday', now)).toEqual({ since: at('2026-11-18T00:00:00Z'), until: at('2026-11-19T00:00:00Z') });
    expect(periodSpan('last_week', now, 'Europe/Amsterdam')).toEqual({ since: at('2026-11-15T23:00:00Z'), until: at('2026-11-22T23:00:00Z') });
    // On a Sunday, last week is the one before the week that ends today; on a Monday, the one that ended yesterday.
    expect(periodSpan('last_week', at('2026-11-29T12:00:00Z'), 'UTC')).toEqual({ since: at('2026-11-16T00:00:00Z'), until: at('2026-11-23T00:00:00Z') });
    expect(periodSpan('last_week', at('2026-11-30T00:10:00Z'), 'UTC')).toEqual({ since: at('2026-11-23T00:00:00Z'), until: at('2026-11-30T00:00:00Z') });
    // The fixed offset reads the same days.
    expect(periodSpan('friday', now, undefined, 60)).toEqual({ since: at('2026-11-19T23:00:00Z'), until: at('2026-11-20T23:00:00Z') });
    expect(periodSpan('last_week', now, undefined, 60)).toEqual({ since: at('2026-11-15T23:00:00Z'), until: at('2026-11-22T23:00:00Z') });
    // A week across the end of summer time is 169 hours.
    const autumn = periodSpan('last_week', at('2026-10-28T12:00:00Z'), 'Europe/Amsterdam');
    expect(autumn).toEqual({ since: at('2026-10-18T22:00:00Z'), until: at('2026-10-25T23:00:00Z') });
  });

  it('is "last Friday": the one before today, a week back when today is that day', () => {
    // Wednesday 25 November in Amsterdam.
    expect(periodSpan('last_friday', now, 'Europe/Amsterdam')).toEqual(periodSpan('friday', now, 'Europe/Amsterdam'));
    expect(periodSpan('last_wednesday', now, 'Europe/Amsterdam')).toEqual({ since: at('2026-11-17T23:00:00Z'), until: at('2026-11-18T23:00:00Z') });
    expect(periodSpan('last_tuesday', now, 'Europe/Amsterdam')).toEqual(periodSpan('yesterday', now, 'Europe/Amsterdam'));
    expect(periodSpan('last_wednesday', now, undefined, 60)).toEqual({ since: at('2026-11-17T23:00:00Z'), until: at('2026-11-18T23:00:00Z') });
  });

  it('is "Friday last week": that day of the Monday-to-Sunday week before this one', () => {
    // Wednesday 25 November in Amsterdam: last week is Monday 16 to Sunday 22.
    expect(periodSpan('last_week_friday', now, 'Europe/Amsterdam')).toEqual({ since: at('2026-11-19T23:00:00Z'), until: at('2026-11-20T23:00:00Z') });
    expect(periodSpan('last_week_monday', now, 'Europe/Amsterdam')).toEqual({ since: at('2026-11-15T23:00:00Z'), until: at('2026-11-16T23:00:00Z') });
    expect(periodSpan('last_week_sunday', now, 'Europe/Amsterdam')).toEqual({ since: at('2026-11-21T23:00:00Z'), until: at('2026-11-22T23:00:00Z') });
    // Today's weekday of last week is a week back, not today.
    expect(periodSpan('last_week_wednesday', now, 'Europe/Amsterdam')).toEqual({ since: at('2026-11-17T23:00:00Z'), until: at('2026-11-18T23:00:00Z') });
    // On Sunday 29 November, Friday last week is the 20th (not the 27th, which is this week's).
    expect(periodSpan('last_week_friday', at('2026-11-29T12:00:00Z'), 'UTC')).toEqual({ since: at('2026-11-20T00:00:00Z'), until: at('2026-11-21T00:00:00Z') });
    // On Monday 30 November, it is the 27th.
    expect(periodSpan('last_week_friday', at('2026-11-30T00:10:00Z'), 'UTC')).toEqual({ since: at('2026-11-27T00:00:00Z'), until: at('2026-11-28T00:00:00Z') });
    // The fixed offset reads the same days; the Sunday summer time ended is 25 hours.
    expect(periodSpan('last_week_friday', now, undefined, 60)).toEqual({ since: at('2026-11-19T23:00:00Z'), until: at('2026-11-20T23:00:00Z') });
    expect(periodSpan('last_week_sunday', at('2026-10-28T12:00:00Z'), 'Europe/Amsterdam')).toEqual({ since: at('2026-10-24T22:00:00Z'), until: at('2026-10-25T23:00:00Z') });
  });

  it('follows a daylight-saving change: the day of it is 23 hours', () => {
    expect(periodSpan('today', at('2026-03-29T12:00:00Z'), 'Europe/Amsterdam')).toEqual({ since: at('2026-03-28T23:00:00Z'), until: at('2026-03-29T22:00:00Z') });
  });

  it("without a known zone, uses the client's fixed offset, else UTC", () => {
    expect(periodSpan('today', now, undefined, 60)).toEqual({ since: at('2026-11-24T23:00:00Z'), until: at('2026-11-25T23:00:00Z') });
    expect(periodSpan('this_week', now, 'Mars/Olympus_Mons', 60)).toEqual({ since: at('2026-11-22T23:00:00Z'), until: at('2026-11-29T23:00:00Z') });
    expect(periodSpan('yesterday', now, 'Mars/Olympus_Mons')).toEqual({ since: at('2026-11-23T00:00:00Z'), until: at('2026-11-24T00:00:00Z') });
    // West of UTC: 23:30 UTC Tuesday is 18:30 Tuesday at -05:00.
    expect(periodSpan('today', now, undefined, -300)).toEqual({ since: at('2026-11-24T05:00:00Z'), until: at('2026-11-25T05:00:00Z') });
  });

  it('takes a fixed offset given as the zone', () => {
    expect(periodSpan('today', now, '+01:00')).toEqual({ since: at('2026-11-24T23:00:00Z'), until: at('2026-11-25T23:00:00Z') });
    expect(periodSpan('this_week', now, '-05:00')).toEqual({ since: at('2026-11-23T05:00:00Z'), until: at('2026-11-30T05:00:00Z') });
  });
});

describe('calendarOffset', () => {
  const at = Date.parse('2026-12-07T20:30:00Z');
  it('is the zone\'s offset at that moment when the zone is known, before any client offset', () => {
    expect(calendarOffset(at, 'Pacific/Kiritimati', 0)).toBe(840);
    expect(calendarOffset(at, 'Pacific/Honolulu')).toBe(-600);
    expect(calendarOffset(at, 'Europe/Amsterdam', 120)).toBe(60);
    expect(calendarOffset(Date.parse('2026-07-07T20:30:00Z'), 'Europe/Amsterdam')).toBe(120);
    expect(calendarOffset(at, 'UTC')).toBe(0);
  });
  it('is the client\'s fixed offset without a known zone, and nothing without either', () => {
    expect(calendarOffset(at, 'Mars/Olympus', 60)).toBe(60);
    expect(calendarOffset(at, undefined, -600)).toBe(-600);
    expect(calendarOffset(at, null, 15 * 60)).toBeUndefined();
    expect(calendarOffset(at, undefined, Number.NaN)).toBeUndefined();
    expect(calendarOffset(at)).toBeUndefined();
  });
  it('is the offset of a fixed-offset zone', () => {
    expect(calendarOffset(at, '+01:00')).toBe(60);
    expect(calendarOffset(at, '-05:00', 60)).toBe(-300);
    expect(calendarOffset(at, '+25:00', 60)).toBe(60);
  });
  it('gives the day whose end endOfDate computes in the same zone', () => {
    const offset = calendarOffset(at, 'Pacific/Kiritimati')!;
    const today = new Date(at + offset * 60_000).toISOString().slice(0, 10);
    expect(today).toBe('2026-12-08');
    expect(endOfDate(today, 'Pacific/Kiritimati')).toBe(Date.parse('2026-12-08T10:00:00Z'));
  });
  it('gives the day whose end endOfDate computes at the client offset, when that is all there is', () => {
    // 20:30 UTC on Monday 7 December is 01:30 on Tuesday at +05:00: Tuesday ends at 19:00 UTC.
    const offset = calendarOffset(at, undefined, 300)!;
    const today = new Date(at + offset * 60_000).toISOString().slice(0, 10);
    expect(today).toBe('2026-12-08');
    expect(endOfDate(today, requesterZone(undefined, 300))).toBe(Date.parse('2026-12-08T19:00:00Z'));
  });
});
