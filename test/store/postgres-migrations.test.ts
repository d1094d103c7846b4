import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { isBotError } from '../../src/domain/errors.js';
import { migrate, MIGRATIONS } from '../../src/store/postgres-migrations.js';
import { clientConfig } from '../../src/store/postgres-pool.js';
import { createPostgresStore } from '../../src/store/postgres-store.js';
import { adminQuery, dropSchemas, freshSchema, POSTGRES_URL } from '../helpers/postgres.js';

const schemas: string[] = [];
const schema = () => {
  const name = freshSchema('m');
  schemas.push(name);
  return name;
};
afterAll(() => dropSchemas(schemas));

const poolOn = (name: string) => new pg.Pool({ ...clientConfig({ url: POSTGRES_URL, schema: name }), max: 2 });

describe('PostgreSQL migrations', () => {
  it('run by several instances starting together: no error, each version applied once, the store usable', async () => {
    const name = schema();
    const pools = Array.from({ length: 4 }, () => poolOn(name));
    try {
      const results = await Promise.all(pools.map((pool) => migrate(pool, { createSchema: name })));
      expect(results).toEqual([name, name, name, name]);
      const applied = await adminQuery<{ version: number }>(`SELECT version FROM ${name}.schema_migrations ORDER BY version`);
      expect(applied.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
    // Two stores opening together on the migrated schema, then on a fresh one, both work.
    for (const target of [name, schema()]) {
      const [a, b] = await Promise.all([createPostgresStore(POSTGRES_URL, { schema: target }), createPostgresStore(POSTGRES_URL, { schema: target })]);
      expect(await a.create('r', 'k', 1)).toBe(true);
      expect(await b.get('r', 'k')).toEqual({ version: 1, value: 1 });
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('apply only the versions a schema lacks, in order, each in the same transaction as its record', async () => {
    const name = schema();
    const pool = poolOn(name);
    try {
      const first = { version: 1, name: 'one', sql: 'CREATE TABLE one (id int)' };
      const second = { version: 2, name: 'two', sql: 'CREATE TABLE two (id int)' };
      await migrate(pool, { createSchema: name, migrations: [first] });
      await migrate(pool, { createSchema: name, migrations: [second, first] });
      // A failing migration leaves neither its tables nor its version behind.
      const broken = { version: 3, name: 'broken', sql: 'CREATE TABLE three (id int); SELECT no_such_column FROM two' };
      await expect(migrate(pool, { createSchema: name, migrations: [first, second, broken] })).rejects.toThrow(/no_such_column/);
      const applied = await adminQuery<{ version: number; name: string }>(`SELECT version, name FROM ${name}.schema_migrations ORDER BY version`);
      expect(applied).toEqual([
        { version: 1, name: 'one' },
        { version: 2, name: 'two' },
      ]);
      const tables = await adminQuery<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [name],
      );
      expect(tables.map((t) => t.table_name)).toEqual(['one', 'schema_migrations', 'two']);
    } finally {
      await pool.end();
    }
  });

  it('refuse a schema written by a newer bot, and a search_path naming no schema, with config_invalid', async () => {
    const name = schema();
    const store = await createPostgresStore(POSTGRES_URL, { schema: name });
    await store.close();
    await adminQuery(`INSERT INTO ${name}.schema_migrations (version, name) VALUES (999, 'from the future')`);
    const newer = await createPostgresStore(POSTGRES_URL, { schema: name }).catch((error: unknown) => error);
    expect(isBotError(newer, 'config_invalid')).toBe(true);
    expect((newer as Error).message).toMatch(/version 999, newer than this bot knows/);

    const missing = `${POSTGRES_URL}?options=${encodeURIComponent('-c search_path=no_such_schema_here')}`;
    const noSchema = await createPostgresStore(missing).catch((error: unknown) => error);
    expect(isBotError(noSchema, 'config_invalid')).toBe(true);
    expect((noSchema as Error).message).toMatch(/no PostgreSQL schema on the search_path/);
  });

  it('put a store in its own schema while keeping the options the URL sets', async () => {
    const name = schema();
    const url = `${POSTGRES_URL}?options=${encodeURIComponent('-c lock_timeout=4321')}`;
    const client = new pg.Client(clientConfig({ url, schema: name }));
    await client.connect();
    try {
      expect((await client.query('SHOW search_path')).rows[0].search_path).toBe(name);
      expect((await client.query('SHOW lock_timeout')).rows[0].lock_timeout).toBe('4321ms');
    } finally {
      await client.end();
    }
  });

  it('say which server could not be reached, without its password', async () => {
    const error = await createPostgresStore('postgres://bot:s3cret@127.0.0.1:1/test').catch((e: unknown) => e);
    expect(isBotError(error, 'config_invalid')).toBe(true);
    expect((error as Error).message).toContain('STORE: cannot open PostgreSQL at postgres://bot:***@127.0.0.1:1/test');
    expect((error as Error).message).not.toContain('s3cret');
  });
});
