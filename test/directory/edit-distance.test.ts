import { describe, expect, it } from 'vitest';
import { damerauLevenshtein } from '../../src/directory/edit-distance.js';

describe('damerauLevenshtein', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(damerauLevenshtein('training', 'training', 3)).toBe(0);
    expect(damerauLevenshtein('trainig', 'training', 3)).toBe(1);
    expect(damerauLevenshtein('training', 'trainig', 3)).toBe(1);
    expect(damerauLevenshtein('zoey', 'zoe', 3)).toBe(1);
    expect(damerauLevenshtein('sipport', 'support', 3)).toBe(1);
    expect(damerauLevenshtein('kitten', 'sitting', 5)).toBe(3);
    expect(damerauLevenshtein('', 'abc', 5)).toBe(3);
    expect(damerauLevenshtein('abc', '', 5)).toBe(3);
  });

  it('counts a swap of two neighbouring letters as one edit', () => {
    expect(damerauLevenshtein('trainnig', 'training', 3)).toBe(1);
    expect(damerauLevenshtein('ab', 'ba', 3)).toBe(1);
    expect(damerauLevenshtein('suppotr', 'support', 3)).toBe(1);
  });

  it('answers max + 1 once the distance is above max, whatever the true distance', () => {
    expect(damerauLevenshtein('kitten', 'sitting', 2)).toBe(3);
    expect(damerauLevenshtein('a', 'abcdefgh', 2)).toBe(3);
    expect(damerauLevenshtein('marketing', 'training', 1)).toBe(2);
    expect(damerauLevenshtein('abcdef', 'uvwxyz', 0)).toBe(1);
  });

  it('is symmetric and agrees with a plain full-table computation', () => {
    const full = (a: string, b: string): number => {
      const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
      for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
          d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
          if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
        }
      }
      return d[a.length]![b.length]!;
    };
    const words = ['training', 'trainig', 'sales', 'sales benelux', 'zoe', 'zoey', 'dubois', 'duboi', 'ca', 'abc', 'acb', 'support'];
    for (const a of words) {
      for (const b of words) {
        expect(damerauLevenshtein(a, b, 20), `${a} / ${b}`).toBe(full(a, b));
        expect(damerauLevenshtein(a, b, 20)).toBe(damerauLevenshtein(b, a, 20));
      }
    }
  });
});
