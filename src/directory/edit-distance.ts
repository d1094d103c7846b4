/**
 * Damerau-Levenshtein distance (the optimal string alignment variant: insertions, deletions,
 * substitutions and swaps of two neighbouring characters, each costing 1), bounded.
 *
 * Written here rather than taken from npm because no string-distance library is among the project's
 * installed dependencies and this branch may not add one; a well-kept library (fastest-levenshtein,
 * which lacks swaps, or a Damerau one) can replace it behind this one function.
 */

/**
 * The number of edits that turn `a` into `b`, counted on UTF-16 code units (callers pass folded
 * ASCII-ish names: `normalizeName`), or `max + 1` as soon as it is sure to exceed `max` (so callers
 * compare with `<= max`). `max` is a count of edits, 0 or more; work is O(|a|·|b|) at worst, and
 * stops early once every entry of a row is above `max`.
 */
export function damerauLevenshtein(a: string, b: string, max: number): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a.length === 0 || b.length === 0) return Math.max(a.length, b.length);
  const width = b.length + 1;
  // Three rows: the one before last (for swaps), the last and the current.
  let before = new Array<number>(width).fill(0);
  let last = Array.from({ length: width }, (_, j) => j);
  let row = new Array<number>(width).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let smallest = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let value = Math.min(last[j]! + 1, row[j - 1]! + 1, last[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        value = Math.min(value, before[j - 2]! + 1);
      }
      row[j] = value;
      if (value < smallest) smallest = value;
    }
    if (smallest > max) return max + 1;
    [before, last, row] = [last, row, before];
  }
  const distance = last[b.length]!;
  return distance > max ? max + 1 : distance;
}
