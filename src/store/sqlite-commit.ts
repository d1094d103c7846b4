import type { Database, Statement } from 'better-sqlite3';
import type { RecordWrite, WriteBatch } from './durable-store.js';
import { envelopeText } from './envelope.js';
import type { SqliteSortedIndex } from './sqlite-sorted-index.js';
import type { SqliteWorkQueue } from './sqlite-work-queue.js';

/** The statements on keyv's `caches` table that a commit writes records with (made once per connection). */
export interface RecordStatements {
  /** The stored version of `namespace:key` (plucked), undefined when absent. */
  version: Statement<[string]>;
  /** Inserts or replaces: cacheKey, keyv's text of the envelope, createdAt (epoch ms). */
  upsert: Statement<[string, string, number]>;
  removeAny: Statement<[string]>;
  /** Inserts unless the key exists: cacheKey, text, createdAt; one change when inserted. */
  insert: Statement<[string, string, number]>;
  /** Replaces at a version: text, cacheKey, expected version; one change when it held. */
  replace: Statement<[string, string, number]>;
  /** Deletes at a version: cacheKey, expected version; one change when it held. */
  remove: Statement<[string, number]>;
}

/** Thrown inside the savepoint when a write's expectation does not hold, so SQLite undoes the batch. */
const EXPECTATION_FAILED = Symbol('expectation failed');

/**
 * The body of `DurableStore.commit` on SQLite, made once per connection: a function to call inside
 * the group commit's open `BEGIN IMMEDIATE`. It is a better-sqlite3 transaction function, which
 * nested in an open transaction runs as a SAVEPOINT: a batch that throws half-way (a payload JSON
 * cannot hold, a full disk) is rolled back alone, and the other writes of the group survive.
 *
 * Each record write checks its expectation in the statement that makes it (keys written twice in
 * one batch are all checked first, against the versions before the batch, as the memory store
 * does); the write lock held since `BEGIN IMMEDIATE` keeps them true until the commit, in this
 * process and every other. Records (in keyv's `caches` table, keyv's envelope, so keyv's `get` and
 * iterator read them), index changes, cancels and schedules are applied in that order. Returns
 * false when an expectation does not hold, the savepoint rolled back so nothing is written.
 */
export function prepareCommit(
  db: Database,
  records: RecordStatements,
  index: SqliteSortedIndex,
  queue: SqliteWorkQueue,
): (batch: WriteBatch) => boolean {
  const versionOf = (fullKey: string) => (records.version.get(fullKey) as number | undefined) ?? undefined;

  /**
   * The version a write of a value stores under `fullKey`: 1 for a record expected absent, one past
   * the expected version, or (`any`) one past the version stored now, read only then. Both write
   * paths number versions through it, so a batch that repeats a key numbers them as one that does not.
   */
  const nextVersion = (expect: RecordWrite['expect'], fullKey: string): number =>
    expect === 'absent' ? 1 : expect === 'any' ? (versionOf(fullKey) ?? 0) + 1 : expect + 1;

  /**
   * One record write that checks its own expectation in the statement that writes it (an insert
   * that does nothing when the key exists, an update or delete at the expected version): one
   * statement per write instead of a read and a write. False when the expectation does not hold.
   */
  const writeChecked = (write: RecordWrite, fullKey: string, now: number): boolean => {
    const { expect } = write;
    if (write.value === undefined) {
      if (expect === 'any') records.removeAny.run(fullKey);
      else if (expect === 'absent') return versionOf(fullKey) === undefined;
      else return records.remove.run(fullKey, expect).changes === 1;
      return true;
    }
    if (expect === 'absent') {
      if (records.insert.run(fullKey, envelopeText({ v: 1, d: write.value }), now).changes === 1) return true;
      // A row without a version (not written by this store) counts as absent, as `holds` reads it.
      if (versionOf(fullKey) !== undefined) return false;
    } else if (expect !== 'any') {
      return records.replace.run(envelopeText({ v: nextVersion(expect, fullKey), d: write.value }), fullKey, expect).changes === 1;
    }
    records.upsert.run(fullKey, envelopeText({ v: nextVersion(expect, fullKey), d: write.value }), now);
    return true;
  };

  const apply = db.transaction((batch: WriteBatch): boolean => {
    const writes = batch.records ?? [];
    const now = Date.now();
    if (repeatsAKey(writes)) {
      // Each expectation against the versions before the batch, as the memory store checks them.
      if (!writes.every((write) => holds(write, versionOf(fullKeyOf(write))))) return false;
      for (const write of writes) {
        const fullKey = fullKeyOf(write);
        if (write.value === undefined) {
          records.removeAny.run(fullKey);
          continue;
        }
        records.upsert.run(fullKey, envelopeText({ v: nextVersion(write.expect, fullKey), d: write.value }), now);
      }
    } else {
      for (const write of writes) if (!writeChecked(write, fullKeyOf(write), now)) throw EXPECTATION_FAILED;
    }
    index.apply(batch.index ?? []);
    for (const id of batch.cancel ?? []) queue.cancel(id);
    queue.scheduleAll(batch.schedule ?? []);
    return true;
  });
  return (batch: WriteBatch): boolean => {
    try {
      return apply(batch);
    } catch (error) {
      // The savepoint is rolled back: nothing of the batch is written.
      if (error === EXPECTATION_FAILED) return false;
      throw error;
    }
  };
}

function repeatsAKey(writes: readonly RecordWrite[]): boolean {
  if (writes.length < 2) return false;
  const keys = new Set(writes.map(fullKeyOf));
  return keys.size < writes.length;
}

/** keyv's key for a record: `namespace:key`. */
function fullKeyOf(write: RecordWrite): string {
  return `${write.namespace}:${write.key}`;
}

function holds(write: RecordWrite, version: number | undefined): boolean {
  if (write.expect === 'any') return true;
  if (write.expect === 'absent') return version === undefined;
  return version === write.expect;
}
