import type { StoreConfig } from '../config.js';
import type { DurableStore } from './durable-store.js';
import { createSqliteStore } from './keyv-store.js';
import { createMemoryStore } from './memory-store.js';
import { createPostgresStore } from './postgres-store.js';
import { createRedisStore } from './redis-store.js';

export type { Versioned, VersionedStore } from './versioned-store.js';
export type { DurableStore } from './durable-store.js';

/**
 * Opens the store named by `STORE`; `warn` hears of trouble the store works around (a stopped checkpoint worker).
 * Memory, SQLite, Redis and PostgreSQL implement `DurableStore`.
 */
export async function openStore(config: StoreConfig, warn: (message: string, error?: Error) => void = () => {}): Promise<DurableStore> {
  switch (config.kind) {
    case 'memory':
      return createMemoryStore();
    case 'sqlite':
      return createSqliteStore(config.path, { warn });
    case 'redis':
      return createRedisStore(config.url, { warn });
    case 'postgres':
      return createPostgresStore(config.url, { warn });
  }
}
