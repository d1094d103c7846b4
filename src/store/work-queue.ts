/**
 * Durable jobs, found through an index on the time each becomes ready to run.
 *
 * A job is in one of three conditions:
 * - **waiting**: an earlier job with the same `orderKey` is not finished; not ready at any time;
 * - **scheduled**: ready at its `dueAt`;
 * - **leased**: a worker (`owner`) runs it; ready again at `lease.until` if the worker dies.
 * So one index (`readyAt`) answers every question a worker asks: what can I run now (`claim`,
 * O(claimed + log N)), and when should I look again (`nextReadyAt`, O(log N)). Work held by a dead
 * process is found by the same query once its lease lapses, at any time, not only at start-up.
 * A worker starting on a queue that has `releaseDeadLeases` (SQLite, memory) also takes back at
 * once the leases of processes it can tell are dead (same host and PID namespace, pid gone; see
 * `src/scheduler/lease-owner.ts`), so a restart after kill -9 does not wait out their leases.
 *
 * Scheduling (`WriteBatch.schedule`, always inside a `DurableStore.commit`) is an upsert:
 * - a new id gets the next sequence number; it waits if another job has its `orderKey`;
 * - an existing id keeps its sequence number and lease, takes the new `dueAt` and `payload`, resets
 *   `attempts` and bumps its `generation`: a worker still running the old generation then
 *   `complete`s it without deleting the new schedule.
 * Cancelling deletes the job whatever its condition; the next job of its `orderKey` becomes scheduled.
 *
 * Implementations pass `test/store/durable-store-contract.ts`.
 */
export interface WorkQueue {
  /**
   * Leases up to `limit` jobs ready at `now` (scheduled and due, or leased with a lapsed lease),
   * earliest first, to `owner` until `now + leaseMs`. Atomic: two workers never get the same job
   * while its lease holds.
   */
  claim(options: ClaimOptions): Promise<Job[]>;
  /** Extends the leases `owner` still holds among `ids` to `until` (the heartbeat); returns the ids still held. */
  renew(owner: string, ids: readonly string[], until: number): Promise<string[]>;
  /**
   * Finishes a run: deletes the job if `owner` still holds this generation; if it was rescheduled
   * meanwhile, only ends the lease (the new schedule stands). False when the lease was lost (the
   * job was cancelled, or taken over after the lease lapsed).
   */
  complete(job: Job, owner: string): Promise<boolean>;
  /**
   * Ends a failed run: the job is scheduled again at `dueAt` with `attempts + 1` and `lastError`
   * (at most 500 characters), unless it was rescheduled meanwhile (then only the lease ends).
   * False when the lease was lost.
   */
  retry(job: Job, owner: string, dueAt: number, lastError?: string): Promise<boolean>;
  /** Hands a job back untouched (graceful shutdown): ready again at once for any worker. */
  release(job: Job, owner: string): Promise<boolean>;
  /**
   * Ends at once, as `release` would, the leases whose owner `isDead` says is dead, among the leases
   * ending after `now` and at most `withinMs` later (every lease taken with a lease of at most
   * `withinMs`; a longer one lapses as before). Returns the ids handed back. O(log N + jobs ready
   * in that window), one `isDead` call per distinct owner; atomic with claims.
   *
   * `isDead` must only say dead when that is certain: a job handed back from a live worker runs
   * twice. Workers pass `isDeadLeaseOwner`, which judges only owners of this host and PID namespace.
   * Optional: SQLite (whose users share one host: SQLite's WAL needs one) and memory implement it;
   * on PostgreSQL and Redis a dead instance's leases lapse after at most their length.
   */
  releaseDeadLeases?(options: ReleaseDeadLeasesOptions): Promise<string[]>;
  /** The earliest time any job becomes ready (a due time or a lease end), or undefined when none will. */
  nextReadyAt(): Promise<number | undefined>;
  get(id: string): Promise<Job | undefined>;
  /** Jobs stored (waiting, scheduled and leased). */
  size(): Promise<number>;
  /**
   * Optional push wake-up: `listener` is called soon after any connection schedules a job (PostgreSQL
   * LISTEN/NOTIFY, Redis pub/sub), so a worker need not poll often. Returns an unsubscribe function.
   * Workers poll `nextReadyAt` at least every second either way.
   */
  subscribe?(listener: () => void): () => void;
}

export interface ClaimOptions {
  owner: string;
  /** Epoch ms. */
  now: number;
  leaseMs: number;
  limit: number;
}

export interface ReleaseDeadLeasesOptions {
  /** Epoch ms. */
  now: number;
  /** How far past `now` lease ends are looked at (ms): the longest lease a dead worker may hold. */
  withinMs: number;
  /** True only for an owner certainly dead (`isDeadLeaseOwner`). */
  isDead: (owner: string) => boolean;
}

export interface Job {
  id: string;
  kind: string;
  /** When it is (or was) due, epoch ms; lateness is measured from here. */
  dueAt: number;
  payload: unknown;
  orderKey?: string;
  /** Position in its order; assigned once, when the id is first scheduled. */
  seq: number;
  /** Bumped by every schedule of the id; `complete` and `retry` act on the generation they ran. */
  generation: number;
  /** Failed runs of this generation so far. */
  attempts: number;
  lastError?: string;
  /** Set while a worker runs it. */
  lease?: { owner: string; until: number };
}

/** `lastError` as stored: at most this many characters. */
export const MAX_ERROR_TEXT = 500;
