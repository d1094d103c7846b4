import { describe, expect, it } from 'vitest';
import { isBotError } from '../../src/domain/errors.js';
import { addIsoDuration, endOfDate, isTimeZone } from '../../src/domain/time.js';

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

  it('falls back to UTC for a zone the runtime does not know, and refuses what is not a date', () => {
    expect(endOfDate('2026-11-27', 'Mars/Olympus_Mons')).toBe(Date.parse('2026-11-28T00:00:00Z'));
    for (const bad of ['2026-02-30', '27-11-2026', 'Friday', '']) {
      expect(() => endOfDate(bad, 'Europe/Amsterdam')).toThrow(expect.toSatisfy((e: unknown) => isBotError(e, 'invalid_request')));
    }
  });
});

describe('isTimeZone', () => {
  it('knows IANA names and nothing else', () => {
    expect(isTimeZone('Europe/Amsterdam')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(isTimeZone(undefined)).toBe(false);
    expect(isTimeZone('x'.repeat(200))).toBe(false);
  });
});

describe('addIsoDuration', () => {
  it('adds days, weeks, hours and calendar months', () => {
    const from = Date.parse('2026-01-31T10:00:00Z');
    expect(addIsoDuration(from, 'P14D')).toBe(Date.parse('2026-02-14T10:00:00Z'));
    expect(addIsoDuration(from, 'P2W')).toBe(Date.parse('2026-02-14T10:00:00Z'));
    expect(addIsoDuration(from, 'PT8H')).toBe(Date.parse('2026-01-31T18:00:00Z'));
    expect(addIsoDuration(Date.parse('2026-03-15T00:00:00Z'), 'P1M')).toBe(Date.parse('2026-04-15T00:00:00Z'));
    expect(() => addIsoDuration(from, 'P')).toThrow();
  });
});
