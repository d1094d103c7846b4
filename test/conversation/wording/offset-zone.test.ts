import { describe, expect, it } from 'vitest';
import { formatClock, formatEnd, formatMoment, formatSpan } from '../../../src/conversation/wording/format.js';

/** A person whose client reported only its UTC offset sees moments on that clock, as one with an IANA zone does. */
describe('moments on the clock of a fixed offset', () => {
  // Friday 27 November 2026 ends at 23:00 UTC at +01:00, at 05:00 UTC on the 28th at -05:00.
  const PLUS_ONE = { timeZone: '+01:00' };
  const MINUS_FIVE = { timeZone: '-05:00' };

  it('an end at the offset\'s midnight is the end of that day, with no UTC said', () => {
    expect(formatEnd(Date.parse('2026-11-27T23:00:00Z'), { lang: 'en', ...PLUS_ONE })).toBe('until the end of Friday, 27 November 2026');
    expect(formatEnd(Date.parse('2026-11-27T23:00:00Z'), { lang: 'nl', ...PLUS_ONE })).toBe('tot en met vrijdag 27 november 2026');
    expect(formatEnd(Date.parse('2026-11-28T05:00:00Z'), { lang: 'en', ...MINUS_FIVE })).toBe('until the end of Friday, 27 November 2026');
    // UTC midnight is 01:00 on Saturday at +01:00: a moment, not the end of Friday.
    expect(formatEnd(Date.parse('2026-11-28T00:00:00Z'), { lang: 'en', ...PLUS_ONE })).toBe('until Saturday, 28 November 2026 at 01:00');
  });

  it('clock, moment and span follow the offset', () => {
    const at = Date.parse('2026-11-28T03:30:00Z');
    expect(formatClock(at, { lang: 'en', ...PLUS_ONE })).toBe('04:30');
    expect(formatClock(at, { lang: 'en', ...MINUS_FIVE })).toBe('22:30');
    expect(formatMoment(at, { lang: 'en', ...MINUS_FIVE })).toBe('27 Nov 2026 22:30');
    expect(formatClock(Date.parse('2026-11-28T03:30:00Z'), { lang: 'en', timeZone: '+05:45' })).toBe('09:15');
    expect(formatSpan(Date.parse('2026-11-27T05:00:00Z'), Date.parse('2026-11-28T05:00:00Z'), { lang: 'en', ...MINUS_FIVE })).toBe('Friday, 27 November 2026');
  });

  it('an offset that is no zone is shown in UTC, said so', () => {
    expect(formatClock(Date.parse('2026-11-28T03:30:00Z'), { lang: 'en', timeZone: '+25:00' })).toBe('03:30 UTC');
  });
});
