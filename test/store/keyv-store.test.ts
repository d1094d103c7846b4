import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryStore, createSqliteStore } from '../../src/store/keyv-store.js';
import { versionedStoreContract } from './versioned-store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'store-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

versionedStoreContract('memory', async () => createMemoryStore());
versionedStoreContract('sqlite', async () => createSqliteStore(join(dir, 'contract.sqlite')));

describe('sqlite store shared by two processes', () => {
  it('two stores on one file (separate connections) apply concurrent claims exactly once', async () => {
    const file = join(dir, 'shared.sqlite');
    const first = createSqliteStore(file);
    const second = createSqliteStore(file);
    await first.create('requests', 'r1', { state: 'pending' });
    const attempts = Array.from({ length: 50 }, (_, i) =>
      (i % 2 ? first : second).compareAndSet('requests', 'r1', 1, { state: 'approved', by: i }),
    );
    const results = await Promise.all(attempts);
    expect(results.filter(Boolean)).toHaveLength(1);
    const stored = await second.get<{ state: string }>('requests', 'r1');
    expect(stored?.version).toBe(2);
    expect(stored?.value.state).toBe('approved');
    await first.close();
    await second.close();
  });

  it('lists a namespace of more than one page completely, and only that namespace', async () => {
    const store = createSqliteStore(join(dir, 'paging.sqlite'));
    for (let i = 0; i < 1_200; i++) await store.create('timers', `k${i}`, i);
    await store.create('timersx', 'other', -1);
    const seen: number[] = [];
    for await (const [, record] of store.entries<number>('timers')) seen.push(record.value);
    expect(seen.sort((x, y) => x - y)).toEqual(Array.from({ length: 1_200 }, (_, i) => i));
    await store.close();
  });

  it('keeps data across a reopen of the file', async () => {
    const file = join(dir, 'reopen.sqlite');
    const before = createSqliteStore(file);
    await before.create('timers', 't1', { dueAt: 5 });
    await before.close();
    const after = createSqliteStore(file);
    expect(await after.get('timers', 't1')).toEqual({ version: 1, value: { dueAt: 5 } });
    await after.close();
  });
});
