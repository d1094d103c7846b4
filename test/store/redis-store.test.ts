import { createRedisStore } from '../../src/store/redis-store.js';
import { versionedStoreContract } from './versioned-store-contract.js';

// Redis runs on this machine and on CI (127.0.0.1:6379); each run uses its own namespace.
versionedStoreContract('redis', () => createRedisStore('redis://127.0.0.1:6379'));
