import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/store/keyv-store.js';
import { BackgroundCheckpointer } from '../../src/store/sqlite-checkpointer.js';

const dir = mkdtempSync(join(tmpdir(), 'checkpointer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** A WAL file whose own connection never checkpoints, so only the worker can. */
function walFile() {
  const file = join(dir, `c${++files}.sqlite`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const writeRows = (count: number) => db.transaction(() => {
    for (let i = 0; i < count; i++) insert.run('x'.repeat(500));
  })();
  return { file, db, writeRows };
}

const size = (path: string) => statSync(path).size;

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('BackgroundCheckpointer', () => {
  it('copies every WAL frame into the database file from its own thread, so the WAL is reused instead of growing', async () => {
    const { file, db, writeRows } = walFile();
    const checkpointer = new BackgroundCheckpointer(file, { intervalMs: 60_000 });
    try {
      writeRows(400);
      const first = await checkpointer.checkpoint();
      expect(first.busy).toBe(0);
      expect(first.log).toBeGreaterThan(0);
      expect(first.checkpointed).toBe(first.log);
      const walAfterFirst = size(`${file}-wal`);
      // The same amount again: the writer starts the WAL over, so it does not grow.
      writeRows(400);
      const second = await checkpointer.checkpoint();
      expect(second.checkpointed).toBe(second.log);
      expect(size(`${file}-wal`)).toBe(walAfterFirst);
      expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 800 });
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });

  it('checkpoints on its own every interval', async () => {
    const { file, db, writeRows } = walFile();
    const before = size(file);
    const checkpointer = new BackgroundCheckpointer(file, { intervalMs: 20 });
    try {
      writeRows(400);
      // Only a checkpoint writes the rows into the database file itself.
      await until(() => size(file) > before + 100_000, 'the database file to receive the WAL');
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });

  it('reports a worker that cannot work (the store then checkpoints by itself)', async () => {
    const failures: Error[] = [];
    const checkpointer = new BackgroundCheckpointer(join(dir, 'no-such-file.sqlite'), { onFailure: (error) => failures.push(error) });
    await until(() => failures.length > 0, 'the failure report');
    expect(checkpointer.running).toBe(false);
    expect(await checkpointer.checkpoint()).toMatchObject({ busy: 1 });
  });

  it('the SQLite store checkpoints in the background: its file receives the writes although its connection would wait for 10,000 pages', async () => {
    const file = join(dir, 'store.sqlite');
    const store = createSqliteStore(file);
    try {
      await store.put('ns', 'warm', { v: 1 });
      const before = size(file);
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 300; i++) writes.push(store.create('ns', `k${i}`, { text: 'y'.repeat(1000) }));
      await Promise.all(writes);
      expect(BackgroundCheckpointer.SAFETY_NET_PAGES).toBeGreaterThan(300);
      await until(() => size(file) > before + 200_000, 'the store file to receive the WAL');
    } finally {
      await store.close();
    }
  });

  it('close() keeps the process alive until the worker has stopped, so a script may end with it', async () => {
    const file = join(dir, 'closing.sqlite');
    const script = fileURLToPath(new URL('./sqlite-close-process.ts', import.meta.url));
    // Rejects on a non-zero exit (13: a top-level await left unsettled when the loop ran empty).
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, file], { cwd: join(dirname(script), '..', '..') });
    expect(stdout).toBe('closed\n');
    const store = createSqliteStore(file);
    expect(await store.get('requests', 'r1')).toEqual({ version: 1, value: { state: 'pending' } });
    await store.close();
  });
});
