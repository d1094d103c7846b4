/**
 * What `understand` read, for people tuning the language layer: the words it took as right phrases,
 * each mention with its grantee/target scores and the role cues that fired (`roles.ts`: `CUES`,
 * `RESETS`), and which mentions became grantee and target. `understand --explain` prints it; a corpus
 * miss shows it. Not part of the SPEC section 5 contract.
 */
import type { RightMention } from './right-phrases.js';
import type { Scored } from './roles.js';
import type { Token } from './tokens.js';

/** One mention as `explain` shows it. Scores are rounded to 2 decimals; `null` stands for -Infinity (never). */
export interface ExplainedMention {
  text: string;
  kind: 'name' | 'unknown' | 'self' | 'pronoun';
  /** Grantee score; a grantee needs at least 1. */
  g: number | null;
  /** Target score; a target needs at least 1. */
  t: number | null;
  cues: string[];
  role?: 'grantee' | 'target';
}

/** The reading of one message. */
export interface Explanation {
  /** The text after cleaning and after the fixed shapes were blanked out. */
  text: string;
  rights: Array<{ words: string; right: string; source: string; generic?: boolean }>;
  mentions: ExplainedMention[];
  /** How a query names its subject, when the intent is a query. */
  queryForm?: string;
  /** Why the result is unknown when roles made it so: a tie, or another name with a role of its own. */
  veto?: 'tie' | 'leftover';
}

const score = (n: number): number | null => (Number.isFinite(n) ? Math.round(n * 100) / 100 : null);

/** The `Explanation` of a reading (built only when asked for). */
export function explainReading(
  text: string,
  tokens: Token[],
  rights: RightMention[],
  scored: Scored[],
  roles: { g?: Scored['m']; t?: Scored['m'] },
): Explanation {
  return {
    text: text.replace(/\s+/g, ' ').trim(),
    rights: rights.map((r) => ({
      words: tokens.slice(r.start, r.end).map((t) => t.raw).join(' '),
      right: r.right,
      source: r.source ?? 'phrase',
      ...(r.generic ? { generic: true } : {}),
    })),
    mentions: scored.map((s) => ({
      text: s.m.text,
      kind: s.m.kind,
      g: score(s.g),
      t: score(s.t),
      cues: s.cues,
      ...(s.m === roles.g ? { role: 'grantee' as const } : s.m === roles.t ? { role: 'target' as const } : {}),
    })),
  };
}
