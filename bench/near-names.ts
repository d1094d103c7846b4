// "Did you mean …?" over directories of 1,000 / 10,000 / 100,000 people: the cost of building the
// near-name index (once, at the first name not found) and of one lookup, for a typo that points at one
// name, a miss, and a typo that ties with hundreds of names.
//
//   npx tsx bench/near-names.ts [--sizes 1000,10000,100000] [--lookups 200]
import { NearNames } from '../src/directory/near-names.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const SIZES = (args.get('sizes') ?? '1000,10000,100000').split(',').map(Number);
const LOOKUPS = Number(args.get('lookups') ?? 200);

const FIRST = ['Anna', 'Bram', 'Chris', 'Daan', 'Eva', 'Finn', 'Gijs', 'Hanna', 'Iris', 'Joost', 'Kim', 'Lars', 'Maud', 'Noah', 'Olaf', 'Pien'];
const LAST = ['Jansen', 'de Vries', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters'];

function cpuMs(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

console.log(`${'people'.padStart(8)} ${'build ms'.padStart(9)} ${'typo µs'.padStart(9)} ${'miss µs'.padStart(9)} ${'tie µs'.padStart(9)}   (CPU; per lookup, mean of ${LOOKUPS})`);
for (const size of SIZES) {
  const named = Array.from({ length: size }, (_, i) => ({ id: `u${i}`, displayName: `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]} ${i.toString(36)}` }));
  named.push({ id: 'u-zoe', displayName: 'Zoë Dubois' });
  let index!: NearNames;
  const build = cpuMs(() => {
    index = new NearNames(named);
  });
  index.near('warm up');
  const per = (text: string, expected: number) => {
    let found = 0;
    const ms = cpuMs(() => {
      for (let i = 0; i < LOOKUPS; i++) found = index.near(text).length;
    });
    if (found !== expected) throw new Error(`"${text}" found ${found} names, expected ${expected}`);
    return ((ms * 1000) / LOOKUPS).toFixed(0);
  };
  console.log(`${String(size).padStart(8)} ${build.toFixed(0).padStart(9)} ${per('Zoe Duboi', 1).padStart(9)} ${per('Quentin Xylo', 0).padStart(9)} ${per('Hana Viser', 0).padStart(9)}`);
}
