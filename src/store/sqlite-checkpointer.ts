import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** What `PRAGMA wal_checkpoint` reports: busy (1 when it could not finish), WAL frames, frames copied into the database. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/** The answer when no checkpoint ran (the worker stopped, or the checkpoint failed). */
const NOT_RUN: CheckpointResult = { busy: 1, log: -1, checkpointed: -1 };

/**
 * The worker: its own connection to the file, a PASSIVE checkpoint every `intervalMs` and on
 * request. PASSIVE never waits for a lock and never blocks writers or readers. Plain CommonJS run
 * with `eval`, so it needs no build step and runs the same under the tests and `npm start`.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const checkpoint = () => {
  try {
    return db.pragma('wal_checkpoint(PASSIVE)')[0];
  } catch (error) {
    return { error: String(error && error.message || error) };
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message.type === 'checkpoint') parentPort.postMessage({ id: message.id, result: checkpoint() });
  if (message.type === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

/**
 * WAL checkpoints on a worker thread instead of the event loop.
 *
 * In WAL mode every commit appends the changed pages to the `-wal` file; SQLite's automatic
 * checkpoint then copies them back into the database file (and syncs both) inside whichever commit
 * crosses the threshold, on the thread that made it. With a dozen small writes per chat turn that was
 * half the store's commit time on the bot's only thread, and a pause of tens of milliseconds every
 * few hundred turns. Here a second connection on a worker thread checkpoints every `intervalMs`,
 * and the writing connection's own automatic checkpoint is raised to a safety net
 * (`SAFETY_NET_PAGES`) that is reached only if the worker falls behind or stops.
 *
 * Durability is unchanged: a commit is in the WAL before its write resolves, whether or not it has
 * been copied into the database file yet; SQLite replays the WAL after a crash.
 */
export class BackgroundCheckpointer {
  private readonly worker: Worker;
  private readonly pending = new Map<number, (result: CheckpointResult) => void>();
  private nextId = 0;
  private stopped = false;

  /** Pages in the WAL before the writing connection checkpoints by itself (SQLite's default is 1000). */
  static readonly SAFETY_NET_PAGES = 10_000;

  constructor(file: string, options: { intervalMs?: number; onFailure?: (error: Error) => void } = {}) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, intervalMs: options.intervalMs ?? 100 } });
    // The worker must not keep the process alive on its own.
    this.worker.unref();
    this.worker.on('message', (message: { id: number; result: CheckpointResult | { error: string } }) => {
      const resolve = this.pending.get(message.id);
      this.pending.delete(message.id);
      resolve?.('error' in message.result ? NOT_RUN : message.result);
    });
    const failed = (error: Error) => {
      if (this.stopped) return;
      this.stopped = true;
      for (const resolve of this.pending.values()) resolve(NOT_RUN);
      this.pending.clear();
      options.onFailure?.(error);
    };
    this.worker.on('error', failed);
    this.worker.on('exit', (code) => failed(new Error(`checkpoint worker exited with code ${code}`)));
  }

  /** Whether the worker is still checkpointing. */
  get running(): boolean {
    return !this.stopped;
  }

  /** A checkpoint now, on the worker; resolves with what it did. */
  checkpoint(): Promise<CheckpointResult> {
    if (this.stopped) return Promise.resolve(NOT_RUN);
    const id = ++this.nextId;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ type: 'checkpoint', id });
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    // Keep the process alive until the worker has closed its connection: unref'd, a script whose
    // last act is `await store.close()` would exit mid-close (Node's "unsettled top-level await").
    this.worker.ref();
    this.worker.postMessage({ type: 'stop' });
    await exited;
  }
}
