import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDirectoryFile } from '../../src/directory/file-directory.js';
import { toContractJson, understand } from '../../src/language/understand.js';
import { DEFAULT_NOW, judge, readCorpus } from './score.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** Offset written in an ISO time, as the CLI reads it. */
function offsetOf(iso: string): number {
  const m = /([+-])(\d{2}):?(\d{2})$/.exec(iso);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

async function score(directoryFile: string, corpusFile: string) {
  const directory = loadDirectoryFile(directoryFile);
  const misses: string[] = [];
  let wrong = 0;
  const cases = readCorpus(corpusFile);
  for (const c of cases) {
    const now = c.now ?? DEFAULT_NOW;
    const u = await understand(c.text, { directory, requesterId: c.as, now: new Date(now), utcOffsetMinutes: offsetOf(now) });
    const out = JSON.parse(JSON.stringify(toContractJson(u)));
    const verdict = judge(c, out);
    if (verdict.wrongAction) wrong++;
    if (!verdict.ok || verdict.wrongAction) misses.push(`${c.text}\n  want ${JSON.stringify(c.any ?? c.expect ?? { not: c.not })}\n  got  ${JSON.stringify(out)}`);
  }
  return { total: cases.length, misses, wrong };
}

describe('language corpus (own directory: diacritics, apostrophes, tussenvoegsels, namesakes)', () => {
  it('understands every request, English and Dutch, with no wrong confident action', async () => {
    const result = await score(fixture('directory.json'), fixture('corpus.jsonl'));
    expect(result.total).toBeGreaterThanOrEqual(200);
    expect(result.misses).toEqual([]);
    expect(result.wrong).toBe(0);
  });

  it('understands more phrasings against the shared sample directory (Contoso)', async () => {
    const result = await score(fixture('eval-sample/sample-directory.json'), fixture('eval-sample/contoso-extra.jsonl'));
    expect(result.misses).toEqual([]);
    expect(result.wrong).toBe(0);
  });

  it('understands requests against the Northwind directory (a copy of the bundled one)', async () => {
    const result = await score(fixture('northwind-directory.json'), fixture('northwind-extra.jsonl'));
    expect(result.misses).toEqual([]);
    expect(result.wrong).toBe(0);
  });

  it('understands requests where names are everyday words (Tailspin: Will, May, Hope; groups IT, Help, General)', async () => {
    const result = await score(fixture('tailspin-directory.json'), fixture('tailspin-extra.jsonl'));
    expect(result.misses).toEqual([]);
    expect(result.wrong).toBe(0);
  });

  it('understands the shared eval sample in-process too', async () => {
    const result = await score(fixture('eval-sample/sample-directory.json'), fixture('eval-sample/understand-sample.jsonl'));
    expect(result.misses).toEqual([]);
    expect(result.wrong).toBe(0);
  });
});
