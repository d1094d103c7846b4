import { describe, expect, it } from 'vitest';
import { backfillStart, backfillTimeboundPage, type BackfillProgress } from '../../src/domain/timebound-backfill.js';
import type { DurableStore } from '../../src/store/durable-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { membersOf, oldTimeBound, storedRequest, writeAsBefore } from '../helpers/old-store.js';
import { eachBackend } from '../helpers/store-backends.js';

const backends = eachBackend();

/** Pages until done; returns the progress and how many pages it took. */
async function backfill(store: DurableStore, pageSize: number): Promise<{ progress: BackfillProgress; pages: number }> {
  let progress = backfillStart(pageSize);
  for (let pages = 1; ; pages++) {
    const step = await backfillTimeboundPage(store, progress);
    if (step.stale.length) await store.commit({ index: step.stale });
    progress = step.progress;
    if (step.done) return { progress, pages };
  }
}

const training = 'req:timebound-target:g-training';

describe.each(backends)('req:timebound-target backfill, one page at a time (%s)', (_name, open) => {
  it('indexes applied and effective time-bound grants only, across pages, and adds nothing the second time', async () => {
    const store = await open();
    try {
      const wanted = [
        ...[1, 2, 3].map((n) => oldTimeBound(n, { state: 'applied', effectiveBy: Date.parse('2026-11-01T09:00:00Z') })),
        ...[4, 5, 6, 7].map((n) => oldTimeBound(n)),
        oldTimeBound(8, { targetId: 's-support', targetKind: 'shared', rights: ['FullAccess'] }),
      ];
      const left = [
        storedRequest(20), // effective, for good
        storedRequest(21, { state: 'applied' }),
        oldTimeBound(22, { state: 'revoked', revokedAt: 1, revokedBy: 'system' }),
        storedRequest(23, { state: 'rejected', duration: 'P14D' }),
        storedRequest(24, { state: 'pending', duration: 'P14D' }),
        oldTimeBound(25, { state: 'failed' }),
        // A revoke never ends anything at its end (and has no end): never indexed, whatever it holds.
        oldTimeBound(26, { kind: 'revoke' }),
      ];
      await writeAsBefore(store, [...left, ...wanted]);
      expect(await store.count(training)).toBe(0);

      const first = await backfill(store, 2);
      expect(first.progress).toMatchObject({ added: 8, scanned: 11 });
      // applied (3 + 1 for good): 2 full pages, then 1 empty; effective (7): 3 full + 1 part.
      expect(first.pages).toBe(7);
      expect(await membersOf(store, training)).toEqual(wanted.filter((r) => r.targetId === 'g-training').map((r) => r.id));
      expect(await membersOf(store, 'req:timebound-target:s-support')).toEqual(['REQ-OLD008']);
      const scores = await store.range(training, { order: 'asc', limit: 10 });
      expect(scores.map((e) => e.score)).toEqual(wanted.filter((r) => r.targetId === 'g-training').map((r) => r.createdAt));

      const second = await backfill(store, 3);
      expect(second.progress).toMatchObject({ added: 0, scanned: 11 });
      expect(await store.count(training)).toBe(7);
    } finally {
      await store.close();
    }
  });

  it('counts only what was missing: entries a newer version already wrote stay as they are', async () => {
    const store = await open();
    try {
      await writeAsBefore(store, [oldTimeBound(1), oldTimeBound(2)]);
      await store.commit({ index: [{ index: training, member: 'REQ-OLD001', score: oldTimeBound(1).createdAt }] });
      expect((await backfill(store, 50)).progress).toMatchObject({ added: 1, scanned: 2 });
      expect(await membersOf(store, training)).toEqual(['REQ-OLD001', 'REQ-OLD002']);
    } finally {
      await store.close();
    }
  });
});

describe('req:timebound-target backfill and live changes', () => {
  it('takes back an entry it added for a grant revoked between its read and its write', async () => {
    const store = createMemoryStore();
    const grant = oldTimeBound(1, { state: 'applied' });
    await writeAsBefore(store, [grant]);
    // The grant ends (as the engine commits it: the record, and the entry of the state it leaves
    // removed, though it was never there) after the backfill read it and before its add lands.
    const commit = store.commit.bind(store);
    let raced = false;
    store.commit = async (batch) => {
      if (!raced && batch.index?.some((c) => c.index === training)) {
        raced = true;
        const revoked = { ...grant, state: 'revoked' as const, version: 2 };
        await commit({ records: [{ namespace: 'requests', key: revoked.id, expect: 1, value: revoked }], index: [{ index: training, member: revoked.id, remove: true }] });
      }
      return commit(batch);
    };
    const step = await backfillTimeboundPage(store, backfillStart(10));
    expect(raced).toBe(true);
    expect(step.stale).toEqual([{ index: training, member: 'REQ-OLD001', remove: true }]);
    expect(step.progress.added).toBe(0);
    await store.commit({ index: step.stale });
    expect(await store.count(training)).toBe(0);
  });
});
