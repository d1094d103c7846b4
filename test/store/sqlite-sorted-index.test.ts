import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DurableStore, IndexChange, IndexEntry } from '../../src/store/durable-store.js';
import { createSqliteStore } from '../../src/store/keyv-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';

const dir = mkdtempSync(join(tmpdir(), 'sorted-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small seeded generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function everything(store: DurableStore, index: string, order: 'asc' | 'desc'): Promise<IndexEntry[]> {
  const all: IndexEntry[] = [];
  for (let page = await store.range(index, { order, limit: 7 }); page.length; page = await store.range(index, { order, limit: 7, after: page.at(-1) })) {
    all.push(...page);
  }
  return all;
}

describe('SQLite sorted indexes against the memory store (the reference)', () => {
  it('agree on every page and count after the same seeded adds, moves, repeats and removals, absent members included', async () => {
    const sqlite = createSqliteStore(join(dir, 'random.sqlite'));
    const memory = createMemoryStore();
    const next = random(11);
    const pick = (n: number) => Math.floor(next() * n);
    for (let round = 0; round < 40; round++) {
      const changes: IndexChange[] = Array.from({ length: 1 + pick(12) }, () => {
        const index = `ix${pick(3)}`;
        const member = `m${pick(30)}`;
        // Few distinct scores, so ties are ordered by member.
        return pick(3) === 0 ? { index, member, remove: true as const } : { index, member, score: pick(5) };
      });
      expect(await sqlite.commit({ index: changes })).toBe(true);
      expect(await memory.commit({ index: changes })).toBe(true);
    }
    for (const index of ['ix0', 'ix1', 'ix2']) {
      expect(await sqlite.count(index)).toBe(await memory.count(index));
      expect(await everything(sqlite, index, 'desc')).toEqual(await everything(memory, index, 'desc'));
      expect(await everything(sqlite, index, 'asc')).toEqual(await everything(memory, index, 'asc'));
      expect((await everything(sqlite, index, 'asc')).length).toBe(await sqlite.count(index));
    }
    await sqlite.close();
  });

  it('gives an empty page for a limit below 1, as memory does (SQLite alone would read LIMIT -1 as no limit)', async () => {
    const sqlite = createSqliteStore(join(dir, 'limits.sqlite'));
    await sqlite.commit({ index: [{ index: 'ix', member: 'a', score: 1 }] });
    for (const limit of [0, -1]) expect(await sqlite.range('ix', { limit })).toEqual([]);
    await sqlite.close();
  });
});
