import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDirectoryFile } from '../../src/directory/file-directory.js';
import { extractTimeSpan } from '../../src/language/dates.js';
import { toContractJson, understand, type UnderstandOptions } from '../../src/language/understand.js';

const directory = loadDirectoryFile(fileURLToPath(new URL('./fixtures/directory.json', import.meta.url)));
const now = new Date('2026-11-23T08:00:00Z');
const options: UnderstandOptions = { directory, requesterId: 'u-emma', now, utcOffsetMinutes: 60 };
const UNKNOWN = { intent: 'unknown', permission: null, grantee: null, target: null, duration: null, until: null };

/** `Understanding.unreadEnd`: why a grant's written time limit was not used; the contract answer stays `unknown`. */
describe('a time limit that cannot be used', () => {
  it('says why beside the unchanged contract answer', async () => {
    const cases: Array<[string, { why: string; text: string }, 'en' | 'nl']> = [
      ['give Zoe send as on Sales for 0 days', { why: 'zero', text: '0 days' }, 'en'],
      ['give Zoe send as on Sales for 1000 years', { why: 'too_long', text: '1000 years' }, 'en'],
      ['give Zoe send as on Sales for 1000 minutes', { why: 'unread', text: '1000 minutes' }, 'en'],
      ['give Zoe send as on Sales until 2026-02-30', { why: 'date', text: '' }, 'en'],
      ['geef Zoë verzenden als op Sales voor 0 dagen', { why: 'zero', text: '0 dagen' }, 'nl'],
      ['geef Zoë verzenden als op Sales voor 5000 weken', { why: 'too_long', text: '5000 weken' }, 'nl'],
      // Periods in words this reader does not take, vague ones and decimals: never a grant without an end.
      ['give Zoe send as on Sales for zero days', { why: 'unread', text: 'for zero days' }, 'en'],
      ['give Zoe send as on Sales for one thousand days', { why: 'unread', text: 'for one thousand days' }, 'en'],
      ['give Zoe send as on Sales for a few days', { why: 'unread', text: 'for a few days' }, 'en'],
      ['give Zoe send as on Sales for several weeks', { why: 'unread', text: 'for several weeks' }, 'en'],
      ['give Zoe send as on Sales temporarily', { why: 'vague', text: 'temporarily' }, 'en'],
      ['give Zoe send as on Sales for 0.5 days', { why: 'unread', text: '0.5 days' }, 'en'],
      ['give Zoe send as on Sales for 1e3 days', { why: 'unread', text: '1e3 days' }, 'en'],
      ['geef Zoë verzenden als op Sales voor nul dagen', { why: 'unread', text: 'voor nul dagen' }, 'nl'],
      ['geef Zoë verzenden als op Sales voor een paar dagen', { why: 'unread', text: 'voor een paar dagen' }, 'nl'],
      ['geef Zoë verzenden als op Sales voor 2,5 dagen', { why: 'unread', text: '2,5 dagen' }, 'nl'],
    ];
    for (const [text, why, language] of cases) {
      const u = await understand(text, options);
      expect(toContractJson(u), text).toEqual({ ...UNKNOWN, language });
      expect(u.unreadEnd, text).toEqual(why);
    }
  });

  it('is absent when the time limit is read, or none is given', async () => {
    for (const text of ['give Zoe send as on Sales for 2 weeks', 'give Zoe send as on Sales', 'give Zoe send as on Sales for 2 years', 'give Zoe send as on Sales for two weeks', 'give Zoe send as on Sales for a couple of days', 'geef Zoë verzenden als op Sales voor twee weken']) {
      expect((await understand(text, options)).unreadEnd, text).toBeUndefined();
    }
  });

  it('comes from the time reader', () => {
    expect(extractTimeSpan('for -3 days', now, 0, 'en')).toMatchObject({ unread: true, unreadEnd: { why: 'zero', text: '-3 days' } });
    expect(extractTimeSpan('for 2 weeks', now, 0, 'en').unreadEnd).toBeUndefined();
  });
});
