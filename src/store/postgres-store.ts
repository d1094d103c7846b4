import { createHash } from 'node:crypto';
import pg from 'pg';
import { BotError } from '../domain/errors.js';
import { DEFAULT_PAGE, type DurableStore, type IndexEntry, type RangePage, type WriteBatch } from './durable-store.js';
import { NotificationListener, type ListenerTimings } from './postgres-listener.js';
import { migrate } from './postgres-migrations.js';
import { COMMIT_SQL, commitArguments, jsonText } from './postgres-batch.js';
import { clientConfig, redactedUrl, retryOnConflict, type PostgresConnection } from './postgres-pool.js';
import { CLOSE_TIMEOUT_MS, PostgresCalls, postgresHealth } from './postgres-connection.js';
import { PostgresWorkQueue } from './postgres-work-queue.js';
import type { StoreOutageLog } from './store-health.js';
import type { Versioned } from './versioned-store.js';

export interface PostgresStoreOptions {
  /** A schema of its own (created if missing) instead of the URL's `search_path`: tests, or several bots in one database. */
  schema?: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Trouble the store works around: a lost LISTEN connection, an idle connection the server closed. */
  warn?: (message: string, error?: Error) => void;
  /** Hears an outage once when it starts (`error`) and once when PostgreSQL answers again (`info`). */
  outage?: StoreOutageLog;
  /** Longest wait for a connection, new or free in the pool (default `CONNECT_TIMEOUT_MS`). */
  connectTimeoutMs?: number;
  /** Longest wait for a statement's reply (default `QUERY_TIMEOUT_MS`). */
  queryTimeoutMs?: number;
  /** Pause between liveness checks of the LISTEN connection (default `LISTEN_CHECK_INTERVAL_MS`, 30 s). */
  listenCheckIntervalMs?: number;
  /** Longest wait for a liveness check's answer before the LISTEN connection reconnects (default `LISTEN_CHECK_TIMEOUT_MS`). */
  listenCheckTimeoutMs?: number;
  /** At `close`, longest wait for connections to end before their sockets are destroyed (default `CLOSE_TIMEOUT_MS`). */
  closeTimeoutMs?: number;
}

/** Records per page of `entries`. */
const ENTRIES_PAGE = 500;

/**
 * Opens the store on PostgreSQL (`STORE=postgres://...`) through node-postgres (`pg`, a Pool), with
 * the schema migrated to the newest version first (postgres-migrations.ts; safe when several
 * instances start together). Several bot instances share one database: every compare-and-set,
 * commit and claim is atomic across them, and a commit that schedules work wakes the others through
 * LISTEN/NOTIFY.
 *
 * Throws `config_invalid` when the server cannot be reached or the schema is unusable. Once open,
 * an outage fails each call promptly with `store_unavailable` (`PostgresCalls`).
 */
export async function createPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const connection: PostgresConnection = { url, schema: options.schema, connectTimeoutMs: options.connectTimeoutMs };
  const config = clientConfig(connection);
  const pool = new pg.Pool({ ...config, max: options.poolSize ?? 10 });
  const warn = options.warn ?? (() => {});
  const health = postgresHealth(url, options.outage ?? { error() {}, info() {} });
  const calls = new PostgresCalls(pool, health, warn, options.queryTimeoutMs);
  let schema: string;
  try {
    schema = await migrate(pool, { createSchema: options.schema });
  } catch (cause) {
    await pool.end().catch(() => {});
    if (cause instanceof BotError) throw cause;
    throw new BotError('config_invalid', `STORE: cannot open PostgreSQL at ${redactedUrl(url)}: ${(cause as Error).message}`, { cause });
  }
  const timings: ListenerTimings = {
    checkIntervalMs: options.listenCheckIntervalMs,
    checkTimeoutMs: options.listenCheckTimeoutMs,
    closeTimeoutMs: options.closeTimeoutMs,
  };
  const listener = new NotificationListener(config, jobsChannel(schema), warn, health, timings);
  return new PostgresStore(calls, listener, jobsChannel(schema), options.closeTimeoutMs ?? CLOSE_TIMEOUT_MS);
}

/**
 * The NOTIFY channel of one schema's jobs. Channel names are identifiers (at most 63 bytes), so a
 * long schema name is replaced by its hash.
 */
export function jobsChannel(schema: string): string {
  const name = `mailbox_bot_jobs_${schema}`;
  return Buffer.byteLength(name) <= 63 ? name : `mailbox_bot_jobs_${createHash('sha256').update(schema).digest('hex').slice(0, 40)}`;
}

/**
 * The DurableStore on PostgreSQL: `records`, `sorted_index` and `jobs` (postgres-schema.ts).
 * A `commit` is one call of `store_commit`, so one transaction and one round trip; its record
 * expectations are checked by the row counts of `INSERT ... ON CONFLICT DO NOTHING` and
 * `UPDATE ... WHERE version = n`, and the first that fails undoes the whole batch.
 */
export class PostgresStore implements DurableStore {
  readonly work: PostgresWorkQueue;

  constructor(
    private readonly calls: PostgresCalls,
    private readonly listener: NotificationListener,
    private readonly channel: string,
    private readonly closeTimeoutMs = CLOSE_TIMEOUT_MS,
  ) {
    this.work = new PostgresWorkQueue(calls, channel, listener);
  }

  async get<T>(namespace: string, key: string): Promise<Versioned<T> | undefined> {
    const { rows } = await this.calls.query<{ version: number; value: T }>('read', 'SELECT version, value FROM records WHERE namespace = $1 AND key = $2', [
      namespace,
      key,
    ]);
    return rows[0] ? { version: rows[0].version, value: rows[0].value } : undefined;
  }

  async create<T>(namespace: string, key: string, value: T): Promise<boolean> {
    const { rowCount } = await this.calls.query(
      'write',
      'INSERT INTO records (namespace, key, version, value) VALUES ($1, $2, 1, $3::json) ON CONFLICT (namespace, key) DO NOTHING',
      [namespace, key, jsonText(value)],
    );
    return rowCount === 1;
  }

  async compareAndSet<T>(namespace: string, key: string, expectedVersion: number, value: T): Promise<boolean> {
    const { rowCount } = await this.calls.query(
      'write',
      'UPDATE records SET version = version + 1, value = $4::json WHERE namespace = $1 AND key = $2 AND version = $3',
      [namespace, key, expectedVersion, jsonText(value)],
    );
    return rowCount === 1;
  }

  async put<T>(namespace: string, key: string, value: T): Promise<void> {
    await this.calls.query(
      'write',
      `INSERT INTO records (namespace, key, version, value) VALUES ($1, $2, 1, $3::json)
       ON CONFLICT (namespace, key) DO UPDATE SET version = records.version + 1, value = EXCLUDED.value`,
      [namespace, key, jsonText(value)],
    );
  }

  async delete(namespace: string, key: string, expectedVersion?: number): Promise<boolean> {
    const { rowCount } =
      expectedVersion === undefined
        ? await this.calls.query('write', 'DELETE FROM records WHERE namespace = $1 AND key = $2', [namespace, key])
        : await this.calls.query('write', 'DELETE FROM records WHERE namespace = $1 AND key = $2 AND version = $3', [namespace, key, expectedVersion]);
    return rowCount === 1;
  }

  /** Pages through the namespace in key order, 500 at a time, each page continuing after the last key seen (no OFFSET). */
  async *entries<T>(namespace: string): AsyncIterable<[string, Versioned<T>]> {
    let after: string | null = null;
    for (;;) {
      const { rows }: { rows: { key: string; version: number; value: T }[] } = await this.calls.query(
        'read',
        `SELECT key, version, value FROM records WHERE namespace = $1 AND ($2::text IS NULL OR key > $2::text) ORDER BY key LIMIT ${ENTRIES_PAGE}`,
        [namespace, after],
      );
      for (const row of rows) yield [row.key, { version: row.version, value: row.value }];
      if (rows.length < ENTRIES_PAGE) return;
      after = rows[rows.length - 1]!.key;
    }
  }

  async commit(batch: WriteBatch): Promise<boolean> {
    const { records = [], index = [], schedule = [], cancel = [] } = batch;
    if (!records.length && !index.length && !schedule.length && !cancel.length) return true;
    const args = commitArguments(batch, this.channel);
    const { rows } = await retryOnConflict(() => this.calls.query<{ ok: boolean }>('write', COMMIT_SQL, args));
    return rows[0]!.ok;
  }

  async range(name: string, page: RangePage = {}): Promise<IndexEntry[]> {
    const desc = page.order !== 'asc';
    const limit = page.limit ?? DEFAULT_PAGE;
    const direction = desc ? 'DESC' : 'ASC';
    const { rows } = page.after
      ? await this.calls.query<IndexEntry>(
          'read',
          `SELECT member, score FROM sorted_index WHERE name = $1 AND (score, member) ${desc ? '<' : '>'} ($2, $3)
           ORDER BY score ${direction}, member ${direction} LIMIT $4`,
          [name, page.after.score, page.after.member, limit],
        )
      : await this.calls.query<IndexEntry>(
          'read',
          `SELECT member, score FROM sorted_index WHERE name = $1 ORDER BY score ${direction}, member ${direction} LIMIT $2`,
          [name, limit],
        );
    return rows.map((row) => ({ member: row.member, score: row.score }));
  }

  /** Counts the index's entries in the index (O(members)); pages of `range` are the O(log N) path. */
  async count(name: string): Promise<number> {
    const { rows } = await this.calls.query<{ n: number }>('read', 'SELECT count(*) AS n FROM sorted_index WHERE name = $1', [name]);
    return rows[0]!.n;
  }

  /**
   * Ends the LISTEN connection and the pool, together. Finishes within about twice `closeTimeoutMs`
   * even during a network cut: a connection that has not ended by then has its socket destroyed,
   * failing a statement still in flight with `store_unavailable`.
   */
  async close(): Promise<void> {
    await Promise.all([this.listener.close(), this.calls.end(this.closeTimeoutMs)]);
  }
}
