import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RecordWrite } from '../../src/store/durable-store.js';
import { createSqliteStore } from '../../src/store/keyv-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';

const dir = mkdtempSync(join(tmpdir(), 'sqlite-commit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = 1_800_000_000_000;
let files = 0;

/** A new store file and a second, read-only connection that sees only what is committed. */
function setUp() {
  const file = join(dir, `c${++files}.sqlite`);
  const store = createSqliteStore(file);
  const reader = new Database(file, { readonly: true });
  const committed = () => ({
    records: reader.prepare('SELECT cacheKey FROM caches ORDER BY cacheKey').pluck().all(),
    index: reader.prepare('SELECT member FROM sorted_index ORDER BY member').pluck().all(),
    jobs: reader.prepare('SELECT id FROM jobs ORDER BY id').pluck().all(),
  });
  return { file, store, committed, close: async () => (reader.close(), store.close()) };
}

describe('SQLite commit inside the group commit', () => {
  it('resolves only once the batch is committed, visible to another connection with all its parts', async () => {
    const { store, committed, close } = setUp();
    const pending = store.commit({
      records: [{ namespace: 'requests', key: 'REQ-1', expect: 'absent', value: { state: 'pending' } }],
      index: [{ index: 'requests:by-requester:u-1', member: 'REQ-1', score: T0 }],
      schedule: [{ id: 'REQ-1:expire', kind: 'expire', dueAt: T0 + 86_400_000 }],
    });
    expect(committed()).toEqual({ records: [], index: [], jobs: [] });
    expect(await pending).toBe(true);
    expect(committed()).toEqual({ records: ['requests:REQ-1'], index: ['REQ-1'], jobs: ['REQ-1:expire'] });
    await close();
  });

  it('a batch that fails half-way is undone alone (its savepoint); the other writes of its transaction are saved', async () => {
    const { file, store, committed, close } = setUp();
    const results = await Promise.allSettled([
      store.create('requests', 'before', 1),
      store.commit({
        records: [{ namespace: 'requests', key: 'half', expect: 'absent', value: 1 }],
        index: [{ index: 'ix', member: 'half', score: 1 }],
        // JSON has no BigInt: the payload throws after the record and the index entry were written.
        schedule: [{ id: 'ok', kind: 'k', dueAt: T0 }, { id: 'bad', kind: 'k', dueAt: T0, payload: { n: 10n } }],
      }),
      store.create('requests', 'after', 1),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/BigInt/);
    expect(committed()).toEqual({ records: ['requests:after', 'requests:before'], index: [], jobs: [] });
    expect(await store.count('ix')).toBe(0);
    await close();
    const reopened = createSqliteStore(file);
    expect(await reopened.get('requests', 'half')).toBeUndefined();
    expect(await reopened.commit({ records: [{ namespace: 'requests', key: 'half', expect: 'absent', value: 2 }] })).toBe(true);
    await reopened.close();
  });

  it('keeps records in keyv\'s table and envelope: keyv lists them with their versions', async () => {
    const { store, close } = setUp();
    await store.commit({
      records: [
        { namespace: 'audit', key: 'a1', expect: 'absent', value: { text: ':starts with a colon' } },
        { namespace: 'audit', key: 'a2', expect: 'any', value: 2 },
      ],
    });
    await store.commit({ records: [{ namespace: 'audit', key: 'a2', expect: 'any', value: 3 }] });
    const listed = new Map<string, unknown>();
    for await (const [key, record] of store.entries('audit')) listed.set(key, record);
    expect(listed).toEqual(
      new Map<string, unknown>([
        ['a1', { version: 1, value: { text: ':starts with a colon' } }],
        ['a2', { version: 2, value: 3 }],
      ]),
    );
    await close();
  });

  it('numbers versions as the memory store does, in batches that write a key once and ones that write it again', async () => {
    const { store, close } = setUp();
    const memory = createMemoryStore();
    const w = (key: string, expect: RecordWrite['expect'], value?: number): RecordWrite => ({ namespace: 'r', key, expect, ...(value !== undefined ? { value } : {}) });
    const batches: RecordWrite[][] = [
      [w('a', 'absent', 1), w('a', 'any', 2)],
      [w('a', 2, 3), w('b', 'any', 1)],
      // Both expectations against the version before the batch (3): both hold, and both write version 4.
      [w('a', 3, 4), w('a', 3, 5)],
      // One past the expected version, then one past the version the batch just wrote.
      [w('a', 4, 6), w('a', 'any', 7), w('b', 'any', 2), w('b', 'any', 3)],
      // Deleted and created again in one batch: the creation is checked against the record before it, which exists.
      [w('a', 6), w('a', 'absent', 8)],
      [w('a', 6), w('c', 'absent', 1), w('c', 'any', 2)],
      [w('c', 'absent', 3), w('c', 'any', 4)],
      [w('b', 3, 4)],
    ];
    const outcomes: Record<string, unknown>[] = [];
    for (const records of batches) {
      const results = { sqlite: await store.commit({ records }), memory: await memory.commit({ records }) };
      const read = async (s: typeof store, key: string) => (await s.get('r', key)) ?? null;
      outcomes.push({
        ...results,
        sqliteRecords: await Promise.all(['a', 'b', 'c'].map((key) => read(store, key))),
        memoryRecords: await Promise.all(['a', 'b', 'c'].map((key) => read(memory, key))),
      });
    }
    for (const outcome of outcomes) {
      expect(outcome.sqlite).toBe(outcome.memory);
      expect(outcome.sqliteRecords).toEqual(outcome.memoryRecords);
    }
    expect(outcomes.map((o) => o.sqlite)).toEqual([true, true, true, true, false, true, false, true]);
    expect(outcomes[3]!.sqliteRecords).toEqual([{ version: 6, value: 7 }, { version: 3, value: 3 }, null]);
    expect(outcomes.at(-1)!.sqliteRecords).toEqual([null, { version: 4, value: 4 }, { version: 2, value: 2 }]);
    await close();
    await memory.close();
  });
});
