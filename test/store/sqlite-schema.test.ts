import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isBotError } from '../../src/domain/errors.js';
import { createSqliteStore } from '../../src/store/keyv-store.js';
import { SCHEMA_VERSION } from '../../src/store/sqlite-schema.js';

const dir = mkdtempSync(join(tmpdir(), 'sqlite-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function migrations(file: string): number[] {
  const db = new Database(file, { readonly: true });
  const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all() as number[];
  db.close();
  return versions;
}

describe('SQLite schema migrations', () => {
  it('adds the store\'s tables to a file written before them, keeping its records, once', async () => {
    const file = join(dir, 'before-jobs.sqlite');
    // A file as the previous version left it: keyv's table only.
    const old = new Database(file);
    old.exec("CREATE TABLE caches ('cacheKey' TEXT PRIMARY KEY, 'cacheData' TEXT, 'createdAt' INTEGER, 'expiredAt' INTEGER)");
    old.prepare('INSERT INTO caches VALUES (?, ?, 0, -1)').run('requests:REQ-1', JSON.stringify({ value: { v: 4, d: { state: 'pending' } } }));
    old.close();

    const store = createSqliteStore(file);
    expect(await store.get('requests', 'REQ-1')).toEqual({ version: 4, value: { state: 'pending' } });
    expect(await store.commit({ records: [{ namespace: 'requests', key: 'REQ-1', expect: 4, value: { state: 'approved' } }], schedule: [{ id: 'REQ-1:apply', kind: 'apply', dueAt: 1 }] })).toBe(true);
    await store.close();
    const reopened = createSqliteStore(file);
    expect(await reopened.work.get('REQ-1:apply')).toMatchObject({ kind: 'apply', seq: 1 });
    await reopened.close();
    expect(migrations(file)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('refuses a file from a newer version of the bot with config_invalid, and leaves it as it was', async () => {
    const file = join(dir, 'newer.sqlite');
    const first = createSqliteStore(file);
    await first.create('requests', 'REQ-1', 1);
    await first.close();
    const db = new Database(file);
    db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)').run(SCHEMA_VERSION + 1);
    db.close();

    let thrown: unknown;
    try {
      createSqliteStore(file);
    } catch (error) {
      thrown = error;
    }
    expect(isBotError(thrown, 'config_invalid')).toBe(true);
    expect((thrown as { details: unknown }).details).toEqual({ file, schemaVersion: SCHEMA_VERSION + 1, supported: SCHEMA_VERSION });
    expect(migrations(file)).toEqual([...Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1), SCHEMA_VERSION + 1]);
    // The refused open left nothing half-open: the file can be opened and written by another connection.
    const other = new Database(file);
    expect(other.prepare('DELETE FROM schema_migrations WHERE version = ?').run(SCHEMA_VERSION + 1).changes).toBe(1);
    other.close();
    const again = createSqliteStore(file);
    expect(await again.get('requests', 'REQ-1')).toEqual({ version: 1, value: 1 });
    await again.close();
  });

  it('says when an upgrade of an existing file starts and when it is done; a new file is set up without a word', async () => {
    const heard: string[] = [];
    const fresh = join(dir, 'fresh.sqlite');
    await createSqliteStore(fresh, { info: (m) => heard.push(m) }).close();
    expect(heard).toEqual([]);
    const file = await atVersion(join(dir, 'upgrade-logged.sqlite'), SCHEMA_VERSION - 1);
    const store = createSqliteStore(file, { info: (m) => heard.push(m) });
    expect(await store.range('req:state:pending')).toEqual([{ member: 'REQ-1', score: 1 }]);
    await store.close();
    expect(heard).toHaveLength(2);
    expect(heard[0]).toContain(`upgrading ${file} from schema version ${SCHEMA_VERSION - 1} to ${SCHEMA_VERSION}`);
    expect(heard[0]).toContain('one-way');
    expect(heard[1]).toMatch(new RegExp(`upgraded to schema version ${SCHEMA_VERSION} in \\d+\\.\\d s`));
  });

  it('a tool that only reads (upgrade: false) refuses an older file with config_invalid and leaves it as it was', async () => {
    const file = await atVersion(join(dir, 'read-only-tool.sqlite'), SCHEMA_VERSION - 1);
    let thrown: unknown;
    try {
      createSqliteStore(file, { upgrade: false });
    } catch (error) {
      thrown = error;
    }
    expect(isBotError(thrown, 'config_invalid')).toBe(true);
    expect((thrown as Error).message).toContain('Start the bot of this release on it once to upgrade it');
    expect(migrations(file)).toEqual(Array.from({ length: SCHEMA_VERSION - 1 }, (_, i) => i + 1));
    // A new file is set up all the same (nothing to keep compatible).
    await createSqliteStore(join(dir, 'read-only-new.sqlite'), { upgrade: false }).close();
  });

  it('waits while another process holds the write lock (one upgrading a large file), says so once, then opens', async () => {
    const file = await atVersion(join(dir, 'locked.sqlite'), SCHEMA_VERSION - 1);
    const holder = await holdWriteLock(file, 1500);
    const heard: string[] = [];
    const store = createSqliteStore(file, { busyTimeoutMs: 100, info: (m) => heard.push(m) });
    await holder.done;
    expect(heard.filter((m) => m.includes('holds the write lock'))).toHaveLength(1);
    expect(heard.some((m) => m.includes(`upgraded to schema version ${SCHEMA_VERSION}`))).toBe(true);
    expect(await store.range('req:state:pending')).toEqual([{ member: 'REQ-1', score: 1 }]);
    await store.close();
  });

  it('gives up with SQLite\'s busy error once lockWaitMs has passed', async () => {
    const file = await atVersion(join(dir, 'locked-long.sqlite'), SCHEMA_VERSION - 1);
    const holder = await holdWriteLock(file, 3000);
    expect(() => createSqliteStore(file, { busyTimeoutMs: 100, lockWaitMs: 300 })).toThrow(/locked|busy/i);
    await holder.done;
    expect(migrations(file)).toEqual(Array.from({ length: SCHEMA_VERSION - 1 }, (_, i) => i + 1));
  });
});

/** A store file at schema `version` (the migrations after it undone as far as the test needs: the record of them) with one index entry. */
async function atVersion(file: string, version: number): Promise<string> {
  await createSqliteStore(file).close();
  const raw = new Database(file);
  raw.prepare("INSERT INTO sorted_index (name, member, score) VALUES ('req:state:pending', 'REQ-1', 1)").run();
  raw.prepare('DELETE FROM schema_migrations WHERE version > ?').run(version);
  raw.close();
  return file;
}

/**
 * Another process that takes the file's write lock (BEGIN IMMEDIATE) and holds it for `ms`;
 * resolves once the lock is held. `done` settles when the process has let go and exited.
 */
async function holdWriteLock(file: string, ms: number): Promise<{ done: Promise<void> }> {
  const source = `const D = require('better-sqlite3'); const db = new D(process.argv[1]); db.exec('BEGIN IMMEDIATE'); process.stdout.write('held\\n'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms}); db.exec('COMMIT'); db.close();`;
  const child = spawn(process.execPath, ['-e', source, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('held')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  return { done };
}
