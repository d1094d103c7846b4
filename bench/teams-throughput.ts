// Throughput of /api/messages: grant requests through the real bot versus a bare botbuilder echo
// bot built from the same installed packages (restify 11 + CloudAdapter), in one run, against the
// same fake Bot Connector on loopback.
//
//   npx tsx bench/teams-throughput.ts [--turns 1500] [--concurrency 16] [--rounds 3] [--blocks 5]
//                                     [--store memory|sqlite] [--connector-latency MS] [--profile DIR]
//                                     [--node-flags FLAGS] [--preload N]
//
// Each bot runs in its own process (bench/bot-process.mjs, plain Node; the mailbox bot compiled,
// as `npm start` runs it); this process plays Teams: it sends the activities and runs the fake Bot
// Connector the bots reply to. In each round the bots take turns in blocks, and the ratio is the
// median of the rounds' ratios.
// Three bots: the echo bot (the baseline), the same echo bot posting two messages per turn (what a
// request costs at the least: the requester's answer and the approver's card, with botbuilder's
// defaults), and the mailbox bot. With the default `--connector-latency 0` the connector answers at
// once, so the figures are the bots' CPU cost; Teams' own Bot Connector answers in tens of ms.
//
// Every grant request names a new grantee and a new target ("give <person i> full access to
// <mailbox i>"), so each turn is a full request: understand, resolve, pre-flight, store, summary
// card, and the approval card to the owner (proactive, through the engine's outbox).
//
// The mailbox bot is also run on messages it does not understand (one line of text back, like the
// echo bot): the difference between that and a grant request is what carrying out a request costs.
//
// `--preload N` (SQLite only): a second mailbox bot runs in every round, in the same alternating
// blocks, on a store that already holds N pending requests (seeded through the real
// RequestRepository before the bots start: bench/scale-fixture.ts; every one with its indexes,
// audit entry and timers, none due during the run); the figure is its CPU per grant turn against
// the mailbox bot's on the empty store, paired per round.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { copyFileSync, existsSync } from 'node:fs';
import pino from 'pino';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { FakeConnector, type SentActivity } from '../test/fakes/fake-connector.js';
import { cardAction, message, type TeamsContext } from '../test/fakes/teams-activities.js';
import { quietCreatedAt, SeedClock, seedPending } from './scale-fixture.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const TURNS = Number(args.get('turns') ?? 1500);
const CONCURRENCY = Number(args.get('concurrency') ?? 16);
const WARMUP = Math.min(300, Math.floor(TURNS / 4));
const ROUNDS = Number(args.get('rounds') ?? 3);
/** Alternating blocks per round (see the main loop). */
const BLOCKS = Number(args.get('blocks') ?? 5);
/** `--node-flags "--max-semi-space-size=32"`: V8 flags for both bot processes alike. */
const NODE_FLAGS = (args.get('node-flags') ?? '').split(' ').filter(Boolean);
/** `--profile DIR` writes V8 CPU profiles of the measured runs there (echo bot; mailbox bot on grant requests and on messages it does not understand). */
const PROFILE_DIR = args.get('profile');
const STORE = args.get('store') ?? 'memory';
const CONNECTOR_LATENCY = Number(args.get('connector-latency') ?? 0);
/** Pending requests already in the second mailbox bot's store (0: no second bot). */
const PRELOAD = Number(args.get('preload') ?? 0);
if (PRELOAD > 0 && STORE !== 'sqlite') throw new Error('--preload seeds a SQLite file: use it with --store sqlite');
const TENANT = '7e57be4c-0000-4000-8000-00000000be4c';

const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 've', 'no', 'ti', 'sa', 'de', 'bu', 'fo', 'ge', 'hu', 'ji', 'pe', 'wa'];
/** A unique made-up word for i < 65536 ("Kakakaka", "Lokakaka", ...). */
function word(i: number): string {
  let w = '';
  for (let digit = 0, n = i; digit < 4; digit++, n = Math.floor(n / 16)) w += SYLLABLES[n % 16]!;
  return w[0]!.toUpperCase() + w.slice(1);
}
// Disjoint ranges of words: given names, family names, mailboxes, askers, owners.
const FAMILY = 10_000;
const BOX = 30_000;
const ASKER = 50_000;
const OWNER = 55_000;
const personName = (i: number) => `${word(i)} ${word(FAMILY + ((i * 7) % 20_000))}`;

/** People who ask and people who own mailboxes: spread like an organisation, not one hot spot. */
const REQUESTERS = 50;
const OWNERS = 50;

/** A directory with requesters, owners, and a person and a shared mailbox per turn. */
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

/** CPU share of one core used by this process (load generator and fake connector) per run. */
const loadGeneratorShare: number[] = [];

interface Result {
  turns: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** The bot process's CPU time per turn (ms): robust to other load on the machine. */
  cpuMsPerTurn: number;
  /** Every turn's answer time (ms), sorted. */
  latencies: number[];
}

/** Several runs of one bot as one: their turns, time and CPU added up. */
function combine(results: Result[]): Result {
  const turns = results.reduce((sum, r) => sum + r.turns, 0);
  const seconds = results.reduce((sum, r) => sum + r.seconds, 0);
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  return {
    turns,
    seconds,
    perSecond: turns / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuMsPerTurn: results.reduce((sum, r) => sum + r.cpuMsPerTurn * r.turns, 0) / turns,
    latencies,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Sends the activities with `concurrency` clients; the run ends when all are answered and `done()` holds. */
async function drive(bot: BotProcess, activities: unknown[], concurrency: number, done: () => boolean = () => true): Promise<Result> {
  const port = bot.port;
  const cpuBefore = await bot.cpu();
  const ownBefore = process.cpuUsage();
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < activities.length; i = next++) {
        const t0 = performance.now();
        const response = await fetch(`http://127.0.0.1:${port}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(activities[i]),
        });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`turn ${i} answered ${response.status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  // The approval cards go out after the answer (engine outbox); the run includes them.
  const deadline = performance.now() + 60_000;
  while (!done()) {
    if (performance.now() > deadline) throw new Error('approval cards still missing 60 s after the last answer');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  // The connector records a message before its (delayed) answer: let the last answers arrive.
  if (CONNECTOR_LATENCY > 0) await new Promise((resolve) => setTimeout(resolve, CONNECTOR_LATENCY));
  const seconds = (performance.now() - started) / 1000;
  const cpuMsPerTurn = (await bot.cpu()) - cpuBefore;
  const own = process.cpuUsage(ownBefore);
  loadGeneratorShare.push((own.user + own.system) / 1e6 / ((performance.now() - started) / 1000));
  latencies.sort((a, b) => a - b);
  return {
    turns: activities.length,
    seconds,
    perSecond: activities.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuMsPerTurn: cpuMsPerTurn / 1000 / activities.length,
    latencies,
  };
}

function isApprovalCard(sent: SentActivity): boolean {
  return sent.activity.attachments?.[0]?.content?.actions?.[0]?.verb === 'approve';
}

/** Approvers click Approve on the last approval cards; returns the latency of the invoke answers (`seconds` holds the max in ms). */
async function approveClicks(bot: BotProcess, all: SentActivity[], ctx: TeamsContext, count: number, concurrency: number, skip = 0): Promise<Result> {
  const cards = all.slice(all.length - skip - count, all.length - skip);
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < cards.length; i = next++) {
        const card = cards[i]!;
        const approver = card.conversationId.replace(/^a:1to1-/, '');
        const click = cardAction({ aad: approver, name: approver }, ctx, 'approve', card.activity.attachments[0].content.actions[0].data, {
          replyToId: card.id,
          conversationId: card.conversationId,
        });
        const t0 = performance.now();
        const response = await fetch(`http://127.0.0.1:${bot.port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(click) });
        const body = (await response.json()) as { type?: string };
        latencies.push(performance.now() - t0);
        if (response.status !== 200 || body.type !== 'application/vnd.microsoft.card.adaptive') throw new Error(`approve click answered ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { turns: latencies.length, seconds: latencies.at(-1)!, perSecond: 0, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpuMsPerTurn: 0, latencies };
}

/** Starts one bot in a child process (see bot-process.mjs) and returns its port. */
interface BotProcess {
  port: number;
  /** CPU time the bot process has used so far, in microseconds. */
  cpu(): Promise<number>;
  profileStart(): Promise<void>;
  profileStop(file: string): Promise<void>;
  stop(): Promise<void>;
}

async function startBot(kind: 'echo' | 'echo-two' | 'mailbox', directoryPath: string, store: string): Promise<BotProcess> {
  const child = spawn(process.execPath, [...NODE_FLAGS, '--disable-warning=DEP0111', fileURLToPath(new URL('./bot-process.mjs', import.meta.url)), kind, directoryPath, store], {
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
    cpu: () =>
      new Promise<number>((resolve) => {
        pendingCpu = resolve;
        child.stdin!.write('cpu\n');
      }),
    profileStart: () => command('profile-start'),
    profileStop: (file: string) => command(`profile-stop ${file}`),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}

/**
 * Stores `PRELOAD` pending requests in a SQLite file through the real RequestRepository
 * (bench/scale-fixture.ts): requesters `u-req-*`, grantee `u-a` on shared mailbox `s-b` with b != a,
 * so no pair is one the measured turns ask for (they ask for `u-i` on `s-i`); nothing falls due
 * for two hours.
 */
async function preload(directoryPath: string, file: string, people: number): Promise<void> {
  const clock = new SeedClock();
  const app = await createApp(loadConfig({ DIRECTORY: `file:${directoryPath}`, STORE: `sqlite:${file}`, LOG_LEVEL: 'silent' }), { clock, logger: pino({ level: 'silent' }) });
  const now = Date.now();
  await seedPending(
    app,
    clock,
    (function* () {
      for (let i = 0; i < PRELOAD; i++) {
        const grantee = i % people;
        const target = (grantee + 1 + Math.floor(i / people)) % people;
        const { createdAt, reminded } = quietCreatedAt(i, PRELOAD, now);
        yield { requesterId: `u-req-${i % REQUESTERS}`, granteeId: `u-${grantee}`, targetId: `s-${target}`, targetKind: 'shared' as const, right: 'FullAccess' as const, createdAt, reminded };
      }
    })(),
  );
  await app.close();
}

function median(results: Result[]): Result {
  return [...results].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(results.length / 2)]!;
}

async function main(): Promise<void> {
  // The mailbox bot runs compiled, as `npm start` runs it.
  execFileSync(process.execPath, [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), '-p', fileURLToPath(new URL('../tsconfig.build.json', import.meta.url))], { stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'teams-bench-'));
  // Each mailbox bot (two with --preload) gets turns it has not seen in every round.
  const total = (TURNS + WARMUP) * ROUNDS * (PRELOAD > 0 ? 2 : 1);
  const directoryPath = join(dir, 'directory.json');
  writeFileSync(directoryPath, JSON.stringify(benchDirectory(total)));
  const connector = await new FakeConnector(TENANT, { latencyMs: CONNECTOR_LATENCY }).start();
  const ctx: TeamsContext = { tenantId: TENANT, serviceUrl: connector.serviceUrl };
  const activities = Array.from({ length: total }, (_, i) =>
    message({ aad: `u-req-${i % REQUESTERS}`, name: `Asker ${word(ASKER + (i % REQUESTERS))}` }, ctx, `give ${personName(i)} full access to Box ${word(BOX + i)}`),
  );
  // Messages of the same length the bot does not understand: it answers with one line of text, as
  // the echo bot does. That run shows what the bot costs besides carrying out a request.
  const notUnderstood = Array.from({ length: TURNS }, (_, i) =>
    message({ aad: `u-req-${i % REQUESTERS}`, name: `Asker ${word(ASKER + (i % REQUESTERS))}` }, ctx, `zork ${personName(i)} frobnicate full Box ${word(BOX + i)}`),
  );

  try {
    const store = STORE === 'sqlite' ? `sqlite:${join(dir, 'bot.sqlite')}` : 'memory';
    const echoRuns: Result[] = [];
    const echoTwoRuns: Result[] = [];
    const botRuns: Result[] = [];
    const loadedRuns: Result[] = [];
    const notUnderstoodRuns: Result[] = [];
    let offset = 0;
    const template = join(dir, 'preloaded.sqlite');
    if (PRELOAD > 0) {
      const seedStarted = performance.now();
      await preload(directoryPath, template, total);
      console.error(`preloaded ${PRELOAD} pending requests in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s`);
    }
    /** The approval cards of the mailbox bot on the empty store (the clicks answer those). */
    const botCards: SentActivity[] = [];
    // Approval cards the connector has received, counted incrementally: the mailbox blocks poll this.
    let scanned = 0;
    let approvalCount = 0;
    const approvals = () => {
      for (; scanned < connector.sent.length; scanned++) if (isApprovalCard(connector.sent[scanned]!)) approvalCount++;
      return approvalCount;
    };
    let clicks: Result | undefined;
    let single: Result | undefined;
    // Each round starts the three bots afresh and measures them in alternating blocks (echo, echo
    // with two messages, mailbox, echo, ...), so all three see the same machine conditions: the
    // speed of a shared machine drifts within seconds, and the ratio is what this bench is for.
    for (let round = 0; round < ROUNDS; round++) {
      const echo = await startBot('echo', directoryPath, store);
      const echoTwo = await startBot('echo-two', directoryPath, store);
      const bot = await startBot('mailbox', directoryPath, round === 0 ? store : store.replace('bot.sqlite', `bot${round}.sqlite`));
      let loaded: BotProcess | undefined;
      if (PRELOAD > 0) {
        const copy = join(dir, `preloaded${round}.sqlite`);
        copyFileSync(template, copy);
        if (existsSync(`${template}-wal`)) copyFileSync(`${template}-wal`, `${copy}-wal`);
        loaded = await startBot('mailbox', directoryPath, `sqlite:${copy}`);
      }
      await drive(echo, activities.slice(0, WARMUP), CONCURRENCY);
      await drive(echoTwo, activities.slice(0, WARMUP), CONCURRENCY);
      // Each round's mailbox bot gets turns it has not seen: new grantees and targets.
      const slice = activities.slice(offset, offset + WARMUP + TURNS);
      offset += WARMUP + TURNS;
      const loadedSlice = loaded ? activities.slice(offset, offset + WARMUP + TURNS) : [];
      if (loaded) offset += WARMUP + TURNS;
      /** A mailbox block ends when its last approval card is out (one per grant request). */
      const mailboxBlock = async (target: BotProcess, turns: unknown[], cards?: SentActivity[]) => {
        const start = approvals();
        const from = connector.sent.length;
        const result = await drive(target, turns, CONCURRENCY, () => approvals() >= start + turns.length);
        cards?.push(...connector.sent.slice(from).filter(isApprovalCard));
        return result;
      };
      const before = approvals();
      const sentBefore = connector.sent.length;
      await drive(bot, slice.slice(0, WARMUP), CONCURRENCY, () => approvals() >= before + WARMUP).catch((error: Error) => {
        const replies = connector.sent.slice(sentBefore).map((m) => m.activity.text ?? m.activity.attachments?.[0]?.content?.body?.[0]?.text ?? '?');
        const counts = new Map<string, number>();
        for (const r of replies) counts.set(String(r).slice(0, 60), (counts.get(String(r).slice(0, 60)) ?? 0) + 1);
        console.error(`approvals ${approvals() - before} of ${WARMUP}; replies:`, [...counts.entries()].slice(0, 15));
        throw error;
      });
      if (loaded) await mailboxBlock(loaded, loadedSlice.slice(0, WARMUP));

      if (PROFILE_DIR) await Promise.all([echo.profileStart(), bot.profileStart(), loaded?.profileStart()]);
      const parts = { echo: [] as Result[], echoTwo: [] as Result[], bot: [] as Result[], loaded: [] as Result[] };
      const perBlock = Math.ceil(TURNS / BLOCKS);
      for (let from = 0; from < TURNS; from += perBlock) {
        const to = Math.min(TURNS, from + perBlock);
        parts.echo.push(await drive(echo, activities.slice(WARMUP + from, WARMUP + to), CONCURRENCY));
        parts.echoTwo.push(await drive(echoTwo, activities.slice(WARMUP + from, WARMUP + to), CONCURRENCY));
        parts.bot.push(await mailboxBlock(bot, slice.slice(WARMUP + from, WARMUP + to), botCards));
        if (loaded) parts.loaded.push(await mailboxBlock(loaded, loadedSlice.slice(WARMUP + from, WARMUP + to)));
      }
      if (PROFILE_DIR) {
        await echo.profileStop(join(PROFILE_DIR, `echo-${round}.cpuprofile`));
        await bot.profileStop(join(PROFILE_DIR, `grant-${round}.cpuprofile`));
        await loaded?.profileStop(join(PROFILE_DIR, `grant-preloaded-${round}.cpuprofile`));
      }
      echoRuns.push(combine(parts.echo));
      echoTwoRuns.push(combine(parts.echoTwo));
      botRuns.push(combine(parts.bot));
      if (loaded) loadedRuns.push(combine(parts.loaded));
      await echo.stop();
      await echoTwo.stop();
      await loaded?.stop();

      if (PROFILE_DIR) await bot.profileStart();
      notUnderstoodRuns.push(await drive(bot, notUnderstood, CONCURRENCY));
      if (PROFILE_DIR) await bot.profileStop(join(PROFILE_DIR, `not-understood-${round}.cpuprofile`));
      if (round === 0) {
        // One approver at a time first (the usual case), then a burst of simultaneous clicks.
        single = await approveClicks(bot, botCards, ctx, 50, 1);
        await new Promise((resolve) => setTimeout(resolve, 2000));
        clicks = await approveClicks(bot, botCards, ctx, 200, CONCURRENCY, 50);
      }
      await bot.stop();
    }
    const echoResult = median(echoRuns);
    const echoTwoResult = median(echoTwoRuns);
    const botResult = median(botRuns);
    const cpu = (runs: Result[]) => [...runs.map((r) => r.cpuMsPerTurn)].sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;

    const approvalCards = approvals();
    const row = (name: string, r: Result, cpuMs: number) =>
      `${name.padEnd(28)} ${r.turns.toString().padStart(6)} ${r.perSecond.toFixed(1).padStart(10)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${cpuMs.toFixed(2).padStart(12)} ${(1000 / cpuMs).toFixed(0).padStart(12)}`;
    console.log(`store=${STORE} concurrency=${CONCURRENCY} warmup=${WARMUP} connector latency=${CONNECTOR_LATENCY} ms node flags: ${NODE_FLAGS.join(' ') || 'none'}`);
    console.log(`${'bot'.padEnd(28)} ${'turns'.padStart(6)} ${'turns/s'.padStart(10)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'CPU ms/turn'.padStart(12)} ${'turns/CPU-s'.padStart(12)}`);
    console.log(row('botbuilder echo bot', echoResult, cpu(echoRuns)));
    console.log(row('echo bot, two messages/turn', echoTwoResult, cpu(echoTwoRuns)));
    console.log(row('mailbox bot (grant requests)', botResult, cpu(botRuns)));
    console.log(row('mailbox bot, not understood', median(notUnderstoodRuns), cpu(notUnderstoodRuns)));
    if (PRELOAD > 0) console.log(row(`mailbox bot, ${PRELOAD} stored`, median(loadedRuns), cpu(loadedRuns)));
    // Ratios are paired: each round's bots ran in alternating blocks, so a round's ratio compares
    // like with like; the median of the rounds' ratios is the figure.
    const paired = (runs: Result[], by: (r: Result, base: Result) => number) => runs.map((r, i) => by(r, echoRuns[i]!));
    const rate = (r: Result, base: Result) => r.perSecond / base.perSecond;
    const perCpu = (r: Result, base: Result) => base.cpuMsPerTurn / r.cpuMsPerTurn;
    const mid = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const list = (values: number[]) => values.map((v) => v.toFixed(2)).join(', ');
    console.log(`ratio (mailbox / echo): ${mid(paired(botRuns, rate)).toFixed(2)}x wall-clock throughput (rounds: ${list(paired(botRuns, rate))}), ${mid(paired(botRuns, perCpu)).toFixed(2)}x turns per CPU-second (rounds: ${list(paired(botRuns, perCpu))})`);
    if (PRELOAD > 0) {
      // Paired per round like the others: both mailbox bots ran in the same alternating blocks.
      const cpuRatios = loadedRuns.map((r, i) => r.cpuMsPerTurn / botRuns[i]!.cpuMsPerTurn);
      const rateRatios = loadedRuns.map((r, i) => r.perSecond / botRuns[i]!.perSecond);
      console.log(
        `store holding ${PRELOAD} pending requests vs empty (mailbox bot, grant requests): CPU per turn ${mid(cpuRatios).toFixed(3)}x (rounds: ${list(cpuRatios)}; ` +
          `ms/turn ${list(loadedRuns.map((r) => r.cpuMsPerTurn))} vs ${list(botRuns.map((r) => r.cpuMsPerTurn))}), wall-clock throughput ${mid(rateRatios).toFixed(2)}x (rounds: ${list(rateRatios)})`,
      );
    }
    console.log(`ratio (echo with two messages / echo): ${mid(paired(echoTwoRuns, rate)).toFixed(2)}x wall-clock, ${mid(paired(echoTwoRuns, perCpu)).toFixed(2)}x per CPU-second`);
    console.log(`ratio (mailbox bot, not understood / echo): ${(median(notUnderstoodRuns).perSecond / echoResult.perSecond).toFixed(2)}x wall-clock, ${(cpu(echoRuns) / cpu(notUnderstoodRuns)).toFixed(2)}x per CPU-second`);
    console.log(`CPU a grant request adds to a turn the bot does not understand: ${(cpu(botRuns) - cpu(notUnderstoodRuns)).toFixed(2)} ms; to stay at 0.8x of the echo bot it could add ${(cpu(echoRuns) / 0.8 - cpu(notUnderstoodRuns)).toFixed(2)} ms; a second message alone adds ${(cpu(echoTwoRuns) - cpu(echoRuns)).toFixed(2)} ms (echo bots)`);
    if (single && clicks) {
      const open = WARMUP + TURNS;
      console.log(`Approve clicks (adaptiveCard/action invokes) with ${open} requests open: one at a time (${single.turns}): p50 ${single.p50.toFixed(1)} ms, p99 ${single.p99.toFixed(1)} ms, max ${single.seconds.toFixed(1)} ms`);
      console.log(`  burst of ${clicks.turns} at concurrency ${CONCURRENCY}: p50 ${clicks.p50.toFixed(1)} ms, p99 ${clicks.p99.toFixed(1)} ms, max ${clicks.seconds.toFixed(1)} ms`);
    }
    console.log(`load generator and fake connector (this process): ${Math.max(...loadGeneratorShare.map((s) => s * 100)).toFixed(0)}% of one core at most`);
    console.log(`rounds=${ROUNDS} (median shown); echo runs: ${echoRuns.map((r) => r.perSecond.toFixed(0)).join(', ')}; echo-two runs: ${echoTwoRuns.map((r) => r.perSecond.toFixed(0)).join(', ')}; mailbox runs: ${botRuns.map((r) => r.perSecond.toFixed(0)).join(', ')} turns/s; CPU ms/turn echo ${echoRuns.map((r) => r.cpuMsPerTurn.toFixed(2)).join(', ')}, mailbox ${botRuns.map((r) => r.cpuMsPerTurn.toFixed(2)).join(', ')}`);
    console.log(`approval cards delivered: ${approvalCards} of ${(WARMUP + TURNS) * ROUNDS * (PRELOAD > 0 ? 2 : 1)} (warm-up included; each mailbox block ends when its last approval card is out), connector rejections: ${connector.rejected.length}`);
  } finally {
    await connector.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
