import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { DurableStore } from '../../src/store/durable-store.js';
import { envelopeText } from '../../src/store/keyv-store.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { durableStoreContract } from './durable-store-contract.js';
import { startOwnRedis } from '../helpers/redis-server.js';
import { rawRedis, REDIS_URL, redisTestPrefixes } from './redis-test-prefix.js';
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

describe('Redis store: keys and prefixes', () => {
  const T0 = 1_800_000_000_000;
  const opened: DurableStore[] = [];
  const open = async (keyPrefix: string) => {
    const store = await createRedisStore(REDIS_URL, { keyPrefix });
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  it('writes records where keyv reads them, in keyv\'s own text, so earlier data and commits agree', async () => {
    const prefix = prefixes.next();
    const store = await open(prefix);
    const value = { state: ':pending', approvers: [], note: 'Zoë "x"' };
    expect(await store.commit({ records: [{ namespace: 'requests', key: 'REQ-1', expect: 'absent', value }] })).toBe(true);
    const redis = await rawRedis();
    try {
      const key = `${prefix}requests::${prefix}requests:REQ-1`;
      expect(await redis.client.get(key)).toBe(envelopeText({ v: 1, d: value }));
      // A record in another field order (written by other code) still has its version read.
      await redis.client.set(key, '{"expires":null,"value":{"d":5,"v":4}}');
      expect(await store.get('requests', 'REQ-1')).toEqual({ version: 4, value: 5 });
      expect(await store.commit({ records: [{ namespace: 'requests', key: 'REQ-1', expect: 3, value: 6 }] })).toBe(false);
      expect(await store.commit({ records: [{ namespace: 'requests', key: 'REQ-1', expect: 4, value: 6 }] })).toBe(true);
      expect(await store.compareAndSet('requests', 'REQ-1', 5, 7)).toBe(true);
      expect(await store.get('requests', 'REQ-1')).toEqual({ version: 6, value: 7 });
    } finally {
      await redis.close();
    }
  });

  it('keeps stores with different prefixes apart', async () => {
    const [a, b] = [await open(prefixes.next()), await open(prefixes.next())];
    await a.commit({
      records: [{ namespace: 'requests', key: 'REQ-1', expect: 'absent', value: 1 }],
      index: [{ index: 'byState:pending', member: 'REQ-1', score: T0 }],
      schedule: [{ id: 'REQ-1:apply', kind: 'apply', dueAt: T0 }],
    });
    expect(await b.get('requests', 'REQ-1')).toBeUndefined();
    expect(await b.count('byState:pending')).toBe(0);
    expect(await b.work.size()).toBe(0);
    expect(await b.work.claim({ owner: 'w', now: T0, leaseMs: 1_000, limit: 10 })).toEqual([]);
    const listed: string[] = [];
    for await (const [key] of b.entries('requests')) listed.push(key);
    expect(listed).toEqual([]);
    expect(await b.commit({ records: [{ namespace: 'requests', key: 'REQ-1', expect: 'absent', value: 2 }] })).toBe(true);
    expect(await a.get('requests', 'REQ-1')).toEqual({ version: 1, value: 1 });
  });

  it('takes the prefix from the URL\'s keyPrefix parameter, as STORE can give it', async () => {
    const prefix = prefixes.next();
    const fromUrl = await createRedisStore(`${REDIS_URL}?keyPrefix=${encodeURIComponent(prefix)}`);
    opened.push(fromUrl);
    await fromUrl.commit({ records: [{ namespace: 'requests', key: 'REQ-1', expect: 'absent', value: 1 }] });
    expect(await (await open(prefix)).get('requests', 'REQ-1')).toEqual({ version: 1, value: 1 });
    await expect(createRedisStore('redis://127.0.0.1:1?keyPrefix=bot:')).rejects.toMatchObject({ code: 'config_invalid' });
  });

  it('refuses any other URL parameter before connecting: a mistyped keyPrefix would open the unprefixed keyspace', async () => {
    for (const url of ['redis://127.0.0.1:1?keyPrefx=bot-a/', 'redis://127.0.0.1:1?keyPrefix=bot-a/&db=2']) {
      const error = await createRedisStore(url).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'config_invalid' });
      expect((error as Error).message).toMatch(/^STORE: the Redis URL has "(keyPrefx|db)"; the only parameter the bot reads is keyPrefix$/);
    }
  });

  it('refuses a prefix keyv or SCAN would misread, before connecting', async () => {
    for (const keyPrefix of ['bot:', 'a*', 'x[1]', 'with space', 'a'.repeat(101)]) {
      await expect(createRedisStore('redis://127.0.0.1:1', { keyPrefix })).rejects.toMatchObject({ code: 'config_invalid' });
    }
  });

  it('refuses a score or due time that is not a finite number, changing nothing', async () => {
    const store = await open(prefixes.next());
    const create = { namespace: 'requests', key: 'REQ-1', expect: 'absent' as const, value: 1 };
    await expect(store.commit({ records: [create], index: [{ index: 'ix', member: 'm', score: Number.NaN }] })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    await expect(store.commit({ records: [create], schedule: [{ id: 'j', kind: 'k', dueAt: Number.POSITIVE_INFINITY }] })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    expect(await store.get('requests', 'REQ-1')).toBeUndefined();
    expect(await store.count('ix')).toBe(0);
    expect(await store.work.size()).toBe(0);
  });

  it('keeps job times in whole milliseconds', async () => {
    const store = await open(prefixes.next());
    await store.commit({ schedule: [{ id: 'j', kind: 'k', dueAt: T0 + 0.4 }] });
    expect((await store.work.get('j'))?.dueAt).toBe(T0);
    const [job] = await store.work.claim({ owner: 'w', now: T0 + 0.6, leaseMs: 999.6, limit: 1 });
    expect(job?.lease).toEqual({ owner: 'w', until: T0 + 1_000 });
  });
});

describe('Redis store over maxmemory', () => {
  it('refuses a commit whole: nothing of it is written (Redis does not roll a script back, so it must not start)', async () => {
    // A server of its own: the shared one's memory settings are not this test's to change.
    const redis = await startOwnRedis(['--maxmemory', '3mb', '--maxmemory-policy', 'noeviction']);
    const store = await createRedisStore(redis.url);
    try {
      let committed = 0;
      let refused: unknown;
      while (refused === undefined && committed < 10_000) {
        await store
          .commit({
            records: [{ namespace: 'requests', key: `REQ-${committed}`, expect: 'absent', value: 'x'.repeat(5_000) }],
            index: [{ index: 'ix', member: `REQ-${committed}`, score: committed }],
            schedule: [{ id: `job-${committed}`, kind: 'k', dueAt: committed, orderKey: 'k' }],
          })
          .then(() => committed++, (error: unknown) => (refused = error));
      }
      expect(String(refused)).toMatch(/OOM/);
      expect(committed).toBeGreaterThan(0);
      // A delete would pass Redis's memory check on its own: the commit that starts with one is refused whole too.
      const deleteThenCreate = store.commit({
        records: [
          { namespace: 'requests', key: 'REQ-0', expect: 1 },
          { namespace: 'requests', key: 'REQ-new', expect: 'absent', value: 'y'.repeat(5_000) },
        ],
        index: [{ index: 'ix', member: 'REQ-0', remove: true }],
        cancel: ['job-0'],
      });
      await expect(deleteThenCreate).rejects.toThrow(/OOM/);
      expect(await store.get('requests', 'REQ-0')).toEqual({ version: 1, value: 'x'.repeat(5_000) });
      expect(await store.get('requests', `REQ-${committed}`)).toBeUndefined();
      expect(await store.count('ix')).toBe(committed);
      expect(await store.work.size()).toBe(committed);
    } finally {
      await store.close();
      await redis.close();
    }
  });
});
