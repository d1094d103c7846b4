import type { StoreConfig } from '../config.js';
import { BotError, isBotError } from '../domain/errors.js';
import type { DurableStore } from './durable-store.js';
import { createSqliteStore } from './keyv-store.js';
import { createMemoryStore } from './memory-store.js';
import { createPostgresStore } from './postgres-store.js';
import { createRedisStore } from './redis-store.js';

export type { Versioned, VersionedStore } from './versioned-store.js';
export type { DurableStore } from './durable-store.js';

/** What the store tells the operator while it runs. */
export interface StoreLog {
  /** Trouble the store works around (a stopped checkpoint worker, a lost LISTEN connection). */
  warn(message: string, error?: Error): void;
  /** The server became unreachable: once per outage, when it starts (Redis, PostgreSQL). */
  error(message: string, error?: Error): void;
  /** The server is back: once per outage (Redis, PostgreSQL). */
  info(message: string): void;
}

/**
 * Opens the store named by `STORE`; `log` hears of trouble (a bare function hears only warnings).
 * Memory, SQLite, Redis and PostgreSQL implement `DurableStore`.
 */
export async function openStore(
  config: StoreConfig,
  log: StoreLog | ((message: string, error?: Error) => void) = () => {},
  options: OpenStoreOptions = {},
): Promise<DurableStore> {
  // A bare function (a tool's) hears the upgrade notices too: they say why opening takes long.
  const heard: StoreLog = typeof log === 'function' ? { warn: log, error: log, info: (message) => log(message) } : log;
  try {
    return await open(config, heard, options);
  } catch (error) {
    if (isBotError(error)) throw error;
    // What the driver says (not a directory, not a database, an invalid URL) on one line, naming
    // the variable; never the URL itself, which may carry a password.
    const what = config.kind === 'sqlite' ? `the SQLite file ${config.path}` : `the ${config.kind === 'redis' ? 'Redis' : 'PostgreSQL'} store`;
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
    throw new BotError('config_invalid', `STORE: cannot open ${what}: ${reason}`, { cause: error });
  }
}

/** How a caller opens the store. */
export interface OpenStoreOptions {
  /** False for tools that only read: a SQLite file at an older schema is refused rather than upgraded (one-way). */
  upgrade?: boolean;
}

async function open(config: StoreConfig, log: StoreLog, options: OpenStoreOptions): Promise<DurableStore> {
  const warn = (message: string, error?: Error) => log.warn(message, error);
  const outage = { error: (message: string, error?: Error) => log.error(message, error), info: (message: string) => log.info(message) };
  switch (config.kind) {
    case 'memory':
      return createMemoryStore();
    case 'sqlite':
      return createSqliteStore(config.path, { warn, info: (message) => log.info(message), ...(options.upgrade !== undefined ? { upgrade: options.upgrade } : {}) });
    case 'redis':
      return createRedisStore(config.url, { warn, outage });
    case 'postgres':
      return createPostgresStore(config.url, { warn, outage });
  }
}
