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

/**
 * Brings the file's schema up to `SCHEMA_VERSION`. The immediate transaction takes the write lock
 * before reading the version, so of two processes opening a new file at once one migrates and the
 * other finds it done. Throws `config_invalid` when the file was written by a newer version of the
 * bot (a schema this code does not know) rather than reading tables whose meaning may have changed.
 */
export function migrateSchema(db: Database, file: string): void {
  const applied = () =>
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() === undefined
      ? 0
      : ((db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get() as number | null) ?? 0);
  // The usual start-up: up to date, no write lock needed.
  if (applied() === SCHEMA_VERSION) return;
  db.transaction(() => {
    const from = applied();
    if (from > SCHEMA_VERSION) {
      throw new BotError('config_invalid', `STORE: ${file} has schema version ${from}; this version of the bot knows up to ${SCHEMA_VERSION}`, {
        details: { file, schemaVersion: from, supported: SCHEMA_VERSION },
      });
    }
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
    const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
    for (let version = from + 1; version <= SCHEMA_VERSION; version++) {
      db.exec(MIGRATIONS[version - 1]!);
      record.run(version, Date.now());
    }
  }).immediate();
}
