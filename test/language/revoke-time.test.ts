import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDirectoryFile } from '../../src/directory/file-directory.js';
import { toContractJson, understand, type UnderstandOptions } from '../../src/language/understand.js';

const directory = loadDirectoryFile(fileURLToPath(new URL('./fixtures/directory.json', import.meta.url)));
/** Monday 7 December 2026, 17:00 in the requester's zone (UTC+1). */
const now = new Date('2026-12-07T16:00:00Z');
const options: UnderstandOptions = { directory, requesterId: 'u-emma', now, utcOffsetMinutes: 60 };
const UNKNOWN = { intent: 'unknown', permission: null, grantee: null, target: null, duration: null, until: null };

/** A revoke removes now and for good: a time other than now is answered, never turned into a removal now. */
describe('time phrases in a revoke', () => {
  it('does not read a removal on a later day as a removal now (later_removal)', async () => {
    const cases: Array<[string, string, 'en' | 'nl']> = [
      ["remove Zoë's send as on Sales from Monday", 'from Monday', 'en'],
      ["remove Zoë's send as on Sales starting next Monday", 'starting next Monday', 'en'],
      ["take away Zoë's access to Sales on Friday", 'on Friday', 'en'],
      ["haal Zoë's verzenden als op Sales vanaf maandag weg", 'vanaf maandag', 'nl'],
      ['verwijder Zoë uit Sales per 1 januari', 'per 1 januari', 'nl'],
      ['remove Zoë from Sales next week', 'next week', 'en'],
      ['verwijder Zoë uit Sales volgende week', 'volgende week', 'nl'],
      ['remove Zoë from Sales tomorrow', 'tomorrow', 'en'],
      ['verwijder Zoë morgen uit Sales', 'morgen', 'nl'],
      ["remove Zoë's send as on Sales the day after tomorrow", 'the day after tomorrow', 'en'],
      ['verwijder Zoë overmorgen uit Sales', 'overmorgen', 'nl'],
      ["remove Zoë's access to Sales at the end of the week", 'at the end of the week', 'en'],
      ['remove Zoë from Sales this weekend', 'this weekend', 'en'],
      ['remove Zoë from Sales by Friday', 'by Friday', 'en'],
      // A time word nothing read is asked about as well.
      ['remove Zoë from Sales in January', 'January', 'en'],
    ];
    for (const [text, said, language] of cases) {
      const u = await understand(text, options);
      expect(toContractJson(u), text).toEqual({ ...UNKNOWN, language });
      expect(u.unreadEnd, text).toEqual({ why: 'later_removal', text: said });
      expect(u.periodChoice, text).toBeUndefined();
    }
  });

  it('does not read a removal for a while as a removal for good (temporary_removal)', async () => {
    const cases: Array<[string, string, 'en' | 'nl']> = [
      ["remove Zoë's send as on Sales until Friday", 'until Friday', 'en'],
      ["remove Zoë's send as on Sales for 2 weeks", 'for 2 weeks', 'en'],
      ['verwijder Zoë uit Sales voor twee weken', 'voor twee weken', 'nl'],
      ['remove Zoë from Sales for the weekend', 'for the weekend', 'en'],
      ['remove Zoë from Sales while she is on holiday', 'while she is on holiday', 'en'],
      // Both a period and an end date: no choice of end is offered for a removal now.
      ['remove Zoë from Sales for 2 weeks until Friday', 'until Friday', 'en'],
      ['remove Zoë from Sales until 2026-02-30', 'until 2026-02-30', 'en'],
    ];
    for (const [text, said, language] of cases) {
      const u = await understand(text, options);
      expect(toContractJson(u), text).toEqual({ ...UNKNOWN, language });
      expect(u.unreadEnd, text).toEqual({ why: 'temporary_removal', text: said });
      expect(u.periodChoice, text).toBeUndefined();
    }
  });

  it('still removes at once when the time said is now', async () => {
    const cases: Array<[string, 'en' | 'nl']> = [
      ["remove Zoë's send as on Sales now", 'en'],
      ["remove Zoë's send as on Sales today", 'en'],
      ["remove Zoë's send as on Sales immediately", 'en'],
      ["remove Zoë's send as on Sales right away", 'en'],
      ["remove Zoë's send as on Sales as of today", 'en'],
      ["remove Zoë's send as on Sales by today", 'en'],
      ["remove Zoë's send as on Sales for now", 'en'],
      ["remove Zoë's send as on Sales", 'en'],
      ["haal Zoë's verzenden als op Sales vandaag weg", 'nl'],
      ["haal Zoë's verzenden als op Sales per direct weg", 'nl'],
      ["haal Zoë's verzenden als op Sales meteen weg", 'nl'],
      ["haal Zoë's verzenden als op Sales vanaf nu weg", 'nl'],
    ];
    for (const [text, language] of cases) {
      const u = await understand(text, options);
      expect(toContractJson(u), text).toEqual({
        intent: 'revoke',
        permission: 'SendAs',
        grantee: { status: 'resolved', id: 'u-zoe' },
        target: { status: 'resolved', id: 'g-sales' },
        duration: null,
        until: null,
        language,
      });
      expect(u.unreadEnd, text).toBeUndefined();
    }
  });

  it('leaves grants as they were: a later start is still later_start, "at" a later day too', async () => {
    const u = await understand('give Zoe send as on Sales from Monday', options);
    expect(u.unreadEnd).toEqual({ why: 'later_start', text: 'from Monday' });
    const at = await understand('give Zoe send as on Sales at the end of the week', options);
    expect(at.intent).toBe('unknown');
    expect(at.unreadEnd).toEqual({ why: 'later_start', text: 'at the end of the week' });
  });
});
