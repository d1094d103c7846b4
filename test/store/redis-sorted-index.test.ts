import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { DurableStore, IndexEntry } from '../../src/store/durable-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { REDIS_URL, redisTestPrefixes } from './redis-test-prefix.js';

const prefixes = redisTestPrefixes();
afterAll(() => prefixes.dropAll());

describe('Redis sorted index pages', () => {
  const opened: DurableStore[] = [];
  const open = async () => {
    const store = await createRedisStore(REDIS_URL, { keyPrefix: prefixes.next() });
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  // Many members share score 7, so a page boundary falls among equal scores; names mix cases and
  // non-ASCII letters, which Redis orders by their bytes.
  const names = ['alpha', 'Bravo', 'éclair', 'Zulu', '_under', 'zz', 'Ärger', '0'];
  const entries: [string, number][] = Array.from({ length: 240 }, (_, i) => [`${names[i % names.length]}-${i}`, i % 3 === 0 ? 7 : i % 11]);

  const fill = async (store: DurableStore) => {
    await store.commit({ index: entries.map(([member, score]) => ({ index: 'ix', member, score })) });
  };

  /** Reads every page, applying `between` to the store after each page (before the next read). */
  const readAll = async (store: DurableStore, order: 'asc' | 'desc', between: (last: IndexEntry) => Promise<void>) => {
    const seen: IndexEntry[] = [];
    let page = await store.range('ix', { order, limit: 25 });
    while (page.length) {
      seen.push(...page);
      await between(page[page.length - 1]!);
      page = await store.range('ix', { order, limit: 25, after: page[page.length - 1] });
    }
    return seen;
  };

  for (const order of ['asc', 'desc'] as const) {
    it(`continues after a cursor that moved or left since its page was read, as the memory store does (${order})`, async () => {
      const redis = await open();
      const memory = createMemoryStore();
      const results = [];
      for (const store of [redis, memory]) {
        await fill(store);
        let step = 0;
        // The cursor entry leaves, moves to another score, or stays, in turn.
        const seen = await readAll(store, order, async (last) => {
          step++;
          if (step % 3 === 1) await store.commit({ index: [{ index: 'ix', member: last.member, remove: true }] });
          if (step % 3 === 2) await store.commit({ index: [{ index: 'ix', member: last.member, score: 100 + step }] });
        });
        results.push(seen);
      }
      await memory.close();
      expect(results[0]!.map((e) => e.member)).toEqual(results[1]!.map((e) => e.member));
      // Nothing skipped: every member was on some page.
      expect(new Set(results[0]!.map((e) => e.member))).toEqual(new Set(entries.map(([member]) => member)));
    });
  }

  it('orders members of equal score by their UTF-8 bytes', async () => {
    const store = await open();
    await store.commit({ index: ['é', 'z', 'Z', '_', 'a', 'Ä'].map((member) => ({ index: 'ix', member, score: 1 })) });
    expect((await store.range('ix', { order: 'asc' })).map((e) => e.member)).toEqual(['Z', '_', 'a', 'z', 'Ä', 'é']);
  });
});
