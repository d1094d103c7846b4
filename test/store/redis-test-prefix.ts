import KeyvRedis, { type RedisConnectionClientType } from '@keyv/redis';
import { randomBytes } from 'node:crypto';

/** The Redis every test uses: it runs on this machine and on CI. */
export const REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * Fresh key prefixes for Redis stores under test, so tests (and other runs on the same server)
 * never see each other's data, and `dropAll` to delete what they wrote. Deleting walks the
 * prefix with SCAN, which only tests do.
 */
export function redisTestPrefixes(): { next(): string; dropAll(): Promise<void> } {
  const used: string[] = [];
  return {
    next() {
      const prefix = `test-${randomBytes(6).toString('hex')}/`;
      used.push(prefix);
      return prefix;
    },
    async dropAll() {
      const adapter = new KeyvRedis(REDIS_URL);
      const client = (await adapter.getClient()) as RedisConnectionClientType;
      for (const prefix of used.splice(0)) {
        for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
          if (keys.length) await client.unlink(keys);
        }
      }
      await adapter.disconnect();
    },
  };
}
