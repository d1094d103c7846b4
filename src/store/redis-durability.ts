import { BotError } from '../domain/errors.js';

/** The one call the check needs from a Redis client (node-redis' `info`). */
export interface RedisInfoSource {
  info(section: string): Promise<string>;
}

/** `host:port` of a Redis URL, without the user name or password it may carry. */
export function redisAddress(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return 'the configured Redis';
  }
}

/** The `name:value` lines of an INFO reply. */
function infoFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

/**
 * Refuses a Redis that may drop the bot's keys, and warns about one that keeps them only in memory.
 *
 * Requests, timers and the audit log live in Redis with no expiry; a server whose
 * `maxmemory-policy` is anything but `noeviction` deletes keys when it runs out of memory (it
 * picks which), so approved rights would lose their revocation timers: `config_invalid`. Without
 * the append-only file (`appendonly yes`) a Redis restart loses what was written since the last
 * snapshot, or everything when snapshots are off: a warning, since a cache-style Redis is still
 * useful for trying the bot. Uses INFO, which managed services (Azure Cache for Redis) allow
 * where CONFIG is disabled.
 */
export async function checkRedisKeepsData(client: RedisInfoSource, url: string, warn: (message: string) => void): Promise<void> {
  const memory = infoFields(await client.info('memory'));
  const policy = memory.get('maxmemory_policy');
  if (policy !== undefined && policy !== 'noeviction') {
    throw new BotError(
      'config_invalid',
      `STORE: Redis at ${redisAddress(url)} evicts keys when full (maxmemory-policy ${policy}); set maxmemory-policy noeviction so requests, timers and the audit log are never dropped`,
      { details: { maxmemoryPolicy: policy } },
    );
  }
  const persistence = infoFields(await client.info('persistence'));
  if (persistence.get('aof_enabled') === '0') {
    warn(`STORE: Redis at ${redisAddress(url)} has no append-only file (appendonly no): a Redis restart loses requests, timers and audit entries written since its last snapshot. Production needs appendonly yes (docs/deployment.md)`);
  }
}
