import Database from 'better-sqlite3';
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
});
