import type { Database } from 'better-sqlite3';
import { BotError } from '../domain/errors.js';

/**
 * The tables the SQLite store owns beside keyv's `caches` (records stay there, in keyv's format):
 * - `jobs`: the work queue. `ready_at` is when a job can next be claimed (its due time, or its lease
 *   end while a worker holds it), NULL while it waits behind an earlier job of its `order_key`; the
 *   partial index on (ready_at, seq) answers `claim` and `nextReadyAt` in O(log N) without looking at
 *   waiting jobs. (order_key, seq) finds the head of an order.
 * - `job_sequence`: the next `seq`, one row, so a seq is never reused even after jobs are deleted.
 * - `sorted_index`: members by score per index name; (name, score, member) serves the pages.
 * - (version 3 keys `sorted_index` by (member, name) instead of (name, member); see the migration.)
 * - (version 1 kept `sorted_index_sizes`, each index's size, updated by every change; nothing but
 *   `count` read it, and keeping it was a third B-tree write per index change, so version 2 drops
 *   it and `count` counts the (name, ...) range.)
 *
 * Each migration runs once, in order, recorded in `schema_migrations`. Append new ones; never edit
 * one that has shipped.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE jobs (
     id TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     due_at INTEGER NOT NULL,
     ready_at INTEGER,
     seq INTEGER NOT NULL,
     generation INTEGER NOT NULL,
     attempts INTEGER NOT NULL,
     last_error TEXT,
     order_key TEXT,
     owner TEXT,
     lease_until INTEGER,
     payload TEXT NOT NULL
   );
   CREATE INDEX jobs_by_ready_at ON jobs (ready_at, seq) WHERE ready_at IS NOT NULL;
   CREATE INDEX jobs_by_order ON jobs (order_key, seq) WHERE order_key IS NOT NULL;
   CREATE TABLE job_sequence (last INTEGER NOT NULL);
   INSERT INTO job_sequence (last) VALUES (0);
   CREATE TABLE sorted_index (
     name TEXT NOT NULL,
     member TEXT NOT NULL,
     score INTEGER NOT NULL,
     PRIMARY KEY (name, member)
   ) WITHOUT ROWID;
   CREATE INDEX sorted_index_by_score ON sorted_index (name, score, member);
   CREATE TABLE sorted_index_sizes (name TEXT PRIMARY KEY, members INTEGER NOT NULL) WITHOUT ROWID;`,
  `DROP TABLE sorted_index_sizes;`,
  // Version 3 keys the index entries by member first: the entries of one request (or audit entry)
  // under its several index names share a leaf, and new members (ids that grow) share the last one,
  // so a new request's commit dirties a few pages of this B-tree instead of one per index name.
  `CREATE TABLE sorted_index_by_member (
     name TEXT NOT NULL,
     member TEXT NOT NULL,
     score INTEGER NOT NULL,
     PRIMARY KEY (member, name)
   ) WITHOUT ROWID;
   INSERT INTO sorted_index_by_member (name, member, score) SELECT name, member, score FROM sorted_index;
   DROP TABLE sorted_index;
   ALTER TABLE sorted_index_by_member RENAME TO sorted_index;
   CREATE INDEX sorted_index_by_score ON sorted_index (name, score, member);`,
];

/** The schema version this code writes and reads. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** How `migrateSchema` tells the operator and how long it waits. */
export interface MigrateOptions {
  /** Told when an upgrade starts and ends, and when another process holds the write lock. */
  info?: (message: string) => void;
  /**
   * False: a file at an older schema is refused (`config_invalid`) instead of upgraded, for tools
   * that only read (an upgrade is one-way, and a bot of the older release could no longer open
   * the file). A new file is set up either way.
   */
  upgrade?: boolean;
  /**
   * How long to keep trying (ms) while another process holds the file's write lock (one upgrading
   * a large file), each try waiting the connection's busy timeout: default 10 minutes.
   */
  lockWaitMs?: number;
  /** Epoch ms (tests). */
  now?: () => number;
}

/** Rough upgrade speed for the operator's log line: schema 3 copies the index, about 3 s per million entries. */
const UPGRADE_HINT = 'on a large file this takes a while, about 3 s per million index entries; it is one-way';

/**
 * Brings the file's schema up to `SCHEMA_VERSION`. The immediate transaction takes the write lock
 * before reading the version, so of two processes opening a file at once one migrates and the
 * other finds it done: while the first holds the lock (copying a large table can take longer than
 * the busy timeout) the second keeps trying, up to `lockWaitMs`, and says so once. An upgrade of an
 * existing file is logged when it starts and when it is done (`info`).
 *
 * Throws `config_invalid` when the file was written by a newer version of the bot (a schema this
 * code does not know) rather than reading tables whose meaning may have changed, and when
 * `upgrade` is false and the file is older; rethrows SQLite's `SQLITE_BUSY` when the lock is still
 * held after `lockWaitMs`.
 */
export function migrateSchema(db: Database, file: string, options: MigrateOptions = {}): void {
  const applied = () =>
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() === undefined
      ? 0
      : ((db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get() as number | null) ?? 0);
  // The usual start-up: up to date, no write lock needed.
  const found = applied();
  if (found === SCHEMA_VERSION) return;
  if (found > SCHEMA_VERSION) throw newerSchema(file, found);
  if (options.upgrade === false && found > 0) {
    throw new BotError(
      'config_invalid',
      `STORE: ${file} has schema version ${found}; this release uses ${SCHEMA_VERSION}. Start the bot of this release on it once to upgrade it (keep a copy first: the upgrade is one-way), or use the tools of the release that wrote it`,
      { details: { file, schemaVersion: found, supported: SCHEMA_VERSION } },
    );
  }
  const info = options.info ?? (() => {});
  const now = options.now ?? Date.now;
  const migrate = db.transaction(() => {
    const from = applied();
    if (from > SCHEMA_VERSION) throw newerSchema(file, from);
    if (from === SCHEMA_VERSION) return; // another process did it while this one waited
    const started = now();
    if (from > 0) info(`STORE: upgrading ${file} from schema version ${from} to ${SCHEMA_VERSION} (${UPGRADE_HINT})`);
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
    const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
    for (let version = from + 1; version <= SCHEMA_VERSION; version++) {
      db.exec(MIGRATIONS[version - 1]!);
      record.run(version, Date.now());
    }
    if (from > 0) info(`STORE: ${file} upgraded to schema version ${SCHEMA_VERSION} in ${((now() - started) / 1000).toFixed(1)} s`);
  });
  const deadline = now() + (options.lockWaitMs ?? 10 * 60_000);
  let said = false;
  for (;;) {
    try {
      migrate.immediate();
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || now() >= deadline) throw error;
      if (!said) {
        info(`STORE: another process holds the write lock of ${file} (upgrading its schema?); waiting for it`);
        said = true;
      }
    }
  }
}

function newerSchema(file: string, version: number): BotError {
  return new BotError(
    'config_invalid',
    `STORE: ${file} has schema version ${version}; this version of the bot knows up to ${SCHEMA_VERSION}. Run the release that upgraded it, or restore the copy kept from before that upgrade (upgrades are one-way)`,
    { details: { file, schemaVersion: version, supported: SCHEMA_VERSION } },
  );
}
