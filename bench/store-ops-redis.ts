// The Redis DurableStore's operations against a store that already holds 1,000, 10,000 and 100,000
// pending requests (a request record, three index entries and one not-due reminder job each):
// - commit of a typical transition batch (an approval: request CAS, audit entry, 6 index changes,
//   2 cancels, 3 schedules, two of them with order keys), one at a time and 16 in flight;
// - claim of 1,000 due jobs among the N not due (limit 1,000, one call);
// - a page of 50 from an index of N entries: the newest, and one from the middle by cursor;
// - Redis memory per job and per index entry (MEMORY USAGE).
// Times are as the bot sees them: loopback round trip and client included.
// Run: npx tsx bench/store-ops-redis.ts [--sizes 1000,10000,100000] [--url redis://127.0.0.1:6379]
// Each size runs under a fresh key prefix that is deleted afterwards.
import KeyvRedis, { type RedisConnectionClientType } from '@keyv/redis';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { DurableStore, WriteBatch } from '../src/store/durable-store.js';
import { createRedisStore } from '../src/store/redis-store.js';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '1000,10000,100000' }, url: { type: 'string', default: 'redis://127.0.0.1:6379' } },
});
const sizes = values.sizes.split(',').map(Number);
const url = values.url;

const NOW = 1_800_000_000_000;
const DAY = 86_400_000;
const APPROVERS = 50;
const REQUESTERS = 200;

function request(i: number): Record<string, unknown> {
  return {
    id: `REQ-${i}`,
    version: 1,
    kind: 'grant',
    state: 'pending',
    requesterId: `00000000-0000-4000-8000-${String(i % REQUESTERS).padStart(12, '0')}`,
    granteeId: `00000000-0000-4000-9000-${String(i % REQUESTERS).padStart(12, '0')}`,
    targetId: `00000000-0000-4000-a000-${String(i % 1000).padStart(12, '0')}`,
    targetKind: 'shared',
    rights: ['FullAccess'],
    autoMapping: true,
    duration: 'P14D',
    reason: 'Covering the shared inbox while the team is on leave',
    language: 'en',
    approverIds: [`approver-${i % APPROVERS}`, `approver-${(i + 1) % APPROVERS}`],
    warnings: [],
    createdAt: NOW - i * 1_000,
    updatedAt: NOW - i * 1_000,
    attempts: 0,
  };
}

async function fill(store: DurableStore, n: number): Promise<void> {
  for (let start = 0; start < n; start += 500) {
    const batch: Required<Pick<WriteBatch, 'records' | 'index' | 'schedule'>> = { records: [], index: [], schedule: [] };
    for (let i = start; i < Math.min(n, start + 500); i++) {
      const createdAt = NOW - i * 1_000;
      batch.records.push({ namespace: 'requests', key: `REQ-${i}`, expect: 'absent', value: request(i) });
      batch.index.push(
        { index: 'byState:pending', member: `REQ-${i}`, score: createdAt },
        { index: `awaiting:approver-${i % APPROVERS}`, member: `REQ-${i}`, score: createdAt },
        { index: `byRequester:${i % REQUESTERS}`, member: `REQ-${i}`, score: createdAt },
      );
      batch.schedule.push({ id: `REQ-${i}:reminder`, kind: 'reminder', dueAt: NOW + DAY + i, payload: { requestId: `REQ-${i}` } });
    }
    if (!(await store.commit(batch))) throw new Error('fill: a commit failed');
  }
}

/** The batch an approval commits. */
function approval(i: number): WriteBatch {
  const approver = `approver-${i % APPROVERS}`;
  return {
    records: [
      { namespace: 'requests', key: `REQ-${i}`, expect: 1, value: { ...request(i), state: 'approved', decision: { verdict: 'approved', by: approver, at: NOW } } },
      { namespace: 'audit', key: `REQ-${i}:1`, expect: 'absent', value: { requestId: `REQ-${i}`, action: 'approved', by: approver, at: NOW } },
    ],
    index: [
      { index: 'byState:pending', member: `REQ-${i}`, remove: true },
      { index: 'byState:approved', member: `REQ-${i}`, score: NOW },
      { index: `awaiting:${approver}`, member: `REQ-${i}`, remove: true },
      { index: `audit:byRequest:REQ-${i}`, member: `REQ-${i}:1`, score: NOW },
      { index: `audit:byTarget:${i % 1000}`, member: `REQ-${i}:1`, score: NOW },
      { index: `audit:byPerson:${approver}`, member: `REQ-${i}:1`, score: NOW },
    ],
    cancel: [`REQ-${i}:reminder`, `REQ-${i}:expiry`],
    schedule: [
      { id: `REQ-${i}:apply`, kind: 'apply', dueAt: NOW, payload: { requestId: `REQ-${i}` } },
      { id: `REQ-${i}:notify:requester:approved`, kind: 'notify', dueAt: NOW, payload: { requestId: `REQ-${i}`, event: 'approved' }, orderKey: `REQ-${i}:requester` },
      { id: `REQ-${i}:update:approver`, kind: 'update-card', dueAt: NOW, payload: { requestId: `REQ-${i}` }, orderKey: `REQ-${i}:${approver}` },
    ],
  };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const ms = (value: number) => value.toFixed(2);

async function timeEach(count: number, op: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await op(i);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

async function drop(client: RedisConnectionClientType, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = (await client.sendCommand(['SCAN', cursor, 'MATCH', `${prefix}*`, 'COUNT', '1000'])) as [string, string[]];
    if (keys.length) await client.sendCommand(['UNLINK', ...keys]);
    cursor = next;
  } while (cursor !== '0');
}

const adapter = new KeyvRedis(url);
const raw = (await adapter.getClient()) as RedisConnectionClientType;
const memoryOf = async (key: string) => Number(await raw.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0']));

console.log(`Redis DurableStore at ${url}; times are milliseconds, client-side (loopback round trip included)`);
for (const n of sizes) {
  const prefix = `bench-${randomBytes(6).toString('hex')}/`;
  const store = await createRedisStore(url, { keyPrefix: prefix });
  try {
    const filling = performance.now();
    await fill(store, n);
    console.log(`\n${n.toLocaleString('en')} pending requests (filled in ${((performance.now() - filling) / 1000).toFixed(1)} s)`);

    const newest = await timeEach(200, () => store.range('byState:pending', { limit: 50 }));
    const middle = { member: `REQ-${Math.floor(n / 2)}`, score: NOW - Math.floor(n / 2) * 1_000 };
    const deep = await timeEach(200, () => store.range('byState:pending', { limit: 50, after: middle }));
    console.log(`  range, page of 50 from ${n.toLocaleString('en')}: newest p50 ${ms(newest.p50)} p99 ${ms(newest.p99)}; from the middle by cursor p50 ${ms(deep.p50)} p99 ${ms(deep.p99)}`);

    const claims: number[] = [];
    for (let round = 0; round < 9; round++) {
      const due = Array.from({ length: 1_000 }, (_, i) => ({ id: `due-${round}-${i}`, kind: 'notify', dueAt: NOW - 1_000 + i, payload: { i } }));
      await store.commit({ schedule: due });
      const started = performance.now();
      const claimed = await store.work.claim({ owner: 'bench', now: NOW, leaseMs: 60_000, limit: 1_000 });
      claims.push(performance.now() - started);
      if (claimed.length !== 1_000) throw new Error(`claimed ${claimed.length}, expected 1000`);
      await Promise.all(claimed.map((job) => store.work.complete(job, 'bench')));
    }
    claims.sort((a, b) => a - b);
    console.log(`  claim 1,000 due among ${n.toLocaleString('en')} not due: median ${ms(quantile(claims, 0.5))}, best ${ms(claims[0]!)} (9 rounds)`);

    const rounds = Math.min(300, Math.floor(n / 2));
    const one = await timeEach(rounds, async (i) => {
      if (!(await store.commit(approval(i)))) throw new Error('approval commit failed');
    });
    const inFlight = 16;
    const started = performance.now();
    let next = rounds;
    const last = Math.min(n, rounds * 3);
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < last) if (!(await store.commit(approval(next++)))) throw new Error('approval commit failed');
      }),
    );
    const perSecond = ((last - rounds) / (performance.now() - started)) * 1_000;
    console.log(
      `  commit of an approval (2 records, 6 index changes, 2 cancels, 3 schedules): one at a time p50 ${ms(one.p50)} p99 ${ms(one.p99)}; ${inFlight} in flight ${perSecond.toFixed(0)}/s`,
    );

    const next1 = await timeEach(200, () => store.work.nextReadyAt());
    console.log(`  nextReadyAt p50 ${ms(next1.p50)}`);

    const jobs = await store.work.size();
    const [jobsBytes, readyBytes, indexBytes] = await Promise.all([memoryOf(`${prefix}durable:jobs`), memoryOf(`${prefix}durable:ready`), memoryOf(`${prefix}durable:index:byState:pending`)]);
    const entries = await store.count('byState:pending');
    console.log(
      `  Redis memory: ${((jobsBytes + readyBytes) / jobs).toFixed(0)} bytes per job (hash + ready ZSET, ${jobs.toLocaleString('en')} jobs), ${(indexBytes / entries).toFixed(0)} per index entry`,
    );
  } finally {
    await store.close();
    await drop(raw, prefix);
  }
}
await adapter.disconnect();
