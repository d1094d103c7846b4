import type { Database, Statement } from 'better-sqlite3';

/** The writes that share one transaction, and the callers waiting for it to commit. */
interface Batch {
  waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

/**
 * Group commit for one better-sqlite3 connection: the writes made during one turn of the event loop
 * run inside one `BEGIN IMMEDIATE` transaction, committed by `setImmediate` once that turn's work
 * is done. A commit takes the file locks and appends to the WAL once for the whole batch instead of
 * once per write; with a dozen writes per chat turn that was most of the store's cost.
 *
 * Guarantees, as with one transaction per write:
 * - a write's promise settles only after its transaction committed (or failed), so what a caller
 *   has been told is written survives a crash;
 * - each statement is atomic and runs at once, under the write lock, so conditional writes
 *   (compare-and-set) stay exact across connections and processes.
 * What changes: a read on this connection sees a write of another flow in this process up to one
 * event-loop turn before that write is durable, and other processes wait for the lock until the
 * turn ends (their busy timeout covers it).
 */
export class GroupCommit {
  private current: Batch | undefined;
  private readonly begin: Statement;
  private readonly commit: Statement;
  private readonly rollback: Statement;

  constructor(private readonly db: Database) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
  }

  /** Runs `statement` inside the open batch (opening one if needed); resolves with its result once committed. */
  write<T>(statement: () => T): Promise<T> {
    let batch: Batch | undefined;
    let result: T;
    try {
      batch = this.batch(); // BEGIN IMMEDIATE may time out while another process holds the lock
      result = statement();
    } catch (error) {
      // Most failures undo only the statement; some (disk full, I/O errors) end the transaction.
      if (batch && !this.db.inTransaction) this.abort(batch, error);
      return Promise.reject(error);
    }
    const waiting = batch;
    return new Promise<T>((resolve, reject) => {
      waiting.waiters.push({ resolve: () => resolve(result), reject });
    });
  }

  /** Commits the open batch now (before closing the connection). */
  flush(): void {
    const batch = this.current;
    if (!batch) return;
    this.current = undefined;
    if (!this.db.inTransaction) {
      this.settle(batch, new Error('the SQLite transaction ended before its commit; its writes were not saved'));
      return;
    }
    try {
      this.commit.run();
    } catch (error) {
      if (this.db.inTransaction) {
        try {
          this.rollback.run();
        } catch {
          // already rolled back by SQLite
        }
      }
      this.settle(batch, error);
      return;
    }
    this.settle(batch);
  }

  private batch(): Batch {
    if (this.current && !this.db.inTransaction) {
      // SQLite ended the transaction on its own (an error in an earlier statement): none of it is saved.
      this.abort(this.current, new Error('the SQLite transaction was rolled back; its writes were not saved'));
    }
    if (!this.current) {
      this.begin.run();
      const batch: Batch = { waiters: [] };
      this.current = batch;
      setImmediate(() => {
        if (this.current === batch) this.flush();
      });
    }
    return this.current;
  }

  private abort(batch: Batch, error: unknown): void {
    if (this.current === batch) this.current = undefined;
    this.settle(batch, error);
  }

  private settle(batch: Batch, error?: unknown): void {
    const waiters = batch.waiters;
    batch.waiters = [];
    for (const waiter of waiters) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  }
}
