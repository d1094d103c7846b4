import type { Pool, PoolClient } from 'pg';
import type { JobSpec } from './durable-store.js';
import type { NotificationListener } from './postgres-listener.js';
import { inTransaction } from './postgres-pool.js';
import { MAX_ERROR_TEXT, type ClaimOptions, type Job, type WorkQueue } from './work-queue.js';

/** A row of `jobs` (see postgres-migrations.ts). */
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

/** Seed of the advisory-lock hash of order keys (migrations use another one, so the two never meet). */
const ORDER_LOCK_SEED = 4_711;

type Queryable = Pool | PoolClient;

/**
 * The job queue on PostgreSQL, in the `jobs` table.
 *
 * - `claim` is one statement: `SELECT ... ORDER BY ready_at, seq LIMIT n FOR UPDATE SKIP LOCKED`
 *   on the partial index `jobs_ready`, then an UPDATE of those rows. Workers claiming at once each
 *   skip the rows another has locked, so none waits and none gets a job twice.
 * - Order keys: every change to an order (a new job joining it, its head leaving) holds a
 *   transaction-scoped advisory lock on the key, so "is anyone ahead of me?" and "who is next?"
 *   are never answered from stale rows by two transactions at once. Locks are taken in key order
 *   and before any row lock of a job of the order; a deadlock PostgreSQL still detects is retried.
 * - Scheduling happens only inside `DurableStore.commit` (`schedule`, `cancel` below run on its
 *   transaction) and notifies `channel` (LISTEN/NOTIFY), delivered to listeners when it commits.
 */
export class PostgresWorkQueue implements WorkQueue {
  constructor(
    private readonly pool: Pool,
    private readonly channel: string,
    private readonly listener: NotificationListener,
  ) {}

  /**
   * Takes the order locks a batch needs: the keys of the jobs it schedules and of the jobs it
   * cancels (read here without a lock: a job's key never changes while it exists).
   */
  async lockOrders(client: PoolClient, specs: readonly JobSpec[], cancelIds: readonly string[]): Promise<void> {
    const keys = [...new Set(specs.flatMap((spec) => (spec.orderKey ? [spec.orderKey] : [])))];
    if (!keys.length && !cancelIds.length) return;
    await client.query(
      `SELECT count(pg_advisory_xact_lock(hashtextextended(k, ${ORDER_LOCK_SEED}))) FROM (
         SELECT k FROM (SELECT unnest($1::text[]) AS k UNION SELECT order_key FROM jobs WHERE id = ANY($2::text[]) AND order_key IS NOT NULL) u
         ORDER BY k
       ) ordered`,
      [keys, cancelIds],
    );
  }

  /** Deletes jobs whatever their condition; the next job of each of their orders becomes scheduled. */
  async cancel(client: PoolClient, ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    const { rows } = await client.query<{ order_key: string }>(
      `WITH gone AS (DELETE FROM jobs WHERE id = ANY($1::text[]) RETURNING order_key)
       SELECT DISTINCT order_key FROM gone WHERE order_key IS NOT NULL`,
      [ids],
    );
    await promoteHeads(client, rows.map((row) => row.order_key));
  }

  /** Upserts jobs (see `WorkQueue`), then notifies listeners once the transaction commits. */
  async schedule(client: PoolClient, specs: readonly JobSpec[]): Promise<void> {
    for (const round of uniqueIdRounds(specs)) {
      const seen = new Set<string>();
      // Within one statement the NOT EXISTS below cannot see the statement's own rows, so only the
      // first new job of an order in it may be ready; the ones after it wait.
      const head = round.map(({ orderKey }) => {
        if (!orderKey || seen.has(orderKey)) return !orderKey;
        seen.add(orderKey);
        return true;
      });
      await client.query(
        `WITH upserted AS (
           INSERT INTO jobs (id, kind, due_at, payload, order_key, ready_at)
           SELECT s.id, s.kind, s.due_at, s.payload::json, s.order_key,
                  CASE WHEN s.order_key IS NULL OR (s.head AND NOT EXISTS (SELECT 1 FROM jobs e WHERE e.order_key = s.order_key))
                       THEN s.due_at END
           FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::bool[]) AS s(id, kind, due_at, payload, order_key, head)
           ON CONFLICT (id) DO UPDATE SET
             due_at = EXCLUDED.due_at, payload = EXCLUDED.payload, generation = jobs.generation + 1, attempts = 0, last_error = NULL,
             ready_at = CASE WHEN jobs.lease_owner IS NULL AND jobs.ready_at IS NOT NULL THEN EXCLUDED.due_at ELSE jobs.ready_at END
           RETURNING 1
         )
         SELECT (SELECT count(*) FROM upserted) AS n, pg_notify($7, '')`,
        [
          round.map((spec) => spec.id),
          round.map((spec) => spec.kind),
          round.map((spec) => spec.dueAt),
          round.map((spec) => JSON.stringify(spec.payload ?? null)),
          round.map((spec) => spec.orderKey ?? null),
          head,
          this.channel,
        ],
      );
    }
  }

  async claim({ owner, now, leaseMs, limit }: ClaimOptions): Promise<Job[]> {
    if (limit <= 0) return [];
    const { rows } = await this.pool.query<JobRow & { was_ready_at: number }>(
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
    const { rows } = await this.pool.query<{ id: string }>(
      'UPDATE jobs SET lease_until = $3, ready_at = $3 WHERE id = ANY($2::text[]) AND lease_owner = $1 RETURNING id',
      [owner, ids, until],
    );
    const kept = new Set(rows.map((row) => row.id));
    return ids.filter((id) => kept.has(id));
  }

  async complete(job: Job, owner: string): Promise<boolean> {
    const finish = async (db: Queryable) => {
      const { rows } = await db.query<{ deleted: number; ended: number; order_key: string | null }>(
        `WITH done AS (DELETE FROM jobs WHERE id = $1 AND lease_owner = $2 AND generation = $3 RETURNING order_key),
              ended AS (UPDATE jobs SET lease_owner = NULL, lease_until = NULL, ready_at = due_at
                        WHERE id = $1 AND lease_owner = $2 AND generation <> $3 RETURNING 1)
         SELECT (SELECT count(*) FROM done) AS deleted, (SELECT count(*) FROM ended) AS ended, (SELECT order_key FROM done) AS order_key`,
        [job.id, owner, job.generation],
      );
      return rows[0]!;
    };
    const { orderKey } = job;
    if (!orderKey) {
      const result = await finish(this.pool);
      return result.deleted + result.ended > 0;
    }
    // The head of an order leaves: under the order's lock, so a job joining the order meanwhile
    // either sees this one (and waits) or is seen here (and becomes scheduled).
    return inTransaction(this.pool, async (client) => {
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, ${ORDER_LOCK_SEED}))`, [orderKey]);
      const result = await finish(client);
      if (result.order_key !== null) await promoteHeads(client, [result.order_key]);
      return result.deleted + result.ended > 0;
    });
  }

  async retry(job: Job, owner: string, dueAt: number, lastError?: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
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
    const { rowCount } = await this.pool.query(
      'UPDATE jobs SET lease_owner = NULL, lease_until = NULL, ready_at = due_at WHERE id = $1 AND lease_owner = $2',
      [job.id, owner],
    );
    // Ready at once: wake the other instances rather than leave it to their next poll.
    if (rowCount === 1) await this.pool.query("SELECT pg_notify($1, '')", [this.channel]);
    return rowCount === 1;
  }

  async nextReadyAt(): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ at: number | null }>('SELECT min(ready_at) AS at FROM jobs');
    return rows[0]?.at ?? undefined;
  }

  async get(id: string): Promise<Job | undefined> {
    const { rows } = await this.pool.query<JobRow>('SELECT * FROM jobs WHERE id = $1', [id]);
    return rows[0] ? toJob(rows[0]) : undefined;
  }

  /** Counts the table (an index-only scan when the visibility map allows): O(N), for metrics and tests, not for hot paths. */
  async size(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM jobs');
    return rows[0]!.n;
  }

  subscribe(listener: () => void): () => void {
    return this.listener.subscribe(listener);
  }
}

/** Makes the first job of each order scheduled, unless it already is, or runs. */
async function promoteHeads(client: PoolClient, orderKeys: readonly string[]): Promise<void> {
  if (!orderKeys.length) return;
  await client.query(
    `UPDATE jobs SET ready_at = due_at
     WHERE id IN (SELECT DISTINCT ON (order_key) id FROM jobs WHERE order_key = ANY($1::text[]) ORDER BY order_key, seq)
       AND ready_at IS NULL AND lease_owner IS NULL`,
    [orderKeys],
  );
}

/**
 * Splits specs into runs without a repeated id (an upsert statement may touch a row once), keeping
 * their order: scheduling an id twice in one batch acts as two schedules, as in every backend.
 */
function uniqueIdRounds(specs: readonly JobSpec[]): JobSpec[][] {
  const rounds: JobSpec[][] = [];
  let ids = new Set<string>();
  let current: JobSpec[] = [];
  for (const spec of specs) {
    if (ids.has(spec.id)) {
      rounds.push(current);
      current = [];
      ids = new Set();
    }
    ids.add(spec.id);
    current.push(spec);
  }
  if (current.length) rounds.push(current);
  return rounds;
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
