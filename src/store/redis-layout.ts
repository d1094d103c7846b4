import { BotError } from '../domain/errors.js';
import type { Job } from './work-queue.js';

/**
 * Where the Redis store keeps what, under one key prefix (empty by default, so records stay where
 * earlier versions wrote them):
 *
 * - records: keyv's keys, `<prefix><namespace>::<prefix><namespace>:<key>`, each a keyv envelope
 *   `{"value":{"v":version,"d":data}}` (the prefix joins keyv's namespace);
 * - `<prefix>durable:index:<name>`: a sorted index, a ZSET of members scored by epoch ms (members
 *   with equal scores are ordered byte-wise by Redis, as the port asks);
 * - `<prefix>durable:jobs`: a HASH, job id -> the job as JSON (`StoredJob`);
 * - `<prefix>durable:ready`: a ZSET, job id -> the time it is ready (its due time, or its lease
 *   end while leased); a job waiting behind an earlier one of its order key is absent;
 * - `<prefix>durable:leases`: a HASH, job id -> the owner of its lease, while a worker holds it
 *   (the lease's end is the job's score in `ready`);
 * - `<prefix>durable:orders`: a ZSET of every job that has an order key, all at score 0 so it is
 *   ordered by member, `<length of key>:<order key>:<seq, 16 digits>:<job id>`: the jobs of one
 *   order key are one lexicographic range, earliest first. One ZSET rather than one per order key
 *   because a cancel or a completion knows only the job id: the order key is stored with the job,
 *   and a script may only touch keys its caller names (`LuaScript`);
 * - `<prefix>durable:seq`: the counter that numbers jobs as they are first scheduled;
 * - channel `<prefix>durable:scheduled`: published when a commit schedules work (`subscribe`).
 *
 * Every key of one store shares the prefix; on Redis Cluster a prefix with a hash tag (`{bot}`)
 * keeps them in one slot, as multi-key scripts need.
 */
export interface RedisLayout {
  prefix: string;
  ready: string;
  jobs: string;
  orders: string;
  leases: string;
  seq: string;
  channel: string;
  index(name: string): string;
  /** keyv's namespace for a record namespace. */
  keyvNamespace(namespace: string): string;
  record(namespace: string, key: string): string;
}

/**
 * Keys may not contain ':' (keyv splits its keys at the first one when listing a namespace) nor
 * SCAN's pattern characters (`*?[]\`, which would widen the namespace listing to other prefixes).
 */
const PREFIX = /^[A-Za-z0-9_.\-/{}@#]{0,100}$/;

export function redisLayout(prefix = ''): RedisLayout {
  if (!PREFIX.test(prefix)) {
    throw new BotError('config_invalid', `Redis key prefix "${prefix.slice(0, 100)}": use at most 100 letters, digits and _ . - / { } @ # (no ':')`, {
      details: { prefix: prefix.slice(0, 100) },
    });
  }
  const keyvNamespace = (namespace: string) => `${prefix}${namespace}`;
  return {
    prefix,
    ready: `${prefix}durable:ready`,
    jobs: `${prefix}durable:jobs`,
    orders: `${prefix}durable:orders`,
    leases: `${prefix}durable:leases`,
    seq: `${prefix}durable:seq`,
    channel: `${prefix}durable:scheduled`,
    index: (name) => `${prefix}durable:index:${name}`,
    keyvNamespace,
    // keyv prefixes the key with its namespace, then @keyv/redis prefixes that with the namespace and '::'.
    record: (namespace, key) => `${keyvNamespace(namespace)}::${keyvNamespace(namespace)}:${key}`,
  };
}

/**
 * A job as the `jobs` hash holds it (its lease is kept apart, in `leases` and `ready`): JSON that the Lua scripts decode and encode (cjson). The
 * payload stays the caller's JSON text inside a string, so Lua never re-encodes it (cjson would
 * turn `[]` into `{}` and round numbers to 14 digits); the numbers here are whole epoch ms and
 * counters, exact under 10^14 (the year 5138).
 */
interface StoredJob {
  kind: string;
  dueAt: number;
  payload: string;
  orderKey?: string;
  seq: number;
  generation: number;
  attempts: number;
  lastError?: string;
}

/** A job from its stored JSON and its lease, if a worker holds it. */
export function jobFromStored(id: string, text: string, lease?: { owner: string; until: number }): Job {
  const stored = JSON.parse(text) as StoredJob;
  const job: Job = {
    id,
    kind: stored.kind,
    dueAt: stored.dueAt,
    payload: JSON.parse(stored.payload),
    seq: stored.seq,
    generation: stored.generation,
    attempts: stored.attempts,
  };
  if (stored.orderKey !== undefined) job.orderKey = stored.orderKey;
  if (stored.lastError !== undefined) job.lastError = stored.lastError;
  if (lease) job.lease = lease;
  return job;
}

/** A time for a job as stored: whole ms (see `StoredJob`). Not a finite number: `invalid_request`. */
export function wholeMs(value: number, what: string): string {
  if (!Number.isFinite(value)) throw new BotError('invalid_request', `${what} must be a finite number of ms, not ${value}`, { details: { what } });
  return String(Math.round(value));
}
