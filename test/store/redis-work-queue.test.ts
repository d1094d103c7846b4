import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DurableStore } from '../../src/store/durable-store.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { rawRedis, REDIS_URL, redisTestPrefixes } from './redis-test-prefix.js';

const T0 = 1_800_000_000_000;
const prefixes = redisTestPrefixes();
afterAll(() => prefixes.dropAll());

describe('Redis work queue', () => {
  let prefix: string;
  let store: DurableStore;
  const opened: DurableStore[] = [];
  beforeEach(async () => {
    prefix = prefixes.next();
    store = await createRedisStore(REDIS_URL, { keyPrefix: prefix });
    opened.push(store);
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });

  it('hands payloads back exactly: empty arrays, large and fractional numbers, any text (Lua never re-encodes them)', async () => {
    const payload = { empty: [], none: {}, big: 2 ** 53 - 1, fraction: 0.1 + 0.2, text: 'Zoë ✓ "q" \\ / \u0000 😀', nested: [[], [null]] };
    await store.commit({ schedule: [{ id: 'a', kind: 'k', dueAt: T0, payload }, { id: 'b', kind: 'k', dueAt: T0 }] });
    expect((await store.work.get('a'))?.payload).toEqual(payload);
    const claimed = await store.work.claim({ owner: 'w', now: T0, leaseMs: 1_000, limit: 5 });
    expect(Object.fromEntries(claimed.map((j) => [j.id, j.payload]))).toEqual({ a: payload, b: null });
  });

  it('cuts the last error at 500 characters without splitting a character in two', async () => {
    await store.commit({ schedule: [{ id: 'a', kind: 'k', dueAt: T0 }] });
    const [a] = await store.work.claim({ owner: 'w', now: T0, leaseMs: 1_000, limit: 1 });
    await store.work.retry(a!, 'w', T0 + 1, `${'é'.repeat(499)}😀 and more`);
    expect((await store.work.get('a'))?.lastError).toBe('é'.repeat(499));
  });

  describe('subscribe', () => {
    const channel = () => `${prefix}durable:scheduled`;
    const subscribers = async () => {
      const redis = await rawRedis();
      try {
        const reply = (await redis.client.sendCommand(['PUBSUB', 'NUMSUB', channel()])) as [string, number];
        return reply[1];
      } finally {
        await redis.close();
      }
    };
    /** Resolves once a subscriber connection listens (the wake-up is pub/sub: a message before that is not kept). */
    const listening = async () => {
      while ((await subscribers()) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    /** Resolves once no connection listens (the server notices a closed connection in its own time). */
    const closed = async () => {
      while ((await subscribers()) > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    /** A listener and a way to wait for its next call. */
    const listener = () => {
      let calls = 0;
      let waiting: (() => void) | undefined;
      return {
        fn: () => {
          calls++;
          waiting?.();
        },
        get calls() {
          return calls;
        },
        next: () => new Promise<void>((resolve) => (waiting = resolve)),
      };
    };

    it('wakes a listener on another connection when work is scheduled, or lets the next job of an order key go', async () => {
      const other = await createRedisStore(REDIS_URL, { keyPrefix: prefix });
      opened.push(other);
      const woken = listener();
      const unsubscribe = store.work.subscribe!(woken.fn);
      await listening();

      let next = woken.next();
      await other.commit({ schedule: [{ id: 'first', kind: 'k', dueAt: T0, orderKey: 'REQ-1' }, { id: 'second', kind: 'k', dueAt: T0, orderKey: 'REQ-1' }] });
      await next;
      expect(woken.calls).toBe(1);

      const [first] = await other.work.claim({ owner: 'w', now: T0, leaseMs: 1_000, limit: 5 });
      next = woken.next();
      await other.work.complete(first!, 'w');
      await next;
      expect(woken.calls).toBe(2);

      unsubscribe();
      const later = listener();
      const unsubscribeLater = store.work.subscribe!(later.fn);
      await listening();
      next = later.next();
      await other.commit({ schedule: [{ id: 'third', kind: 'k', dueAt: T0 }] });
      await next;
      expect(woken.calls).toBe(2);
      unsubscribeLater();
    });

    it('closes its connection with the last listener and with the store', async () => {
      const unsubscribe = store.work.subscribe!(() => {});
      await listening();
      unsubscribe();
      await closed();
      store.work.subscribe!(() => {});
      await listening();
      await store.close();
      opened.splice(opened.indexOf(store), 1);
      await closed();
    });
  });
});
