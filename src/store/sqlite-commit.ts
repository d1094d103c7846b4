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
}

/**
 * The body of `DurableStore.commit` on SQLite, made once per connection: a function to call inside
 * the group commit's open `BEGIN IMMEDIATE`. It is a better-sqlite3 transaction function, which
 * nested in an open transaction runs as a SAVEPOINT: a batch that throws half-way (a payload JSON
 * cannot hold, a full disk) is rolled back alone, and the other writes of the group survive.
 *
 * Every expectation is checked before anything is written (against the versions as they were
 * before the batch, as the memory store does); the write lock held since `BEGIN IMMEDIATE` keeps
 * them true until the commit, in this process and every other. Then records (in keyv's `caches`
 * table, keyv's envelope, so keyv's `get` and iterator read them), index changes, cancels and
 * schedules are applied in that order. Returns false, having written nothing, when an expectation
 * does not hold.
 */
export function prepareCommit(
  db: Database,
  records: RecordStatements,
  index: SqliteSortedIndex,
  queue: SqliteWorkQueue,
): (batch: WriteBatch) => boolean {
  const versionOf = (fullKey: string) => (records.version.get(fullKey) as number | undefined) ?? undefined;
  return db.transaction((batch: WriteBatch): boolean => {
    const writes = batch.records ?? [];
    if (!writes.every((write) => holds(write, versionOf(fullKeyOf(write))))) return false;
    const now = Date.now();
    for (const write of writes) {
      const fullKey = fullKeyOf(write);
      if (write.value === undefined) {
        records.removeAny.run(fullKey);
        continue;
      }
      const version = write.expect === 'absent' ? 1 : write.expect === 'any' ? (versionOf(fullKey) ?? 0) + 1 : write.expect + 1;
      records.upsert.run(fullKey, envelopeText({ v: version, d: write.value }), now);
    }
    index.apply(batch.index ?? []);
    for (const id of batch.cancel ?? []) queue.cancel(id);
    for (const spec of batch.schedule ?? []) queue.schedule(spec);
    return true;
  });
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
