import { LuaScript } from './redis-lua.js';

/**
 * The Lua every job script shares: how a job is read and written, made ready, removed (letting
 * the next job of its order key go) and scheduled (an upsert). The layout is `RedisLayout`'s: the
 * job's data in `jobs` (JSON), its lease holder in `leases`, and the lease's end as its score in
 * `ready`, so claiming and renewing never decode JSON (cjson is most of a script's time).
 *
 * Every script starts with KEYS[1] = ready, KEYS[2] = jobs, KEYS[3] = orders, KEYS[4] = leases.
 * Scripts carry the `#!lua` header (Redis 7): without the `allow-oom` flag Redis refuses a writing
 * script up front when it is over `maxmemory`, instead of failing a write halfway through and
 * keeping the writes before it (Redis does not roll a script back).
 *
 * No string is compared with Lua's `<`: it uses the server's collation locale, not bytes.
 */
const JOB_LIBRARY = `
local ready, jobs, orders, leases = KEYS[1], KEYS[2], KEYS[3], KEYS[4]

local function loadJob(id)
  local text = redis.call('HGET', jobs, id)
  if not text then return nil end
  local ok, job = pcall(cjson.decode, text)
  if ok and type(job) == 'table' then return job end
  return nil
end

local function saveJob(id, job)
  redis.call('HSET', jobs, id, cjson.encode(job))
end

local function leased(id) return redis.call('HEXISTS', leases, id) == 1 end

-- True when owner holds the job's lease.
local function holds(id, owner) return redis.call('HGET', leases, id) == owner end

-- The jobs of one order key: one lexicographic range of the orders ZSET, earliest seq first.
local function orderPrefix(key) return #key .. ':' .. key .. ':' end
local function orderMember(key, seq, id) return orderPrefix(key) .. string.format('%016d', seq) .. ':' .. id end
local function headOf(key)
  local prefix = orderPrefix(key)
  local first = redis.call('ZRANGE', orders, '[' .. prefix, '(' .. #key .. ':' .. key .. ';', 'BYLEX', 'LIMIT', 0, 1)[1]
  if not first then return nil end
  return string.sub(first, #prefix + 18)
end

-- Deletes a job; the next job of its order key becomes ready. True when one did.
local function removeJob(id, job)
  redis.call('HDEL', jobs, id)
  redis.call('HDEL', leases, id)
  redis.call('ZREM', ready, id)
  if not job or not job.orderKey then return false end
  redis.call('ZREM', orders, orderMember(job.orderKey, job.seq, id))
  local nextId = headOf(job.orderKey)
  if not nextId or leased(nextId) or redis.call('ZSCORE', ready, nextId) then return false end
  local nextJob = loadJob(nextId)
  if not nextJob then return false end
  redis.call('ZADD', ready, nextJob.dueAt, nextId)
  return true
end

-- Ends a run's lease: the job is ready again at its due time.
local function endLease(id, job)
  redis.call('HDEL', leases, id)
  redis.call('ZADD', ready, job.dueAt, id)
end

-- An upsert (WorkQueue): a new id is numbered and waits behind its order key's earlier jobs; an
-- existing one keeps its number and lease and takes the new due time and payload.
local function scheduleJob(seqKey, id, kind, dueAt, payload, orderKey)
  local job = loadJob(id)
  if job then
    job.dueAt = tonumber(dueAt)
    job.payload = payload
    job.generation = job.generation + 1
    job.attempts = 0
    job.lastError = nil
    if not leased(id) and redis.call('ZSCORE', ready, id) then redis.call('ZADD', ready, dueAt, id) end
    saveJob(id, job)
    return
  end
  local seq = redis.call('INCR', seqKey)
  job = { kind = kind, dueAt = tonumber(dueAt), payload = payload, seq = seq, generation = 1, attempts = 0 }
  local first = true
  if orderKey ~= '' then
    job.orderKey = orderKey
    first = headOf(orderKey) == nil
    redis.call('ZADD', orders, 0, orderMember(orderKey, seq, id))
  end
  if first then redis.call('ZADD', ready, dueAt, id) end
  saveJob(id, job)
end
`;

/** A script that writes jobs: the header, the shared library, then `body`. */
export function jobScript(body: string): LuaScript {
  return new LuaScript(`#!lua\n${JOB_LIBRARY}\n${body}`);
}
