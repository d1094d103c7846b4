/**
 * Throughput of the language layer against a generated 10,000-person directory, one core.
 *   npx tsx bench/understand.ts [requests] [--teams]
 * Prints requests per second and CPU µs per request; names are looked up through the directory's index,
 * never by scanning people. `--teams`: the Teams throughput bench's messages instead ("give <First Last>
 * full access to Box <Word>" against 5,000 people and 5,000 shared mailboxes with made-up names).
 */
import { FileDirectory, parseDirectoryFile } from '../src/directory/file-directory.js';
import { understand } from '../src/language/understand.js';

const FIRST = ['Megan', 'Alex', 'Zoë', 'Seán', 'Anne-Marie', 'Jan', 'Pieter', 'Lotte', 'Daan', 'Priya', 'Kwame', 'Mei', 'Björn',
  'François', 'Noor', 'Liam', 'Emma', 'Sophie', 'Thomas', 'Fatima', 'Mohammed', 'Sanne', 'Ruben', 'Femke', 'Lars', 'Ingrid',
  'Diego', 'Lucía', 'Hiroshi', 'Aisha', 'Oleksandr', 'Chloé', 'Renée', 'Joost', 'Maarten', 'Eline', 'Yusuf', 'Grace', 'Olivia', 'Noah'];
const PARTICLES = ['', '', '', 'van ', 'de ', 'van der ', 'van den ', "O'", 'El '];
const LAST = ['Bowen', 'Jansen', 'de Vries', 'Bakker', 'Visser', 'Smit', 'Meijer', 'Mulder', 'Bos', 'Vos', 'Peters', 'Hendriks',
  'Dubois', 'Brien', 'Connor', 'Amrani', 'García', 'Åkesson', 'Lefèvre', 'Chen', 'Nguyen', 'Mensah', 'Raghunathan', 'Kowalski',
  'Jansen-Smit', 'Dijk', 'Berg', 'Wit', 'Koster', 'Dekker', 'Brouwer', 'Graaf', 'Linden', 'Heuvel', 'Wilson', 'Clarke'];

function makeDirectory(people: number) {
  // mulberry32: a small seeded generator, so every run builds the same directory.
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * n | 0;
  };
  const users = Array.from({ length: people }, (_, i) => {
    const first = FIRST[rnd(FIRST.length)]!;
    const last = `${PARTICLES[rnd(PARTICLES.length)]}${LAST[rnd(LAST.length)]}${i % 7 === 0 ? '' : ` ${i}`}`;
    return { id: `u-${i}`, displayName: `${first} ${last}`, mail: `user${i}@bench.example` };
  });
  const groups = Array.from({ length: 500 }, (_, i) => ({
    id: `g-${i}`, displayName: `Team ${i} ${LAST[i % LAST.length]}`, mail: `team${i}@bench.example`, owners: ['u-0'], members: ['u-0', 'u-1'],
  }));
  const sharedMailboxes = Array.from({ length: 500 }, (_, i) => ({
    id: `s-${i}`, displayName: `Postvak ${i}`, mail: `postvak${i}@bench.example`, owners: ['u-2'],
  }));
  groups.push({ id: 'g-sales', displayName: 'Sales', mail: 'sales@bench.example', owners: ['u-0'], members: [] });
  sharedMailboxes.push({ id: 's-support', displayName: 'Support', mail: 'support@bench.example', owners: ['u-2'] });
  return new FileDirectory(parseDirectoryFile({ tenant: { id: 't', domain: 'bench.example' }, users, groups, sharedMailboxes, admins: ['u-0'] }));
}

// The names of bench/teams-throughput.ts benchDirectory(): unique made-up words from syllables.
const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 've', 'no', 'ti', 'sa', 'de', 'bu', 'fo', 'ge', 'hu', 'ji', 'pe', 'wa'];
function word(i: number): string {
  let w = '';
  for (let digit = 0, n = i; digit < 4; digit++, n = Math.floor(n / 16)) w += SYLLABLES[n % 16]!;
  return w[0]!.toUpperCase() + w.slice(1);
}
const personName = (i: number) => `${word(i)} ${word(10_000 + ((i * 7) % 20_000))}`;
const boxName = (i: number) => `Box ${word(30_000 + i)}`;
const TEAMS_SIZE = 5_000;

function makeTeamsDirectory() {
  const users = Array.from({ length: TEAMS_SIZE }, (_, i) => ({ id: `u-${i}`, displayName: personName(i), mail: `p${i}@bench.example` }));
  const sharedMailboxes = Array.from({ length: TEAMS_SIZE }, (_, i) => ({ id: `s-${i}`, displayName: boxName(i), mail: `box${i}@bench.example`, owners: ['u-0'] }));
  return new FileDirectory(parseDirectoryFile({ tenant: { id: 't', domain: 'bench.example' }, users, groups: [], sharedMailboxes, admins: ['u-0'] }));
}

const MIXED = (i: number) => [
  `give user${i}@bench.example send as on Sales`,
  `Please grant ${FIRST[i % FIRST.length]} ${LAST[i % LAST.length]} send as rights on the Sales group for 2 weeks`,
  `geef ${FIRST[i % FIRST.length]} verzenden als op Support tot vrijdag`,
  `let user${i} read user${i + 1}@bench.example's mailbox`,
  `who has access to Postvak ${i % 500}?`,
  `wie heeft toegang tot Team ${i % 500} ${LAST[i % 500 % LAST.length]}?`,
  `remove ${LAST[i % LAST.length]}'s full access to Support`,
  `I need send on behalf of Sales until 31 December because of the audit`,
  `what can ${FIRST[i % FIRST.length]} access?`,
  `mag ${FIRST[(i + 3) % FIRST.length]} namens Sales verzenden?`,
];

const teams = process.argv.includes('--teams');
const total = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 20_000);
const rounds = 3;
const started = process.hrtime.bigint();
const directory = teams ? makeTeamsDirectory() : makeDirectory(10_000);
const built = process.hrtime.bigint();
const request = teams
  ? (i: number) => `give ${personName(i % TEAMS_SIZE)} full access to ${boxName(i % TEAMS_SIZE)}`
  : (i: number) => MIXED(i)[i % 10]!;
const options = { directory, requesterId: 'u-1', now: new Date('2026-11-23T08:00:00Z'), utcOffsetMinutes: 60 };
// Warm up the JIT, then measure a few rounds: other work on the machine shows up as a slow round.
for (let i = 0; i < 2_000; i++) await understand(request(i), options);
const size = teams ? '5,000 people and 5,000 shared mailboxes (Teams bench names)' : '10,000 people, 1,002 groups and shared mailboxes';
console.log(`directory: ${size}, built in ${(Number(built - started) / 1e6).toFixed(0)} ms`);
let bestWall = 0;
let bestCpu = 0;
for (let round = 1; round <= rounds; round++) {
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let understood = 0;
  for (let i = 0; i < total; i++) {
    const u = await understand(request(i), options);
    if (u.intent !== 'unknown') understood++;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  // On a busy machine wall time includes waiting for the core; CPU time is what one core spends.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const wall = total / seconds;
  const perCpu = total / cpuSeconds;
  bestWall = Math.max(bestWall, wall);
  bestCpu = Math.max(bestCpu, perCpu);
  console.log(`round ${round}: ${total} requests (${understood} with a known intent) in ${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU: ${Math.round(wall).toLocaleString('en-US')} requests/s, ${Math.round(perCpu).toLocaleString('en-US')} per CPU-second, ${(1e6 / perCpu).toFixed(1)} µs CPU each`);
}
console.log(`best: ${Math.round(bestWall).toLocaleString('en-US')} requests/s wall, ${Math.round(bestCpu).toLocaleString('en-US')} requests per CPU-second (one core), ${(1e6 / bestCpu).toFixed(1)} µs CPU per request`);
