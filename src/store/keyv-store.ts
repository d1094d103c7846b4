import Keyv, { type KeyvStoreAdapter, type StoredData } from 'keyv';
import { KeyvSqlite } from '@resolid/keyv-sqlite';
import { EventEmitter } from 'node:events';
import type { Database, Statement } from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { envelopeText, type Envelope } from './envelope.js';
import { deserialize, serialize } from './fast-serializer.js';
import { BackgroundCheckpointer } from './sqlite-checkpointer.js';
import type { DurableStore, IndexEntry, RangePage, WriteBatch } from './durable-store.js';
import { prepareCommit } from './sqlite-commit.js';
import { GroupCommit } from './sqlite-group-commit.js';
import { migrateSchema } from './sqlite-schema.js';
import { SqliteSortedIndex } from './sqlite-sorted-index.js';
import { SqliteWorkQueue } from './sqlite-work-queue.js';
import type { WorkQueue } from './work-queue.js';
import type { Versioned, VersionedStore } from './versioned-store.js';

export { envelopeText, type Envelope } from './envelope.js';

/** The atomic operations keyv lacks, supplied per backend. `fullKey` is keyv's `namespace:key`. */
export interface AtomicOps {
  insertIfAbsent(keyv: Keyv, fullKey: string, envelope: Envelope<unknown>): Promise<boolean>;
  replaceIfVersion(keyv: Keyv, fullKey: string, expected: number, envelope: Envelope<unknown>): Promise<boolean>;
  deleteIfVersion(keyv: Keyv, fullKey: string, expected: number): Promise<boolean>;
  /** Unconditional write and delete, when the backend must do them itself rather than through keyv. */
  write?(keyv: Keyv, fullKey: string, envelope: Envelope<unknown>): Promise<void>;
  remove?(keyv: Keyv, fullKey: string): Promise<boolean>;
}

/** A keyv-backed VersionedStore: keyv reads and lists; `AtomicOps` does the conditional writes, and every write where a backend supplies `write` and `remove`. */
export class KeyvVersionedStore implements VersionedStore {
  private readonly byNamespace = new Map<string, Keyv>();

  constructor(
    private readonly open: (namespace: string) => Keyv,
    private readonly ops: AtomicOps,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {}

  private unwrap<T>(envelope: Envelope<T>): Versioned<T> {
    return { version: envelope.v, value: envelope.d };
  }

  protected keyv(namespace: string): Keyv {
    let keyv = this.byNamespace.get(namespace);
    if (!keyv) {
      keyv = this.open(namespace);
      this.byNamespace.set(namespace, keyv);
    }
    return keyv;
  }

  async get<T>(namespace: string, key: string): Promise<Versioned<T> | undefined> {
    const envelope = (await this.keyv(namespace).get(key)) as Envelope<T> | undefined;
    return envelope ? this.unwrap(envelope) : undefined;
  }

  async create<T>(namespace: string, key: string, value: T): Promise<boolean> {
    return this.ops.insertIfAbsent(this.keyv(namespace), `${namespace}:${key}`, { v: 1, d: value });
  }

  async compareAndSet<T>(namespace: string, key: string, expectedVersion: number, value: T): Promise<boolean> {
    return this.ops.replaceIfVersion(this.keyv(namespace), `${namespace}:${key}`, expectedVersion, {
      v: expectedVersion + 1,
      d: value,
    });
  }

  async put<T>(namespace: string, key: string, value: T): Promise<void> {
    const keyv = this.keyv(namespace);
    const current = (await keyv.get(key)) as Envelope<T> | undefined;
    const envelope = { v: (current?.v ?? 0) + 1, d: value };
    if (this.ops.write) await this.ops.write(keyv, `${namespace}:${key}`, envelope);
    else await keyv.set(key, envelope);
  }

  async delete(namespace: string, key: string, expectedVersion?: number): Promise<boolean> {
    const keyv = this.keyv(namespace);
    if (expectedVersion === undefined) return this.ops.remove ? this.ops.remove(keyv, `${namespace}:${key}`) : keyv.delete(key);
    return this.ops.deleteIfVersion(keyv, `${namespace}:${key}`, expectedVersion);
  }

  async *entries<T>(namespace: string): AsyncIterable<[string, Versioned<T>]> {
    const keyv = this.keyv(namespace);
    if (!keyv.iterator) return;
    for await (const [key, envelope] of keyv.iterator(namespace) as AsyncGenerator<[string, Envelope<T>]>) {
      if (envelope) yield [key, this.unwrap(envelope)];
    }
  }

  async close(): Promise<void> {
    await this.onClose();
  }
}

/** The table @resolid/keyv-sqlite keeps: caches(cacheKey, cacheData, createdAt, expiredAt), expiredAt -1 without TTL. */
const TABLE = 'caches';

/** The writes as prepared statements, made once per connection. */
interface AtomicStatements {
  insert: Statement<[string, string, number]>;
  replace: Statement<[string, string, number]>;
  remove: Statement<[string, number]>;
  upsert: Statement<[string, string, number]>;
  removeAny: Statement<[string]>;
  version: Statement<[string]>;
}

function prepareAtomic(db: Database): AtomicStatements {
  return {
    insert: db.prepare(
      `INSERT INTO ${TABLE} (cacheKey, cacheData, createdAt, expiredAt) VALUES (?, ?, ?, -1) ON CONFLICT(cacheKey) DO NOTHING`,
    ),
    replace: db.prepare(
      `UPDATE ${TABLE} SET cacheData = ? WHERE cacheKey = ? AND json_extract(cacheData, '$.value.v') = ?`,
    ),
    remove: db.prepare(`DELETE FROM ${TABLE} WHERE cacheKey = ? AND json_extract(cacheData, '$.value.v') = ?`),
    // What keyv's set and delete do through the adapter, here so they join the group commit.
    upsert: db.prepare(
      `INSERT INTO ${TABLE} (cacheKey, cacheData, createdAt, expiredAt) VALUES (?, ?, ?, -1) ON CONFLICT(cacheKey) DO UPDATE SET cacheData = excluded.cacheData, expiredAt = -1`,
    ),
    removeAny: db.prepare(`DELETE FROM ${TABLE} WHERE cacheKey = ?`),
    version: db.prepare(`SELECT json_extract(cacheData, '$.value.v') FROM ${TABLE} WHERE cacheKey = ?`).pluck(),
  };
}

/**
 * Files written by the previous version (@keyv/sqlite) hold the records in `keyv(key, value)`, in the
 * same serialized form. Copy them into the new table once, then rename the old table out of the way
 * (kept as `keyv_migrated` rather than dropped). The immediate transaction takes the write lock
 * first, so of two processes opening the file at once only one copies; the other finds no `keyv`.
 */
function migrateKeyvTable(db: Database): void {
  const hasTable = (name: string) =>
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
  if (!hasTable('keyv')) return;
  db.transaction(() => {
    if (!hasTable('keyv')) return;
    const now = Date.now();
    db.prepare(
      `INSERT OR IGNORE INTO ${TABLE} (cacheKey, cacheData, createdAt, expiredAt) SELECT key, value, ?, -1 FROM keyv`,
    ).run(now);
    db.exec(`ALTER TABLE keyv RENAME TO ${hasTable('keyv_migrated') ? `keyv_migrated_${now}` : 'keyv_migrated'}`);
  }).immediate();
}

/**
 * One namespace's view of a shared KeyvSqlite adapter. Keyv writes its namespace onto its store
 * object and lists the namespace it finds there, so every Keyv needs a store object of its own; the
 * views let all of them use one SQLite connection. One connection matters: SQLite drops a
 * connection's page cache whenever another connection writes the file, so with a connection per
 * namespace nearly every read went back to the file. The store's own writes do not come through
 * here (they go through the group commit); set, delete and clear remain for keyv's own use.
 */
class SqliteNamespaceView extends EventEmitter implements KeyvStoreAdapter {
  namespace?: string;
  /** keyv lists a store only when its dialect is one it knows. */
  readonly opts = { dialect: 'sqlite' };

  constructor(private readonly shared: KeyvSqlite) {
    super();
  }

  get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    return this.shared.get(key) as Promise<StoredData<Value> | undefined>;
  }

  set(key: string, value: unknown, ttl?: number): Promise<unknown> {
    return this.shared.set(key, value, ttl);
  }

  delete(key: string): Promise<boolean> {
    return this.shared.delete(key);
  }

  async clear(): Promise<void> {
    // The adapter clears the namespace it holds; it reads it synchronously, before any await.
    this.shared.namespace = this.namespace;
    await this.shared.clear();
  }

  iterator<Value>(namespace?: string): AsyncGenerator<Array<string | Awaited<Value> | undefined>, void> {
    return this.shared.iterator(namespace ?? this.namespace) as AsyncGenerator<Array<string | Awaited<Value> | undefined>, void>;
  }
}

/** One SQLite file as this process uses it: one connection, its statements, its group commit and the store's own tables. */
interface SqliteFile {
  adapter: KeyvSqlite;
  statements: AtomicStatements;
  group: GroupCommit;
  queue: SqliteWorkQueue;
  index: SqliteSortedIndex;
  commit: (batch: WriteBatch) => boolean;
  checkpointer: BackgroundCheckpointer;
  users: number;
}

const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

/**
 * Creates the store file's own directory (`./data` on the defaults) when it is missing, but not a
 * whole missing path: `sqlite:/srv/bto/data/bot.sqlite` with no `/srv/bto` is a typo to refuse,
 * not a tree to build and an empty store to start in it.
 * @throws Error naming the directory that is missing: the parent when it is missing too, else the
 *   store's own directory when the file system will not create it there (`/proc/nope`).
 */
function createStoreDirectory(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT') throw error;
    const parent = dirname(dir);
    // ENOENT with the parent in place: the file system will not make the directory there (`/proc`).
    if (existsSync(parent)) throw new Error(`the directory ${dir} does not exist and cannot be created in ${parent}`);
    throw new Error(`the directory ${parent} does not exist (the bot creates only the store's own directory, ${dir})`);
  }
}

/**
 * Open files by path. Stores on the same file in one process share its connection: with the group
 * commit a second connection would wait for the first one's lock on the very thread that must
 * release it.
 */
const openFiles = new Map<string, SqliteFile>();

function openFile(file: string, options: SqliteStoreOptions): SqliteFile {
  const warn = options.warn ?? (() => {});
  let open = openFiles.get(file);
  if (!open) {
    // A new file is normal on a first start; said out loud, so a mistyped STORE path that starts
    // an empty store is seen in the log rather than taken for lost data.
    createStoreDirectory(dirname(file));
    if (!existsSync(file)) {
      warn(`STORE: no SQLite file at ${file}; starting a new, empty store there`);
      // Readable by the bot's user only: it holds the audit log and people's mail addresses.
      // SQLite gives its -wal and -shm files the database file's permissions.
      try {
        closeSync(openSync(file, 'wx', 0o600));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // another process made it first
      }
    }
    // One connection for every namespace (see SqliteNamespaceView). WAL lets other processes read
    // while this one writes.
    const adapter = new KeyvSqlite({
      uri: file,
      table: TABLE,
      busyTimeout: options.busyTimeoutMs ?? 10_000,
      enableWALMode: true,
      iterationLimit: 500,
    });
    // synchronous=NORMAL in WAL mode keeps every committed write through a process crash or kill -9
    // (only an OS crash or power loss can drop the last commits) and saves an fsync per commit.
    adapter.sqlite.pragma('synchronous = NORMAL');
    try {
      migrateKeyvTable(adapter.sqlite);
      migrateSchema(adapter.sqlite, file, {
        ...(options.info ? { info: options.info } : {}),
        ...(options.upgrade !== undefined ? { upgrade: options.upgrade } : {}),
        ...(options.lockWaitMs !== undefined ? { lockWaitMs: options.lockWaitMs } : {}),
      });
    } catch (error) {
      adapter.sqlite.close();
      throw error;
    }
    // Checkpoints run on a worker thread; this connection checkpoints only if that one stops.
    const db = adapter.sqlite;
    const checkpointer = new BackgroundCheckpointer(file, {
      onFailure: (error) => {
        if (db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
        warn('SQLite checkpoint worker stopped; the store checkpoints on its own connection from now on', error);
      },
    });
    db.pragma(`wal_autocheckpoint = ${BackgroundCheckpointer.SAFETY_NET_PAGES}`);
    const statements = prepareAtomic(db);
    const group = new GroupCommit(db);
    const queue = new SqliteWorkQueue(db, group);
    const index = new SqliteSortedIndex(db);
    const commit = prepareCommit(db, statements, index, queue);
    open = { adapter, statements, group, queue, index, commit, checkpointer, users: 0 };
    openFiles.set(file, open);
  }
  open.users++;
  return open;
}

/** What `createSqliteStore` tells the operator, and how it treats a file that needs its schema upgraded. */
export interface SqliteStoreOptions {
  /** Trouble worked around (a stopped checkpoint worker), and a new file made. */
  warn?: (message: string, error?: Error) => void;
  /** A schema upgrade starting and done, and waiting for another process's (`migrateSchema`). */
  info?: (message: string) => void;
  /** False for tools that only read: a file at an older schema is refused, not upgraded (`MigrateOptions`). */
  upgrade?: boolean;
  /** SQLite's busy timeout per statement (ms): default 10 s. Tests shorten it. */
  busyTimeoutMs?: number;
  /** How long opening waits for another process upgrading the file (ms): default 10 min. */
  lockWaitMs?: number;
}

/**
 * A real SQLite file through keyv and @resolid/keyv-sqlite (better-sqlite3), as a `DurableStore`.
 * keyv reads and lists the records (its `caches` table); every write is a prepared statement run
 * through the group commit (`GroupCommit`: the writes of one event-loop turn share a transaction,
 * and each resolves once committed). The conditional writes are single statements
 * (`... WHERE json_extract(cacheData, '$.value.v') = ?`, checked by their change count) run under
 * the write lock, so they are exact across processes; WAL mode and a busy timeout let several
 * processes share the file.
 *
 * The durable-work parts live in tables the store owns (`sqlite-schema.ts`): `commit` is one
 * savepoint in the group's transaction (`sqlite-commit.ts`), `range`/`count` read `sorted_index`
 * (`sqlite-sorted-index.ts`), `work` is the `jobs` table (`sqlite-work-queue.ts`). `work` has no
 * `subscribe`: SQLite cannot tell another process that a job was scheduled; workers poll.
 *
 * better-sqlite3 is synchronous: while another process holds the write lock (at most one of its
 * event-loop turns) this one waits, for at most the busy timeout (10 s).
 *
 * Throws `config_invalid` when the file's schema is newer than this code knows.
 */
export function createSqliteStore(path: string, options: SqliteStoreOptions = {}): DurableStore {
  const file = resolve(path);
  const opened = openFile(file, options);
  const { adapter, statements, group, checkpointer } = opened;
  let closed = false;
  return new SqliteStore(
    opened,
    // `throwOnErrors`: without it Keyv answers a failed read (a record it cannot read back, a closed
    // file) with "absent", and a caller would act on a record it only failed to see.
    (namespace) => new Keyv({ store: new SqliteNamespaceView(adapter), namespace, serialize, deserialize, throwOnErrors: true }),
    {
      insertIfAbsent(_keyv, fullKey, envelope) {
        return group.write(() => statements.insert.run(fullKey, envelopeText(envelope), Date.now()).changes === 1);
      },
      replaceIfVersion(_keyv, fullKey, expected, envelope) {
        return group.write(() => statements.replace.run(envelopeText(envelope), fullKey, expected).changes === 1);
      },
      deleteIfVersion(_keyv, fullKey, expected) {
        return group.write(() => statements.remove.run(fullKey, expected).changes === 1);
      },
      async write(_keyv, fullKey, envelope) {
        await group.write(() => statements.upsert.run(fullKey, envelopeText(envelope), Date.now()));
      },
      remove(_keyv, fullKey) {
        return group.write(() => statements.removeAny.run(fullKey).changes > 0);
      },
    },
    async () => {
      if (closed) return;
      closed = true;
      group.flush();
      const open = openFiles.get(file);
      if (open && --open.users === 0) {
        openFiles.delete(file);
        await checkpointer.stop();
        await adapter.disconnect();
      }
    },
  );
}

/** The store over one open file: keyv's records plus the file's queue and indexes. */
class SqliteStore extends KeyvVersionedStore implements DurableStore {
  readonly work: WorkQueue;

  constructor(
    private readonly file: SqliteFile,
    ...keyvStore: ConstructorParameters<typeof KeyvVersionedStore>
  ) {
    super(...keyvStore);
    this.work = file.queue;
  }

  commit(batch: WriteBatch): Promise<boolean> {
    return this.file.group.write(() => this.file.commit(batch));
  }

  async range(index: string, page?: RangePage): Promise<IndexEntry[]> {
    return this.file.index.range(index, page);
  }

  async count(index: string): Promise<number> {
    return this.file.index.count(index);
  }
}
