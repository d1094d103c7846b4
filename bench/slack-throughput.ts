// Throughput of /slack/events: signed `message.im` grant requests through the real bot versus a
// bare Bolt app that echoes, built from the same installed packages (@slack/bolt, its WebClient), in
// one run, against the same loopback fake of the Slack Web API.
//
//   npx tsx bench/slack-throughput.ts [--turns 1200] [--concurrency 16] [--rounds 3] [--blocks 4] [--store sqlite|memory] [--profile DIR]
//
// Each bot runs in its own process (bench/slack-bot-process.mjs, plain Node; the mailbox bot
// compiled, as `npm start` runs it); this process plays Slack: it signs and sends the events and runs
// the fake Web API the bots call. In each round the bots take turns in blocks; the ratios are the
// medians of the rounds' paired ratios.
//
// Every request names a new grantee and a new shared mailbox ("give <person i> full access to Box
// <i>") and comes from one of 50 askers, so each turn is a whole request: signature, identity
// (users.info once per asker, then cached), understand, resolve, pre-flight, store, the summary
// posted to the asker's DM and the approval request posted to the mailbox's owner (found by mail
// once per owner, then by the stored DM). A mailbox block ends when its last approval request is out.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAKE_BOT, SlackApiFake } from '../test/fakes/slack-api-fake.js';
import { eventEnvelope, messageIm, SIGNING_SECRET, sign } from '../test/fakes/slack-requests.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const TURNS = Number(args.get('turns') ?? 1200);
const CONCURRENCY = Number(args.get('concurrency') ?? 16);
const WARMUP = Math.min(300, Math.floor(TURNS / 4));
const ROUNDS = Number(args.get('rounds') ?? 3);
const BLOCKS = Number(args.get('blocks') ?? 4);
/** The bot's store: `sqlite` (the default of `npm start`, a file in a temporary directory) or `memory`. */
const STORE = args.get('store') ?? 'sqlite';
/** `--profile DIR`: V8 CPU profiles of the measured blocks of each bot (`<bot>-<round>.cpuprofile`). */
const PROFILE_DIR = args.get('profile');
const TENANT = '7e57be4c-0000-4000-8000-00000000be4c';

const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 've', 'no', 'ti', 'sa', 'de', 'bu', 'fo', 'ge', 'hu', 'ji', 'pe', 'wa'];
/** A unique made-up word for i < 65536. */
function word(i: number): string {
  let w = '';
  for (let digit = 0, n = i; digit < 4; digit++, n = Math.floor(n / 16)) w += SYLLABLES[n % 16]!;
  return w[0]!.toUpperCase() + w.slice(1);
}
const FAMILY = 10_000;
const BOX = 30_000;
const ASKER = 50_000;
const OWNER = 55_000;
const personName = (i: number) => `${word(i)} ${word(FAMILY + ((i * 7) % 20_000))}`;
const REQUESTERS = 50;
const OWNERS = 50;

function benchDirectory(count: number) {
  const users: { id: string; displayName: string; mail: string; preferredLanguage: string }[] = [];
  for (let r = 0; r < REQUESTERS; r++) users.push({ id: `u-req-${r}`, displayName: `Asker ${word(ASKER + r)}`, mail: `asker${r}@bench.example`, preferredLanguage: 'en-US' });
  for (let o = 0; o < OWNERS; o++) users.push({ id: `u-own-${o}`, displayName: `Owner ${word(OWNER + o)}`, mail: `owner${o}@bench.example`, preferredLanguage: 'en-US' });
  const sharedMailboxes = [];
  for (let i = 0; i < count; i++) {
    users.push({ id: `u-${i}`, displayName: personName(i), mail: `p${i}@bench.example`, preferredLanguage: 'en-US' });
    sharedMailboxes.push({ id: `s-${i}`, displayName: `Box ${word(BOX + i)}`, mail: `box${i}@bench.example`, owners: [`u-own-${i % OWNERS}`] });
  }
  return { tenant: { id: TENANT, domain: 'bench.example' }, users, groups: [], sharedMailboxes, admins: ['u-own-0'], permissions: [] };
}

interface Result {
  turns: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** The bot process's CPU time per turn (ms): robust to other load on the machine. */
  cpuMsPerTurn: number;
  latencies: number[];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function combine(results: Result[]): Result {
  const turns = results.reduce((sum, r) => sum + r.turns, 0);
  const seconds = results.reduce((sum, r) => sum + r.seconds, 0);
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  return { turns, seconds, perSecond: turns / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpuMsPerTurn: results.reduce((s, r) => s + r.cpuMsPerTurn * r.turns, 0) / turns, latencies };
}

interface BotProcess {
  port: number;
  cpu(): Promise<number>;
  profileStart(): Promise<void>;
  profileStop(file: string): Promise<void>;
  stop(): Promise<void>;
}

async function startBot(kind: 'echo' | 'echo-two' | 'mailbox', directoryPath: string, store: string, apiUrl: string): Promise<BotProcess> {
  // BENCH_NODE_FLAGS: extra flags for the bots' Node (say `--trace-deopt` while profiling).
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, '--disable-warning=DEP0111', fileURLToPath(new URL('./slack-bot-process.mjs', import.meta.url)), kind, directoryPath, store, apiUrl, FAKE_BOT.token, SIGNING_SECRET], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /PORT (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${kind} bot exited with ${code}`)));
  });
  let pendingCpu: ((micros: number) => void) | undefined;
  let pendingProfile: (() => void) | undefined;
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    const match = /CPU (\d+)/.exec(text);
    if (match && pendingCpu) pendingCpu(Number(match[1]));
    if (/PROFIL(ING|ED)/.test(text) && pendingProfile) pendingProfile();
  });
  const command = (line: string) =>
    new Promise<void>((resolve) => {
      pendingProfile = resolve;
      child.stdin!.write(`${line}\n`);
    });
  return {
    port,
    profileStart: () => command('profile-start'),
    profileStop: (file: string) => command(`profile-stop ${file}`),
    cpu: () =>
      new Promise<number>((resolve) => {
        pendingCpu = resolve;
        child.stdin!.write('cpu\n');
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}

/** Signs and posts the events with `concurrency` clients; the run ends when all are answered and `done()` holds. */
async function drive(bot: BotProcess, bodies: string[], done: () => boolean = () => true): Promise<Result> {
  const cpuBefore = await bot.cpu();
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < bodies.length; i = next++) {
        const timestamp = Math.floor(Date.now() / 1000);
        const t0 = performance.now();
        const response = await fetch(`http://127.0.0.1:${bot.port}/slack/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': sign(SIGNING_SECRET, timestamp, bodies[i]!) },
          body: bodies[i],
        });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`event ${i} answered ${response.status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  // Answers and approval requests go out after the ack; the run includes them.
  const deadline = performance.now() + 60_000;
  while (!done()) {
    if (performance.now() > deadline) throw new Error('messages still missing 60 s after the last ack');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = ((await bot.cpu()) - cpuBefore) / 1000;
  latencies.sort((a, b) => a - b);
  return { turns: bodies.length, seconds, perSecond: bodies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpuMsPerTurn: cpuMs / bodies.length, latencies };
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), '-p', fileURLToPath(new URL('../tsconfig.build.json', import.meta.url))], { stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'slack-bench-'));
  const total = (TURNS + WARMUP) * ROUNDS;
  const directoryPath = join(dir, 'directory.json');
  writeFileSync(directoryPath, JSON.stringify(benchDirectory(total)));
  const fake = await new SlackApiFake().start();
  const askers = Array.from({ length: REQUESTERS }, (_, r) => fake.addUser({ id: `U0ASK${String(r).padStart(5, '0')}`, name: `Asker ${word(ASKER + r)}`, email: `asker${r}@bench.example` }));
  for (let o = 0; o < OWNERS; o++) fake.addUser({ id: `U0OWN${String(o).padStart(5, '0')}`, name: `Owner ${word(OWNER + o)}`, email: `owner${o}@bench.example` });
  const event = (i: number, text: string) => {
    const asker = askers[i % REQUESTERS]!;
    return JSON.stringify(eventEnvelope(messageIm({ id: asker.id, name: asker.real_name }, text, fake.openDmAsUser(asker.id)), { eventId: `Ev${String(i).padStart(10, '0')}` }));
  };
  const grants = Array.from({ length: total }, (_, i) => event(i, `give ${personName(i)} full access to Box ${word(BOX + i)}`));

  // Messages posted so far, approval requests among them, counted incrementally.
  let scanned = 0;
  let approvalCount = 0;
  const isApproval = (blocks: Record<string, unknown>[]) => blocks.some((b) => b.block_id === 'decision');
  const approvals = () => {
    for (; scanned < fake.messages.length; scanned++) if (isApproval(fake.messages[scanned]!.blocks)) approvalCount++;
    return approvalCount;
  };
  const posted = () => fake.messages.length;

  try {
    const store = STORE === 'sqlite' ? `sqlite:${join(dir, 'bot.sqlite')}` : 'memory';
    const runs = { echo: [] as Result[], echoTwo: [] as Result[], bot: [] as Result[] };
    let offset = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const echo = await startBot('echo', directoryPath, store, fake.apiUrl);
      const echoTwo = await startBot('echo-two', directoryPath, store, fake.apiUrl);
      const bot = await startBot('mailbox', directoryPath, round === 0 ? store : store.replace('bot.sqlite', `bot${round}.sqlite`), fake.apiUrl);
      const slice = grants.slice(offset, offset + WARMUP + TURNS);
      offset += WARMUP + TURNS;
      const expect = (count: number) => {
        const target = posted() + count;
        return () => posted() >= target;
      };
      await drive(echo, slice.slice(0, WARMUP), expect(WARMUP));
      await drive(echoTwo, slice.slice(0, WARMUP), expect(2 * WARMUP));
      const before = approvals();
      await drive(bot, slice.slice(0, WARMUP), () => approvals() >= before + WARMUP);

      if (PROFILE_DIR) await Promise.all([echo.profileStart(), bot.profileStart()]);
      const parts = { echo: [] as Result[], echoTwo: [] as Result[], bot: [] as Result[] };
      const perBlock = Math.ceil(TURNS / BLOCKS);
      for (let from = 0; from < TURNS; from += perBlock) {
        const to = Math.min(TURNS, from + perBlock);
        const block = slice.slice(WARMUP + from, WARMUP + to);
        parts.echo.push(await drive(echo, block, expect(block.length)));
        parts.echoTwo.push(await drive(echoTwo, block, expect(2 * block.length)));
        parts.bot.push(await drive(bot, block, () => approvals() >= before + WARMUP + to));
      }
      if (PROFILE_DIR) await Promise.all([echo.profileStop(join(PROFILE_DIR, `echo-${round}.cpuprofile`)), bot.profileStop(join(PROFILE_DIR, `mailbox-${round}.cpuprofile`))]);
      runs.echo.push(combine(parts.echo));
      runs.echoTwo.push(combine(parts.echoTwo));
      runs.bot.push(combine(parts.bot));
      await Promise.all([echo.stop(), echoTwo.stop(), bot.stop()]);
    }

    const mid = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const list = (values: number[]) => values.map((v) => v.toFixed(2)).join(', ');
    const row = (name: string, rs: Result[]) => {
      const cpu = mid(rs.map((r) => r.cpuMsPerTurn));
      const r = rs[rs.map((x) => x.cpuMsPerTurn).indexOf(cpu)]!;
      return `${name.padEnd(32)} ${r.turns.toString().padStart(6)} ${r.perSecond.toFixed(1).padStart(9)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${cpu.toFixed(3).padStart(12)}`;
    };
    console.log(`store=${STORE} concurrency=${CONCURRENCY} turns=${TURNS} warmup=${WARMUP} rounds=${ROUNDS} blocks=${BLOCKS}`);
    console.log(`${'bot'.padEnd(32)} ${'turns'.padStart(6)} ${'turns/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'CPU ms/turn'.padStart(12)}`);
    console.log(row('Bolt echo app', runs.echo));
    console.log(row('Bolt echo app, two messages/turn', runs.echoTwo));
    console.log(row('mailbox bot (grant requests)', runs.bot));
    const perCpu = (rs: Result[]) => rs.map((r, i) => runs.echo[i]!.cpuMsPerTurn / r.cpuMsPerTurn);
    const wall = (rs: Result[]) => rs.map((r, i) => r.perSecond / runs.echo[i]!.perSecond);
    console.log(`CPU per turn ratio (echo CPU / mailbox CPU, turns per CPU-second): ${mid(perCpu(runs.bot)).toFixed(2)}x (rounds: ${list(perCpu(runs.bot))}); wall-clock ${mid(wall(runs.bot)).toFixed(2)}x (rounds: ${list(wall(runs.bot))})`);
    console.log(`echo with two messages / echo: ${mid(perCpu(runs.echoTwo)).toFixed(2)}x per CPU-second`);
    console.log(`approval requests posted: ${approvals()}; Web API calls: ${fake.server.requests.length}; fake violations: ${fake.violations.length}`);
    if (fake.violations.length) console.log(fake.violations.slice(0, 5));
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
