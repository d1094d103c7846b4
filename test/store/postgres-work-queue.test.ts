import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { JobSpec } from '../../src/store/durable-store.js';
import { createPostgresStore, jobsChannel, type PostgresStore } from '../../src/store/postgres-store.js';
import type { Job } from '../../src/store/work-queue.js';
import { adminQuery, dropSchemas, freshSchema, POSTGRES_URL } from '../helpers/postgres.js';

const T0 = 1_800_000_000_000;
const job = (id: string, dueAt: number, extra: Partial<JobSpec> = {}): JobSpec => ({ id, kind: 'test', dueAt, payload: { id }, ...extra });

const schemas: string[] = [];
const opened: PostgresStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});
afterAll(() => dropSchemas(schemas));

/** Two pools on one new schema: two bot instances on one database. */
async function twoInstances(): Promise<[PostgresStore, PostgresStore, string]> {
  const schema = freshSchema('q');
  schemas.push(schema);
  const a = await createPostgresStore(POSTGRES_URL, { schema, poolSize: 6 });
  const b = await createPostgresStore(POSTGRES_URL, { schema, poolSize: 6 });
  opened.push(a, b);
  return [a, b, schema];
}

/** Resolves once `condition` holds, checking every 10 ms (the test's timeout bounds the wait). */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('PostgreSQL work queue across instances', () => {
  it('12 workers on two pools claiming at once run each of 300 jobs exactly once', async () => {
    const [a, b] = await twoInstances();
    await a.commit({ schedule: Array.from({ length: 300 }, (_, i) => job(`j${i}`, T0 + (i % 17))) });
    const completed: string[] = [];
    const worker = async (store: PostgresStore, owner: string) => {
      for (;;) {
        const claimed = await store.work.claim({ owner, now: T0 + 100, leaseMs: 60_000, limit: 5 });
        if (!claimed.length) return;
        for (const j of claimed) {
          expect(await store.work.complete(j, owner)).toBe(true);
          completed.push(j.id);
        }
      }
    };
    await Promise.all(Array.from({ length: 12 }, (_, i) => worker(i % 2 ? a : b, `w${i}`)));
    expect(completed).toHaveLength(300);
    expect(new Set(completed).size).toBe(300);
    expect(await b.work.size()).toBe(0);
  });

  it('keeps an order intact when its head completes on one instance while the other adds to it', async () => {
    const [a, b] = await twoInstances();
    for (let round = 0; round < 40; round++) {
      const key = `order-${round}`;
      await a.commit({ schedule: [job(`${key}:head`, T0, { orderKey: key })] });
      const [head] = await a.work.claim({ owner: 'wa', now: T0, leaseMs: 60_000, limit: 1 });
      expect(head?.id).toBe(`${key}:head`);
      // The head leaving and a new job joining race: the newcomer must end up runnable, never stranded.
      await Promise.all([a.work.complete(head!, 'wa'), b.commit({ schedule: [job(`${key}:next`, T0, { orderKey: key })] })]);
      const [next] = await b.work.claim({ owner: 'wb', now: T0, leaseMs: 60_000, limit: 1 });
      expect(next?.id).toBe(`${key}:next`);
      await b.work.complete(next!, 'wb');
    }
    expect(await a.work.size()).toBe(0);
  });

  it('lets only the first new job of an order in one batch run; the same id twice in a batch is two schedules', async () => {
    const [a] = await twoInstances();
    await a.commit({ schedule: [job('x', T0, { orderKey: 'k' }), job('y', T0, { orderKey: 'k' }), job('z', T0, { orderKey: 'k' })] });
    await a.commit({ schedule: [job('d', T0 + 5), job('d', T0 + 7, { payload: 'second' })] });
    const claimed = await a.work.claim({ owner: 'w', now: T0 + 10, leaseMs: 1_000, limit: 10 });
    expect(claimed.map((j) => j.id)).toEqual(['x', 'd']);
    expect(claimed[1]).toMatchObject({ dueAt: T0 + 7, payload: 'second', generation: 2 });
    await a.work.complete(claimed[0]!, 'w');
    expect((await a.work.claim({ owner: 'w', now: T0 + 10, leaseMs: 1_000, limit: 10 })).map((j) => j.id)).toEqual(['y']);
  });

  it('keeps due times, leases and scores with fractions of a millisecond, as a clock may give them', async () => {
    const [a] = await twoInstances();
    const due = T0 + 0.8171;
    await a.commit({ schedule: [job('f', due)], index: [{ index: 'ix', member: 'f', score: due }] });
    expect(await a.work.claim({ owner: 'w', now: T0 + 0.5, leaseMs: 1_000, limit: 1 })).toEqual([]);
    const [f] = await a.work.claim({ owner: 'w', now: due, leaseMs: 1_000.25, limit: 1 });
    expect(f).toMatchObject({ dueAt: due, lease: { owner: 'w', until: due + 1_000.25 } });
    expect(await a.work.retry(f!, 'w', due + 2.5)).toBe(true);
    expect(await a.work.nextReadyAt()).toBe(due + 2.5);
    expect(await a.range('ix', { after: { member: 'g', score: due } })).toEqual([{ member: 'f', score: due }]);
  });

  it('stores text PostgreSQL cannot hold as text: NUL in a payload round-trips, in an error message it is replaced', async () => {
    const [a] = await twoInstances();
    await a.commit({ schedule: [job('n', T0, { payload: { text: 'a\u0000b', lone: '\ud800' } })] });
    const [n] = await a.work.claim({ owner: 'w', now: T0, leaseMs: 1_000, limit: 1 });
    expect(n?.payload).toEqual({ text: 'a\u0000b', lone: '\ud800' });
    expect(await a.work.retry(n!, 'w', T0 + 1, 'boom\u0000here')).toBe(true);
    expect((await a.work.get('n'))?.lastError).toBe('boom\uFFFDhere');
  });
});

describe('PostgreSQL wake-ups (LISTEN/NOTIFY)', () => {
  const listenBackends = (schema: string) =>
    adminQuery<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE query = $1', [`LISTEN "${jobsChannel(schema)}"`]);

  it('wake a subscriber of one instance when the other commits work, and again after its connection is cut', async () => {
    const [a, b, schema] = await twoInstances();
    let wakes = 0;
    const unsubscribe = a.work.subscribe(() => wakes++);
    // Listening announces itself with a wake (notifications before it could not be heard).
    await until(() => wakes === 1);
    await until(async () => (await listenBackends(schema)).length === 1);

    await b.commit({ schedule: [job('a', T0)] });
    await until(() => wakes === 2);

    // An administrator (or a failover) ends the LISTEN session: it comes back by itself.
    const [backend] = await listenBackends(schema);
    await adminQuery('SELECT pg_terminate_backend($1)', [backend!.pid]);
    await until(() => wakes === 3);
    await until(async () => {
      const now = await listenBackends(schema);
      return now.length === 1 && now[0]!.pid !== backend!.pid;
    });
    const [claimed] = await a.work.claim({ owner: 'w', now: T0, leaseMs: 60_000, limit: 1 });
    await a.work.release(claimed as Job, 'w');
    await until(() => wakes === 4);

    unsubscribe();
    await until(async () => (await listenBackends(schema)).length === 0);
  });
});

describe('PostgreSQL records', () => {
  it('undo the writes a batch already made when a later expectation fails', async () => {
    const [a] = await twoInstances();
    await a.create('r', 'z', 'kept');
    // Writes run in key order: 'a' is created before 'z' is found at another version.
    const ok = await a.commit({
      records: [
        { namespace: 'r', key: 'z', expect: 5, value: 'lost' },
        { namespace: 'r', key: 'a', expect: 'absent', value: 'new' },
        { namespace: 'r', key: 'm', expect: 'any', value: 'new' },
      ],
      index: [{ index: 'ix', member: 'a', score: 1 }],
      schedule: [job('a:job', T0)],
    });
    expect(ok).toBe(false);
    expect(await a.get('r', 'a')).toBeUndefined();
    expect(await a.get('r', 'm')).toBeUndefined();
    expect(await a.get('r', 'z')).toEqual({ version: 1, value: 'kept' });
    expect(await a.count('ix')).toBe(0);
    expect(await a.work.size()).toBe(0);
  });

  it('lists a namespace of more than one page once each, in key order', async () => {
    const [a, b] = await twoInstances();
    const keys = Array.from({ length: 1_234 }, (_, i) => `k${String(i).padStart(5, '0')}`);
    await a.commit({ records: keys.map((key) => ({ namespace: 'many', key, expect: 'absent' as const, value: { key } })) });
    await a.create('other', 'k00000', 'not listed');
    const seen: string[] = [];
    for await (const [key, record] of b.entries<{ key: string }>('many')) {
      expect(record).toEqual({ version: 1, value: { key } });
      seen.push(key);
    }
    expect(seen).toEqual(keys);
  });
});
