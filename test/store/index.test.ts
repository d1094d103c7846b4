import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isBotError } from '../../src/domain/errors.js';
import { openStore } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'open-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The config_invalid message openStore refuses with. */
async function refusal(config: Parameters<typeof openStore>[0]): Promise<string> {
  const error = await openStore(config).then(
    (store) => store.close().then(() => undefined),
    (e: unknown) => e,
  );
  expect(isBotError(error, 'config_invalid')).toBe(true);
  return (error as Error).message;
}

describe('openStore: a STORE that cannot be opened is one line naming STORE', () => {
  it('a SQLite path that is a directory, and a file that is not SQLite', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    expect(await refusal({ kind: 'sqlite', path: folder })).toMatch(new RegExp(`^STORE: cannot open the SQLite file ${folder}: `));
    const notSqlite = join(dir, 'notes.txt');
    writeFileSync(notSqlite, 'these are not the pages of a database\n'.repeat(200));
    const message = await refusal({ kind: 'sqlite', path: notSqlite });
    expect(message).toMatch(/^STORE: cannot open the SQLite file .*notes\.txt: file is not a database$/);
  });

  it('a SQLite path under a directory that does not exist: the store\'s own directory is made, not a whole tree', async () => {
    const typo = join(dir, 'srv', 'bto', 'data', 'bot.sqlite');
    expect(await refusal({ kind: 'sqlite', path: typo })).toBe(
      `STORE: cannot open the SQLite file ${typo}: the directory ${join(dir, 'srv', 'bto')} does not exist (the bot creates only the store's own directory, ${join(dir, 'srv', 'bto', 'data')})`,
    );
    expect(() => statSync(join(dir, 'srv'))).toThrow();
  });

  it('a SQLite directory the file system will not create under a parent that exists is the one named (/proc/nope, not /proc)', async () => {
    const path = '/proc/nope/x.sqlite';
    expect(await refusal({ kind: 'sqlite', path })).toBe(`STORE: cannot open the SQLite file ${path}: the directory /proc/nope does not exist and cannot be created in /proc`);
  });

  it('a Redis URL the client cannot parse, without repeating the URL (it may carry a password)', async () => {
    const message = await refusal({ kind: 'redis', url: 'redis://:s3cret@:6379x' });
    expect(message).toMatch(/^STORE: cannot open the Redis store: /);
    expect(message).not.toContain('s3cret');
    expect(message).not.toContain('\n');
  });

  it('says so when it starts a new, empty SQLite file (a mistyped path is seen in the log)', async () => {
    const warnings: string[] = [];
    const file = join(dir, 'new', 'bot.sqlite');
    const store = await openStore({ kind: 'sqlite', path: file }, (message) => warnings.push(message));
    await store.create('requests', 'REQ-1', 1);
    expect(warnings).toEqual([`STORE: no SQLite file at ${file}; starting a new, empty store there`]);
    // Only the bot's user may read it (the audit log, people's mail addresses), nor its WAL.
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(`${file}-wal`).mode & 0o777).toBe(0o600);
    await store.close();
    const again: string[] = [];
    await (await openStore({ kind: 'sqlite', path: file }, (message) => again.push(message))).close();
    expect(again).toEqual([]);
  });
});
