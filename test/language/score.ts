/**
 * The comparison rules of the shared scorer (eval/score-understand.mjs), for corpora in its jsonl format,
 * run in-process so the corpus test needs no child process.
 */
import { readFileSync } from 'node:fs';

export interface CorpusCase {
  as: string;
  text: string;
  now?: string;
  expect?: Record<string, unknown>;
  any?: Array<Record<string, unknown>>;
  not?: Record<string, unknown>;
}
export const DEFAULT_NOW = '2026-11-23T09:00:00+01:00';

export function readCorpus(path: string): CorpusCase[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as CorpusCase);
}

type Out = Record<string, any>;
const ref = (want: any, got: any): boolean => {
  if (want === null) return got === null || got === undefined;
  if (!got || typeof got !== 'object') return false;
  if ('id' in want) return got.status === 'resolved' && got.id === want.id;
  if ('ambiguous' in want) {
    const c = Array.isArray(got.candidates) ? [...got.candidates].sort() : [];
    return got.status === 'ambiguous' && JSON.stringify(c) === JSON.stringify([...want.ambiguous].sort());
  }
  if ('unknown' in want) return got.status === 'unknown';
  return false;
};
const matches = (want: Record<string, unknown>, out: Out) =>
  Object.entries(want).every(([k, v]) => (k === 'grantee' || k === 'target' ? ref(v, out[k]) : (out[k] ?? null) === v));
const confident = (o: Out) =>
  (o.intent === 'grant' || o.intent === 'revoke') && o.grantee?.status === 'resolved' && o.target?.status === 'resolved' && o.permission !== undefined;
const core = (w: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(w).filter(([k]) => ['intent', 'permission', 'grantee', 'target'].includes(k)));

export interface Verdict {
  ok: boolean;
  wrongAction: boolean;
}

export function judge(c: CorpusCase, out: Out): Verdict {
  const wants = c.any ?? (c.expect ? [c.expect] : []);
  let ok = wants.length === 0 || wants.some((w) => matches(w, out));
  if (c.not && matches(c.not, out)) ok = false;
  let wrongAction = false;
  if (confident(out)) {
    if (c.not && matches(c.not, out)) wrongAction = true;
    else if (wants.length && !wants.some((w) => matches(core(w), out))) wrongAction = true;
  }
  return { ok, wrongAction };
}
