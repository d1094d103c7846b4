import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/store/keyv-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { deadLeaseContract } from './dead-lease-contract.js';
import { durableStoreContract } from './durable-store-contract.js';
import { versionedStoreContract } from './versioned-store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'store-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

versionedStoreContract('sqlite', async () => createSqliteStore(join(dir, 'contract.sqlite')));

let durableFiles = 0;
const fileOf = new WeakMap<object, string>();
durableStoreContract('sqlite', {
  open: async () => {
    const file = join(dir, `durable-${++durableFiles}.sqlite`);
    const store = createSqliteStore(file);
    fileOf.set(store, file);
    return store;
  },
  // A second store on the same file; in one process it shares the file's connection by design
  // (the cross-process exactness is test/store/sqlite-work-queue.test.ts).
  openSecond: async (store) => createSqliteStore(fileOf.get(store)!),
});

deadLeaseContract('sqlite', {
  open: async () => {
    const file = join(dir, `dead-leases-${++durableFiles}.sqlite`);
    const store = createSqliteStore(file);
    fileOf.set(store, file);
    return store;
  },
  // A restart: the file closed, then opened again.
  reopen: async (store) => {
    await store.close();
    return createSqliteStore(fileOf.get(store)!);
  },
});

function tables(file: string): string[] {
  const db = new Database(file, { readonly: true });
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  db.close();
  return names;
}

describe('sqlite store shared by several stores and processes', () => {
  it('two stores on one file in one process (they share its connection) apply concurrent claims exactly once', async () => {
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

  it('three OS processes incrementing one record by compare-and-set lose no update', async () => {
    const file = join(dir, 'processes.sqlite');
    const store = createSqliteStore(file);
    await store.create('counters', 'shared', { n: 0 });
    const script = fileURLToPath(new URL('./sqlite-counter-process.ts', import.meta.url));
    const children = Array.from({ length: 3 }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, file, '500'], {
        cwd: join(dirname(script), '..', '..'),
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      return { child, lines, exit: once(child, 'exit') };
    });
    for (const { lines } of children) expect((await lines.next()).value).toBe('ready');
    for (const { child } of children) child.stdin.write('go\n');
    const retries = await Promise.all(children.map(async ({ lines }) => Number((await lines.next()).value)));
    expect((await Promise.all(children.map(({ exit }) => exit))).map(([code]) => code)).toEqual([0, 0, 0]);
    expect(retries.every(Number.isInteger)).toBe(true);
    expect(await store.get('counters', 'shared')).toEqual({ version: 1_501, value: { n: 1_500 } });
    await store.close();
  }, 60_000);

  it('keeps every write it acknowledged when the process is killed (kill -9) in the middle of writing', async () => {
    const file = join(dir, 'killed.sqlite');
    const script = fileURLToPath(new URL('./sqlite-writer-process.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, file], {
      cwd: join(dirname(script), '..', '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acknowledged: string[] = [];
    for await (const line of createInterface({ input: child.stdout })) {
      acknowledged.push(line.replace('saved ', ''));
      if (acknowledged.length === 2_000) child.kill('SIGKILL');
    }
    await once(child, 'exit').catch(() => undefined);
    expect(child.signalCode).toBe('SIGKILL');
    const store = createSqliteStore(file);
    const missing: string[] = [];
    for (const key of acknowledged) if (!(await store.get('requests', key))) missing.push(key);
    expect(acknowledged.length).toBeGreaterThanOrEqual(2_000);
    expect(missing).toEqual([]);
    await store.close();
  }, 60_000);

  it('lists a namespace of more than one page completely, and only that namespace', async () => {
    const store = createSqliteStore(join(dir, 'paging.sqlite'));
    for (let i = 0; i < 1_200; i++) await store.create('timers', `k${i}`, i);
    await store.create('timersx', 'other', -1);
    const seen: number[] = [];
    for await (const [, record] of store.entries<number>('timers')) seen.push(record.value);
    expect(seen.sort((x, y) => x - y)).toEqual(Array.from({ length: 1_200 }, (_, i) => i));
    await store.close();
  });

  it('lists two namespaces at once, interleaved, each with only its own records (they share one connection)', async () => {
    const store = createSqliteStore(join(dir, 'interleaved.sqlite'));
    for (let i = 0; i < 600; i++) {
      await store.create('requests', `r${i}`, `request ${i}`);
      await store.create('timers', `t${i}`, `timer ${i}`);
    }
    const requests = store.entries<string>('requests')[Symbol.asyncIterator]();
    const timers = store.entries<string>('timers')[Symbol.asyncIterator]();
    const seen = { requests: [] as string[], timers: [] as string[] };
    for (;;) {
      const [r, t] = [await requests.next(), await timers.next()];
      if (!r.done) seen.requests.push(r.value[1].value);
      if (!t.done) seen.timers.push(t.value[1].value);
      if (r.done && t.done) break;
    }
    expect(seen.requests).toHaveLength(600);
    expect(seen.timers).toHaveLength(600);
    expect(seen.requests.every((v) => v.startsWith('request '))).toBe(true);
    expect(seen.timers.every((v) => v.startsWith('timer '))).toBe(true);
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

describe('sqlite records that cannot be read back', () => {
  it('a read the store cannot make, or of a record it cannot read, fails with an error, never answers "absent"', async () => {
    const file = join(dir, 'unreadable.sqlite');
    const store = createSqliteStore(file);
    await store.commit({ records: [{ namespace: 'requests', key: 'r1', expect: 'absent', value: { state: 'pending' } }] });
    const db = new Database(file);
    // What a torn or hand-edited row would hold: no envelope at all.
    expect(db.prepare("UPDATE caches SET cacheData = '{not json' WHERE cacheKey LIKE '%r1'").run().changes).toBe(1);
    // "Absent" would let a caller create the record anew over the one it failed to read.
    await expect(store.get('requests', 'r1')).rejects.toThrow();
    // The table itself unreadable (SQLite answers the read with an error).
    db.exec('ALTER TABLE caches RENAME TO caches_elsewhere');
    db.close();
    await expect(store.get('requests', 'r1')).rejects.toThrow(/no such table/);
    await store.close();
  });
});

describe('sqlite file written by the previous version (@keyv/sqlite, table keyv)', () => {
  /** The old schema and serialized form: `keyv(key, value)`, value `{"value":{"v":..,"d":..}}`. */
  function oldFile(name: string, rows: Record<string, unknown>): string {
    const file = join(dir, name);
    const db = new Database(file);
    db.exec('CREATE TABLE keyv(key VARCHAR(255) PRIMARY KEY, value TEXT)');
    const insert = db.prepare('INSERT INTO keyv (key, value) VALUES (?, ?)');
    for (const [key, envelope] of Object.entries(rows)) insert.run(key, JSON.stringify({ value: envelope }));
    db.close();
    return file;
  }

  /** keyv's table, the old one renamed (once), and the store's own (src/store/sqlite-schema.ts), by name. */
  const MIGRATED_TABLES = ['caches', 'job_sequence', 'jobs', 'keyv_migrated', 'schema_migrations', 'sorted_index'];


  it('copies the old records into the new table once, versions intact, and keeps the old table renamed', async () => {
    const file = oldFile('old.sqlite', {
      'requests:REQ-1': { v: 3, d: { state: 'pending', requesterId: 'u-1' } },
      'timers:expire:REQ-1': { v: 1, d: { dueAt: 42 } },
    });
    const store = createSqliteStore(file);
    expect(await store.get('requests', 'REQ-1')).toEqual({ version: 3, value: { state: 'pending', requesterId: 'u-1' } });
    expect(await store.compareAndSet('requests', 'REQ-1', 3, { state: 'approved' })).toBe(true);
    expect(await store.get('requests', 'REQ-1')).toEqual({ version: 4, value: { state: 'approved' } });
    const timers: [string, unknown][] = [];
    for await (const [key, record] of store.entries('timers')) timers.push([key, record]);
    expect(timers).toEqual([['expire:REQ-1', { version: 1, value: { dueAt: 42 } }]]);
    await store.delete('timers', 'expire:REQ-1', 1);
    await store.close();
    expect(tables(file)).toEqual(MIGRATED_TABLES);

    // A second open copies nothing again: the deleted timer stays deleted, the request keeps version 4.
    const reopened = createSqliteStore(file);
    expect(await reopened.get('timers', 'expire:REQ-1')).toBeUndefined();
    expect((await reopened.get('requests', 'REQ-1'))?.version).toBe(4);
    await reopened.close();
  });

  it('a second store on the file finds it migrated and copies nothing twice', async () => {
    const file = oldFile('old-shared.sqlite', { 'requests:REQ-2': { v: 2, d: { state: 'pending' } } });
    const first = createSqliteStore(file);
    const second = createSqliteStore(file);
    const [a, b] = await Promise.all([first.get('requests', 'REQ-2'), second.get('requests', 'REQ-2')]);
    expect(a).toEqual({ version: 2, value: { state: 'pending' } });
    expect(b).toEqual(a);
    await Promise.all([first.close(), second.close()]);
    expect(tables(file)).toEqual(MIGRATED_TABLES);
  });
});

describe('sqlite file at schema version 1 (kept index sizes)', () => {
  it('opens at the current version with its index entries intact, counts by reading the index, and drops the sizes table', async () => {
    const file = join(dir, 'schema-v1.sqlite');
    const store = createSqliteStore(file);
    await store.commit({ index: [1, 2, 3].map((score) => ({ index: 'req:all', member: `REQ-${score}`, score })) });
    await store.close();
    // Back to what version 1 wrote: the sizes table, and no record of version 2.
    const db = new Database(file);
    db.exec("CREATE TABLE sorted_index_sizes (name TEXT PRIMARY KEY, members INTEGER NOT NULL) WITHOUT ROWID; INSERT INTO sorted_index_sizes VALUES ('req:all', 3)");
    db.prepare('DELETE FROM schema_migrations WHERE version > 1').run();
    db.close();

    const reopened = createSqliteStore(file);
    expect(await reopened.count('req:all')).toBe(3);
    await reopened.commit({ index: [{ index: 'req:all', member: 'REQ-1', remove: true }, { index: 'req:all', member: 'REQ-4', score: 4 }] });
    expect(await reopened.count('req:all')).toBe(3);
    expect((await reopened.range('req:all')).map((e) => e.member)).toEqual(['REQ-4', 'REQ-3', 'REQ-2']);
    await reopened.close();
    expect(tables(file)).not.toContain('sorted_index_sizes');
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual([1, 2, 3]);
    check.close();
  });
});

describe('sqlite file at schema version 2 (index keyed by name, then member)', () => {
  it('opens at the current version with its entries intact, keyed by member first, and moves and removes them', async () => {
    const file = join(dir, 'schema-v2.sqlite');
    const store = createSqliteStore(file);
    await store.close();
    // Back to what version 2 wrote: the (name, member) key, and no record of version 3.
    const db = new Database(file);
    db.exec(`DROP TABLE sorted_index;
      CREATE TABLE sorted_index (name TEXT NOT NULL, member TEXT NOT NULL, score INTEGER NOT NULL, PRIMARY KEY (name, member)) WITHOUT ROWID;
      CREATE INDEX sorted_index_by_score ON sorted_index (name, score, member);
      INSERT INTO sorted_index VALUES ('req:state:pending', 'REQ-1', 1), ('req:state:pending', 'REQ-2', 2), ('audit:all', 'AUD-1', 1);`);
    db.prepare('DELETE FROM schema_migrations WHERE version > 2').run();
    db.close();

    const reopened = createSqliteStore(file);
    expect((await reopened.range('req:state:pending')).map((e) => e.member)).toEqual(['REQ-2', 'REQ-1']);
    await reopened.commit({
      index: [
        { index: 'req:state:pending', member: 'REQ-1', remove: true },
        { index: 'req:state:applied', member: 'REQ-1', score: 1 },
        { index: 'req:state:pending', member: 'REQ-2', score: 5 },
      ],
    });
    expect(await reopened.range('req:state:pending')).toEqual([{ member: 'REQ-2', score: 5 }]);
    expect(await reopened.range('req:state:applied')).toEqual([{ member: 'REQ-1', score: 1 }]);
    expect(await reopened.count('audit:all')).toBe(1);
    await reopened.close();
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual([1, 2, 3]);
    expect(check.prepare("SELECT sql FROM sqlite_master WHERE name = 'sorted_index'").pluck().get()).toMatch(/PRIMARY KEY \(member, name\)/);
    check.close();
  });
});

describe('sqlite file settings', () => {
  it('opens the file in WAL mode', async () => {
    const file = join(dir, 'wal.sqlite');
    const store = createSqliteStore(file);
    await store.create('requests', 'r', 1);
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});
