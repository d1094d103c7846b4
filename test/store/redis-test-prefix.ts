import KeyvRedis, { type RedisConnectionClientType } from '@keyv/redis';
import { randomBytes } from 'node:crypto';

/** The Redis every test uses: it runs on this machine and on CI. */
export const REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * Fresh key prefixes for Redis stores under test, so tests (and other runs on the same server)
 * never see each other's data, and `dropAll` to delete what they wrote. The prefixes of one call
 * share a run id, so deleting walks the keyspace once (SCAN, which only tests do), however many
 * prefixes were handed out and however many keys other runs keep on the server.
 */
export function redisTestPrefixes(): { next(): string; dropAll(): Promise<void> } {
  const run = `test-${randomBytes(6).toString('hex')}`;
  let handedOut = 0;
  return {
    next() {
      return `${run}-${++handedOut}/`;
    },
    async dropAll() {
      if (handedOut === 0) return;
      const { client, close } = await rawRedis();
      try {
        let cursor = '0';
        do {
          const [next, keys] = (await client.sendCommand(['SCAN', cursor, 'MATCH', `${run}-*`, 'COUNT', '10000'])) as [string, string[]];
          if (keys.length) await client.sendCommand(['UNLINK', ...keys]);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        await close();
      }
    },
  };
}

/** A plain connection, to look at what a store wrote the way an operator's redis-cli would. */
export async function rawRedis(): Promise<{ client: RedisConnectionClientType; close: () => Promise<void> }> {
  const adapter = new KeyvRedis(REDIS_URL);
  const client = (await adapter.getClient()) as RedisConnectionClientType;
  return { client, close: () => adapter.disconnect() };
}
