import { afterAll } from 'vitest';
import type { DurableStore } from '../../src/store/durable-store.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { durableStoreContract } from './durable-store-contract.js';
import { REDIS_URL, redisTestPrefixes } from './redis-test-prefix.js';
import { versionedStoreContract } from './versioned-store-contract.js';

const prefixes = redisTestPrefixes();
afterAll(() => prefixes.dropAll());

// Without a prefix (the keys earlier versions wrote; the contract uses a namespace of its own) and with one.
versionedStoreContract('redis', () => createRedisStore(REDIS_URL));
versionedStoreContract('redis, key prefix', () => createRedisStore(REDIS_URL, { keyPrefix: prefixes.next() }));

const prefixOf = new WeakMap<DurableStore, string>();
durableStoreContract('redis', {
  open: async () => {
    const keyPrefix = prefixes.next();
    const store = await createRedisStore(REDIS_URL, { keyPrefix });
    prefixOf.set(store, keyPrefix);
    return store;
  },
  openSecond: (store) => createRedisStore(REDIS_URL, { keyPrefix: prefixOf.get(store)! }),
});
