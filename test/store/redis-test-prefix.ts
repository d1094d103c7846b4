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
      const { client, close } = await rawRedis();
      for (const prefix of used.splice(0)) {
        let cursor = '0';
        do {
          const [next, keys] = (await client.sendCommand(['SCAN', cursor, 'MATCH', `${prefix}*`, 'COUNT', '1000'])) as [string, string[]];
          if (keys.length) await client.sendCommand(['UNLINK', ...keys]);
          cursor = next;
        } while (cursor !== '0');
      }
      await close();
    },
  };
}

/** A plain connection, to look at what a store wrote the way an operator's redis-cli would. */
export async function rawRedis(): Promise<{ client: RedisConnectionClientType; close: () => Promise<void> }> {
  const adapter = new KeyvRedis(REDIS_URL);
  const client = (await adapter.getClient()) as RedisConnectionClientType;
  return { client, close: () => adapter.disconnect() };
}
