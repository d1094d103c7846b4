import pg, { type ClientConfig, type CustomTypesConfig } from 'pg';
import { CONNECT_TIMEOUT_MS, STATEMENT_TIMEOUT_MS } from './postgres-connection.js';

/** How the PostgreSQL store connects: the `STORE` URL, plus a schema of its own when asked (tests, several bots in one database). */
export interface PostgresConnection {
  /** `postgres://user:password@host:port/database?...`, as libpq reads it (`options=-c search_path=bot` picks a schema). */
  url: string;
  /** This one schema (created if missing) instead of the URL's `search_path`; the URL's other options stay. Plain identifiers only. */
  schema?: string;
  /** `application_name`, shown in `pg_stat_activity`. */
  applicationName?: string;
  /** Longest wait for a connection (default `CONNECT_TIMEOUT_MS`). */
  connectTimeoutMs?: number;
}

const INT8_OID = 20;

/**
 * `bigint` columns (versions, sequence numbers, counts) as JavaScript numbers rather than pg's
 * default strings: every value the store keeps there stays below 2^53.
 */
const types: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};

/** The client settings shared by the pool and the LISTEN connection. */
export function clientConfig(connection: PostgresConnection): ClientConfig {
  const config: ClientConfig = {
    connectionString: connection.url,
    types,
    application_name: connection.applicationName ?? 'mailbox-delegation-bot',
    keepAlive: true,
    // A server that does not answer fails the start (or the call) instead of hanging it; for a
    // pool, also the longest wait for a free connection.
    connectionTimeoutMillis: connection.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    // Every statement of the store is short; one stuck behind a lock fails and is retried by its caller.
    statement_timeout: STATEMENT_TIMEOUT_MS,
  };
  if (connection.schema === undefined) return config;
  assertIdentifier(connection.schema);
  // pg lets the connection string override the config object, so the schema goes into the URL's
  // options, after any the URL already sets.
  const url = new URL(connection.url);
  const given = url.searchParams.get('options');
  url.searchParams.set('options', `${given ? `${given} ` : ''}-c search_path=${connection.schema}`);
  return { ...config, connectionString: url.toString() };
}

export function assertIdentifier(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`"${name}" is not a plain PostgreSQL identifier (a-z, 0-9, _)`);
}

/** The URL without its password, for messages. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** SQLSTATEs after which the statement may simply run again: PostgreSQL rolled it back and says so. */
const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

/**
 * Runs `statement` (one statement, so one transaction) again after a deadlock or a serialization
 * failure, up to 5 times. The store takes its locks in one order, so a deadlock needs an unusual
 * pair of batches (one cancelling a job another reschedules, in the other order); when PostgreSQL
 * breaks one up anyway, the loser's work is not lost.
 */
export async function retryOnConflict<T>(statement: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await statement();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (!(code && RETRYABLE.has(code)) || attempt >= 5) throw error;
    }
  }
}
