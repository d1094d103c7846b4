import { BotError } from '../domain/errors.js';
import type { WriteBatch } from './durable-store.js';
import { envelopeText } from './keyv-store.js';
import { jobScript } from './redis-job-lua.js';
import { wholeMs, type RedisLayout } from './redis-layout.js';

/**
 * `DurableStore.commit` as one Lua script: every record's expectation is checked before anything
 * is written, then records, index entries, cancels and schedules are written, and the schedule
 * channel is published. Redis runs a script alone, so the batch is atomic across every bot
 * process on the server, and a crash can never leave a state change without its jobs.
 *
 * KEYS: ready, jobs, orders, leases, seq, then one key per record write, then one per index change.
 * ARGV: channel; record count, then per record its expectation (`absent`, `any` or the version)
 * and the envelope after its version (`tail`; empty to delete); index change count, then per
 * change member and score (empty to remove); cancel count, then ids; schedule count, then per job
 * id, kind, due time, payload JSON and order key (empty for none).
 *
 * A record's version is read from the start of its text, where keyv's serializer puts it
 * (`{"value":{"v":N,`); other text is decoded (`cjson`), as the compare-and-set script reads it.
 */
export const COMMIT_SCRIPT = jobScript(`
local seqKey = KEYS[5]
local pos = 0
local function take() pos = pos + 1 return ARGV[pos] end

local function versionOf(text)
  if not text then return nil end
  local v = string.match(text, '^{"value":{"v":(%d+),')
  if v then return tonumber(v) end
  local ok, stored = pcall(cjson.decode, text)
  if ok and type(stored) == 'table' and type(stored.value) == 'table' then return tonumber(stored.value.v) end
  return nil
end

local channel = take()
local recordCount = tonumber(take())
local writes = {}
for r = 1, recordCount do
  local key, expect, tail = KEYS[5 + r], take(), take()
  local current = redis.call('GET', key)
  if expect == 'absent' then
    if current then return 0 end
  elseif expect ~= 'any' and versionOf(current) ~= tonumber(expect) then
    return 0
  end
  writes[r] = { key, expect, tail }
end

for r = 1, recordCount do
  local key, expect, tail = writes[r][1], writes[r][2], writes[r][3]
  if tail == '' then
    redis.call('DEL', key)
  else
    local version
    if expect == 'absent' then version = 1
    elseif expect == 'any' then version = (versionOf(redis.call('GET', key)) or 0) + 1
    else version = tonumber(expect) + 1 end
    redis.call('SET', key, '{"value":{"v":' .. string.format('%d', version) .. ',"d":' .. tail)
  end
end

local indexCount = tonumber(take())
for c = 1, indexCount do
  local key, member, score = KEYS[5 + recordCount + c], take(), take()
  if score == '' then redis.call('ZREM', key, member) else redis.call('ZADD', key, score, member) end
end

local woken = false
local cancelCount = tonumber(take())
for c = 1, cancelCount do
  local id = take()
  if removeJob(id, loadJob(id)) then woken = true end
end

local scheduleCount = tonumber(take())
for s = 1, scheduleCount do
  scheduleJob(seqKey, take(), take(), take(), take(), take())
end
if scheduleCount > 0 or woken then redis.call('PUBLISH', channel, '') end
return 1
`);

/** keyv's envelope text up to the version, with version 0; the script writes the real one. */
const ENVELOPE_HEAD = '{"value":{"v":0,"d":';

function envelopeTail(value: unknown): string {
  const text = envelopeText({ v: 0, d: value });
  if (!text.startsWith(ENVELOPE_HEAD)) throw new Error(`keyv envelope text changed shape: ${text.slice(0, 40)}`);
  return text.slice(ENVELOPE_HEAD.length);
}

/**
 * The script's KEYS and ARGV for a batch. Checks every number first, so a bad one is an
 * `invalid_request` that changes nothing rather than a script stopped halfway.
 */
export function commitCall(layout: RedisLayout, batch: WriteBatch): { keys: string[]; args: string[] } {
  const records = batch.records ?? [];
  const index = batch.index ?? [];
  const cancel = batch.cancel ?? [];
  const schedule = batch.schedule ?? [];
  const keys = [layout.ready, layout.jobs, layout.orders, layout.leases, layout.seq];
  const args = [layout.channel, String(records.length)];
  for (const write of records) {
    keys.push(layout.record(write.namespace, write.key));
    args.push(String(write.expect), write.value === undefined ? '' : envelopeTail(write.value));
  }
  args.push(String(index.length));
  for (const change of index) {
    keys.push(layout.index(change.index));
    if ('remove' in change) {
      args.push(change.member, '');
      continue;
    }
    if (!Number.isFinite(change.score)) {
      throw new BotError('invalid_request', `index ${change.index}: score must be a finite number, not ${change.score}`, { details: { index: change.index } });
    }
    args.push(change.member, String(change.score));
  }
  args.push(String(cancel.length), ...cancel);
  args.push(String(schedule.length));
  for (const job of schedule) {
    args.push(job.id, job.kind, wholeMs(job.dueAt, `job ${job.id}: dueAt`), JSON.stringify(job.payload) ?? 'null', job.orderKey ?? '');
  }
  return { keys, args };
}
