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
    ];
    for (const [text, why, language] of cases) {
      const u = await understand(text, options);
      expect(toContractJson(u), text).toEqual({ ...UNKNOWN, language });
      expect(u.unreadEnd, text).toEqual(why);
    }
  });

  it('is absent when the time limit is read, or none is given', async () => {
    for (const text of ['give Zoe send as on Sales for 2 weeks', 'give Zoe send as on Sales', 'give Zoe send as on Sales for 2 years']) {
      expect((await understand(text, options)).unreadEnd, text).toBeUndefined();
    }
  });

  it('comes from the time reader', () => {
    expect(extractTimeSpan('for -3 days', now, 0, 'en')).toMatchObject({ unread: true, unreadEnd: { why: 'zero', text: '-3 days' } });
    expect(extractTimeSpan('for 2 weeks', now, 0, 'en').unreadEnd).toBeUndefined();
  });
});
