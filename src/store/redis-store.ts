import Keyv from 'keyv';
import KeyvRedis from '@keyv/redis';
import { BotError } from '../domain/errors.js';
import { deserialize, serialize } from './fast-serializer.js';
import { envelopeText, KeyvVersionedStore } from './keyv-store.js';
import type { VersionedStore } from './versioned-store.js';

// Version checks run inside Redis, so they are atomic across every bot process using the server.
const REPLACE_IF_VERSION = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local stored = cjson.decode(current)
if stored.value.v ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`;
const DELETE_IF_VERSION = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local stored = cjson.decode(current)
if stored.value.v ~= tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
return 1`;

/**
 * Redis through @keyv/redis: keyv does reads, writes and iteration; compare-and-set is a Lua
 * script and insert is `SET NX`, on the key @keyv/redis writes (`namespace::namespace:key`).
 */
export async function createRedisStore(url: string): Promise<VersionedStore> {
  const adapter = new KeyvRedis(url, { throwOnConnectError: true, throwOnErrors: true, connectionTimeout: 5_000 });
  let client: Awaited<ReturnType<KeyvRedis<unknown>['getClient']>>;
  try {
    client = await adapter.getClient();
  } catch (cause) {
    throw new BotError('config_invalid', `STORE: cannot connect to Redis at ${url}`, { cause });
  }
  const redisKey = (keyv: Keyv, fullKey: string) => `${keyv.namespace}::${fullKey}`;
  return new KeyvVersionedStore(
    // One Keyv per namespace over the one connection.
    (namespace) => new Keyv({ store: new KeyvRedis(client as never, { throwOnErrors: true }), namespace, serialize, deserialize }),
    {
      async insertIfAbsent(keyv, fullKey, envelope) {
        return (await client.set(redisKey(keyv, fullKey), envelopeText(envelope), { condition: 'NX' } as never)) === 'OK';
      },
      async replaceIfVersion(keyv, fullKey, expected, envelope) {
        const result = await client.eval(REPLACE_IF_VERSION, {
          keys: [redisKey(keyv, fullKey)],
          arguments: [String(expected), envelopeText(envelope)],
        });
        return result === 1;
      },
      async deleteIfVersion(keyv, fullKey, expected) {
        const result = await client.eval(DELETE_IF_VERSION, { keys: [redisKey(keyv, fullKey)], arguments: [String(expected)] });
        return result === 1;
      },
    },
    () => adapter.disconnect(),
  );
}
