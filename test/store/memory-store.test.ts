import { createMemoryStore } from '../../src/store/memory-store.js';
import { deadLeaseContract } from './dead-lease-contract.js';
import { durableStoreContract } from './durable-store-contract.js';
import { versionedStoreContract } from './versioned-store-contract.js';

versionedStoreContract('memory', async () => createMemoryStore());
durableStoreContract('memory', { open: async () => createMemoryStore() });
deadLeaseContract('memory', { open: async () => createMemoryStore(), reopen: async (store) => store });
