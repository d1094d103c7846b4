import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { DurableStore } from '../../src/store/durable-store.js';
import { createSqliteStore } from '../../src/store/keyv-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { createPostgresStore } from '../../src/store/postgres-store.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { REDIS_URL, redisTestPrefixes } from '../store/redis-test-prefix.js';
import { dropSchemas, freshSchema, POSTGRES_URL } from './postgres.js';

/**
 * A fresh, empty store of each backend (memory, SQLite, Redis, PostgreSQL), for `describe.each`.
 * Call at the top of a test file: it registers `afterAll` hooks that delete what the stores wrote
 * (the test closes each store it opens).
 */
export function eachBackend(): [name: string, open: () => Promise<DurableStore>][] {
  const dir = mkdtempSync(join(tmpdir(), 'backends-'));
  const redisPrefixes = redisTestPrefixes();
  const schemas: string[] = [];
  let files = 0;
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await redisPrefixes.dropAll();
    await dropSchemas(schemas);
  });
  return [
    ['memory', async () => createMemoryStore()],
    ['SQLite', async () => createSqliteStore(join(dir, `${++files}.sqlite`))],
    ['Redis', async () => createRedisStore(REDIS_URL, { keyPrefix: redisPrefixes.next() })],
    [
      'PostgreSQL',
      async () => {
        const schema = freshSchema('backends');
        schemas.push(schema);
        return createPostgresStore(POSTGRES_URL, { schema });
      },
    ],
  ];
}
