import Keyv from 'keyv';
import KeyvRedis, { type RedisConnectionClientType } from '@keyv/redis';
import { BotError } from '../domain/errors.js';
import type { DurableStore, IndexEntry, RangePage, WriteBatch } from './durable-store.js';
import { deserialize, serialize } from './fast-serializer.js';
import { envelopeText, KeyvVersionedStore } from './keyv-store.js';
import { COMMIT_SCRIPT, commitCall } from './redis-commit.js';
import { redisLayout, type RedisLayout } from './redis-layout.js';
import { LuaScript, type RedisCommander } from './redis-lua.js';
import type { RedisSubscriber } from './redis-schedule-channel.js';
import { rangeOfIndex, SORTED_INDEX_SCRIPTS } from './redis-sorted-index.js';
import { RedisWorkQueue, WORK_QUEUE_SCRIPTS } from './redis-work-queue.js';
import { checkRedisKeepsData, redisAddress } from './redis-durability.js';

// Version checks run inside Redis, so they are atomic across every bot process using the server.
const REPLACE_IF_VERSION = new LuaScript(`
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local stored = cjson.decode(current)
if stored.value.v ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`);
const DELETE_IF_VERSION = new LuaScript(`
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local stored = cjson.decode(current)
if stored.value.v ~= tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
return 1`);

export interface RedisStoreOptions {
  /**
   * Put before every key and the channel, so several bots (or test runs) share one server without
   * seeing each other's data. Letters, digits and `_ . - / { } @ #`, no ':' (see `RedisLayout`).
   * Default: the URL's `keyPrefix` parameter (`STORE=redis://host:6379?keyPrefix=bot-a/`; the Redis
   * client ignores query parameters), else '', the keys earlier versions wrote.
   */
  keyPrefix?: string;
  /** Hears a setting that risks data without stopping the start (no append-only file). */
  warn?: (message: string) => void;
}

/**
 * The key prefix: `options.keyPrefix`, else the URL's `keyPrefix` parameter. Any other query
 * parameter is refused (`config_invalid`): the Redis client ignores them, so `?keyPrefx=bot-a/`
 * would silently open the unprefixed keyspace (another deployment's data, or an empty store).
 */
function keyPrefixOf(url: string, options: RedisStoreOptions): string {
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    return options.keyPrefix ?? ''; // Not a URL: connecting says so.
  }
  const unknown = [...params.keys()].filter((name) => name !== 'keyPrefix');
  if (unknown.length) {
    throw new BotError('config_invalid', `STORE: the Redis URL has ${unknown.map((n) => `"${n}"`).join(', ')}; the only parameter the bot reads is keyPrefix`, { details: { unknown } });
  }
  return options.keyPrefix ?? params.get('keyPrefix') ?? '';
}

/**
 * Redis through @keyv/redis, as a `DurableStore` (Redis 7 or later). Records: keyv reads, writes
 * and lists them; compare-and-set is a Lua script and insert is `SET NX`, on the key @keyv/redis
 * writes (`RedisLayout.record`). Commits, sorted indexes and the job queue: Lua scripts over
 * sorted sets (`redis-commit.ts`, `redis-sorted-index.ts`, `redis-work-queue.ts`), loaded once
 * when the store opens and called by SHA. Throws `config_invalid` when Redis cannot be reached, is
 * older than 7, or the prefix is not allowed.
 */
export async function createRedisStore(url: string, options: RedisStoreOptions = {}): Promise<DurableStore> {
  const layout = redisLayout(keyPrefixOf(url, options));
  const adapter = new KeyvRedis(url, { throwOnConnectError: true, throwOnErrors: true, connectionTimeout: 5_000 });
  let client: Awaited<ReturnType<KeyvRedis<unknown>['getClient']>>;
  try {
    client = await adapter.getClient();
  } catch (cause) {
    throw new BotError('config_invalid', `STORE: cannot connect to Redis at ${redisAddress(url)}`, { cause });
  }
  await checkRedisKeepsData(client, url, options.warn ?? (() => {})).catch(async (error: unknown) => {
    await adapter.disconnect();
    throw error;
  });
  const store = new RedisDurableStore(adapter, client as RedisConnectionClientType, layout);
  await store.loadScripts().catch(async (cause: unknown) => {
    await adapter.disconnect();
    throw new BotError('config_invalid', 'STORE: Redis refused the store\'s Lua scripts (Redis 7 or later is needed)', { cause });
  });
  return store;
}

class RedisDurableStore extends KeyvVersionedStore implements DurableStore {
  readonly work: RedisWorkQueue;
  private readonly commander: RedisCommander;

  constructor(
    adapter: KeyvRedis<unknown>,
    private readonly client: RedisConnectionClientType,
    private readonly layout: RedisLayout,
  ) {
    // keyv's namespace carries the prefix, so @keyv/redis writes `<prefix>ns::<prefix>ns:key`.
    const redisKey = (keyv: Keyv, fullKey: string) => `${keyv.namespace}::${layout.prefix}${fullKey}`;
    const commander: RedisCommander = { sendCommand: (args) => client.sendCommand(args) };
    super(
      // One Keyv per namespace over the one connection.
      (namespace) =>
        new Keyv({ store: new KeyvRedis(client as never, { throwOnErrors: true }), namespace: layout.keyvNamespace(namespace), serialize, deserialize }),
      {
        async insertIfAbsent(keyv, fullKey, envelope) {
          return (await client.set(redisKey(keyv, fullKey), envelopeText(envelope), { condition: 'NX' } as never)) === 'OK';
        },
        async replaceIfVersion(keyv, fullKey, expected, envelope) {
          return (await REPLACE_IF_VERSION.run(commander, [redisKey(keyv, fullKey)], [String(expected), envelopeText(envelope)])) === 1;
        },
        async deleteIfVersion(keyv, fullKey, expected) {
          return (await DELETE_IF_VERSION.run(commander, [redisKey(keyv, fullKey)], [String(expected)])) === 1;
        },
      },
      async () => {
        await this.work.close();
        await adapter.disconnect();
      },
    );
    this.commander = commander;
    this.work = new RedisWorkQueue(this.commander, layout, () => this.openSubscriber());
  }

  /** Puts every script in the server's cache, so calls send only their SHA. */
  async loadScripts(): Promise<void> {
    for (const script of [REPLACE_IF_VERSION, DELETE_IF_VERSION, COMMIT_SCRIPT, ...SORTED_INDEX_SCRIPTS, ...WORK_QUEUE_SCRIPTS]) await script.load(this.commander);
  }

  async commit(batch: WriteBatch): Promise<boolean> {
    const { keys, args } = commitCall(this.layout, batch);
    return (await COMMIT_SCRIPT.run(this.commander, keys, args)) === 1;
  }

  range(index: string, page?: RangePage): Promise<IndexEntry[]> {
    return rangeOfIndex(this.commander, this.layout.index(index), page);
  }

  async count(index: string): Promise<number> {
    return (await this.client.zCard(this.layout.index(index))) as number;
  }

  /** A second connection, as a subscribed connection can send nothing else. */
  private async openSubscriber(): Promise<RedisSubscriber> {
    const subscriber = this.client.duplicate();
    // Errors (a lost connection) would otherwise be thrown as an unhandled 'error' event; the
    // client reconnects and subscribes again by itself, and workers poll meanwhile.
    subscriber.on('error', () => {});
    await subscriber.connect();
    return {
      subscribe: (channel, listener) => subscriber.subscribe(channel, () => listener()),
      close: () => subscriber.close(),
    };
  }
}
