import { damerauLevenshtein } from './edit-distance.js';
import { normalizeName } from './normalize.js';

/** Something with a display name that a near name can point to: a person, a group or a mailbox. */
export interface NamedEntry {
  id: string;
  displayName: string;
}

/** At most this many names are offered for one name not found. */
export const MAX_SUGGESTIONS = 3;
/** At most this many entries, those sharing the most 3-grams with the text, are measured by edit distance. */
const MEASURED = 200;
/** Texts longer than this (folded) are no mistyped name: nothing is suggested, so no long text costs work. */
const LONGEST = 64;

/**
 * How many typing mistakes a text of `length` folded characters may hold and still be taken for a
 * name: none below 4 characters (too many names are that close), 1 up to 5, 2 up to 9, 3 beyond.
 */
export function allowedEdits(length: number): number {
  if (length < 4) return 0;
  if (length <= 5) return 1;
  if (length <= 9) return 2;
  return 3;
}

/** A display name folded as names are matched (`normalizeName`), with "@" and "." as spaces. */
function fold(text: string): string {
  return normalizeName(text).replace(/[@.]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The 3-grams of each word, padded with a space each side (" zo", "zoe", "oe "), so short words and first letters count. */
function gramsOf(words: readonly string[]): Set<string> {
  const grams = new Set<string>();
  for (const word of words) {
    const padded = ` ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) grams.add(padded.slice(i, i + 3));
  }
  return grams;
}

interface Indexed {
  id: string;
  displayName: string;
  full: string;
  words: string[];
}

/**
 * The names close to a name that was not found, for "Did you mean …?": a lookup index over one kind
 * of entry (people, or mailboxes and groups), built once.
 *
 * A text is close to a name when the folded text is within `allowedEdits` Damerau-Levenshtein edits
 * of the whole name, of the name without spaces, or (a one-word text) of one of its words ("Trainig",
 * "Zoey"); or when it starts one of the name's words and at most `MAX_SUGGESTIONS` names have a word
 * starting so ("Sales" of "Sales Benelux", "de Vr" of "Jan de Vries"): when more do, the start is too
 * common to point anywhere. Likewise names equally close: when more of them tie than can be offered,
 * none of that closeness is offered.
 *
 * Cost on a large directory: word starts come from a sorted list (a binary search); edit distances
 * are measured only against the `MEASURED` entries that share the most 3-grams with the text, found
 * through a 3-gram index, never against every entry.
 */
export class NearNames {
  private readonly entries: Indexed[] = [];
  private readonly grams = new Map<string, number[]>();
  /** Every name's word lists from each word on ("jan de vries", "de vries", "vries"), sorted, with their entry. */
  private readonly starts: Array<{ key: string; entry: number }> = [];

  constructor(named: Iterable<NamedEntry>) {
    for (const { id, displayName } of named) {
      const full = fold(displayName);
      if (!full) continue;
      const index = this.entries.length;
      const words = full.split(' ');
      this.entries.push({ id, displayName, full, words });
      for (const gram of gramsOf(words)) {
        let list = this.grams.get(gram);
        if (!list) this.grams.set(gram, (list = []));
        list.push(index);
      }
      for (let i = 0; i < words.length; i++) this.starts.push({ key: words.slice(i).join(' '), entry: index });
    }
    this.starts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /**
   * The ids of the names closest to `text` (a name as typed), closest first (a whole word of the name,
   * then fewer edits, then a word's start; ties by display name), at most `limit`; `[]` when none is
   * close, for texts under 3 letters and over `LONGEST`.
   */
  near(text: string, limit = MAX_SUGGESTIONS): string[] {
    const q = fold(text);
    if (q.length < 3 || q.length > LONGEST) return [];
    const scores = new Map<number, number>();
    const keep = (entry: number, score: number) => {
      const before = scores.get(entry);
      if (before === undefined || score < before) scores.set(entry, score);
    };
    const started = this.startingWith(q, limit);
    if (started.length <= limit) {
      // A whole word of the name ("Sales" of "Sales Benelux") ranks above any typo.
      for (const entry of started) keep(entry, this.entries[entry]!.words.includes(q) ? 0.5 : 1.5);
    }
    const max = allowedEdits(q.length);
    if (max > 0) {
      const words = q.split(' ');
      const compact = words.join('');
      for (const entry of this.sharingGrams(words)) {
        const e = this.entries[entry]!;
        let d = Math.min(damerauLevenshtein(q, e.full, max), damerauLevenshtein(compact, e.full.replace(/ /g, ''), max));
        // A word equal to the text is a word's start, offered only when few names have it (above).
        if (words.length === 1) for (const word of e.words) if (word !== q) d = Math.min(d, damerauLevenshtein(q, word, max));
        if (d <= max) keep(entry, d);
      }
    }
    return this.fewest(scores, limit);
  }

  /**
   * The entries by score, best first, ties by display name: whole ties only, stopping before a score
   * that more names share than fit in `limit` ("Jansn" among a thousand Jansens points nowhere).
   */
  private fewest(scores: Map<number, number>, limit: number): string[] {
    const sorted = [...scores].sort(([a, sa], [b, sb]) => sa - sb || this.entries[a]!.displayName.localeCompare(this.entries[b]!.displayName));
    const chosen: string[] = [];
    for (let i = 0; i < sorted.length; ) {
      let end = i;
      while (end < sorted.length && sorted[end]![1] === sorted[i]![1]) end++;
      if (chosen.length + (end - i) > limit) break;
      for (; i < end; i++) chosen.push(this.entries[sorted[i]![0]]!.id);
    }
    return chosen;
  }

  /** The entries with a word list starting with `q`, each once; stops at `limit + 1` (then there are too many). */
  private startingWith(q: string, limit: number): number[] {
    let low = 0;
    let high = this.starts.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.starts[mid]!.key < q) low = mid + 1;
      else high = mid;
    }
    const found = new Set<number>();
    for (let i = low; i < this.starts.length && this.starts[i]!.key.startsWith(q) && found.size <= limit; i++) found.add(this.starts[i]!.entry);
    return [...found];
  }

  /** The `MEASURED` entries sharing the most 3-grams with `words` (counted in buckets, not sorted). */
  private sharingGrams(words: readonly string[]): number[] {
    const counts = new Map<number, number>();
    const grams = gramsOf(words);
    for (const gram of grams) for (const entry of this.grams.get(gram) ?? []) counts.set(entry, (counts.get(entry) ?? 0) + 1);
    const buckets: number[][] = Array.from({ length: grams.size + 1 }, () => []);
    for (const [entry, count] of counts) buckets[count]!.push(entry);
    const chosen: number[] = [];
    for (let count = grams.size; count > 0 && chosen.length < MEASURED; count--) {
      for (const entry of buckets[count]!) {
        if (chosen.length >= MEASURED) break;
        chosen.push(entry);
      }
    }
    return chosen;
  }
}
