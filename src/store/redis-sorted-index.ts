import { DEFAULT_PAGE, type IndexEntry, type RangePage } from './durable-store.js';
import { LuaScript, type RedisCommander } from './redis-lua.js';

/**
 * A page of a sorted index (a ZSET, `RedisLayout.index`), read-only (`no-writes`).
 * KEYS[1] = the index; ARGV: 'asc' or 'desc', limit, then the cursor's score and member if any.
 * Returns member, score, member, score...
 *
 * With a cursor still in the index at its score, the page starts one rank after it: O(log N +
 * page). When the cursor entry has moved or left since the previous page, the page starts at the
 * cursor's score and skips the members at that score on the cursor's near side, comparing bytes
 * as Redis orders them; that walk costs the number of members sharing that one score.
 */
const RANGE = new LuaScript(`#!lua flags=no-writes
local key, desc, limit = KEYS[1], ARGV[1] == 'desc', tonumber(ARGV[2])

local function byRank(from, to)
  if desc then return redis.call('ZRANGE', key, from, to, 'REV', 'WITHSCORES') end
  return redis.call('ZRANGE', key, from, to, 'WITHSCORES')
end

if not ARGV[3] then return byRank(0, limit - 1) end
local score, member = ARGV[3], ARGV[4]
local current = redis.call('ZSCORE', key, member)
if current and tonumber(current) == tonumber(score) then
  local rank
  if desc then rank = redis.call('ZREVRANK', key, member) else rank = redis.call('ZRANK', key, member) end
  return byRank(rank + 1, rank + limit)
end

-- Byte-wise a < b (Lua's own < follows the server's collation locale).
local function before(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end

local out, offset, batch = {}, 0, math.max(limit, 100)
while true do
  local chunk
  if desc then chunk = redis.call('ZRANGE', key, score, '-inf', 'BYSCORE', 'REV', 'LIMIT', offset, batch, 'WITHSCORES')
  else chunk = redis.call('ZRANGE', key, score, '+inf', 'BYSCORE', 'LIMIT', offset, batch, 'WITHSCORES') end
  for i = 1, #chunk, 2 do
    local m, s = chunk[i], chunk[i + 1]
    local beyond = tonumber(s) ~= tonumber(score) or (desc and before(m, member)) or (not desc and before(member, m))
    if beyond then
      out[#out + 1] = m
      out[#out + 1] = s
      if #out >= 2 * limit then return out end
    end
  end
  if #chunk < 2 * batch then return out end
  offset = offset + batch
end
`);

export const SORTED_INDEX_SCRIPTS: readonly LuaScript[] = [RANGE];

/** `DurableStore.range` on the index's ZSET (see `RANGE`). */
export async function rangeOfIndex(client: RedisCommander, key: string, page: RangePage = {}): Promise<IndexEntry[]> {
  const limit = Math.floor(page.limit ?? DEFAULT_PAGE);
  if (!(limit >= 1)) return [];
  const args = [page.order === 'asc' ? 'asc' : 'desc', String(limit)];
  if (page.after) args.push(String(page.after.score), page.after.member);
  const reply = (await RANGE.run(client, [key], args)) as string[];
  const entries: IndexEntry[] = [];
  for (let i = 0; i < reply.length; i += 2) entries.push({ member: reply[i]!, score: Number(reply[i + 1]) });
  return entries;
}
