import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/store/keyv-store.js';
import { GroupCommit } from '../../src/store/sqlite-group-commit.js';

const dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** A WAL file with table t, the connection that writes it, and a second connection that reads it. */
function setUp() {
  const file = join(dir, `g${++files}.sqlite`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
  const reader = new Database(file, { readonly: true });
  const keys = () => (reader.prepare('SELECT k FROM t ORDER BY k').all() as { k: string }[]).map((row) => row.k);
  const insert = (k: string) => () => db.prepare('INSERT INTO t VALUES (?)').run(k).changes;
  return { db, group: new GroupCommit(db), keys, insert };
}

describe('GroupCommit', () => {
  it('writes made in one turn share one transaction and each resolves only once it is committed', async () => {
    const { group, keys, insert } = setUp();
    const writes = ['a', 'b', 'c'].map((k) => group.write(insert(k)));
    expect(keys()).toEqual([]); // not committed yet: another connection sees nothing
    const seenAtFirstResolve = await writes[0]!.then(() => keys());
    expect(seenAtFirstResolve).toEqual(['a', 'b', 'c']); // committed together
    expect(await Promise.all(writes)).toEqual([1, 1, 1]);
  });

  it('a statement that fails is refused alone; the others in its transaction are saved', async () => {
    const { group, keys, insert } = setUp();
    const results = await Promise.allSettled([group.write(insert('a')), group.write(insert('a')), group.write(insert('b'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE constraint failed/);
    expect(keys()).toEqual(['a', 'b']);
  });

  it('when SQLite ends the transaction early, every write in it is refused and later writes still work', async () => {
    const { db, group, keys, insert } = setUp();
    const lost = [group.write(insert('a')), group.write(() => db.exec('ROLLBACK'))];
    const after = group.write(insert('b'));
    const results = await Promise.allSettled(lost);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await after).toBe(1);
    expect(keys()).toEqual(['b']);
  });

  it('flush commits at once, so closing the store keeps a write nobody awaited yet', async () => {
    const file = join(dir, 'flush.sqlite');
    const store = createSqliteStore(file);
    const pending = store.create('requests', 'r1', { state: 'pending' });
    await store.close();
    expect(await pending).toBe(true);
    const reopened = createSqliteStore(file);
    expect(await reopened.get('requests', 'r1')).toEqual({ version: 1, value: { state: 'pending' } });
    await reopened.close();
  });

  it('a store closed while another store on the same file stays open leaves that one working', async () => {
    const file = join(dir, 'shared-close.sqlite');
    const first = createSqliteStore(file);
    const second = createSqliteStore(file);
    await first.create('requests', 'r1', 1);
    await first.close();
    await first.close(); // twice is harmless
    expect(await second.compareAndSet('requests', 'r1', 1, 2)).toBe(true);
    expect(await second.get('requests', 'r1')).toEqual({ version: 2, value: 2 });
    await second.close();
  });
});
