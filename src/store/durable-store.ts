import type { VersionedStore } from './versioned-store.js';
import type { WorkQueue } from './work-queue.js';

/**
 * The durable-work port: the store the engine writes every state change through, with the work
 * each change implies, in one atomic step.
 *
 * It adds to `VersionedStore` (records with a compare-and-set):
 * - `commit`: several record writes, index changes and job changes that happen together or not
 *   at all (one transaction on SQLite and PostgreSQL, one Lua script on Redis, one synchronous
 *   step in memory). A transition, its audit entry, its index entries and the timers and messages
 *   it owes are one commit, so a crash can never leave a state without its work: a start-up has
 *   nothing to repair.
 * - sorted indexes (`range`): members ordered by a numeric score (epoch ms), read newest or oldest
 *   first a page at a time. Queries ("my requests", "awaiting my decision", audit by target) cost
 *   O(log N + page), never a scan. Uncapped.
 * - `work`: the job queue (`WorkQueue`), found through an index on the time a job is ready.
 *
 * Implementations pass `test/store/durable-store-contract.ts`: memory, SQLite, Redis, PostgreSQL.
 */
export interface DurableStore extends VersionedStore {
  /**
   * Applies every write of the batch atomically. Returns false, having changed nothing, when any
   * record's expectation does not hold (another writer got there first: read again and retry).
   */
  commit(batch: WriteBatch): Promise<boolean>;
  /** A page of an index, by score then member (both ascending, or both descending). */
  range(index: string, page?: RangePage): Promise<IndexEntry[]>;
  /** Members in an index. */
  count(index: string): Promise<number>;
  readonly work: WorkQueue;
}

/**
 * One record write in a batch.
 * - `expect: 'absent'`: create (fails if the key exists); the new version is 1.
 * - `expect: n`: compare-and-set against version n; the new version is n + 1.
 * - `expect: 'any'`: unconditional (last writer wins).
 * `value: undefined` deletes the record (with `expect: n`, only at version n).
 */
export interface RecordWrite {
  namespace: string;
  key: string;
  expect: number | 'absent' | 'any';
  value?: unknown;
}

/** Adds (or moves) `member` in `index` at `score`, or removes it. Scores are integers (epoch ms). */
export type IndexChange = { index: string; member: string; score: number } | { index: string; member: string; remove: true };

export interface IndexEntry {
  member: string;
  score: number;
}

export interface RangePage {
  /** Newest first (`desc`, the default) or oldest first. */
  order?: 'asc' | 'desc';
  /** At most this many (default 50). */
  limit?: number;
  /** Continue after this entry (the last one of the previous page). */
  after?: IndexEntry;
}

/** A job to run at `dueAt`. See `WorkQueue` for what scheduling an existing id does. */
export interface JobSpec {
  /** Unique and stable (`REQ-1:apply`), so scheduling is idempotent. */
  id: string;
  /** Which handler runs it; the queue does not interpret it. */
  kind: string;
  /** Epoch ms. */
  dueAt: number;
  /** JSON data for the handler. */
  payload?: unknown;
  /**
   * Jobs with the same key run one at a time, in the order they were first scheduled: later ones
   * wait until every earlier one is completed or cancelled (messages to one person about one
   * request arrive in order).
   */
  orderKey?: string;
}

export interface WriteBatch {
  records?: RecordWrite[];
  index?: IndexChange[];
  /** Upserts (see `WorkQueue`). */
  schedule?: JobSpec[];
  /** Job ids to delete, running or not; an id that does not exist is ignored. */
  cancel?: string[];
}

/** Default page size of `range`. */
export const DEFAULT_PAGE = 50;

/** True when `entry` comes after `cursor` in a range of the given order (score, then member). */
export function isAfter(entry: IndexEntry, cursor: IndexEntry, order: 'asc' | 'desc'): boolean {
  const c = entry.score === cursor.score ? compareText(entry.member, cursor.member) : entry.score - cursor.score;
  return order === 'asc' ? c > 0 : c < 0;
}

/** Byte-wise comparison, as SQLite (BINARY), Redis and PostgreSQL (COLLATE "C") order members. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
