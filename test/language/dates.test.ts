import { describe, expect, it } from 'vitest';
import * as chrono from 'chrono-node';
import { dateOrderOf, extractTimeSpan, mayStartChronoDate } from '../../src/language/dates.js';

// Monday 2026-11-23 09:00 in Amsterdam.
const now = new Date('2026-11-23T08:00:00Z');
const span = (text: string, language: 'en' | 'nl' = 'en', offset = 60) => {
  const r = extractTimeSpan(text, now, offset, language);
  return { duration: r.duration, until: r.until };
};

describe('extractTimeSpan', () => {
  it('does calendar arithmetic on real month lengths and leap years, in the requester\'s calendar', () => {
    const at = (iso: string, text: string, language: 'en' | 'nl' = 'en', offset = 60) => extractTimeSpan(text, new Date(iso), offset, language).until;
    expect(at('2026-02-10T09:00:00Z', 'until the end of the month')).toBe('2026-02-28');
    expect(at('2028-02-10T09:00:00Z', 'tot het einde van de maand', 'nl')).toBe('2028-02-29');
    expect(at('2026-11-23T09:00:00Z', 'tot eind februari', 'nl')).toBe('2027-02-28');
    expect(at('2027-03-01T09:00:00Z', 'until the end of February')).toBe('2028-02-29');
    expect(at('2026-01-31T09:00:00Z', 'until the 30th')).toBe('2026-03-30');
    expect(at('2026-01-31T09:00:00Z', 'until the 28th')).toBe('2026-02-28');
    expect(at('2026-11-23T09:00:00Z', 'until the 31st')).toBe('2026-12-31');
    expect(at('2026-12-28T09:00:00Z', 'until Friday')).toBe('2027-01-01');
    expect(at('2026-12-31T09:00:00Z', 'tot het einde van het jaar', 'nl')).toBe('2026-12-31');
    // 31 December 23:30 UTC is already 1 January in Amsterdam: "tomorrow" is 2 January there.
    expect(at('2026-12-31T23:30:00Z', 'until tomorrow')).toBe('2027-01-02');
    expect(at('2026-12-31T23:30:00Z', 'until tomorrow', 'en', 0)).toBe('2027-01-01');
    expect(at('2027-02-28T09:00:00Z', 'until 29 February')).toBe('2028-02-29');
    expect(extractTimeSpan('until 2027-02-29', new Date('2026-11-23T09:00:00Z'), 60, 'en')).toMatchObject({ until: null, unread: true });
  });

  it('normalises durations: days and weeks as days, months as months, hours as hours', () => {
    expect(span('for 2 weeks')).toEqual({ duration: 'P14D', until: null });
    expect(span('for three days')).toEqual({ duration: 'P3D', until: null });
    expect(span('for a month')).toEqual({ duration: 'P1M', until: null });
    expect(span('for 8 hours')).toEqual({ duration: 'PT8H', until: null });
    expect(span('for a fortnight')).toEqual({ duration: 'P14D', until: null });
    expect(span('voor 2 weken', 'nl')).toEqual({ duration: 'P14D', until: null });
    expect(span('twee weken', 'nl')).toEqual({ duration: 'P14D', until: null });
    expect(span('een maand', 'nl')).toEqual({ duration: 'P1M', until: null });
    expect(span('acht uur', 'nl')).toEqual({ duration: 'PT8H', until: null });
    expect(span('één dag', 'nl')).toEqual({ duration: 'P1D', until: null });
    expect(span('for 30 minutes')).toEqual({ duration: 'PT30M', until: null });
  });

  it('reads a period in two parts, the larger unit first, as one (en, nl)', () => {
    expect(span('for two weeks and three days')).toEqual({ duration: 'P17D', until: null });
    expect(span('for 2 weeks and 3 days')).toEqual({ duration: 'P17D', until: null });
    expect(span('for a week and two days')).toEqual({ duration: 'P9D', until: null });
    expect(span('for 1 month and 2 weeks')).toEqual({ duration: 'P1M14D', until: null });
    expect(span('for 1 day and 4 hours')).toEqual({ duration: 'P1DT4H', until: null });
    expect(span('for 2 hours and 30 minutes')).toEqual({ duration: 'PT2H30M', until: null });
    expect(span('voor twee weken en drie dagen', 'nl')).toEqual({ duration: 'P17D', until: null });
    expect(span('voor 1 maand en 2 weken', 'nl')).toEqual({ duration: 'P1M14D', until: null });
    // The smaller unit first, the same unit twice or a part of zero: not read as one period (asked about).
    for (const text of ['for 3 days and 2 weeks', 'for 2 days and 3 days', 'for 2 weeks and 0 days']) {
      expect(extractTimeSpan(text, now, 60, 'en').duration, text).not.toBe('P17D');
      expect(extractTimeSpan(text, now, 60, 'en').rest, text).toMatch(/days|weeks/);
    }
  });

  it('reads end dates relative to now, never today for a weekday', () => {
    expect(span('until Friday')).toEqual({ duration: null, until: '2026-11-27' });
    expect(span('until Monday')).toEqual({ duration: null, until: '2026-11-30' });
    expect(span('tot vrijdag', 'nl')).toEqual({ duration: null, until: '2026-11-27' });
    expect(span('until 2026-12-31')).toEqual({ duration: null, until: '2026-12-31' });
    expect(span('tot 31 december', 'nl')).toEqual({ duration: null, until: '2026-12-31' });
    expect(span('until 31 Dec')).toEqual({ duration: null, until: '2026-12-31' });
    expect(span('until January 5th')).toEqual({ duration: null, until: '2027-01-05' });
    expect(span('tot 1 januari', 'nl')).toEqual({ duration: null, until: '2027-01-01' });
    expect(span('t/m 31-12', 'nl')).toEqual({ duration: null, until: '2026-12-31' });
    expect(span('until tomorrow')).toEqual({ duration: null, until: '2026-11-24' });
    expect(span('tot het einde van de maand', 'nl')).toEqual({ duration: null, until: '2026-11-30' });
    expect(span('until end of day')).toEqual({ duration: null, until: '2026-11-23' });
    expect(span('tot eind december', 'nl')).toEqual({ duration: null, until: '2026-12-31' });
    expect(span('until the end of February')).toEqual({ duration: null, until: '2027-02-28' });
    expect(span('until the 15th')).toEqual({ duration: null, until: '2026-12-15' });
    expect(span('until the 30th')).toEqual({ duration: null, until: '2026-11-30' });
    expect(span('until the 31st of December')).toEqual({ duration: null, until: '2026-12-31' });
    expect(span('until Dec. 31st, 2027')).toEqual({ duration: null, until: '2027-12-31' });
    expect(span('until March 3rd')).toEqual({ duration: null, until: '2027-03-03' });
    expect(span('tot 3 mrt', 'nl')).toEqual({ duration: null, until: '2027-03-03' });
    expect(span('until 1 December 2026')).toEqual({ duration: null, until: '2026-12-01' });
  });

  it('leaves reports about the past and impossible dates alone', () => {
    expect(span('2 weeks ago')).toEqual({ duration: null, until: null });
    expect(span('twee weken geleden', 'nl')).toEqual({ duration: null, until: null });
    expect(span('until 2026-02-30')).toEqual({ duration: null, until: null });
    expect(span('toegang tot het postvak Info', 'nl')).toEqual({ duration: null, until: null });
  });

  it('says when a period or end date was written but could not be read', () => {
    const unread = (text: string) => extractTimeSpan(text, now, 60, 'en').unread;
    expect(unread('until 2026-02-30')).toBe(true);
    expect(unread('for 0 weeks')).toBe(true);
    expect(unread('for 99999 days')).toBe(true);
    expect(unread('for -3 days')).toBe(true);
    expect(unread('until Friday')).toBe(false);
    expect(unread('toegang tot het postvak Info')).toBe(false);
    expect(unread('give Megan send as')).toBe(false);
  });

  it('blanks what it read so the words are not taken for names', () => {
    const r = extractTimeSpan('give Megan send as until May 3 please', now, 60, 'en');
    expect(r.until).toBe('2027-05-03');
    expect(r.rest).not.toMatch(/May/);
    expect(r.rest).toHaveLength('give Megan send as until May 3 please'.length);
  });
});

describe('extractTimeSpan on words that are also Object.prototype members', () => {
  it('reads no date from "constructor", neither as a weekday nor as a month', () => {
    expect(span('until constructor')).toEqual({ duration: null, until: null });
    expect(span('until end of constructor')).toEqual({ duration: null, until: null });
  });
});

describe('the guard in front of chrono', () => {
  // Every word chrono's English and Dutch patterns know, at the start of a phrase, with endings that make
  // dates of many shapes: wherever chrono reads a date at index 0, the guard must have let the phrase through.
  const context = { option: { forwardDate: true } } as unknown as Parameters<chrono.Parser['pattern']>[0];
  const tails = ['', '5', ' 5', ' 12', ' 31st', ' 2027', ' december', ' dec 31', ' december 2027', ' of december', ' van december',
    ' 3 days', ' 2 weeks', ' week', ' weeks', ' dagen', ' weken', ' day', ' month', ' maand', ' night', ' morning', ' ochtend',
    ' avond', ' friday', ' vrijdag', ' at 5pm', ' om 5 uur', ' 5pm', ' later', ' ago', ' geleden', ' na', ' from now', ' of the month',
    ' day of the month', ' couple of days', ' few days', ' hour', ' uur', ' 3', ' drie dagen', ' three days', ', 31 december'];
  for (const [language, parser] of [['en', chrono.en], ['nl', chrono.nl]] as const) {
    it(`lets through every phrase chrono reads a date from at its start (${language})`, () => {
      const words = new Set<string>(['5', '+3', '-3', '(', ',']);
      for (const p of parser.casual.parsers) {
        for (const w of p.pattern(context).source.match(/[a-zà-ÿ']+/gi) ?? []) words.add(w.toLowerCase());
      }
      expect(words.size).toBeGreaterThan(100);
      let dates = 0;
      for (const word of words) {
        for (const tail of tails) {
          const glued = tail.startsWith(' ') ? tail.slice(1) : tail;
          for (const text of [`${word}${tail}`, `${word[0]!.toUpperCase()}${word.slice(1)}${tail}`, `${word}${glued}`]) {
            const first = parser.parse(text, { instant: now, timezone: 60 }, { forwardDate: true })[0];
            if (first && first.index === 0 && first.start.isCertain('month') && first.start.isCertain('day')) {
              dates++;
              expect(mayStartChronoDate(text, language), text).toBe(true);
            }
          }
        }
      }
      expect(dates).toBeGreaterThan(200);
    });
  }

  it('keeps chrono away from names', () => {
    for (const text of ['Sales', 'Team 5 Bakker?', 'Megan Bowen', 'het postvak van Megan', 'Klantenservice', 'Support']) {
      expect(mayStartChronoDate(text, 'nl') || mayStartChronoDate(text, 'en'), text).toBe(false);
    }
  });

  it('reads a numeric day and month in the order of the requester\'s locale', () => {
    const read = (text: string, locale?: string, language: 'en' | 'nl' = 'en') => {
      const r = extractTimeSpan(text, now, 60, language, locale);
      return { until: r.until, readings: r.untilReadings ?? null };
    };
    // en-US writes the month first: 1/2 is 2 January (the next one after 23 November 2026).
    expect(read('until 1/2', 'en-US')).toEqual({ until: '2027-01-02', readings: null });
    expect(read('until 1/2', 'en_US')).toEqual({ until: '2027-01-02', readings: null });
    expect(read('until 12/31/2026', 'en-US')).toEqual({ until: '2026-12-31', readings: null });
    // Every other locale day first.
    for (const locale of ['en-GB', 'nl-NL', 'nl-BE', 'de-DE', 'en']) {
      expect(read('until 1/2', locale), locale).toEqual({ until: '2027-02-01', readings: null });
    }
    expect(read('tot 1-2', 'nl-NL', 'nl')).toEqual({ until: '2027-02-01', readings: null });
    // A date that exists in one order only is read that way, whatever the locale.
    expect(read('until 31/12', 'en-US')).toEqual({ until: '2026-12-31', readings: null });
    expect(read('until 12/31', 'en-GB')).toEqual({ until: '2026-12-31', readings: null });
    // No locale: an unambiguous date as before; two real readings are both handed back, none picked.
    expect(read('until 31/12')).toEqual({ until: '2026-12-31', readings: null });
    expect(read('until 12/31')).toEqual({ until: '2026-12-31', readings: null });
    expect(read('until 5/5')).toEqual({ until: '2027-05-05', readings: null });
    expect(read('until 1/2')).toEqual({ until: null, readings: ['2027-02-01', '2027-01-02'] });
    // Dutch is written day first, locale or not.
    expect(read('tot 3-4-2027', undefined, 'nl')).toEqual({ until: '2027-04-03', readings: null });
    expect(read('tot 3/4', 'en-US', 'nl')).toEqual({ until: '2027-04-03', readings: null });
    // So is a date written with dots, in any language and locale.
    expect(read('until 12.01.', 'en-US')).toEqual({ until: '2027-01-12', readings: null });
    expect(read('until 3.4.2027')).toEqual({ until: '2027-04-03', readings: null });
    expect(extractTimeSpan('until 1/2', now, 60, 'en').unread).toBe(false);
  });

  it('knows the numeric date order of a locale only when there is one', () => {
    expect(dateOrderOf('en-US')).toBe('mdy');
    expect(dateOrderOf('en-GB')).toBe('dmy');
    expect(dateOrderOf('nl-BE')).toBe('dmy');
    expect(dateOrderOf(undefined)).toBeUndefined();
    expect(dateOrderOf('')).toBeUndefined();
    expect(dateOrderOf('not a locale')).toBeUndefined();
  });

  it('returns both a period and an end date when both are written, flagged, never one dropped', () => {
    expect(extractTimeSpan('for 2 weeks until Friday', now, 60, 'en')).toMatchObject({ duration: 'P14D', until: '2026-11-27', both: true });
    expect(extractTimeSpan('until Friday for 2 weeks', now, 60, 'en')).toMatchObject({ duration: 'P14D', until: '2026-11-27', both: true });
    expect(extractTimeSpan('twee weken tot vrijdag', now, 60, 'nl')).toMatchObject({ duration: 'P14D', until: '2026-11-27', both: true });
    expect(extractTimeSpan('for a fortnight till 31/12', now, 60, 'en')).toMatchObject({ duration: 'P14D', until: '2026-12-31', both: true });
    expect(extractTimeSpan('for 2 weeks', now, 60, 'en').both).toBeUndefined();
    expect(extractTimeSpan('until Friday', now, 60, 'en').both).toBeUndefined();
  });
});
