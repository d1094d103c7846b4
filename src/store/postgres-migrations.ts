import type { Pool, PoolClient } from 'pg';
import { BotError } from '../domain/errors.js';
import { SCHEMA_V1, SCHEMA_V2 } from './postgres-schema.js';

/** One schema change; `version`s only grow, and a released one is never edited (add the next instead). */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every version of the schema, oldest first (postgres-schema.ts explains the tables). */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'records, sorted indexes, jobs; commit and complete functions', sql: SCHEMA_V1 },
  { version: 2, name: 'times and scores as double precision', sql: SCHEMA_V2 },
];

/**
 * Brings the schema up to the newest migration and answers the schema's name. Safe when several
 * instances start together: the whole run is one transaction holding a transaction-scoped advisory
 * lock for this schema, so the second instance waits, then finds every version applied in
 * `schema_migrations` and does nothing. DDL is transactional in PostgreSQL: a failed migration
 * leaves the schema as it was.
 *
 * With `createSchema`, that schema is created first when missing (it must be the one the
 * connection's `search_path` names). Throws `config_invalid` when the `search_path` names no
 * existing schema (tables would otherwise land in whichever comes next) or when the database holds
 * a newer version than this code knows.
 */
export async function migrate(pool: Pool, options: { createSchema?: string; migrations?: readonly Migration[] } = {}): Promise<string> {
  const migrations = options.migrations ?? MIGRATIONS;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Waiting for another instance's migration, or building an index on a large table, may take long.
    await client.query('SET LOCAL statement_timeout = 0');
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('mailbox-bot:migrations:' || coalesce($1, current_schema(), ''), 0))", [
      options.createSchema ?? null,
    ]);
    if (options.createSchema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${client.escapeIdentifier(options.createSchema)}`);
    const schema = await currentSchema(client);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => row.version));
    const newest = Math.max(0, ...migrations.map((m) => m.version));
    const unknown = [...applied].filter((version) => version > newest);
    if (unknown.length) {
      throw new BotError(
        'config_invalid',
        `STORE: PostgreSQL schema "${schema}" is at version ${Math.max(...unknown)}, newer than this bot knows (${newest}): run the newer bot`,
      );
    }
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
    }
    await client.query('COMMIT');
    return schema;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

async function currentSchema(client: PoolClient): Promise<string> {
  const { rows } = await client.query<{ schema: string | null; path: string }>('SELECT current_schema() AS schema, current_setting($1) AS path', [
    'search_path',
  ]);
  const schema = rows[0]?.schema;
  if (!schema) throw new BotError('config_invalid', `STORE: no PostgreSQL schema on the search_path (${rows[0]?.path}) exists; create it first`);
  return schema;
}
