import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DurableStore, JobSpec } from '../../src/store/durable-store.js';

export interface DurableStoreContractOptions {
  /** A new, empty store (a new file, schema or key prefix). */
  open: () => Promise<DurableStore>;
  /** A second connection to the same data as `store`, as a second bot instance would have. Absent for memory. */
  openSecond?: (store: DurableStore) => Promise<DurableStore>;
}

const T0 = 1_800_000_000_000;
const job = (id: string, dueAt: number, extra: Partial<JobSpec> = {}): JobSpec => ({ id, kind: 'test', dueAt, payload: { id }, ...extra });

/**
 * The contract every DurableStore passes (memory, SQLite, Redis, PostgreSQL): atomic commits of
 * records, indexes and jobs; paged sorted indexes; the job queue's leases, order and upserts.
 */
export function durableStoreContract(name: string, options: DurableStoreContractOptions): void {
  describe(`DurableStore contract: ${name}`, () => {
    let store: DurableStore;
    const opened: DurableStore[] = [];
    beforeEach(async () => {
      store = await options.open();
      opened.push(store);
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });
    const second = async () => {
      const s = await options.openSecond!(store);
      opened.push(s);
      return s;
    };
    const claim = (s: DurableStore, now: number, owner = 'w1', limit = 10, leaseMs = 30_000) =>
      s.work.claim({ owner, now, leaseMs, limit });

    describe('commit', () => {
      it('creates, replaces and deletes records with their versions', async () => {
        expect(await store.commit({ records: [{ namespace: 'r', key: 'a', expect: 'absent', value: { n: 1 } }] })).toBe(true);
        expect(await store.get('r', 'a')).toEqual({ version: 1, value: { n: 1 } });
        expect(await store.commit({ records: [{ namespace: 'r', key: 'a', expect: 1, value: { n: 2 } }] })).toBe(true);
        expect(await store.get('r', 'a')).toEqual({ version: 2, value: { n: 2 } });
        expect(await store.commit({ records: [{ namespace: 'r', key: 'a', expect: 'any', value: { n: 3 } }] })).toBe(true);
        expect(await store.get('r', 'a')).toEqual({ version: 3, value: { n: 3 } });
        expect(await store.commit({ records: [{ namespace: 'r', key: 'a', expect: 3 }] })).toBe(true);
        expect(await store.get('r', 'a')).toBeUndefined();
      });

      it('changes nothing when one expectation fails', async () => {
        await store.create('r', 'a', { n: 1 });
        const ok = await store.commit({
          records: [
            { namespace: 'r', key: 'b', expect: 'absent', value: { n: 9 } },
            { namespace: 'r', key: 'a', expect: 7, value: { n: 2 } },
          ],
          index: [{ index: 'ix', member: 'b', score: 5 }],
          schedule: [job('j1', T0)],
        });
        expect(ok).toBe(false);
        expect(await store.get('r', 'b')).toBeUndefined();
        expect(await store.get('r', 'a')).toEqual({ version: 1, value: { n: 1 } });
        expect(await store.range('ix')).toEqual([]);
        expect(await store.work.get('j1')).toBeUndefined();
        expect(await store.commit({ records: [{ namespace: 'r', key: 'a', expect: 'absent', value: {} }] })).toBe(false);
      });

      it('writes records, index entries and jobs together, readable by the other operations', async () => {
        await store.commit({
          records: [{ namespace: 'r', key: 'a', expect: 'absent', value: { text: `O'Brien "x" Zoë <b>` } }],
          index: [{ index: 'ix', member: 'a', score: 10 }],
          schedule: [job('a:timer', T0, { payload: { nested: [1, 'two', null] } })],
        });
        expect(await store.compareAndSet('r', 'a', 1, { text: 'b' })).toBe(true);
        expect(await store.range('ix')).toEqual([{ member: 'a', score: 10 }]);
        expect((await store.work.get('a:timer'))?.payload).toEqual({ nested: [1, 'two', null] });
      });
    });

    describe('indexes', () => {
      const fill = async (entries: [string, number][]) =>
        store.commit({ index: entries.map(([member, score]) => ({ index: 'ix', member, score })) });

      it('reads newest first by default and oldest first when asked, a page at a time', async () => {
        await fill([['a', 1], ['b', 3], ['c', 2], ['d', 3], ['e', 5]]);
        const desc = await store.range('ix', { limit: 2 });
        expect(desc).toEqual([{ member: 'e', score: 5 }, { member: 'd', score: 3 }]);
        const next = await store.range('ix', { limit: 2, after: desc[1] });
        expect(next).toEqual([{ member: 'b', score: 3 }, { member: 'c', score: 2 }]);
        expect(await store.range('ix', { limit: 2, after: next[1] })).toEqual([{ member: 'a', score: 1 }]);
        expect((await store.range('ix', { order: 'asc' })).map((e) => e.member)).toEqual(['a', 'c', 'b', 'd', 'e']);
        expect((await store.range('ix', { order: 'asc', after: { member: 'b', score: 3 } })).map((e) => e.member)).toEqual(['d', 'e']);
        expect(await store.count('ix')).toBe(5);
      });

      it('moves a member to its new score and removes it; an unknown index is empty', async () => {
        await fill([['a', 1], ['b', 2]]);
        await store.commit({ index: [{ index: 'ix', member: 'a', score: 9 }, { index: 'ix', member: 'b', remove: true }] });
        expect(await store.range('ix')).toEqual([{ member: 'a', score: 9 }]);
        expect(await store.count('ix')).toBe(1);
        expect(await store.range('nothing')).toEqual([]);
        expect(await store.count('nothing')).toBe(0);
      });

      it('has no cap: every member of a large index is reachable by paging', async () => {
        const members = Array.from({ length: 450 }, (_, i) => [`m${String(i).padStart(4, '0')}`, i % 7] as [string, number]);
        await fill(members);
        const seen: string[] = [];
        let page = await store.range('ix', { limit: 100 });
        while (page.length) {
          seen.push(...page.map((e) => e.member));
          page = await store.range('ix', { limit: 100, after: page[page.length - 1] });
        }
        expect(seen).toHaveLength(450);
        expect(new Set(seen).size).toBe(450);
      });
    });

    describe('work queue', () => {
      it('leases only due jobs, earliest first, up to the limit', async () => {
        await store.commit({ schedule: [job('late', T0 + 3), job('early', T0 + 1), job('future', T0 + 60_000), job('mid', T0 + 2)] });
        const claimed = await claim(store, T0 + 10, 'w1', 2);
        expect(claimed.map((j) => j.id)).toEqual(['early', 'mid']);
        expect(claimed[0]).toMatchObject({ kind: 'test', dueAt: T0 + 1, attempts: 0, lease: { owner: 'w1', until: T0 + 10 + 30_000 } });
        expect((await claim(store, T0 + 10, 'w2')).map((j) => j.id)).toEqual(['late']);
        expect(await claim(store, T0 + 10, 'w3')).toEqual([]);
        expect(await store.work.size()).toBe(4);
      });

      it('gives a job whose lease lapsed to another worker, and renews only the holder\'s leases', async () => {
        await store.commit({ schedule: [job('a', T0), job('b', T0)] });
        await claim(store, T0, 'w1');
        expect(await claim(store, T0 + 29_999, 'w2')).toEqual([]);
        expect(await store.work.renew('w1', ['a'], T0 + 60_000)).toEqual(['a']);
        expect(await store.work.renew('w2', ['a', 'b'], T0 + 90_000)).toEqual([]);
        const takenOver = await claim(store, T0 + 30_001, 'w2');
        expect(takenOver.map((j) => j.id)).toEqual(['b']);
        expect(await store.work.complete({ ...takenOver[0]! }, 'w1')).toBe(false);
        expect(await store.work.complete(takenOver[0]!, 'w2')).toBe(true);
        expect(await store.work.get('b')).toBeUndefined();
        expect((await claim(store, T0 + 60_001, 'w3')).map((j) => j.id)).toEqual(['a']);
      });

      it('retries with attempts and the last error, and releases a job for anyone at once', async () => {
        await store.commit({ schedule: [job('a', T0)] });
        const [a] = await claim(store, T0);
        expect(await store.work.retry(a!, 'w1', T0 + 5_000, 'x'.repeat(800))).toBe(true);
        const stored = await store.work.get('a');
        expect(stored).toMatchObject({ attempts: 1, dueAt: T0 + 5_000 });
        expect(stored?.lastError).toHaveLength(500);
        expect(stored?.lease).toBeUndefined();
        expect(await claim(store, T0 + 4_999)).toEqual([]);
        const [again] = await claim(store, T0 + 5_000, 'w2');
        expect(again?.attempts).toBe(1);
        expect(await store.work.release(again!, 'w2')).toBe(true);
        expect((await claim(store, T0 + 5_000, 'w3')).map((j) => j.id)).toEqual(['a']);
      });

      it('keeps a schedule made while the old one runs: completing the old generation does not delete it', async () => {
        await store.commit({ schedule: [job('a', T0)] });
        const [running] = await claim(store, T0);
        await store.commit({ schedule: [job('a', T0 + 1_000, { payload: { v: 2 } })] });
        expect(await store.work.complete(running!, 'w1')).toBe(true);
        expect(await store.work.get('a')).toMatchObject({ dueAt: T0 + 1_000, payload: { v: 2 }, generation: running!.generation + 1 });
        expect(await claim(store, T0 + 999)).toEqual([]);
        expect((await claim(store, T0 + 1_000)).map((j) => j.payload)).toEqual([{ v: 2 }]);
      });

      it('upserts an idle job: new due time and payload, attempts reset', async () => {
        await store.commit({ schedule: [job('a', T0)] });
        const [a] = await claim(store, T0);
        await store.work.retry(a!, 'w1', T0 + 10);
        await store.commit({ schedule: [job('a', T0 + 50, { payload: 'new' })] });
        expect(await store.work.get('a')).toMatchObject({ dueAt: T0 + 50, payload: 'new', attempts: 0 });
        expect(await store.work.size()).toBe(1);
      });

      it('cancels a job even while it runs; its worker then finds the lease gone', async () => {
        await store.commit({ schedule: [job('a', T0), job('b', T0 + 10)] });
        const [a] = await claim(store, T0);
        await store.commit({ cancel: ['a', 'b', 'never-existed'] });
        expect(await store.work.complete(a!, 'w1')).toBe(false);
        expect(await store.work.size()).toBe(0);
        expect(await store.work.nextReadyAt()).toBeUndefined();
      });

      it('runs jobs of one order key one at a time, in the order they were first scheduled', async () => {
        await store.commit({ schedule: [job('first', T0 + 100, { orderKey: 'k' })] });
        await store.commit({ schedule: [job('second', T0, { orderKey: 'k' }), job('other', T0, { orderKey: 'z' })] });
        await store.commit({ schedule: [job('third', T0, { orderKey: 'k' })] });
        expect((await claim(store, T0 + 50)).map((j) => j.id)).toEqual(['other']);
        const [first] = await claim(store, T0 + 100);
        expect(first?.id).toBe('first');
        expect(await claim(store, T0 + 100, 'w2')).toEqual([]);
        // A failed head keeps its place: the ones behind it still wait.
        await store.work.retry(first!, 'w1', T0 + 200);
        expect(await claim(store, T0 + 150, 'w2')).toEqual([]);
        const [again] = await claim(store, T0 + 200);
        await store.work.complete(again!, 'w1');
        const [second] = await claim(store, T0 + 200);
        expect(second?.id).toBe('second');
        // Cancelling the running head lets the next one go.
        await store.commit({ cancel: ['second'] });
        expect((await claim(store, T0 + 200)).map((j) => j.id)).toEqual(['third']);
      });

      it('reports the next time anything becomes ready: a due time or a lease end, never a waiting job', async () => {
        expect(await store.work.nextReadyAt()).toBeUndefined();
        await store.commit({ schedule: [job('a', T0 + 500, { orderKey: 'k' }), job('b', T0 + 100, { orderKey: 'k' })] });
        expect(await store.work.nextReadyAt()).toBe(T0 + 500);
        await store.commit({ schedule: [job('c', T0 + 300)] });
        expect(await store.work.nextReadyAt()).toBe(T0 + 300);
        await claim(store, T0 + 300, 'w1', 10, 1_000);
        expect(await store.work.nextReadyAt()).toBe(T0 + 500);
        await claim(store, T0 + 500, 'w1', 10, 1_000);
        expect(await store.work.nextReadyAt()).toBe(T0 + 1_300);
      });

      it('finds the few due jobs among many that are not due', async () => {
        const later = Array.from({ length: 2_000 }, (_, i) => job(`later-${i}`, T0 + 86_400_000 + i));
        await store.commit({ schedule: later });
        await store.commit({ schedule: [job('due-1', T0 - 5), job('due-2', T0)] });
        expect((await claim(store, T0, 'w1', 100)).map((j) => j.id)).toEqual(['due-1', 'due-2']);
        expect(await store.work.nextReadyAt()).toBe(T0 + 30_000);
      });
    });

    describe('two connections', () => {
      it('share records, indexes and jobs', async () => {
        if (!options.openSecond) return expect(options.openSecond).toBeUndefined();
        const other = await second();
        await store.commit({
          records: [{ namespace: 'r', key: 'a', expect: 'absent', value: 1 }],
          index: [{ index: 'ix', member: 'a', score: 1 }],
          schedule: [job('a', T0)],
        });
        expect(await other.get('r', 'a')).toEqual({ version: 1, value: 1 });
        expect(await other.range('ix')).toEqual([{ member: 'a', score: 1 }]);
        expect((await claim(other, T0, 'w2')).map((j) => j.id)).toEqual(['a']);
        expect(await claim(store, T0, 'w1')).toEqual([]);
      });

      it('let exactly one of many concurrent commits on one version win, and never lease a job twice', async () => {
        if (!options.openSecond) return expect(options.openSecond).toBeUndefined();
        const other = await second();
        await store.create('r', 'a', 0);
        await store.commit({ schedule: Array.from({ length: 40 }, (_, i) => job(`j${i}`, T0)) });
        const writes = Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? store : other).commit({ records: [{ namespace: 'r', key: 'a', expect: 1, value: i }], schedule: [job(`w${i}`, T0 + 1e9)] }),
        );
        expect((await Promise.all(writes)).filter(Boolean)).toHaveLength(1);
        const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => claim(i % 2 ? store : other, T0, `w${i}`, 7)));
        const ids = claims.flat().map((j) => j.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.filter((id) => /^j\d+$/.test(id))).toHaveLength(40);
      });
    });
  });
}
