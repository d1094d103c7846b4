import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL every machine of this project runs (127.0.0.1:5432, trust auth, database `test`;
 * `.ci/run` starts it). Tests never share tables: each takes a schema of its own.
 */
export const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** `STORE` for a bot process working in `schema` (libpq's `options` sets its search_path). */
export function postgresStoreUrl(schema: string): string {
  return `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

/** A schema name no other test uses. */
export function freshSchema(prefix = 't'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Drops the schemas (and everything in them), on a connection of its own. */
export async function dropSchemas(schemas: readonly string[]): Promise<void> {
  if (!schemas.length) return;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/** One query on its own connection (inspecting or sabotaging from outside the store). */
export async function adminQuery<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
