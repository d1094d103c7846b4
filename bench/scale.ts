// The bot holding 1,000, 10,000 and 100,000 pending requests: what it costs to start, to sit idle,
// to fire 1,000 reminders due together, to answer each query and an approval.
//
//   npx tsx bench/scale.ts [--quick] [--sizes 1000,10000,100000] [--stores sqlite,redis]
//                          [--empty] [--idle-seconds 20] [--runs 25] [--profile DIR] [--json FILE]
//
// `--quick`: 1,000 and 10,000 only. `--stores`: sqlite (the default store, a file in a temporary
// directory), redis (127.0.0.1:6379, a fresh key prefix per size, deleted afterwards). `--empty`: an
// empty store first, as the reference for start, memory and idle CPU. `--nice -10`: this process and
// the bot processes at that priority, so other work on a shared machine takes less of their time. `--profile DIR`: V8 CPU profiles of the bot process while the reminders fall due and
// while the approvals are clicked (reminders-STORE-N.cpuprofile, approvals-STORE-N.cpuprofile), and of
// each bot process's whole life (--cpu-prof: written when it stops gracefully; the start is in them).
//
// Per store and size N, with the bot as a real process (bench/bot-process.mjs: the compiled bot, as
// `npm start` runs it, against a fake Bot Connector in this process):
// 1. N pending requests are stored (not timed) through the real `RequestRepository.create`
//    (bench/scale-fixture.ts: approvers from the real policy, each request with its indexes, audit
//    entry and timers), 100 more through `engine.submit`; nothing falls due for two hours.
// 2. Start 1: time from spawning the process to `GET /healthz` answering; RSS 3 s later; the CPU
//    the process uses over `--idle-seconds` with nothing due.
// 3. Queries, through the engine API in this process on the same store (the bot process idles
//    meanwhile): the median of `--runs` calls of each, after 5 untimed ones.
// 4. Start 2 after a graceful stop (SIGTERM), start 3 after `kill -9` of the second: /healthz times.
//    Before start 3, 1,000 more requests are stored whose approvers' reminder falls due 10 s later.
//    Lateness of those 1,000 reminders: how late the worker started each reminder job (its `onRun`
//    `lateMs`, the metric `timerLateness`: the figure the target is about), and, for the whole
//    chain (reminder job, notify job, deliver job, Bot Connector), when each reminder card reached
//    the fake Bot Connector.
// 5. One approval: `--runs` Approve clicks (adaptiveCard/action invokes through /api/messages), one
//    at a time, each on one of those requests by its approver: click to the answered card.
// 6. RSS after that work, and the peak (VmHWM).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createApp, type App } from '../src/app.js';
import { TeamsRepository } from '../src/channels/teams/repositories.js';
import { loadConfig } from '../src/config.js';
import type { DurableStore } from '../src/store/durable-store.js';
import { createSqliteStore } from '../src/store/keyv-store.js';
import { createPostgresStore } from '../src/store/postgres-store.js';
import { createRedisStore } from '../src/store/redis-store.js';
import { FakeConnector } from '../test/fakes/fake-connector.js';
import { cardAction, type TeamsContext } from '../test/fakes/teams-activities.js';
import { adminQuery, dropSchemas, POSTGRES_URL, postgresStoreUrl } from '../test/helpers/postgres.js';
import { rawRedis, REDIS_URL } from '../test/store/redis-test-prefix.js';
import {
  DAY,
  quietCreatedAt,
  SCALE_PEOPLE,
  SCALE_TENANT,
  scaleDirectoryFile,
  scaleRequest,
  SeedClock,
  seededRandom,
  seedPending,
} from './scale-fixture.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    empty: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    stores: { type: 'string', default: 'sqlite' },
    'idle-seconds': { type: 'string', default: '20' },
    runs: { type: 'string', default: '25' },
    profile: { type: 'string' },
    json: { type: 'string' },
    nice: { type: 'string' },
  },
});
const SIZES = (args.sizes ?? (args.quick ? '1000,10000' : '1000,10000,100000')).split(',').map(Number);
const IDLE_SECONDS = Number(args['idle-seconds']);
const RUNS = Number(args.runs);
const REMINDERS = 1_000;
const SUBMITTED = 100;
const REMINDER_DELAY_MS = 10_000;
const BOT_NODE_FLAGS = args.profile ? ['--cpu-prof', '--cpu-prof-dir', args.profile] : [];

const dir = mkdtempSync(join(tmpdir(), 'scale-bench-'));
const directoryPath = join(dir, 'directory.json');
const runId = `${Date.now().toString(36)}`;

/** Where a size's store lives: a file, a key prefix or a schema of its own. */
interface Backend {
  name: string;
  /** `STORE` for the bot process. */
  storeUrl(n: number): string;
  /** Extra environment for the bot process (bench/bot-process.mjs: key prefix, schema). */
  env(n: number): Record<string, string>;
  /** The same store, opened in this process. */
  open(n: number): Promise<DurableStore>;
  /** Removes what the size stored. */
  drop(n: number): Promise<void>;
}

const BACKENDS: Record<string, () => Backend> = {
  sqlite: () => ({
    name: 'sqlite',
    storeUrl: (n) => `sqlite:${join(dir, `scale-${n}.sqlite`)}`,
    env: () => ({}),
    open: async (n) => createSqliteStore(join(dir, `scale-${n}.sqlite`)),
    drop: async (n) => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, `scale-${n}.sqlite${suffix}`), { force: true });
    },
  }),
  redis: () => {
    const prefix = (n: number) => `bench-scale-${runId}-${n}/`;
    return {
      name: 'redis',
      storeUrl: () => REDIS_URL,
      env: (n) => ({ BENCH_REDIS_PREFIX: prefix(n) }),
      open: (n) => createRedisStore(REDIS_URL, { keyPrefix: prefix(n) }),
      drop: async (n) => {
        const { client, close } = await rawRedis();
        let cursor = '0';
        do {
          const [next, keys] = (await client.sendCommand(['SCAN', cursor, 'MATCH', `${prefix(n)}*`, 'COUNT', '5000'])) as [string, string[]];
          if (keys.length) await client.sendCommand(['UNLINK', ...keys]);
          cursor = next;
        } while (cursor !== '0');
        await close();
      },
    };
  },
  postgres: () => {
    // A schema per size: the bot process reaches it through the URL's search_path.
    const schema = (n: number) => `bench_scale_${runId}_${n}`;
    return {
      name: 'postgres',
      storeUrl: (n) => postgresStoreUrl(schema(n)),
      env: () => ({}),
      open: async (n) => {
        await adminQuery(`CREATE SCHEMA IF NOT EXISTS ${schema(n)}`);
        return createPostgresStore(POSTGRES_URL, { schema: schema(n) });
      },
      drop: (n) => dropSchemas([schema(n)]),
    };
  },
};

// ------------------------------------------------------------------ the bot process

interface BotProcess {
  child: ChildProcess;
  port: number;
  /** Spawn to the first 200 from /healthz, ms. */
  healthzMs: number;
  /** CPU time the process had used by then (asked right after), ms: the start's cost without the machine's load. */
  healthzCpuMs: number;
  /** One command on stdin, its answer line (prefix `answer`) back. */
  ask(command: string, answer: string): Promise<string>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startBot(backend: Backend, n: number): Promise<BotProcess> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...BOT_NODE_FLAGS, '--disable-warning=DEP0111', fileURLToPath(new URL('./bot-process.mjs', import.meta.url)), 'mailbox', directoryPath, backend.storeUrl(n)],
    { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, BENCH_PORT: String(port), ...backend.env(n) } },
  );
  if (args.nice !== undefined) setPriority(child.pid!, Number(args.nice));
  let exited = false;
  child.once('exit', () => (exited = true));
  let healthzMs = 0;
  for (;;) {
    if (exited) throw new Error(`bot process exited before /healthz answered (${backend.name}, N=${n})`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.status === 200) {
        healthzMs = performance.now() - started;
        break;
      }
    } catch {
      // not listening yet
    }
    await sleep(10);
  }
  let buffered = '';
  const waiting: { prefix: string; resolve: (line: string) => void }[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const at = waiting.findIndex((w) => line.startsWith(w.prefix));
      if (at >= 0) {
        const [waiter] = waiting.splice(at, 1);
        waiter!.resolve(line.slice(waiter!.prefix.length).trim());
      }
    }
  });
  const ask = (command: string, answer: string) =>
    new Promise<string>((resolve) => {
      waiting.push({ prefix: answer, resolve });
      child.stdin!.write(`${command}\n`);
    });
  const healthzCpuMs = Number(await ask('cpu', 'CPU')) / 1000;
  return { child, port, healthzMs, healthzCpuMs, ask };
}

async function stopBot(bot: BotProcess, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (bot.child.exitCode !== null || bot.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => bot.child.once('exit', () => resolve()));
  bot.child.kill(signal);
  await exited;
}

/** Resident and peak resident memory of a process, MB (from /proc). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function cpuMicros(bot: BotProcess): Promise<number> {
  return Number(await bot.ask('cpu', 'CPU'));
}

// ------------------------------------------------------------------ helpers

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const quantile = (values: number[], q: number) => {
  const s = sorted(values);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/** Median wall and CPU time (ms) of `runs` calls, after 5 untimed ones. */
async function timed(runs: number, call: (run: number) => Promise<unknown>): Promise<{ wall: number; cpu: number; max: number }> {
  for (let run = 0; run < 5; run++) await call(run);
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let run = 0; run < runs; run++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    await call(5 + run);
    walls.push(performance.now() - started);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
  }
  return { wall: quantile(walls, 0.5), cpu: quantile(cpus, 0.5), max: Math.max(...walls) };
}

/** The app (engine, store, simulated permission service) this process seeds and queries through. */
async function openApp(backend: Backend, n: number, clock: SeedClock): Promise<App> {
  const config = loadConfig({ DIRECTORY: `file:${directoryPath}`, STORE: backend.storeUrl(n), LOG_LEVEL: 'silent' });
  return createApp(config, { store: await backend.open(n), clock, logger: pino({ level: 'silent' }) });
}

// ------------------------------------------------------------------ one size

interface SizeResult {
  n: number;
  seedSeconds: number;
  stored: number;
  healthzMs: number[];
  healthzCpuMs: number[];
  rssStartMb: number;
  rssAfterMb: number;
  peakMb: number;
  idleCpuPercent: number;
  /** ms */
  reminderLateness?: { p50: number; p99: number; max: number; count: number };
  cardLateness?: { p50: number; p99: number; max: number; count: number };
  /** The bot's CPU time from just before the reminders fell due until the last card was out, ms. */
  reminderCpuMs?: number;
  queries: Record<string, { wall: number; cpu: number; max: number }>;
  /** ms; `cpu`: the bot's CPU per click, with the work each click sets off (apply, messages) while the next ones are clicked. */
  approval?: { wall: number; max: number; cpu: number };
}

async function measureSize(backend: Backend, n: number, connector: FakeConnector, sentAt: number[]): Promise<SizeResult> {
  const ctx: TeamsContext = { tenantId: SCALE_TENANT, serviceUrl: connector.serviceUrl };
  const clock = new SeedClock();
  const app = await openApp(backend, n, clock);
  const random = seededRandom(n + 1);
  const seedStarted = performance.now();
  const now = Date.now();
  const quiet = n - Math.min(n, SUBMITTED);
  // Requests per shared mailbox: the queries ask about the busiest one.
  const perTarget = new Map<string, number>();
  const ids = await seedPending(
    app,
    clock,
    (function* () {
      for (let i = 0; i < quiet; i++) {
        const { createdAt, reminded } = quietCreatedAt(i, quiet, now);
        const spec = scaleRequest(random, i);
        if (spec.targetKind === 'shared') perTarget.set(spec.targetId, (perTarget.get(spec.targetId) ?? 0) + 1);
        yield { ...spec, createdAt, reminded };
      }
    })(),
  );
  const busiest = [...perTarget].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 's-1';
  // A sample through the front door: engine.submit, with its approval_needed event delivered
  // (to no channel: this process has none) before the bot starts.
  clock.current = now - 3_600_000;
  let submitted = 0;
  for (let i = 0; submitted < Math.min(n, SUBMITTED) && i < 10 * SUBMITTED; i++) {
    const spec = scaleRequest(random, quiet + i);
    const outcome = await app.engine
      .submit({ requesterId: spec.requesterId, kind: 'grant', granteeId: spec.granteeId, targetId: spec.targetId, right: spec.right, language: 'en' })
      .catch(() => undefined);
    if (outcome?.outcome === 'created') submitted++;
  }
  clock.current = Date.now();
  await app.engine.idle();
  // How the bot reaches people: the Bot Connector this process plays (saved as a Teams turn would).
  await new TeamsRepository(app.store, clock).saveReference(SCALE_PEOPLE.admin, {
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    bot: { id: '28:bot-app-id', name: 'Mailbox access' },
    conversation: { id: `a:personal-${SCALE_PEOPLE.admin}`, tenantId: SCALE_TENANT, conversationType: 'personal', isGroup: false, name: '' },
  });
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const stored = await app.store.count('req:state:pending');
  if (ids.length > 0 && !(await app.store.work.get(`${ids[0]}:expire`))) throw new Error('a seeded request has no expiry job');
  console.error(`[${backend.name} N=${n}] stored ${stored} pending requests in ${seedSeconds.toFixed(1)} s`);

  // Start 1: /healthz, RSS, idle CPU.
  const healthzMs: number[] = [];
  const healthzCpuMs: number[] = [];
  let bot = await startBot(backend, n);
  healthzMs.push(bot.healthzMs);
  healthzCpuMs.push(bot.healthzCpuMs);
  await sleep(3_000);
  const rssStartMb = memoryOf(bot.child.pid!).rss;
  const cpuBefore = await cpuMicros(bot);
  await sleep(IDLE_SECONDS * 1000);
  const idleCpuPercent = ((await cpuMicros(bot)) - cpuBefore) / (IDLE_SECONDS * 1e6) * 100;
  console.error(`[${backend.name} N=${n}] start 1: /healthz after ${bot.healthzMs.toFixed(0)} ms, RSS ${rssStartMb.toFixed(0)} MB, idle CPU ${idleCpuPercent.toFixed(2)}%`);

  // Queries through the engine API, in this process, on the same store.
  const queries: SizeResult['queries'] = {};
  if (n > 0) {
    const { engine } = app;
    const admin = SCALE_PEOPLE.admin;
    const trustee = scaleDirectoryFile().permissions[1]!.trustee;
    const someRequest = ids[Math.floor(ids.length / 2)]!;
    queries['who has access to X (the busiest shared mailbox)'] = await timed(RUNS, () => engine.whoHasAccess(admin, busiest));
    queries['what can Y open (a person holding rights)'] = await timed(RUNS, () => engine.whatCanAccess(admin, trustee));
    queries['my requests (service desk, first page of 20)'] = await timed(RUNS, () => engine.requestsOf(SCALE_PEOPLE.serviceDesk[0]));
    queries['awaiting my decision (owner of 1 in 10 shared mailboxes, first page of 50)'] = await timed(RUNS, () => engine.awaitingDecisionBy(SCALE_PEOPLE.itOwner));
    queries['audit of a request'] = await timed(RUNS, () => engine.audit(admin, { requestId: someRequest }));
    queries['audit of a target (the busiest shared mailbox, page of 20)'] = await timed(RUNS, () => engine.audit(admin, { targetId: busiest }));
    queries['audit of a person (service desk, page of 20)'] = await timed(RUNS, () => engine.audit(admin, { granteeId: SCALE_PEOPLE.serviceDesk[0] }));
    for (const [name, q] of Object.entries(queries)) console.error(`[${backend.name} N=${n}]   ${name}: ${q.wall.toFixed(2)} ms (CPU ${q.cpu.toFixed(2)} ms)`);
  }

  // Start 2 after a graceful stop, start 3 after kill -9.
  await stopBot(bot, 'SIGTERM');
  bot = await startBot(backend, n);
  healthzMs.push(bot.healthzMs);
  healthzCpuMs.push(bot.healthzCpuMs);
  await stopBot(bot, 'SIGKILL');

  let reminderLateness: SizeResult['reminderLateness'];
  let cardLateness: SizeResult['cardLateness'];
  let reminderCpuMs: number | undefined;
  let approval: SizeResult['approval'];
  bot = await startBot(backend, n);
  healthzMs.push(bot.healthzMs);
  healthzCpuMs.push(bot.healthzCpuMs);
  console.error(`[${backend.name} N=${n}] /healthz after ${healthzMs.map((ms) => ms.toFixed(0)).join(', ')} ms (CPU ${healthzCpuMs.map((ms) => ms.toFixed(0)).join(', ')} ms)`);

  if (n > 0) {
    // 1,000 requests whose approvers' reminder falls due a few seconds from now (made 24 h before
    // that), stored while the bot runs: it finds them through the queue's ready-time index.
    const dueRandom = seededRandom(n + 2);
    const seedStarted = Date.now();
    const dueAt = seedStarted + REMINDER_DELAY_MS;
    const dueIds = await seedPending(
      app,
      clock,
      (function* () {
        for (let i = 0; i < REMINDERS; i++) yield { ...scaleRequest(dueRandom, i), createdAt: dueAt - DAY };
      })(),
    );
    let expectedCards = 0;
    for (const id of dueIds) expectedCards += (await app.engine.get(id))!.approverIds.length;
    if (Date.now() > dueAt - 1_000) throw new Error(`seeding the reminders took ${Date.now() - seedStarted} ms; raise REMINDER_DELAY_MS`);
    const sentBefore = connector.sent.length;
    await sleep(dueAt - 500 - Date.now());
    if (args.profile) await bot.ask('profile-start', 'PROFILING');
    const cpuBeforeBurst = await cpuMicros(bot);
    const due = new Set(dueIds);
    const cardsOf = () => {
      const arrivals: number[] = [];
      for (let k = sentBefore; k < connector.sent.length; k++) {
        const requestId = connector.sent[k]!.activity.attachments?.[0]?.content?.actions?.[0]?.data?.requestId;
        if (typeof requestId === 'string' && due.has(requestId)) arrivals.push(sentAt[k]! - dueAt);
      }
      return arrivals;
    };
    await connector.waitFor(() => connector.sent.length - sentBefore >= expectedCards && cardsOf().length >= expectedCards, 'every reminder card', 300_000);
    reminderCpuMs = ((await cpuMicros(bot)) - cpuBeforeBurst) / 1000;
    if (args.profile) await bot.ask(`profile-stop ${join(args.profile, `reminders-${backend.name}-${n}.cpuprofile`)}`, 'PROFILED');
    const arrivals = cardsOf();
    const late = JSON.parse(await bot.ask('lateness approver_reminder', 'LATENESS')) as number[];
    reminderLateness = { p50: quantile(late, 0.5), p99: quantile(late, 0.99), max: Math.max(...late), count: late.length };
    cardLateness = { p50: quantile(arrivals, 0.5), p99: quantile(arrivals, 0.99), max: Math.max(...arrivals), count: arrivals.length };
    console.error(
      `[${backend.name} N=${n}] ${late.length} reminders: worker lateness p50 ${reminderLateness.p50.toFixed(0)} / p99 ${reminderLateness.p99.toFixed(0)} ms; ${arrivals.length} cards at the connector p50 ${cardLateness.p50.toFixed(0)} / p99 ${cardLateness.p99.toFixed(0)} ms after due; bot CPU for the burst ${reminderCpuMs.toFixed(0)} ms`,
    );

    // Approve clicks, one at a time, each by the request's first approver.
    if (args.profile) await bot.ask('profile-start', 'PROFILING');
    const walls: number[] = [];
    let cpuBeforeClicks = 0;
    for (let k = 0; k < RUNS + 5; k++) {
      const request = (await app.engine.get(dueIds[k]!))!;
      const approver = request.approverIds[0]!;
      const click = cardAction({ aad: approver, name: approver }, ctx, 'approve', { requestId: request.id }, { conversationId: `a:1to1-${approver}` });
      const started = performance.now();
      const response = await fetch(`http://127.0.0.1:${bot.port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(click) });
      const body = (await response.json()) as { type?: string; value?: unknown };
      const ms = performance.now() - started;
      if (response.status !== 200 || body.type !== 'application/vnd.microsoft.card.adaptive') throw new Error(`approve click answered ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
      if ((await app.engine.get(request.id))!.state === 'pending') throw new Error(`approve click left ${request.id} pending`);
      if (k >= 5) walls.push(ms);
      if (k === 4) cpuBeforeClicks = await cpuMicros(bot);
    }
    approval = { wall: quantile(walls, 0.5), max: Math.max(...walls), cpu: ((await cpuMicros(bot)) - cpuBeforeClicks) / 1000 / walls.length };
    if (args.profile) await bot.ask(`profile-stop ${join(args.profile, `approvals-${backend.name}-${n}.cpuprofile`)}`, 'PROFILED');
    console.error(`[${backend.name} N=${n}] approval click to answer: median ${approval.wall.toFixed(1)} ms, max ${approval.max.toFixed(1)} ms; bot CPU per click ${approval.cpu.toFixed(1)} ms`);
    await sleep(3_000);
  }
  const after = memoryOf(bot.child.pid!);
  await stopBot(bot, 'SIGTERM');
  await app.close();
  await backend.drop(n);
  return { n, seedSeconds, stored, healthzMs, healthzCpuMs, reminderCpuMs, rssStartMb, rssAfterMb: after.rss, peakMb: after.peak, idleCpuPercent, queries, ...(reminderLateness ? { reminderLateness } : {}), ...(cardLateness ? { cardLateness } : {}), ...(approval ? { approval } : {}) };
}

// ------------------------------------------------------------------ report

function report(backend: string, results: SizeResult[]): string {
  const head = `| ${backend} | ${results.map((r) => (r.n === 0 ? 'empty store' : `N = ${r.n.toLocaleString('en')}`)).join(' | ')} | target at 100,000 |`;
  const rule = `|---|${results.map(() => '---').join('|')}|---|`;
  const row = (name: string, cell: (r: SizeResult) => string, target = '') => `| ${name} | ${results.map(cell).join(' | ')} | ${target} |`;
  const ms = (value: number | undefined, digits = 1) => (value === undefined ? '-' : `${value.toFixed(digits)} ms`);
  const lines = [
    head,
    rule,
    row('start to /healthz: median (3 starts: first, after SIGTERM, after kill -9)', (r) => `${quantile(r.healthzMs, 0.5).toFixed(0)} ms (${Math.min(...r.healthzMs).toFixed(0)}-${Math.max(...r.healthzMs).toFixed(0)})`, '5 s'),
    row('CPU the process used by then (median)', (r) => `${quantile(r.healthzCpuMs, 0.5).toFixed(0)} ms`),
    row('RSS after start', (r) => `${r.rssStartMb.toFixed(0)} MB`, '300 MB'),
    row('RSS after the reminders and approvals (peak)', (r) => `${r.rssAfterMb.toFixed(0)} MB (${r.peakMb.toFixed(0)})`, '300 MB'),
    row(`idle CPU over ${IDLE_SECONDS} s, nothing due`, (r) => `${r.idleCpuPercent.toFixed(2)}%`, 'near zero'),
    row('1,000 reminders due together: worker lateness p50 / p99', (r) => (r.reminderLateness ? `${r.reminderLateness.p50.toFixed(0)} / ${r.reminderLateness.p99.toFixed(0)} ms` : '-'), '1 s at p99'),
    row('the same: reminder card at the Bot Connector p50 / p99', (r) => (r.cardLateness ? `${r.cardLateness.p50.toFixed(0)} / ${r.cardLateness.p99.toFixed(0)} ms` : '-')),
    row('the bot\'s CPU for the 1,000 reminders (jobs, cards, 1:1 chats opened)', (r) => (r.reminderCpuMs !== undefined ? `${r.reminderCpuMs.toFixed(0)} ms` : '-')),
  ];
  const names = Object.keys(results.find((r) => Object.keys(r.queries).length)?.queries ?? {});
  for (const name of names) lines.push(row(`${name} (median; CPU)`, (r) => (r.queries[name] ? `${ms(r.queries[name]!.wall)} (${ms(r.queries[name]!.cpu)})` : '-'), '50 ms'));
  lines.push(row('one approval: Approve click to answered card, /api/messages (median)', (r) => ms(r.approval?.wall), '50 ms'));
  lines.push(row('the bot\'s CPU per approval, with the apply and messages it sets off', (r) => ms(r.approval?.cpu)));
  lines.push(row('(seeding, not a figure)', (r) => `${r.seedSeconds.toFixed(0)} s`));
  return lines.join('\n');
}

async function main(): Promise<void> {
  const stores = args.stores.split(',');
  // On a shared machine: the bench (playing Teams) and the bot ahead of other work (needs the right to raise priority).
  if (args.nice !== undefined) setPriority(Number(args.nice));
  for (const name of stores) if (!BACKENDS[name]) throw new Error(`--stores: ${name} is not one of ${Object.keys(BACKENDS).join(', ')}`);
  // The bot runs compiled, as `npm start` runs it.
  execFileSync(process.execPath, [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), '-p', fileURLToPath(new URL('../tsconfig.build.json', import.meta.url))], { stdio: 'inherit' });
  writeFileSync(directoryPath, JSON.stringify(scaleDirectoryFile()));
  const connector = await new FakeConnector(SCALE_TENANT).start();
  // When each message reached the connector: its waiters are checked after every answer.
  const sentAt: number[] = [];
  void connector
    .waitFor(() => {
      while (sentAt.length < connector.sent.length) sentAt.push(Date.now());
      return false;
    }, 'never', 2_000_000_000)
    .catch(() => undefined);
  const started = performance.now();
  const loadAtStart = loadavg().map((l) => l.toFixed(1)).join(' ');
  const tables: string[] = [];
  const all: Record<string, SizeResult[]> = {};
  try {
    for (const name of stores) {
      const backend = BACKENDS[name]!();
      const results: SizeResult[] = [];
      for (const n of [...(args.empty ? [0] : []), ...SIZES]) results.push(await measureSize(backend, n, connector, sentAt));
      all[name] = results;
      tables.push(report(name, results));
    }
  } finally {
    await connector.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `Node ${process.version}, ${((performance.now() - started) / 60_000).toFixed(1)} min, load average at the start ${loadAtStart}, at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}${args.nice !== undefined ? `, bench and bot at nice ${args.nice}` : ''}`,
  );
  console.log(tables.join('\n\n'));
  if (args.json) writeFileSync(args.json, JSON.stringify(all, null, 2));
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
