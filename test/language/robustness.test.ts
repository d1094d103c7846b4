import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDirectoryFile } from '../../src/directory/file-directory.js';
import { toContractJson, understand } from '../../src/language/understand.js';

const directory = loadDirectoryFile(fileURLToPath(new URL('./fixtures/directory.json', import.meta.url)));
const ids = new Set(['u-zoe', 'u-sean', 'u-anne', 'u-daan', 'u-lotte', 'u-pieter', 'u-jan-b', 'u-jan-v', 'u-mark', 'u-grant', 'u-bjorn',
  'u-francois', 'u-noor', 'u-priya', 'u-kwame', 'u-iris', 'u-mei', 'u-emma', 'u-liam', 'u-guest', 'u-ines', 'g-sales', 'g-support',
  'g-planning', 'g-iris', 'g-marketing-nl', 'g-finance', 's-klantenservice', 's-facturatie', 's-info']);

// Words of every kind the parser reacts to, plus noise, shuffled into sentences by a seeded generator.
const WORDS = ("give grant remove revoke who what my me I ik mij geef verwijder wie wat heeft has can mag namens als " +
  "send as on behalf of full access read toegang tot op to for voor from van de het the Zoe Jan Jansen Iris Sales " +
  "Support Info Klantenservice O'Brien van der Berg Grant Mark's Megan's mailbox postvak group groep don't niet geen " +
  "yesterday gisteren until Friday tot vrijdag for 2 weeks because omdat REQ-ABC12 cancel status help hulp ? , . ; " +
  "x; Remove-Mailbox -Identity 'Info' $(rm) <b> </b> \\u0000 🙂 Ω and en & without automapping").split(' ');

function* sentences(count: number) {
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 48271) % 2147483647;
    return seed % n;
  };
  for (let i = 0; i < count; i++) {
    const length = 1 + next(14);
    yield Array.from({ length }, () => WORDS[next(WORDS.length)]!).join(' ');
  }
}

const validRef = (r: unknown) => {
  if (r === null) return true;
  const x = r as { status: string; id?: string; candidates?: string[]; text?: string };
  if (x.status === 'resolved') return ids.has(x.id!);
  if (x.status === 'ambiguous') return Array.isArray(x.candidates) && x.candidates.length >= 2 && x.candidates.every((c) => ids.has(c));
  return x.status === 'unknown' && typeof x.text === 'string' && x.text.length > 0;
};

describe('understand on generated word salad', () => {
  it('never throws and always answers in the contract shape, with ids from the directory only', async () => {
    const options = { directory, requesterId: 'u-emma', now: new Date('2026-11-23T08:00:00Z'), utcOffsetMinutes: 60 };
    for (const text of sentences(1500)) {
      const u = await understand(text, options);
      const json = toContractJson(u) as Record<string, unknown>;
      expect(Object.keys(json)).toEqual(['intent', 'permission', 'grantee', 'target', 'duration', 'until', 'language']);
      expect(['grant', 'revoke', 'query', 'status', 'cancel', 'help', 'unknown']).toContain(json.intent);
      expect([null, 'FullAccess', 'SendAs', 'SendOnBehalf']).toContain(json.permission);
      expect(validRef(json.grantee) && validRef(json.target)).toBe(true);
      expect(json.duration === null || json.until === null).toBe(true);
      expect(['en', 'nl']).toContain(json.language);
      if (u.reason !== undefined) expect(u.reason.length).toBeLessThanOrEqual(500);
      if (json.intent === 'help' || json.intent === 'unknown' || json.intent === 'status' || json.intent === 'cancel') {
        expect(json.grantee).toBeNull();
        expect(json.target).toBeNull();
      }
    }
  });

  it('never grants when the sentence is negated', async () => {
    const options = { directory, requesterId: 'u-emma', now: new Date('2026-11-23T08:00:00Z') };
    for (const text of sentences(600)) {
      const negated = `don't ${text}`;
      const u = await understand(negated, options);
      expect(u.intent, negated).not.toBe('grant');
    }
  });
});
