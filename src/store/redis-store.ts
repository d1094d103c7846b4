import Keyv from 'keyv';
import KeyvRedis from '@keyv/redis';
import { BotError } from '../domain/errors.js';
import type { Versioned, VersionedStore } from './versioned-store.js';

interface Envelope<T> {
  v: number;
  d: T;
}

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

/** Redis through @keyv/redis; compare-and-set by Lua scripts, insert by `SET NX`. */
export async function createRedisStore(url: string): Promise<VersionedStore> {
  const adapter = new KeyvRedis(url, { throwOnConnectError: true, throwOnErrors: true, connectionTimeout: 5_000 });
  let client: Awaited<ReturnType<KeyvRedis<unknown>['getClient']>>;
  try {
    client = await adapter.getClient();
  } catch (cause) {
    throw new BotError('config_invalid', `STORE: cannot connect to Redis at ${url}`, { cause });
  }
  const keyvs = new Map<string, Keyv>();
  // One Keyv per namespace; the redis adapter is shared, so keys are built explicitly.
  const keyvOf = (namespace: string) => {
    let keyv = keyvs.get(namespace);
    if (!keyv) {
      keyv = new Keyv({ store: new KeyvRedis(client as never, { throwOnErrors: true }), namespace });
      keyvs.set(namespace, keyv);
    }
    return keyv;
  };
  const redisKey = (namespace: string, key: string) => `${namespace}::${namespace}:${key}`;
  const serialize = (keyv: Keyv, envelope: Envelope<unknown>) => keyv.serialize!({ value: envelope }) as string;

  const store: VersionedStore = {
    async get<T>(namespace: string, key: string): Promise<Versioned<T> | undefined> {
      const envelope = (await keyvOf(namespace).get(key)) as Envelope<T> | undefined;
      return envelope ? { version: envelope.v, value: envelope.d } : undefined;
    },
    async create<T>(namespace: string, key: string, value: T) {
      const result = await client.set(redisKey(namespace, key), serialize(keyvOf(namespace), { v: 1, d: value }), {
        condition: 'NX',
      } as never);
      return result === 'OK';
    },
    async compareAndSet<T>(namespace: string, key: string, expectedVersion: number, value: T) {
      const payload = serialize(keyvOf(namespace), { v: expectedVersion + 1, d: value });
      const result = await client.eval(REPLACE_IF_VERSION, {
        keys: [redisKey(namespace, key)],
        arguments: [String(expectedVersion), payload],
      });
      return result === 1;
    },
    async put<T>(namespace: string, key: string, value: T) {
      const keyv = keyvOf(namespace);
      const current = (await keyv.get(key)) as Envelope<T> | undefined;
      await keyv.set(key, { v: (current?.v ?? 0) + 1, d: value });
    },
    async delete(namespace: string, key: string, expectedVersion?: number) {
      if (expectedVersion === undefined) return keyvOf(namespace).delete(key);
      const result = await client.eval(DELETE_IF_VERSION, {
        keys: [redisKey(namespace, key)],
        arguments: [String(expectedVersion)],
      });
      return result === 1;
    },
    async *entries<T>(namespace: string): AsyncIterable<[string, Versioned<T>]> {
      const keyv = keyvOf(namespace);
      for await (const [key, envelope] of keyv.iterator!(namespace) as AsyncGenerator<[string, Envelope<T>]>) {
        if (envelope) yield [key, { version: envelope.v, value: envelope.d }];
      }
    },
    async close() {
      await adapter.disconnect();
    },
  };
  return store;
}
