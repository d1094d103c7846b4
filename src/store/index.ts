import type { StoreConfig } from '../config.js';
import { BotError, isBotError } from '../domain/errors.js';
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
  try {
    return await open(config, warn);
  } catch (error) {
    if (isBotError(error)) throw error;
    // What the driver says (not a directory, not a database, an invalid URL) on one line, naming
    // the variable; never the URL itself, which may carry a password.
    const what = config.kind === 'sqlite' ? `the SQLite file ${config.path}` : `the ${config.kind === 'redis' ? 'Redis' : 'PostgreSQL'} store`;
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
    throw new BotError('config_invalid', `STORE: cannot open ${what}: ${reason}`, { cause: error });
  }
}

async function open(config: StoreConfig, warn: (message: string, error?: Error) => void): Promise<DurableStore> {
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
