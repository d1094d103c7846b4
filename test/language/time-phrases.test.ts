import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDirectoryFile } from '../../src/directory/file-directory.js';
import { extractTimeSpan } from '../../src/language/dates.js';
import { toContractJson, understand, type UnderstandOptions } from '../../src/language/understand.js';

const directory = loadDirectoryFile(fileURLToPath(new URL('./fixtures/directory.json', import.meta.url)));
/** Monday 7 December 2026, 17:00 in the requester's zone (UTC+1). */
const now = new Date('2026-12-07T16:00:00Z');
const options: UnderstandOptions = { directory, requesterId: 'u-emma', now, utcOffsetMinutes: 60 };
const UNKNOWN = { intent: 'unknown', permission: null, grantee: null, target: null, duration: null, until: null };
const grantUntil = (until: string, language: 'en' | 'nl') => ({
  intent: 'grant',
  permission: 'SendAs',
  grantee: { status: 'resolved', id: 'u-zoe' },
  target: { status: 'resolved', id: 'g-sales' },
  duration: null,
  until,
  language,
});

/** Time phrases without "until": each is an end the grant keeps, or a question; never a grant with no end. */
describe('time phrases with a clear end', () => {
  it('reads for today, tomorrow, this week, next week and the weekend as an end date', async () => {
    const cases: Array<[string, string, 'en' | 'nl']> = [
      ['give Zoe send as on Sales for today', '2026-12-07', 'en'],
      ['give Zoe send as on Sales for the rest of today', '2026-12-07', 'en'],
      ['give Zoe send as on Sales until end of day', '2026-12-07', 'en'],
      ['give Zoe send as on Sales end of day', '2026-12-07', 'en'],
      ['geef Zoë verzenden als op Sales voor vandaag', '2026-12-07', 'nl'],
      // "tomorrow" alone: for tomorrow, so until its end (the grant cannot wait for it to start).
      ['give Zoe send as on Sales tomorrow', '2026-12-08', 'en'],
      ['give Zoe send as on Sales for tomorrow', '2026-12-08', 'en'],
      ['geef Zoë verzenden als op Sales morgen', '2026-12-08', 'nl'],
      ['geef Zoë verzenden als op Sales voor morgen', '2026-12-08', 'nl'],
      // The day after tomorrow, as "overmorgen" is: an end that day, not a start "after tomorrow".
      ['give Zoe send as on Sales until the day after tomorrow', '2026-12-09', 'en'],
      ['give Zoe send as on Sales until day after tomorrow', '2026-12-09', 'en'],
      ['give Zoe send as on Sales the day after tomorrow', '2026-12-09', 'en'],
      ['give Zoe send as on Sales for the day after tomorrow', '2026-12-09', 'en'],
      ['give Zoe send as on Sales day after tomorrow', '2026-12-09', 'en'],
      ['geef Zoë verzenden als op Sales tot overmorgen', '2026-12-09', 'nl'],
      ['geef Zoë verzenden als op Sales overmorgen', '2026-12-09', 'nl'],
      // This week ends on Friday, as "until the end of the week" does.
      ['give Zoe send as on Sales this week', '2026-12-11', 'en'],
      ['give Zoe send as on Sales for the rest of the week', '2026-12-11', 'en'],
      ['geef Zoë verzenden als op Sales deze week', '2026-12-11', 'nl'],
      ['give Zoe send as on Sales next week', '2026-12-18', 'en'],
      ['geef Zoë verzenden als op Sales volgende week', '2026-12-18', 'nl'],
      // The weekend ends on Sunday.
      ['give Zoe send as on Sales for the weekend', '2026-12-13', 'en'],
      ['give Zoe send as on Sales over the weekend', '2026-12-13', 'en'],
      ['give Zoe send as on Sales this weekend', '2026-12-13', 'en'],
      ['geef Zoë verzenden als op Sales het weekend', '2026-12-13', 'nl'],
      ['geef Zoë verzenden als op Sales voor het weekend', '2026-12-13', 'nl'],
      ['give Zoe send as on Sales until Friday', '2026-12-11', 'en'],
      // A start now is what every grant does.
      ['give Zoe send as on Sales from today until Friday', '2026-12-11', 'en'],
      ['geef Zoë verzenden als op Sales vanaf nu tot vrijdag', '2026-12-11', 'nl'],
    ];
    for (const [text, until, language] of cases) {
      const u = await understand(text, options);
      expect(toContractJson(u), text).toEqual(grantUntil(until, language));
      expect(u.unreadEnd, text).toBeUndefined();
    }
  });

  it('reads a bare "today" as when the access is wanted (now, no end), and "by Friday" as no end it may guess', async () => {
    for (const text of ['give Zoe send as on Sales today', 'I need send as on Sales today', 'geef Zoë vandaag verzenden als op Sales']) {
      const u = await understand(text, options);
      expect(u.intent, text).toBe('grant');
      expect(u.duration, text).toBeNull();
      expect(u.until, text).toBeNull();
      expect(u.unreadEnd, text).toBeUndefined();
    }
    for (const [text, said] of [
      ['give Zoe send as on Sales by Friday', 'by Friday'],
      ['give Zoe send as on Sales by tomorrow', 'by tomorrow'],
      ['give Zoe send as on Sales by the day after tomorrow', 'by the day after tomorrow'],
      ['I need send as on Sales by the end of the month', 'by the end of the month'],
    ]) {
      const u = await understand(text!, options);
      expect(u.intent, text).toBe('unknown');
      expect(u.unreadEnd, text).toEqual({ why: 'vague', text: said });
    }
    // With a period, "by" is only when it is needed: the period stands.
    expect((await understand('give Zoe send as on Sales for 2 weeks by Friday', options)).duration).toBe('P14D');
  });

  it('reads the day in the requester\'s time zone', () => {
    // 23:30 UTC on Monday is 00:30 on Tuesday at UTC+1.
    const late = new Date('2026-12-07T23:30:00Z');
    expect(extractTimeSpan('for today', late, 60, 'en').until).toBe('2026-12-08');
    expect(extractTimeSpan('tomorrow', late, 60, 'en').until).toBe('2026-12-09');
    expect(extractTimeSpan('for today', late, 0, 'en').until).toBe('2026-12-07');
  });

  it('ends the week on Friday and the weekend on Sunday, from any day', () => {
    const on = (iso: string, text: string) => extractTimeSpan(text, new Date(iso), 0, 'en').until;
    expect(on('2026-12-11T09:00:00Z', 'this week')).toBe('2026-12-11'); // Friday: today
    expect(on('2026-12-12T09:00:00Z', 'this week')).toBe('2026-12-18'); // Saturday: the coming working week
    expect(on('2026-12-13T09:00:00Z', 'next week')).toBe('2026-12-18'); // Sunday: the week from tomorrow
    expect(on('2026-12-07T09:00:00Z', 'next week')).toBe('2026-12-18'); // Monday: not this week
    expect(on('2026-12-13T09:00:00Z', 'for the weekend')).toBe('2026-12-13'); // Sunday: today
    expect(on('2026-12-12T09:00:00Z', 'for the weekend')).toBe('2026-12-13');
  });

  it('leaves greetings and "until further notice" alone', async () => {
    const morning = await understand('Goede morgen, geef Zoë verzenden als op Sales', options);
    expect(toContractJson(morning)).toMatchObject({ intent: 'grant', until: null, duration: null });
    const notice = await understand('give Zoe send as on Sales until further notice', options);
    expect(toContractJson(notice)).toMatchObject({ intent: 'grant', until: null, duration: null });
    expect(notice.unreadEnd).toBeUndefined();
  });
});

describe('time phrases the bot cannot keep', () => {
  it('asks about a later start instead of starting now (en, nl)', async () => {
    const cases: Array<[string, string, 'en' | 'nl']> = [
      ['give Zoe send as on Sales on Monday', 'on Monday', 'en'],
      ['give Zoe send as on Sales from monday', 'from monday', 'en'],
      ['give Zoe send as on Sales starting tomorrow', 'starting tomorrow', 'en'],
      ['give Zoe send as on Sales for 2 weeks starting Monday', 'starting Monday', 'en'],
      ['give Zoe send as on Sales from Monday until Friday', 'from Monday', 'en'],
      ['give Zoe send as on Sales as of 1 January', 'as of 1 January', 'en'],
      ['give Zoe send as on Sales from next week', 'from next week', 'en'],
      ['geef Zoë verzenden als op Sales vanaf maandag', 'vanaf maandag', 'nl'],
      ['geef Zoë verzenden als op Sales op maandag', 'op maandag', 'nl'],
      ['geef Zoë verzenden als op Sales per 1 januari', 'per 1 januari', 'nl'],
      ['geef Zoë verzenden als op Sales vanaf morgen voor twee weken', 'vanaf morgen', 'nl'],
      ['give Zoe send as on Sales from the day after tomorrow', 'from the day after tomorrow', 'en'],
      ['geef Zoë verzenden als op Sales vanaf overmorgen', 'vanaf overmorgen', 'nl'],
      // A moment that far ahead, not a length from now.
      ['give Zoe send as on Sales in two weeks', 'in two weeks', 'en'],
      ['give Zoe send as on Sales in 3 days', 'in 3 days', 'en'],
      ['geef Zoë verzenden als op Sales over twee weken', 'over twee weken', 'nl'],
    ];
    for (const [text, said, language] of cases) {
      const u = await understand(text, options);
      expect(toContractJson(u), text).toEqual({ ...UNKNOWN, language });
      expect(u.unreadEnd, text).toEqual({ why: 'later_start', text: said });
    }
  });

  it('asks for how long when the end has no length (en, nl)', async () => {
    const cases: Array<[string, string, 'en' | 'nl']> = [
      ['give Zoe send as on Sales while I am on holiday', 'while I am on holiday', 'en'],
      ['give Zoe send as on Sales for a while', 'for a while', 'en'],
      ['give Zoe send as on Sales for now', 'for now', 'en'],
      ['give Zoe send as on Sales during my vacation', 'during my vacation', 'en'],
      ['give Zoe send as on Sales until she is back', 'until she is back', 'en'],
      ['geef Zoë verzenden als op Sales tot ik terug ben', 'tot ik terug ben', 'nl'],
      ['geef Zoë verzenden als op Sales tijdens mijn vakantie', 'tijdens mijn vakantie', 'nl'],
      ['geef Zoë verzenden als op Sales voor een tijdje', 'voor een tijdje', 'nl'],
      ['geef Zoë tijdelijk verzenden als op Sales', 'tijdelijk', 'nl'],
    ];
    for (const [text, said, language] of cases) {
      const u = await understand(text, options);
      expect(toContractJson(u), text).toEqual({ ...UNKNOWN, language });
      expect(u.unreadEnd, text).toEqual({ why: 'vague', text: said });
    }
  });

  it('asks when a time word is left that nothing read (the safety net)', async () => {
    const cases: Array<[string, string]> = [
      ['give Zoe send as on Sales Friday', 'Friday'],
      ['give Zoe send as on Sales the coming week', 'week'],
      ['give Zoe send as on Sales this month', 'month'],
      ['give Zoe send as on Sales over Christmas', 'Christmas'],
    ];
    for (const [text, word] of cases) {
      const u = await understand(text, options);
      expect(toContractJson(u), text).toEqual({ ...UNKNOWN, language: 'en' });
      expect(u.unreadEnd, text).toEqual({ why: 'unread', text: word });
    }
    expect((await understand('geef Zoë verzenden als op Sales met kerst', options)).unreadEnd).toEqual({ why: 'unread', text: 'kerst' });
  });

  it('keeps a plain grant with no time words, or only a wish, a grant with no end', async () => {
    for (const text of [
      'give Zoe send as on Sales',
      'give Zoe send as on Sales now please',
      'geef Zoë verzenden als op Sales, alvast bedankt',
      'give Zoe send as on Sales. Thanks, have a nice weekend!',
      'Happy Friday! give Zoe send as on Sales',
      'geef Zoë verzenden als op Sales, fijne vakantie!',
    ]) {
      const u = await understand(text, options);
      expect(toContractJson(u), text).toMatchObject({ intent: 'grant', duration: null, until: null });
    }
  });
});

/**
 * A weekday of next week ("next week Friday", "vrijdag volgende week") is that day of the Monday-to-Sunday week
 * after this one, as "next week" ends on its Friday; "next Friday" ("volgende vrijdag") is the coming Friday,
 * as "Friday" is (on this Monday the 11th), never a week later.
 */
describe('a weekday of next week', () => {
  it('reads "until next week Friday", "tot vrijdag volgende week" and their like as next week\'s Friday (en, nl)', async () => {
    const cases: Array<[string, 'en' | 'nl']> = [
      ['give Zoe send as on Sales until next week Friday', 'en'],
      ['give Zoe send as on Sales until Friday next week', 'en'],
      ['give Zoe send as on Sales until Friday of next week', 'en'],
      ['give Zoe send as on Sales until next week on Friday', 'en'],
      ['give Zoe send as on Sales till next week friday', 'en'],
      ['geef Zoë verzenden als op Sales tot volgende week vrijdag', 'nl'],
      ['geef Zoë verzenden als op Sales tot vrijdag volgende week', 'nl'],
      ['geef Zoë verzenden als op Sales tot vrijdag van volgende week', 'nl'],
      ['geef Zoë verzenden als op Sales t/m komende week vrijdag', 'nl'],
      ['geef Zoë verzenden als op Sales tot volgende week op vrijdag', 'nl'],
    ];
    for (const [text, language] of cases) {
      const u = await understand(text, options);
      expect(toContractJson(u), text).toEqual(grantUntil('2026-12-18', language));
      expect(u.unreadEnd, text).toBeUndefined();
    }
    // Another day of next week: its own day, Monday to Sunday.
    expect((await understand('give Zoe send as on Sales until next week Tuesday', options)).until).toBe('2026-12-15');
    expect((await understand('geef Zoë verzenden als op Sales tot zondag volgende week', options)).until).toBe('2026-12-20');
  });

  it('reads "until next Friday" and "tot volgende vrijdag" as the coming Friday, as "until Friday" (en, nl)', async () => {
    for (const [text, language] of [
      ['give Zoe send as on Sales until next Friday', 'en'],
      ['give Zoe send as on Sales until Friday', 'en'],
      ['geef Zoë verzenden als op Sales tot volgende vrijdag', 'nl'],
      ['geef Zoë verzenden als op Sales tot aanstaande vrijdag', 'nl'],
    ] as const) {
      expect(toContractJson(await understand(text, options)), text).toEqual(grantUntil('2026-12-11', language));
    }
  });

  it('counts next week from the requester\'s day, whatever day it is', () => {
    const on = (iso: string, text: string, offset = 0) => extractTimeSpan(text, new Date(iso), offset, 'en').until;
    // Friday 11 December: "next Friday" is a week on, and so is next week's Friday.
    expect(on('2026-12-11T09:00:00Z', 'until next Friday')).toBe('2026-12-18');
    expect(on('2026-12-11T09:00:00Z', 'until Friday next week')).toBe('2026-12-18');
    // Saturday and Sunday: next week is the week from the coming Monday, as "next week" is.
    expect(on('2026-12-12T09:00:00Z', 'until Friday next week')).toBe('2026-12-18');
    expect(on('2026-12-13T09:00:00Z', 'until next week Friday')).toBe('2026-12-18');
    expect(on('2026-12-13T09:00:00Z', 'next week')).toBe('2026-12-18');
    // Sunday 23:30 UTC is already Monday at UTC+1: next week is then the week after.
    expect(on('2026-12-13T23:30:00Z', 'until next week Friday', 60)).toBe('2026-12-25');
    expect(on('2026-12-13T23:30:00Z', 'until next week Friday', 0)).toBe('2026-12-18');
    expect(extractTimeSpan('tot volgende week vrijdag', new Date('2026-12-13T23:30:00Z'), 60, 'nl').until).toBe('2026-12-25');
  });

  it('asks about one said without "until" (when it is needed, or when it ends?), naming all of it (en, nl)', async () => {
    for (const [text, said, language] of [
      ['give Zoe send as on Sales next week Friday', 'next week Friday', 'en'],
      ['I need send as on Sales Friday next week', 'Friday next week', 'en'],
      ['give Zoe send as on Sales for 2 weeks next week Friday', 'next week Friday', 'en'],
      ['give Zoe send as on Sales by Friday next week', 'by Friday next week', 'en'],
      ['geef Zoë verzenden als op Sales volgende week vrijdag', 'volgende week vrijdag', 'nl'],
    ] as const) {
      const u = await understand(text, options);
      expect(toContractJson(u), text).toEqual({ ...UNKNOWN, language });
      expect(u.unreadEnd, text).toEqual({ why: 'vague', text: said });
    }
  });

  it('reads one after a start word as a later start, and in a removal as a later removal (en, nl)', async () => {
    for (const [text, said, language] of [
      ['give Zoe send as on Sales from next week Friday', 'from next week Friday', 'en'],
      ['give Zoe send as on Sales on Friday next week', 'on Friday next week', 'en'],
      ['geef Zoë verzenden als op Sales vanaf vrijdag volgende week', 'vanaf vrijdag volgende week', 'nl'],
    ] as const) {
      const u = await understand(text, options);
      expect(toContractJson(u), text).toEqual({ ...UNKNOWN, language });
      expect(u.unreadEnd, text).toEqual({ why: 'later_start', text: said });
    }
    const removal = await understand("remove Zoe's send as on Sales next week Friday", options);
    expect(removal.intent).toBe('unknown');
    expect(removal.unreadEnd).toEqual({ why: 'later_removal', text: 'next week Friday' });
    const temporary = await understand("haal Zoë's verzenden als op Sales tot volgende week vrijdag weg", options);
    expect(temporary.intent).toBe('unknown');
    expect(temporary.unreadEnd).toEqual({ why: 'temporary_removal', text: 'tot volgende week vrijdag' });
  });
});

/** Relative days count from the requester's own date, which may not be UTC's (an injected clock near midnight). */
describe('relative days in the requester\'s calendar', () => {
  const cases: Array<[string, string, number, string, string]> = [
    // Mon 7 Dec 20:30 UTC is already Tue 8 Dec 10:30 at UTC+14 (Pacific/Kiritimati).
    ['2026-12-07T20:30:00Z', '+14', 840, 'give Zoe send as on Sales for today', '2026-12-08'],
    ['2026-12-07T20:30:00Z', '+14', 840, 'give Zoe send as on Sales until tomorrow', '2026-12-09'],
    ['2026-12-07T20:30:00Z', '+14', 840, 'give Zoe send as on Sales until the day after tomorrow', '2026-12-10'],
    ['2026-12-07T20:30:00Z', '+14', 840, 'geef Zoë verzenden als op Sales tot overmorgen', '2026-12-10'],
    // Tuesday there: the next Friday is the 11th, the next Tuesday a week on.
    ['2026-12-07T20:30:00Z', '+14', 840, 'give Zoe send as on Sales until Friday', '2026-12-11'],
    ['2026-12-07T20:30:00Z', '+14', 840, 'give Zoe send as on Sales until Tuesday', '2026-12-15'],
    // Mon 7 Dec 23:30 UTC is Tue 8 Dec 00:30 at UTC+1.
    ['2026-12-07T23:30:00Z', '+1', 60, 'give Zoe send as on Sales for today', '2026-12-08'],
    ['2026-12-07T23:30:00Z', '+1', 60, 'geef Zoë verzenden als op Sales tot morgen', '2026-12-09'],
    ['2026-12-07T23:30:00Z', '+1', 60, 'give Zoe send as on Sales until Wednesday', '2026-12-09'],
    // Tue 8 Dec 05:00 UTC is still Mon 7 Dec 19:00 at UTC-10 (Pacific/Honolulu).
    ['2026-12-08T05:00:00Z', '-10', -600, 'give Zoe send as on Sales for today', '2026-12-07'],
    ['2026-12-08T05:00:00Z', '-10', -600, 'give Zoe send as on Sales until tomorrow', '2026-12-08'],
    ['2026-12-08T05:00:00Z', '-10', -600, 'give Zoe send as on Sales until Tuesday', '2026-12-08'],
  ];
  it.each(cases)('at %s (UTC%s) reads "%s"', async (at, _zone, offset, text, until) => {
    const u = toContractJson(await understand(text, { ...options, now: new Date(at), utcOffsetMinutes: offset }));
    expect(u).toMatchObject({ intent: 'grant', until, duration: null });
  });
});
