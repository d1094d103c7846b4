// Cost of the DurableStore operations as the store fills: a transition's commit, claiming due jobs
// among many that are not due, a page of a sorted index. Each should grow with log N at most.
// Run: npx tsx bench/store-ops.ts [--store sqlite|memory|redis|postgres] [--sizes 1000,10000,100000]
//      [--url redis://127.0.0.1:6379] (redis: each size under a fresh key prefix, deleted afterwards;
//      times include the loopback round trip, CPU is this process's only, not the Redis server's)
//      (postgres: the machine's server, 127.0.0.1:5432 database test, a schema per size, dropped
//      afterwards; ANALYZE after the load, as autovacuum does; CPU is this process's only)
//
// At each size N the store holds N requests (records of ~300 bytes), two indexes of N members
// (`by-created`, `state:pending`) and N jobs not due for a day (`REQ-i:remind`). Then:
// - commit: a typical transition, awaited one at a time (each its own SQLite transaction):
//   1 record compare-and-set, 3 index changes (move in `by-created`, remove from `state:pending`,
//   add to `state:approved`), 2 job changes (cancel the reminder, schedule the apply a day out);
//   then 16 at once (one event-loop turn, so one group-commit transaction), per commit;
// - claim 1,000: 1,000 due jobs scheduled beside the N (untimed), claimed by one `claim` (limit 1,000);
// - claim 1 and nextReadyAt: one due job among the N;
// - range: a page of 50 from `by-created`, the first page and one after a cursor deep in it;
// - count and size: members of `by-created`, jobs in the queue (size is COUNT(*) on SQLite: O(N));
// - on Redis, the server's memory per job (the jobs hash and the ready ZSET) and per index member.
import KeyvRedis, { type RedisConnectionClientType } from '@keyv/redis';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DurableStore, IndexChange, JobSpec, RecordWrite } from '../src/store/durable-store.js';
import { createSqliteStore } from '../src/store/keyv-store.js';
import { createMemoryStore } from '../src/store/memory-store.js';
import { createPostgresStore } from '../src/store/postgres-store.js';
import { createRedisStore } from '../src/store/redis-store.js';
import { adminQuery, dropSchemas, freshSchema, POSTGRES_URL } from '../test/helpers/postgres.js';

const { values: args } = parseArgs({
  options: {
    store: { type: 'string', default: 'sqlite' },
    sizes: { type: 'string', default: '1000,10000,100000' },
    url: { type: 'string', default: 'redis://127.0.0.1:6379' },
  },
});
const sizes = args.sizes.split(',').map(Number);
const T0 = 1_800_000_000_000;
const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'store-ops-'));
let opened = 0;

/** A plain Redis connection for what the store does not offer: its memory use, and deleting a bench's keys. */
const redis = args.store === 'redis' ? await connectRedis(args.url) : undefined;
const prefixes = new Map<DurableStore, string>();
/** PostgreSQL: the schema of each size. */
const schemas: string[] = [];

/** PostgreSQL plans by its statistics, which autovacuum refreshes within a minute of a load like `fill`'s: measure those plans. */
async function settle(): Promise<void> {
  if (args.store === 'postgres') await adminQuery(`ANALYZE ${schemas.at(-1)}.records, ${schemas.at(-1)}.sorted_index, ${schemas.at(-1)}.jobs`);
}

async function open(name: string): Promise<DurableStore> {
  if (args.store === 'memory') return createMemoryStore();
  if (args.store === 'sqlite') return createSqliteStore(join(dir, `${name}.sqlite`));
  if (args.store === 'postgres') {
    schemas.push(freshSchema('bench'));
    return createPostgresStore(POSTGRES_URL, { schema: schemas.at(-1) });
  }
  if (args.store === 'redis') {
    const keyPrefix = `bench-${randomBytes(6).toString('hex')}-${name}/`;
    const store = await createRedisStore(args.url, { keyPrefix });
    prefixes.set(store, keyPrefix);
    return store;
  }
  throw new Error(`--store: sqlite, memory, redis or postgres, not ${args.store}`);
}

async function connectRedis(url: string): Promise<{ client: RedisConnectionClientType; close: () => Promise<void> }> {
  const adapter = new KeyvRedis(url);
  return { client: (await adapter.getClient()) as RedisConnectionClientType, close: () => adapter.disconnect() };
}

/** Bytes per job and per index member, as Redis counts them (MEMORY USAGE, every element). */
async function redisMemory(prefix: string, jobs: number, members: number): Promise<string> {
  const usage = async (key: string) => Number(await redis!.client.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0']));
  const perJob = ((await usage(`${prefix}durable:jobs`)) + (await usage(`${prefix}durable:ready`))) / jobs;
  return `${perJob.toFixed(0)} B per job, ${((await usage(`${prefix}durable:index:by-created`)) / members).toFixed(0)} B per index member`;
}

/** Deletes a bench's keys (SCAN: the bench's cleanup only, never the store's own paths). */
async function dropPrefix(prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = (await redis!.client.sendCommand(['SCAN', cursor, 'MATCH', `${prefix}*`, 'COUNT', '1000'])) as [string, string[]];
    if (keys.length) await redis!.client.sendCommand(['UNLINK', ...keys]);
    cursor = next;
  } while (cursor !== '0');
}

const request = (i: number) => ({
  id: `REQ-${i}`,
  state: 'pending',
  requester: `user-${i % 997}@contoso.example`,
  target: `shared-${i % 101}@contoso.example`,
  rights: 'FullAccess',
  approvers: ['approver-1@contoso.example', 'approver-2@contoso.example'],
  createdAt: T0 + i,
  note: 'x'.repeat(80),
});

async function fill(store: DurableStore, n: number): Promise<void> {
  for (let start = 0; start < n; start += 1_000) {
    const ids = Array.from({ length: Math.min(1_000, n - start) }, (_, k) => start + k);
    await store.commit({
      records: ids.map((i): RecordWrite => ({ namespace: 'requests', key: `REQ-${i}`, expect: 'absent', value: request(i) })),
      index: ids.flatMap((i): IndexChange[] => [
        { index: 'by-created', member: `REQ-${i}`, score: T0 + i },
        { index: 'state:pending', member: `REQ-${i}`, score: T0 + i },
      ]),
      schedule: ids.map((i): JobSpec => ({ id: `REQ-${i}:remind`, kind: 'remind', dueAt: T0 + DAY + i, payload: { requestId: `REQ-${i}` } })),
    });
  }
}

interface Timing {
  /** Median wall time per call, µs. */
  p50: number;
  p99: number;
  /** Median CPU time per call (this process, every thread: the checkpoint worker too), µs. */
  cpu: number;
}

/**
 * Times `runs` calls of `call`, each after an untimed `before` (its result is passed on) and
 * followed by an untimed `after`. This machine is shared, so medians; CPU time is the steadier figure.
 */
async function time<T>(
  runs: number,
  call: (run: number, prepared: T) => Promise<unknown>,
  before: (run: number) => Promise<T> = async () => undefined as T,
  after: (run: number, prepared: T) => Promise<unknown> = async () => undefined,
): Promise<Timing> {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let run = 0; run < runs; run++) {
    const prepared = await before(run);
    const cpu = process.cpuUsage();
    const started = performance.now();
    await call(run, prepared);
    walls.push((performance.now() - started) * 1_000);
    const used = process.cpuUsage(cpu);
    cpus.push(used.user + used.system);
    await after(run, prepared);
  }
  const at = (values: number[], q: number) => values.sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;
  return { p50: at(walls, 0.5), p99: at(walls, 0.99), cpu: at(cpus, 0.5) };
}

const us = (value: number) => (value >= 1_000 ? `${(value / 1_000).toFixed(1)} ms` : `${value.toFixed(0)} µs`);
const show = (t: Timing) => `${us(t.p50)} (CPU ${us(t.cpu)})`;

async function measure(n: number): Promise<Record<string, string>> {
  const store = await open(`n${n}-${++opened}`);
  await fill(store, n);
  await settle();
  const out: Record<string, string> = {};

  const approve = async (i: number) => {
    const key = `REQ-${i}`;
    const ok = await store.commit({
      records: [{ namespace: 'requests', key, expect: 1, value: { ...request(i), state: 'approved' } }],
      index: [
        { index: 'by-created', member: key, score: T0 + n + i },
        { index: 'state:pending', member: key, remove: true },
        { index: 'state:approved', member: key, score: T0 + i },
      ],
      cancel: [`${key}:remind`],
      schedule: [{ id: `${key}:apply`, kind: 'apply', dueAt: T0 + DAY, payload: { requestId: key } }],
    });
    if (!ok) throw new Error(`commit ${key} failed`);
  };
  // Half the requests at most, so the middle of `by-created` keeps its scores for the range below:
  // a quarter one at a time, a quarter 16 at a time (one event-loop turn: one group commit).
  const commits = Math.min(1_024, n / 4);
  const transition = await time(commits, (i) => approve(i));
  out['commit (1 CAS, 3 index, 2 job changes)'] = `${show(transition)}, p99 ${us(transition.p99)}`;
  const grouped = await time(Math.floor(commits / 16), (round) => Promise.all(Array.from({ length: 16 }, (_, k) => approve(commits + round * 16 + k))));
  out['the same, 16 at once, per commit'] = show({ p50: grouped.p50 / 16, p99: grouped.p99 / 16, cpu: grouped.cpu / 16 });

  const dueJobs = (run: number) => Array.from({ length: 1_000 }, (_, k): JobSpec => ({ id: `due-${run}-${k}`, kind: 'remind', dueAt: T0 - k }));
  const claim1000 = await time(
    9,
    async () => {
      const claimed = await store.work.claim({ owner: 'bench', now: T0, leaseMs: 60_000, limit: 1_000 });
      if (claimed.length !== 1_000) throw new Error(`claimed ${claimed.length}`);
    },
    async (run) => {
      const due = dueJobs(run);
      await store.commit({ schedule: due });
      return due;
    },
    (_run, due) => store.commit({ cancel: due.map((job) => job.id) }),
  );
  out['claim 1,000 due among N'] = show(claim1000);

  const claimOne = await time(
    200,
    () => store.work.claim({ owner: 'bench', now: T0, leaseMs: 60_000, limit: 10 }),
    (run) => store.commit({ schedule: [{ id: `one-${run}`, kind: 'remind', dueAt: T0 }] }),
    (run) => store.commit({ cancel: [`one-${run}`] }),
  );
  out['claim 1 due among N'] = show(claimOne);
  out.nextReadyAt = show(await time(1_000, () => store.work.nextReadyAt()));

  // Newest first from a quarter of the way down (members below n / 2 may have moved to the top).
  const middle = { member: `REQ-${Math.floor((3 * n) / 4)}`, score: T0 + Math.floor((3 * n) / 4) };
  const first = await time(1_000, () => store.range('by-created', { limit: 50 }));
  const deep = await time(1_000, async () => {
    const page = await store.range('by-created', { limit: 50, after: middle });
    if (page.length !== 50) throw new Error(`page of ${page.length}`);
  });
  out['range 50, first page'] = show(first);
  out['range 50, after a cursor deep in the index'] = show(deep);

  out.count = show(await time(20, () => store.count('by-created')));
  out['work.size (O(N) on SQLite and PostgreSQL)'] = show(await time(20, () => store.work.size()));
  const prefix = prefixes.get(store);
  if (prefix !== undefined) out['Redis memory'] = await redisMemory(prefix, await store.work.size(), await store.count('by-created'));
  await store.close();
  if (prefix !== undefined) await dropPrefix(prefix);
  return out;
}

// One untimed round first, so the first size is not also the JIT's warm-up.
await measure(1_000);
const results = new Map<number, Record<string, string>>();
for (const n of sizes) results.set(n, await measure(n));
rmSync(dir, { recursive: true, force: true });
await dropSchemas(schemas);
await redis?.close();

console.log(`store: ${args.store}, Node ${process.version}`);
const rows = Object.keys(results.get(sizes[0]!)!);
console.log(`| operation | ${sizes.map((n) => `N = ${n.toLocaleString('en')}`).join(' | ')} |`);
console.log(`|---|${sizes.map(() => '---').join('|')}|`);
for (const row of rows) console.log(`| ${row} | ${sizes.map((n) => results.get(n)![row]).join(' | ')} |`);
