import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/store/keyv-store.js';

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
});
