import type { PostgresCalls } from './postgres-connection.js';
import type { NotificationListener } from './postgres-listener.js';
import { retryOnConflict } from './postgres-pool.js';
import { MAX_ERROR_TEXT, type ClaimOptions, type Job, type WorkQueue } from './work-queue.js';

/** A row of `jobs` (see postgres-schema.ts). */
interface JobRow {
  id: string;
  kind: string;
  due_at: number;
  payload: unknown;
  order_key: string | null;
  seq: number;
  generation: number;
  attempts: number;
  last_error: string | null;
  lease_owner: string | null;
  lease_until: number | null;
}

/**
 * The job queue on PostgreSQL, in the `jobs` table (postgres-schema.ts).
 *
 * - `claim` is one statement: `SELECT ... ORDER BY ready_at, seq LIMIT n FOR UPDATE SKIP LOCKED`
 *   on the partial index `jobs_ready`, then an UPDATE of those rows. Workers claiming at once each
 *   skip the rows another has locked, so none waits and none gets a job twice.
 * - `complete` calls `job_complete`, which holds the order's advisory lock while the head leaves.
 * - Scheduling and cancelling happen only in `DurableStore.commit` (`store_commit`), which notifies
 *   `channel` (LISTEN/NOTIFY); `release` notifies too, since the job is ready at once.
 */
export class PostgresWorkQueue implements WorkQueue {
  constructor(
    private readonly calls: PostgresCalls,
    private readonly channel: string,
    private readonly listener: NotificationListener,
  ) {}

  async claim({ owner, now, leaseMs, limit }: ClaimOptions): Promise<Job[]> {
    if (limit <= 0) return [];
    const { rows } = await this.calls.query<JobRow & { was_ready_at: number }>(
      'write',
      `WITH picked AS MATERIALIZED (
         SELECT id, ready_at FROM jobs WHERE ready_at <= $1 ORDER BY ready_at, seq LIMIT $2 FOR UPDATE SKIP LOCKED
       )
       UPDATE jobs j SET lease_owner = $3, lease_until = $4, ready_at = $4
       FROM picked p WHERE j.id = p.id
       RETURNING j.*, p.ready_at AS was_ready_at`,
      [now, limit, owner, now + leaseMs],
    );
    return rows.sort((a, b) => a.was_ready_at - b.was_ready_at || a.seq - b.seq).map(toJob);
  }

  async renew(owner: string, ids: readonly string[], until: number): Promise<string[]> {
    if (!ids.length) return [];
    const { rows } = await this.calls.query<{ id: string }>(
      'write',
      'UPDATE jobs SET lease_until = $3, ready_at = $3 WHERE id = ANY($2::text[]) AND lease_owner = $1 RETURNING id',
      [owner, ids, until],
    );
    const kept = new Set(rows.map((row) => row.id));
    return ids.filter((id) => kept.has(id));
  }

  async complete(job: Job, owner: string): Promise<boolean> {
    const { rows } = await retryOnConflict(() =>
      this.calls.query<{ ok: boolean }>('write', 'SELECT job_complete($1, $2, $3, $4) AS ok', [job.id, owner, job.generation, job.orderKey ?? null]),
    );
    return rows[0]!.ok;
  }

  async retry(job: Job, owner: string, dueAt: number, lastError?: string): Promise<boolean> {
    const { rowCount } = await this.calls.query(
      'write',
      `UPDATE jobs SET
         attempts = CASE WHEN generation = $3 THEN attempts + 1 ELSE attempts END,
         due_at = CASE WHEN generation = $3 THEN $4 ELSE due_at END,
         last_error = CASE WHEN generation = $3 AND $5::text IS NOT NULL THEN $5::text ELSE last_error END,
         ready_at = CASE WHEN generation = $3 THEN $4 ELSE due_at END,
         lease_owner = NULL, lease_until = NULL
       WHERE id = $1 AND lease_owner = $2`,
      [job.id, owner, job.generation, dueAt, lastError === undefined ? null : storableText(lastError.slice(0, MAX_ERROR_TEXT))],
    );
    return rowCount === 1;
  }

  async release(job: Job, owner: string): Promise<boolean> {
    const { rowCount } = await this.calls.query(
      'write',
      'UPDATE jobs SET lease_owner = NULL, lease_until = NULL, ready_at = due_at WHERE id = $1 AND lease_owner = $2',
      [job.id, owner],
    );
    // Ready at once: wake the other instances rather than leave it to their next poll.
    if (rowCount === 1) await this.calls.query('write', "SELECT pg_notify($1, '')", [this.channel]);
    return rowCount === 1;
  }

  async nextReadyAt(): Promise<number | undefined> {
    const { rows } = await this.calls.query<{ at: number | null }>('read', 'SELECT min(ready_at) AS at FROM jobs');
    return rows[0]?.at ?? undefined;
  }

  async get(id: string): Promise<Job | undefined> {
    const { rows } = await this.calls.query<JobRow>('read', 'SELECT * FROM jobs WHERE id = $1', [id]);
    return rows[0] ? toJob(rows[0]) : undefined;
  }

  /** Counts the table (an index-only scan when the visibility map allows): O(N), for metrics and tests, not for hot paths. */
  async size(): Promise<number> {
    const { rows } = await this.calls.query<{ n: number }>('read', 'SELECT count(*) AS n FROM jobs');
    return rows[0]!.n;
  }

  subscribe(listener: () => void): () => void {
    return this.listener.subscribe(listener);
  }
}

/** PostgreSQL text cannot hold NUL; an error message may. */
function storableText(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD');
}

function toJob(row: JobRow): Job {
  const job: Job = {
    id: row.id,
    kind: row.kind,
    dueAt: row.due_at,
    payload: row.payload,
    seq: row.seq,
    generation: row.generation,
    attempts: row.attempts,
  };
  if (row.order_key !== null) job.orderKey = row.order_key;
  if (row.last_error !== null) job.lastError = row.last_error;
  if (row.lease_owner !== null) job.lease = { owner: row.lease_owner, until: row.lease_until! };
  return job;
}
