import { afterAll } from 'vitest';
import { createPostgresStore, type PostgresStore } from '../../src/store/postgres-store.js';
import type { DurableStore } from '../../src/store/durable-store.js';
import { dropSchemas, freshSchema, POSTGRES_URL } from '../helpers/postgres.js';
import { durableStoreContract } from './durable-store-contract.js';
import { versionedStoreContract } from './versioned-store-contract.js';

// PostgreSQL runs on this machine and on CI (127.0.0.1:5432); every open() gets a schema of its own.
const schemas: string[] = [];
const schemaOf = new WeakMap<DurableStore, string>();

async function open(): Promise<PostgresStore> {
  const schema = freshSchema();
  schemas.push(schema);
  const store = await createPostgresStore(POSTGRES_URL, { schema, poolSize: 4 });
  schemaOf.set(store, schema);
  return store;
}

afterAll(() => dropSchemas(schemas));

versionedStoreContract('postgres', open);
durableStoreContract('postgres', {
  open,
  // A second pool on the same schema: what a second bot instance has.
  openSecond: (store) => createPostgresStore(POSTGRES_URL, { schema: schemaOf.get(store)!, poolSize: 4 }),
});
