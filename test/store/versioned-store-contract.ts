import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VersionedStore } from '../../src/store/versioned-store.js';

/**
 * The contract every VersionedStore passes (memory, SQLite, Redis).
 * `open` may be called twice: the second store must see the first one's data (same file/server),
 * which is how two bot processes share state.
 */
export function versionedStoreContract(name: string, open: () => Promise<VersionedStore>, cleanup?: () => Promise<void>): void {
  describe(`VersionedStore contract: ${name}`, () => {
    let store: VersionedStore;
    const ns = `contract${Math.random().toString(36).slice(2, 8)}`;

    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      for await (const [key] of store.entries(ns)) await store.delete(ns, key);
      await store.close();
      await cleanup?.();
    });

    it('creates a record at version 1 once', async () => {
      expect(await store.create(ns, 'a', { n: 1 })).toBe(true);
      expect(await store.create(ns, 'a', { n: 2 })).toBe(false);
      expect(await store.get(ns, 'a')).toEqual({ version: 1, value: { n: 1 } });
    });

    it('returns undefined for a missing key', async () => {
      expect(await store.get(ns, 'missing')).toBeUndefined();
      expect(await store.compareAndSet(ns, 'missing', 1, { n: 1 })).toBe(false);
    });

    it('compare-and-set succeeds only on the current version', async () => {
      await store.create(ns, 'a', { n: 1 });
      expect(await store.compareAndSet(ns, 'a', 1, { n: 2 })).toBe(true);
      expect(await store.compareAndSet(ns, 'a', 1, { n: 3 })).toBe(false);
      expect(await store.get(ns, 'a')).toEqual({ version: 2, value: { n: 2 } });
    });

    it('keeps text with quotes, unicode and markup intact', async () => {
      const value = { name: `O'Brien "x; Remove-Mailbox" Zoë <b>é</b> \u0000 ✓`, nested: { list: [1, 'two'] } };
      await store.create(ns, 'odd:key/with spaces', value);
      expect((await store.get(ns, 'odd:key/with spaces'))?.value).toEqual(value);
    });

    it('reads back text that looks like the serializer\'s own markers', async () => {
      // keyv's serializer escapes strings starting with ':' and marks buffers ':base64:'; every read path must undo that.
      const value = { a: ':base64:aGVsbG8=', b: '::already', c: ':', list: [':x', 'y:'] };
      await store.create(ns, 'markers', value);
      expect((await store.get(ns, 'markers'))?.value).toEqual(value);
      await store.put(ns, 'markers', { ...value, d: ':base64:' });
      expect(await store.get(ns, 'markers')).toEqual({ version: 2, value: { ...value, d: ':base64:' } });
    });

    it('put overwrites and bumps the version; delete honours an expected version', async () => {
      await store.put(ns, 'p', { n: 1 });
      await store.put(ns, 'p', { n: 2 });
      expect(await store.get(ns, 'p')).toEqual({ version: 2, value: { n: 2 } });
      expect(await store.delete(ns, 'p', 1)).toBe(false);
      expect(await store.delete(ns, 'p', 2)).toBe(true);
      expect(await store.get(ns, 'p')).toBeUndefined();
    });

    it('lists the records of one namespace only', async () => {
      const other = `${ns}other`;
      await store.create(ns, 'x', 1);
      await store.create(ns, 'y', 2);
      await store.create(other, 'z', 3);
      const seen = new Map<string, unknown>();
      for await (const [key, record] of store.entries(ns)) seen.set(key, record.value);
      expect(Object.fromEntries(seen)).toEqual({ x: 1, y: 2 });
      await store.delete(other, 'z');
    });

    it('hands out values that do not alias the stored record', async () => {
      await store.create(ns, 'a', { list: [1] });
      const read = await store.get<{ list: number[] }>(ns, 'a');
      read!.value.list.push(2);
      expect((await store.get(ns, 'a'))?.value).toEqual({ list: [1] });
    });

    it('50 concurrent increments through compare-and-set lose none', async () => {
      await store.create(ns, 'counter', { n: 0 });
      const increment = async () => {
        for (;;) {
          const current = await store.get<{ n: number }>(ns, 'counter');
          if (await store.compareAndSet(ns, 'counter', current!.version, { n: current!.value.n + 1 })) return;
        }
      };
      await Promise.all(Array.from({ length: 50 }, increment));
      expect(await store.get(ns, 'counter')).toEqual({ version: 51, value: { n: 50 } });
    });

    it('50 concurrent claims of one version: exactly one wins', async () => {
      await store.create(ns, 'claim', { owner: null });
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.compareAndSet(ns, 'claim', 1, { owner: i })),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });
}
