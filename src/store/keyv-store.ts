import Keyv from 'keyv';
import KeyvSqlite from '@keyv/sqlite';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Versioned, VersionedStore } from './versioned-store.js';

/** What keyv stores for us: the version beside the data. */
export interface Envelope<T> {
  v: number;
  d: T;
}

/** The atomic operations keyv lacks, supplied per backend. `fullKey` is keyv's `namespace:key`. */
export interface AtomicOps {
  insertIfAbsent(keyv: Keyv, fullKey: string, envelope: Envelope<unknown>): Promise<boolean>;
  replaceIfVersion(keyv: Keyv, fullKey: string, expected: number, envelope: Envelope<unknown>): Promise<boolean>;
  deleteIfVersion(keyv: Keyv, fullKey: string, expected: number): Promise<boolean>;
}

/** A keyv-backed VersionedStore: keyv does reads, writes and iteration; `AtomicOps` the conditional writes. */
export class KeyvVersionedStore implements VersionedStore {
  private readonly byNamespace = new Map<string, Keyv>();

  constructor(
    private readonly open: (namespace: string) => Keyv,
    private readonly ops: AtomicOps,
    private readonly onClose: () => Promise<void> = async () => {},
    /** Memory keeps live objects: hand out copies so callers cannot change the store by accident. */
    private readonly copyOnRead = false,
  ) {}

  private unwrap<T>(envelope: Envelope<T>): Versioned<T> {
    return { version: envelope.v, value: this.copyOnRead ? structuredClone(envelope.d) : envelope.d };
  }

  private keyv(namespace: string): Keyv {
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
    await keyv.set(key, { v: (current?.v ?? 0) + 1, d: value });
  }

  async delete(namespace: string, key: string, expectedVersion?: number): Promise<boolean> {
    const keyv = this.keyv(namespace);
    if (expectedVersion === undefined) return keyv.delete(key);
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

/**
 * In-process memory. JavaScript runs one callback at a time, so reading the map and writing it
 * back without an `await` between them is atomic: no lock needed. Only this process sees the map.
 */
export function createMemoryStore(): VersionedStore {
  const mapFor = (keyv: Keyv) => (keyv.opts.store as Map<string, unknown>);
  // keyv's Map adapter stores the serialized form keyed by the namespaced key.
  // Without a serializer keyv keeps `{ value, expires }` objects in the map as they are.
  const read = (keyv: Keyv, fullKey: string): Envelope<unknown> | undefined =>
    (mapFor(keyv).get(fullKey) as { value: Envelope<unknown> } | undefined)?.value;
  const write = (keyv: Keyv, fullKey: string, envelope: Envelope<unknown>) => {
    mapFor(keyv).set(fullKey, { value: structuredClone(envelope), expires: undefined });
  };
  return new KeyvVersionedStore(
    (namespace) => {
      const map = new Map<string, unknown>();
      // No serializer: values are kept as objects and cloned on write so callers can't alias them.
      return new Keyv({ store: map, namespace, serialize: undefined, deserialize: undefined });
    },
    {
      async insertIfAbsent(keyv, fullKey, envelope) {
        if (mapFor(keyv).has(fullKey)) return false;
        write(keyv, fullKey, envelope);
        return true;
      },
      async replaceIfVersion(keyv, fullKey, expected, envelope) {
        if (read(keyv, fullKey)?.v !== expected) return false;
        write(keyv, fullKey, envelope);
        return true;
      },
      async deleteIfVersion(keyv, fullKey, expected) {
        if (read(keyv, fullKey)?.v !== expected) return false;
        return mapFor(keyv).delete(fullKey);
      },
    },
    async () => {},
    true,
  );
}

type SqliteAdapter = KeyvSqlite & { query: (sql: string, ...params: unknown[]) => Promise<{ key: string }[]> };

/**
 * A real SQLite file through @keyv/sqlite. The conditional writes are single SQL statements
 * (`... WHERE json_extract(value, '$.value.v') = ? RETURNING key`), so they are atomic across
 * connections and processes; WAL mode and a busy timeout let several processes share the file.
 */
export function createSqliteStore(path: string): VersionedStore {
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true });
  const adapters: SqliteAdapter[] = [];
  const adapterOf = (keyv: Keyv) => keyv.opts.store as SqliteAdapter;
  const serialize = (keyv: Keyv, envelope: Envelope<unknown>) => keyv.serialize!({ value: envelope }) as string;
  const pragmas: Promise<unknown>[] = [];
  return new KeyvVersionedStore(
    (namespace) => {
      const adapter = new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: 10_000, iterationLimit: 500 }) as SqliteAdapter;
      adapters.push(adapter);
      // WAL lets several processes read while one writes. synchronous=NORMAL in WAL mode keeps every
      // committed write through a process crash or kill -9 (only an OS crash or power loss can drop the
      // last commits) and saves an fsync per write, which is most of a write's cost.
      pragmas.push(adapter.query('PRAGMA journal_mode=WAL'), adapter.query('PRAGMA synchronous=NORMAL'));
      return new Keyv({ store: adapter, namespace });
    },
    {
      async insertIfAbsent(keyv, fullKey, envelope) {
        const rows = await adapterOf(keyv).query(
          'INSERT INTO keyv (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING RETURNING key',
          fullKey,
          serialize(keyv, envelope),
        );
        return rows.length === 1;
      },
      async replaceIfVersion(keyv, fullKey, expected, envelope) {
        const rows = await adapterOf(keyv).query(
          "UPDATE keyv SET value = ? WHERE key = ? AND json_extract(value, '$.value.v') = ? RETURNING key",
          serialize(keyv, envelope),
          fullKey,
          expected,
        );
        return rows.length === 1;
      },
      async deleteIfVersion(keyv, fullKey, expected) {
        const rows = await adapterOf(keyv).query(
          "DELETE FROM keyv WHERE key = ? AND json_extract(value, '$.value.v') = ? RETURNING key",
          fullKey,
          expected,
        );
        return rows.length === 1;
      },
    },
    async () => {
      await Promise.all(pragmas);
      await Promise.all(adapters.map((a) => a.close()));
    },
  );
}
