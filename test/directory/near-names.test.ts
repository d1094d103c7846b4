import { describe, expect, it } from 'vitest';
import { allowedEdits, NearNames } from '../../src/directory/near-names.js';

const TARGETS = new NearNames([
  { id: 'g-training', displayName: 'Training' },
  { id: 'g-marketing', displayName: 'Marketing' },
  { id: 'g-sales', displayName: 'Sales Benelux' },
  { id: 'g-events', displayName: 'Events & Outreach' },
  { id: 's-support', displayName: 'Support' },
  { id: 's-facturen', displayName: 'Facturen' },
]);
const PEOPLE = new NearNames([
  { id: 'u-zoe', displayName: 'Zoë Dubois' },
  { id: 'u-jan-b', displayName: 'Jan Bakker' },
  { id: 'u-jan-v', displayName: 'Jan de Vries' },
  { id: 'u-liam', displayName: "Liam O'Connor" },
  { id: 'u-priya', displayName: 'Priya Raghunathan' },
]);

describe('NearNames', () => {
  it('finds a name one or two typing mistakes away (a missing, extra, wrong or swapped letter)', () => {
    expect(TARGETS.near('Trainig')).toEqual(['g-training']);
    expect(TARGETS.near('trainnig')).toEqual(['g-training']);
    expect(TARGETS.near('Suport')).toEqual(['s-support']);
    expect(TARGETS.near('Marketting')).toEqual(['g-marketing']);
    expect(PEOPLE.near('Zoey')).toEqual(['u-zoe']);
    expect(PEOPLE.near('Zoe Duboi')).toEqual(['u-zoe']);
    expect(PEOPLE.near('Priya Ragunathan')).toEqual(['u-priya']);
  });

  it('finds a name by a whole word or the start of a word, when few names have it', () => {
    expect(TARGETS.near('Sales')).toEqual(['g-sales']);
    expect(TARGETS.near('Benelux')).toEqual(['g-sales']);
    expect(TARGETS.near('Outreach')).toEqual(['g-events']);
    expect(PEOPLE.near('de Vr')).toEqual(['u-jan-v']);
    expect(PEOPLE.near('Raghu')).toEqual(['u-priya']);
  });

  it('offers no start that too many names share, and at most three names, closest first', () => {
    const many = new NearNames(['Sales North', 'Sales South', 'Sales East', 'Sales West'].map((displayName, i) => ({ id: `s${i}`, displayName })));
    expect(many.near('Sales')).toEqual([]);
    expect(many.near('Saless')).toEqual([]);
    const three = new NearNames([{ id: 'a', displayName: 'Sales North' }, { id: 'b', displayName: 'Sales South' }, { id: 'c', displayName: 'Sale' }]);
    expect(three.near('Sales')).toEqual(['a', 'b', 'c']);
    expect(three.near('Sales', 2)).toEqual(['a', 'b']);
  });

  it('offers nothing for names that are not close, or too short to tell', () => {
    expect(TARGETS.near('Finance')).toEqual([]);
    expect(TARGETS.near('Banana')).toEqual([]);
    expect(PEOPLE.near('Zo')).toEqual([]);
    expect(PEOPLE.near('Bob')).toEqual([]);
    expect(PEOPLE.near('x'.repeat(200))).toEqual([]);
    expect(allowedEdits(3)).toBe(0);
  });

  it('finds the one close name among 100,000 and points nowhere when hundreds tie (its speed: bench/near-names.ts)', () => {
    const first = ['Anna', 'Bram', 'Chris', 'Daan', 'Eva', 'Finn', 'Gijs', 'Hanna', 'Iris', 'Joost', 'Kim', 'Lars', 'Maud', 'Noah', 'Olaf', 'Pien'];
    const last = ['Jansen', 'de Vries', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters'];
    const named = Array.from({ length: 100_000 }, (_, i) => ({ id: `u${i}`, displayName: `${first[i % first.length]} ${last[Math.floor(i / first.length) % last.length]} ${i.toString(36)}` }));
    named.push({ id: 'u-zoe', displayName: 'Zoë Dubois' });
    const index = new NearNames(named);
    expect(index.near('Zoe Duboi')).toEqual(['u-zoe']);
    expect(index.near('Jansen')).toEqual([]);
    // Hundreds of Hanna Vissers are equally close: the typo points at no one of them.
    expect(index.near('Hana Viser')).toEqual([]);
  });
});
