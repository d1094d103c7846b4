import Keyv from 'keyv';
import KeyvRedis, { createClient, type RedisConnectionClientType } from '@keyv/redis';
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
import { CLOSE_TIMEOUT_MS, CONNECT_TIMEOUT_MS, redisClientOptions, RedisHealth, SocketCutter, type RedisOutageLog, type SilenceHandler } from './redis-connection.js';
import type { Versioned } from './versioned-store.js';
import { settlesWithin } from './settles-within.js';

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
  /** Hears an outage once when it starts (`error`) and once when Redis is back (`info`). */
  outage?: RedisOutageLog;
  /** Longest wait for one store call's replies (default `COMMAND_TIMEOUT_MS`). */
  commandTimeoutMs?: number;
  /** At `close`, longest wait for replies still owed before the sockets are cut (default `CLOSE_TIMEOUT_MS`). */
  closeTimeoutMs?: number;
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
  // A call unanswered within its deadline cuts the connections (main and subscribers), which
  // reconnect in the background: a silent connection is not kept until TCP gives up on it. Only
  // the connection the call went out on: a late timeout must not cut the one that replaced it.
  const cutter = new SocketCutter();
  const silence: SilenceHandler = {
    connection: () => redis.socketEpoch,
    silent(connection) {
      if (redis.isReady && redis.socketEpoch === connection) cutter.cut(new Error('a store call went unanswered'));
    },
  };
  const health = new RedisHealth(redisAddress(url), options.outage ?? { error() {}, info() {} }, Date.now, silence);
  // Our client rather than @keyv/redis's own, for the options that make an outage fail calls at
  // once instead of holding them (`redisClientOptions`).
  const redis = createClient(redisClientOptions(url, cutter));
  const adapter = new KeyvRedis(redis as never, { throwOnConnectError: true, throwOnErrors: true, connectionTimeout: CONNECT_TIMEOUT_MS });
  let client: Awaited<ReturnType<KeyvRedis<unknown>['getClient']>>;
  try {
    client = await adapter.getClient();
  } catch (cause) {
    throw new BotError('config_invalid', `STORE: cannot connect to Redis at ${redisAddress(url)}`, { cause });
  }
  // From here on a lost connection is an outage (the start's own failure is `config_invalid`).
  // Each failed reconnect attempt emits 'error' too: the outage is logged once (`RedisHealth`).
  redis.on('error', (error: unknown) => health.lost(error));
  redis.on('ready', () => health.back());
  await checkRedisKeepsData(client, url, options.warn ?? (() => {})).catch(async (error: unknown) => {
    await adapter.disconnect();
    throw error;
  });
  const store = new RedisDurableStore(adapter, client as RedisConnectionClientType, layout, health, cutter, options.commandTimeoutMs, options.closeTimeoutMs);
  await store.loadScripts().catch(async (cause: unknown) => {
    await adapter.disconnect();
    throw new BotError('config_invalid', 'STORE: Redis refused the store\'s Lua scripts (Redis 7 or later is needed)', { cause });
  });
  return store;
}

/**
 * Every call fails promptly while Redis is unreachable (`store_unavailable`), and within
 * `commandTimeoutMs` when the connection goes silent: `RedisHealth.call` bounds each public call,
 * the client's options (`redisClientOptions`) fail commands at once while it reconnects. A call
 * that timed out cuts the connections (`SocketCutter`): they reconnect, and calls meanwhile fail at
 * once rather than each after the deadline.
 */
class RedisDurableStore extends KeyvVersionedStore implements DurableStore {
  readonly work: RedisWorkQueue;
  private readonly commander: RedisCommander;
  /** Subscriber connections not closed yet, closed with the store even while still connecting. */
  private readonly subscribers = new Set<RedisConnectionClientType>();

  constructor(
    adapter: KeyvRedis<unknown>,
    private readonly client: RedisConnectionClientType,
    private readonly layout: RedisLayout,
    private readonly health: RedisHealth,
    cutter: SocketCutter,
    private readonly commandTimeoutMs?: number,
    closeTimeoutMs = CLOSE_TIMEOUT_MS,
  ) {
    // keyv's namespace carries the prefix, so @keyv/redis writes `<prefix>ns::<prefix>ns:key`.
    const redisKey = (keyv: Keyv, fullKey: string) => `${keyv.namespace}::${layout.prefix}${fullKey}`;
    const commander: RedisCommander = { sendCommand: (args) => client.sendCommand(args) };
    super(
      // One Keyv per namespace over the one connection. `throwOnErrors` on the Keyv too: without
      // it Keyv answers a failed read with "absent" and drops a failed write silently.
      (namespace) =>
        new Keyv({
          store: new KeyvRedis(client as never, { throwOnErrors: true }),
          namespace: layout.keyvNamespace(namespace),
          serialize,
          deserialize,
          throwOnErrors: true,
        }),
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
        const closing = (async () => {
          await this.work.close();
          for (const subscriber of this.subscribers) if (subscriber.isOpen) subscriber.destroy();
          this.subscribers.clear();
          // `close` waits for the replies of commands in flight, which a lost connection never gives.
          await adapter.disconnect(!client.isReady);
        })();
        // A silent connection that looks ready never gives them either (and node-redis's `close`
        // then waits for data that never comes, even once its socket is gone): after the deadline
        // the sockets are cut, which fails the calls still waiting, and close is done.
        if (!(await settlesWithin(closing, closeTimeoutMs))) cutter.cut(new Error('the store closed'));
      },
    );
    this.commander = commander;
    // The queue's calls are bounded one command or script at a time, as the store's own are.
    const bounded: RedisCommander = { sendCommand: (args) => health.call(() => commander.sendCommand(args), commandTimeoutMs) };
    this.work = new RedisWorkQueue(bounded, layout, () => this.openSubscriber());
  }

  private bounded<T>(run: () => Promise<T>): Promise<T> {
    return this.health.call(run, this.commandTimeoutMs);
  }

  override get<T>(namespace: string, key: string): Promise<Versioned<T> | undefined> {
    return this.bounded(() => super.get<T>(namespace, key));
  }

  override create<T>(namespace: string, key: string, value: T): Promise<boolean> {
    return this.bounded(() => super.create(namespace, key, value));
  }

  override compareAndSet<T>(namespace: string, key: string, expectedVersion: number, value: T): Promise<boolean> {
    return this.bounded(() => super.compareAndSet(namespace, key, expectedVersion, value));
  }

  override put<T>(namespace: string, key: string, value: T): Promise<void> {
    return this.bounded(() => super.put(namespace, key, value));
  }

  override delete(namespace: string, key: string, expectedVersion?: number): Promise<boolean> {
    return this.bounded(() => super.delete(namespace, key, expectedVersion));
  }

  /** Each page (a SCAN and its MGET) is bounded on its own: a long listing is not one deadline. */
  override async *entries<T>(namespace: string): AsyncIterable<[string, Versioned<T>]> {
    const pages = super.entries<T>(namespace)[Symbol.asyncIterator]();
    try {
      for (;;) {
        const step = await this.bounded(() => pages.next());
        if (step.done) return;
        yield step.value;
      }
    } finally {
      // Not awaited: after a timeout the page still being read holds `return` until it settles,
      // which on a silent connection is minutes.
      void pages.return?.().catch(() => {});
    }
  }

  /** Puts every script in the server's cache, so calls send only their SHA. */
  async loadScripts(): Promise<void> {
    for (const script of [REPLACE_IF_VERSION, DELETE_IF_VERSION, COMMIT_SCRIPT, ...SORTED_INDEX_SCRIPTS, ...WORK_QUEUE_SCRIPTS]) await script.load(this.commander);
  }

  async commit(batch: WriteBatch): Promise<boolean> {
    const { keys, args } = commitCall(this.layout, batch);
    return (await this.bounded(() => COMMIT_SCRIPT.run(this.commander, keys, args))) === 1;
  }

  range(index: string, page?: RangePage): Promise<IndexEntry[]> {
    return this.bounded(() => rangeOfIndex(this.commander, this.layout.index(index), page));
  }

  async count(index: string): Promise<number> {
    return (await this.bounded(() => this.client.zCard(this.layout.index(index)))) as number;
  }

  /**
   * A second connection, as a subscribed connection can send nothing else. While Redis is down it
   * keeps trying to connect in the background (the outage is logged once, by the main connection);
   * once subscribed it reconnects and subscribes again by itself, and workers poll meanwhile.
   */
  private async openSubscriber(): Promise<RedisSubscriber> {
    const subscriber = this.client.duplicate();
    this.subscribers.add(subscriber);
    // Errors (a lost connection) would otherwise be thrown as an unhandled 'error' event.
    subscriber.on('error', () => {});
    try {
      await subscriber.connect();
    } catch (error) {
      this.subscribers.delete(subscriber);
      throw error;
    }
    return {
      subscribe: (channel, listener) => subscriber.subscribe(channel, () => listener()),
      close: async () => {
        if (!this.subscribers.delete(subscriber)) return;
        // `close` waits for replies; a connection that is down has none to wait for.
        if (subscriber.isReady) await subscriber.close();
        else subscriber.destroy();
      },
    };
  }
}

