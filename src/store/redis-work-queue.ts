import { jobScript } from './redis-job-lua.js';
import { jobFromStored, wholeMs, type RedisLayout } from './redis-layout.js';
import { LuaScript, type RedisCommander } from './redis-lua.js';
import { RedisScheduleChannel, type RedisSubscriber } from './redis-schedule-channel.js';
import { MAX_ERROR_TEXT, type ClaimOptions, type Job, type WorkQueue } from './work-queue.js';

/*
 * Our own scripts rather than BullMQ: a state change and its jobs must be one script with the
 * record compare-and-set (`COMMIT_SCRIPT`), and BullMQ adds a job in a script of its own. BullMQ also
 * has no upsert that keeps a running job's lease while replacing its schedule (our generations),
 * and runs jobs of a group one at a time only in its paid edition (our order keys). The layout
 * follows BullMQ's idea: a sorted set of ready times, claimed atomically in Lua.
 */

/** ARGV: now, lease end, limit, owner. Returns id, job JSON, id, job JSON... */
const CLAIM = jobScript(`
local out = {}
for _, id in ipairs(redis.call('ZRANGE', ready, '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, ARGV[3])) do
  local text = redis.call('HGET', jobs, id)
  if text then
    redis.call('HSET', leases, id, ARGV[4])
    redis.call('ZADD', ready, ARGV[2], id)
    out[#out + 1] = id
    out[#out + 1] = text
  else
    -- A ready time without its job (the hash edited by hand): drop it rather than meet it every pass.
    redis.call('ZREM', ready, id)
  end
end
return out
`);

/** ARGV: owner, lease end, ids... Returns the ids still held. */
const RENEW = jobScript(`
local kept = {}
for i = 3, #ARGV do
  if holds(ARGV[i], ARGV[1]) then
    redis.call('ZADD', ready, ARGV[2], ARGV[i])
    kept[#kept + 1] = ARGV[i]
  end
end
return kept
`);

/** ARGV: id, owner, generation, channel. */
const COMPLETE = jobScript(`
local job = holds(ARGV[1], ARGV[2]) and loadJob(ARGV[1])
if not job then return 0 end
if job.generation == tonumber(ARGV[3]) then
  if removeJob(ARGV[1], job) then redis.call('PUBLISH', ARGV[4], '') end
else
  endLease(ARGV[1], job)
end
return 1
`);

/** ARGV: id, owner, generation, due time, '1' and the error text or '0'. */
const RETRY = jobScript(`
local job = holds(ARGV[1], ARGV[2]) and loadJob(ARGV[1])
if not job then return 0 end
if job.generation == tonumber(ARGV[3]) then
  job.attempts = job.attempts + 1
  job.dueAt = tonumber(ARGV[4])
  if ARGV[5] == '1' then job.lastError = ARGV[6] end
  saveJob(ARGV[1], job)
end
endLease(ARGV[1], job)
return 1
`);

/** ARGV: id, owner, channel. */
const RELEASE = jobScript(`
local job = holds(ARGV[1], ARGV[2]) and loadJob(ARGV[1])
if not job then return 0 end
endLease(ARGV[1], job)
redis.call('PUBLISH', ARGV[3], '')
return 1
`);

/** ARGV: id. Returns the job JSON, its lease holder and its ready time (nil when not stored). */
const GET = new LuaScript(`#!lua flags=no-writes
local text = redis.call('HGET', KEYS[2], ARGV[1])
if not text then return nil end
return { text, redis.call('HGET', KEYS[4], ARGV[1]), redis.call('ZSCORE', KEYS[1], ARGV[1]) }
`);

export const WORK_QUEUE_SCRIPTS: readonly LuaScript[] = [CLAIM, RENEW, COMPLETE, RETRY, RELEASE, GET];

/**
 * The job queue on Redis (layout: `RedisLayout`). `claim` is one script: the due ids from the
 * `ready` ZSET (`ZRANGE ready -inf now BYSCORE LIMIT 0 n`), each leased (`leases`) and re-scored
 * to its lease end: O(claimed × log N), whatever else is stored. `nextReadyAt` is the first member of `ready`.
 * No operation scans the keyspace.
 */
export class RedisWorkQueue implements WorkQueue {
  private readonly channel: RedisScheduleChannel;

  constructor(
    private readonly client: RedisCommander,
    private readonly layout: RedisLayout,
    openSubscriber: () => Promise<RedisSubscriber>,
  ) {
    this.channel = new RedisScheduleChannel(layout.channel, openSubscriber);
  }

  private run(script: LuaScript, args: string[]): Promise<unknown> {
    return script.run(this.client, [this.layout.ready, this.layout.jobs, this.layout.orders, this.layout.leases], args);
  }

  async claim({ owner, now, leaseMs, limit }: ClaimOptions): Promise<Job[]> {
    if (!(limit >= 1)) return [];
    const at = wholeMs(now, 'claim: now');
    const until = wholeMs(now + leaseMs, 'claim: now + leaseMs');
    const reply = (await this.run(CLAIM, [at, until, String(Math.floor(limit)), owner])) as string[];
    const jobs: Job[] = [];
    for (let i = 0; i < reply.length; i += 2) jobs.push(jobFromStored(reply[i]!, reply[i + 1]!, { owner, until: Number(until) }));
    return jobs;
  }

  async renew(owner: string, ids: readonly string[], until: number): Promise<string[]> {
    if (ids.length === 0) return [];
    return (await this.run(RENEW, [owner, wholeMs(until, 'renew: until'), ...ids])) as string[];
  }

  async complete(job: Job, owner: string): Promise<boolean> {
    return (await this.run(COMPLETE, [job.id, owner, String(job.generation), this.layout.channel])) === 1;
  }

  async retry(job: Job, owner: string, dueAt: number, lastError?: string): Promise<boolean> {
    const error = lastError === undefined ? ['0'] : ['1', errorText(lastError)];
    return (await this.run(RETRY, [job.id, owner, String(job.generation), wholeMs(dueAt, 'retry: dueAt'), ...error])) === 1;
  }

  async release(job: Job, owner: string): Promise<boolean> {
    return (await this.run(RELEASE, [job.id, owner, this.layout.channel])) === 1;
  }

  async nextReadyAt(): Promise<number | undefined> {
    const first = (await this.client.sendCommand(['ZRANGE', this.layout.ready, '0', '0', 'WITHSCORES'])) as string[];
    return first.length ? Number(first[1]) : undefined;
  }

  async get(id: string): Promise<Job | undefined> {
    const reply = (await this.run(GET, [id])) as [string, string | null, string | null] | null;
    if (reply === null) return undefined;
    const [text, owner, readyAt] = reply;
    return jobFromStored(id, text, owner === null ? undefined : { owner, until: Number(readyAt) });
  }

  async size(): Promise<number> {
    return (await this.client.sendCommand(['HLEN', this.layout.jobs])) as number;
  }

  /** Redis pub/sub on a connection of its own, opened with the first listener (see `RedisScheduleChannel`). */
  subscribe(listener: () => void): () => void {
    return this.channel.subscribe(listener);
  }

  close(): Promise<void> {
    return this.channel.close();
  }
}

/** `lastError` cut to `MAX_ERROR_TEXT` characters, without leaving half of a surrogate pair at the cut. */
function errorText(text: string): string {
  const cut = text.slice(0, MAX_ERROR_TEXT);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

