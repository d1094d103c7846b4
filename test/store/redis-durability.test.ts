import { afterEach, describe, expect, it } from 'vitest';
import { isBotError } from '../../src/domain/errors.js';
import { openStore } from '../../src/store/index.js';
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server.js';

let redis: OwnRedis | undefined;
afterEach(async () => {
  await redis?.close();
  redis = undefined;
});

/** Opens `STORE=url` and answers what it warned about, or the error that refused it. */
async function open(url: string): Promise<{ warnings: string[]; error?: unknown }> {
  const warnings: string[] = [];
  try {
    const store = await openStore({ kind: 'redis', url }, (message) => void warnings.push(message));
    await store.close();
    return { warnings };
  } catch (error) {
    return { warnings, error };
  }
}

describe('Redis that would lose data', () => {
  it('refuses a Redis that evicts keys when full, in one line naming the policy and the fix', async () => {
    redis = await startOwnRedis(['--maxmemory-policy', 'allkeys-lru', '--appendonly', 'yes']);
    const { error } = await open(redis.url);
    expect(isBotError(error, 'config_invalid')).toBe(true);
    const message = (error as Error).message;
    expect(message).toBe(
      `STORE: Redis at 127.0.0.1:${redis.port} evicts keys when full (maxmemory-policy allkeys-lru); set maxmemory-policy noeviction so requests, timers and the audit log are never dropped`,
    );
  });

  it('refuses volatile policies too: only noeviction keeps every key', async () => {
    redis = await startOwnRedis(['--maxmemory-policy', 'volatile-ttl']);
    expect(isBotError((await open(redis.url)).error, 'config_invalid')).toBe(true);
  });

  it('starts on a Redis without an append-only file, with a warning', async () => {
    redis = await startOwnRedis(['--appendonly', 'no']);
    const { warnings, error } = await open(redis.url);
    expect(error).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining(`Redis at 127.0.0.1:${redis.port} has no append-only file (appendonly no)`)]);
  });

  it('starts silently on a Redis with noeviction and the append-only file', async () => {
    redis = await startOwnRedis(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']);
    expect(await open(redis.url)).toEqual({ warnings: [] });
  });

  it('never prints the password of a Redis URL', async () => {
    redis = await startOwnRedis(['--requirepass', 's3cret-pass', '--maxmemory-policy', 'allkeys-random']);
    const { error } = await open(`redis://default:s3cret-pass@127.0.0.1:${redis.port}`);
    expect(isBotError(error, 'config_invalid')).toBe(true);
    expect((error as Error).message).not.toContain('s3cret-pass');
    const unreachable = await open(`redis://default:s3cret-pass@127.0.0.1:1`);
    expect((unreachable.error as Error).message).toBe('STORE: cannot connect to Redis at 127.0.0.1:1');
  });
});
