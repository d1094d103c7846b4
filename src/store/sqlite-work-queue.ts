import type { Database, Statement, Transaction } from 'better-sqlite3';
import type { JobSpec } from './durable-store.js';
import type { GroupCommit } from './sqlite-group-commit.js';
import { MAX_ERROR_TEXT, type ClaimOptions, type Job, type ReleaseDeadLeasesOptions, type WorkQueue } from './work-queue.js';

/** A row of `jobs` (see `sqlite-schema.ts`). */
interface JobRow {
  id: string;
  kind: string;
  due_at: number;
  ready_at: number | null;
  seq: number;
  generation: number;
  attempts: number;
  last_error: string | null;
  order_key: string | null;
  owner: string | null;
  lease_until: number | null;
  payload: string;
}

/**
 * The work queue of the SQLite store, in its table `jobs`: one row per job, `ready_at` the time it
 * can next be claimed (NULL while it waits behind an earlier job of its order key), indexed on
 * (ready_at, seq) for the ready jobs only.
 *
 * Every change runs through the group commit, inside its `BEGIN IMMEDIATE` (the file's write lock,
 * so a read and the writes it decides are atomic across processes) and inside a savepoint of its own
 * (better-sqlite3's nested `transaction`), so an operation that fails half-way leaves nothing
 * behind; each resolves once its transaction is committed. `schedule` and `cancel` are synchronous:
 * the store's `commit` runs them inside its own savepoint.
 */
export class SqliteWorkQueue implements WorkQueue {
  private readonly statements: ReturnType<typeof prepare>;
  private readonly claimTx: Transaction<(options: ClaimOptions) => Job[]>;
  private readonly renewTx: Transaction<(owner: string, ids: readonly string[], until: number) => string[]>;
  private readonly completeTx: Transaction<(job: Job, owner: string) => boolean>;
  private readonly retryTx: Transaction<(job: Job, owner: string, dueAt: number, lastError?: string) => boolean>;
  private readonly releaseTx: Transaction<(job: Job, owner: string) => boolean>;
  private readonly releaseDeadTx: Transaction<(options: ReleaseDeadLeasesOptions) => string[]>;

  constructor(
    db: Database,
    private readonly group: GroupCommit,
  ) {
    const s = prepare(db);
    this.statements = s;
    this.claimTx = db.transaction(({ owner, now, leaseMs, limit }: ClaimOptions) => {
      // SQLite reads a negative LIMIT as no limit at all.
      if (!(limit >= 1)) return [];
      const rows = s.due.all(now, limit) as JobRow[];
      if (rows.length === 0) return [];
      const until = now + leaseMs;
      s.lease.run(owner, until, until, now, limit);
      return rows.map((row) => toJob({ ...row, owner, lease_until: until }));
    });
    this.renewTx = db.transaction((owner: string, ids: readonly string[], until: number) =>
      ids.filter((id) => s.renew.run(until, until, id, owner).changes === 1),
    );
    this.completeTx = db.transaction((job: Job, owner: string) => {
      const current = this.held(job.id, owner);
      if (!current) return false;
      if (current.generation === job.generation) this.remove(current);
      else s.endLease.run(job.id);
      return true;
    });
    this.retryTx = db.transaction((job: Job, owner: string, dueAt: number, lastError?: string) => {
      const current = this.held(job.id, owner);
      if (!current) return false;
      if (current.generation === job.generation) {
        s.failed.run(dueAt, lastError === undefined ? null : lastError.slice(0, MAX_ERROR_TEXT), job.id);
      }
      s.endLease.run(job.id);
      return true;
    });
    this.releaseTx = db.transaction((job: Job, owner: string) => {
      if (!this.held(job.id, owner)) return false;
      s.endLease.run(job.id);
      return true;
    });
    this.releaseDeadTx = db.transaction(({ now, withinMs, isDead }: ReleaseDeadLeasesOptions) => {
      const verdicts = new Map<string, boolean>();
      const released: string[] = [];
      for (const { id, owner } of s.leasedUntil.all(now, now + withinMs) as { id: string; owner: string }[]) {
        if (!verdicts.has(owner)) verdicts.set(owner, isDead(owner));
        if (!verdicts.get(owner)) continue;
        s.endLease.run(id);
        released.push(id);
      }
      return released;
    });
  }

  /**
   * Upserts a job (see `WorkQueue`): an existing id takes the new due time and payload, resets its
   * attempts and bumps its generation, keeping its seq and any lease; a new id takes the next seq and
   * is ready at once unless another job of its order key exists (that one is earlier). Synchronous:
   * run it inside a transaction.
   */
  schedule(spec: JobSpec): void {
    this.scheduleAll([spec]);
  }

  /**
   * `schedule` for several jobs, in order: one statement per job (the upsert decides between a new
   * row and a rescheduled one) and one for the whole block of sequence numbers. A rescheduled job
   * leaves its number unused; seqs only need to grow. Synchronous: run it inside a transaction.
   */
  scheduleAll(specs: readonly JobSpec[]): void {
    if (specs.length === 0) return;
    const s = this.statements;
    const last = s.takeSeqs.get(specs.length) as number;
    let seq = last - specs.length;
    for (const spec of specs) {
      const orderKey = spec.orderKey || null;
      const payload = JSON.stringify(spec.payload ?? null);
      s.upsert.run(spec.id, spec.kind, spec.dueAt, orderKey, orderKey, spec.dueAt, ++seq, payload, orderKey);
    }
  }

  /** Deletes a job whatever its condition (an unknown id is ignored). Synchronous: run it inside a transaction. */
  cancel(id: string): void {
    const row = this.statements.byId.get(id) as JobRow | undefined;
    if (row) this.remove(row);
  }

  /** Deletes the row; the next job of its order (if any, and waiting) becomes ready at its due time. */
  private remove(row: JobRow): void {
    this.statements.delete.run(row.id);
    if (row.order_key !== null) this.statements.promoteHead.run(row.order_key);
  }

  private held(id: string, owner: string): JobRow | undefined {
    const row = this.statements.byId.get(id) as JobRow | undefined;
    return row?.owner === owner ? row : undefined;
  }

  claim(options: ClaimOptions): Promise<Job[]> {
    return this.group.write(() => this.claimTx(options));
  }

  renew(owner: string, ids: readonly string[], until: number): Promise<string[]> {
    return this.group.write(() => this.renewTx(owner, ids, until));
  }

  complete(job: Job, owner: string): Promise<boolean> {
    return this.group.write(() => this.completeTx(job, owner));
  }

  retry(job: Job, owner: string, dueAt: number, lastError?: string): Promise<boolean> {
    return this.group.write(() => this.retryTx(job, owner, dueAt, lastError));
  }

  release(job: Job, owner: string): Promise<boolean> {
    return this.group.write(() => this.releaseTx(job, owner));
  }

  /**
   * See `WorkQueue.releaseDeadLeases`. Sound on SQLite: every process on one file runs on one host
   * (WAL's shared memory needs one; SQLite does not support network file systems), so the owners a
   * same-host check can judge are the only ones there are, bar files copied between hosts.
   */
  releaseDeadLeases(options: ReleaseDeadLeasesOptions): Promise<string[]> {
    return this.group.write(() => this.releaseDeadTx(options));
  }

  async nextReadyAt(): Promise<number | undefined> {
    return (this.statements.nextReadyAt.get() as number | null) ?? undefined;
  }

  async get(id: string): Promise<Job | undefined> {
    const row = this.statements.byId.get(id) as JobRow | undefined;
    return row ? toJob(row) : undefined;
  }

  /** O(N): SQLite counts the rows of the smallest index. For operators and tests, not for a worker's loop. */
  async size(): Promise<number> {
    return this.statements.size.get() as number;
  }
}

function prepare(db: Database) {
  return {
    byId: db.prepare('SELECT * FROM jobs WHERE id = ?') as Statement<[string]>,
    // The (ready_at, seq) index in order from its start: O(log N + limit), never a sort.
    due: db.prepare('SELECT * FROM jobs WHERE ready_at <= ? ORDER BY ready_at, seq LIMIT ?') as Statement<[number, number]>,
    // The same rows as `due` (one transaction, a total order): leased until `lease_until`, ready again then.
    lease: db.prepare(
      `UPDATE jobs SET owner = ?, lease_until = ?, ready_at = ?
       WHERE id IN (SELECT id FROM jobs WHERE ready_at <= ? ORDER BY ready_at, seq LIMIT ?)`,
    ) as Statement<[string, number, number, number, number]>,
    // Leases ending in (from, to]: a range of the (ready_at, seq) index, as a leased job is ready at its lease end.
    leasedUntil: db.prepare('SELECT id, owner FROM jobs WHERE ready_at > ? AND ready_at <= ? AND owner IS NOT NULL') as Statement<
      [number, number]
    >,
    renew: db.prepare('UPDATE jobs SET lease_until = ?, ready_at = ? WHERE id = ? AND owner = ?') as Statement<[number, number, string, string]>,
    endLease: db.prepare('UPDATE jobs SET owner = NULL, lease_until = NULL, ready_at = due_at WHERE id = ?') as Statement<[string]>,
    failed: db.prepare(
      'UPDATE jobs SET attempts = attempts + 1, due_at = ?, last_error = coalesce(?, last_error) WHERE id = ?',
    ) as Statement<[number, string | null, string]>,
    // A new job is ready at its due time unless an earlier job of its order key exists; an existing
    // one takes the new due time and payload: if idle and ready it moves, a leased one keeps its
    // lease end, a waiting one waits.
    upsert: db.prepare(
      `INSERT INTO jobs (id, kind, due_at, ready_at, seq, generation, attempts, payload, order_key)
       VALUES (?, ?, ?, CASE WHEN ? IS NOT NULL AND EXISTS (SELECT 1 FROM jobs WHERE order_key = ?) THEN NULL ELSE ? END, ?, 1, 0, ?, ?)
       ON CONFLICT (id) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload, generation = generation + 1,
         attempts = 0, last_error = NULL,
         ready_at = CASE WHEN owner IS NULL AND ready_at IS NOT NULL THEN excluded.due_at ELSE ready_at END`,
    ) as Statement<[string, string, number, string | null, string | null, number, number, string, string | null]>,
    // Takes a block of n sequence numbers; returns the last of them.
    takeSeqs: db.prepare('UPDATE job_sequence SET last = last + ? RETURNING last').pluck() as Statement<[number]>,
    delete: db.prepare('DELETE FROM jobs WHERE id = ?') as Statement<[string]>,
    promoteHead: db.prepare(
      `UPDATE jobs SET ready_at = due_at
       WHERE id = (SELECT id FROM jobs WHERE order_key = ? ORDER BY seq LIMIT 1) AND ready_at IS NULL AND owner IS NULL`,
    ) as Statement<[string]>,
    nextReadyAt: db.prepare('SELECT MIN(ready_at) FROM jobs WHERE ready_at IS NOT NULL').pluck() as Statement<[]>,
    size: db.prepare('SELECT COUNT(*) FROM jobs').pluck() as Statement<[]>,
  };
}

function toJob(row: JobRow): Job {
  const job: Job = {
    id: row.id,
    kind: row.kind,
    dueAt: row.due_at,
    payload: JSON.parse(row.payload),
    seq: row.seq,
    generation: row.generation,
    attempts: row.attempts,
  };
  if (row.order_key !== null) job.orderKey = row.order_key;
  if (row.last_error !== null) job.lastError = row.last_error;
  if (row.owner !== null) job.lease = { owner: row.owner, until: row.lease_until! };
  return job;
}
