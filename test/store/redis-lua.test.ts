import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LuaScript, type RedisCommander } from '../../src/store/redis-lua.js';
import { rawRedis } from './redis-test-prefix.js';

describe('LuaScript', () => {
  let redis: Awaited<ReturnType<typeof rawRedis>>;
  let commander: RedisCommander;
  beforeAll(async () => {
    redis = await rawRedis();
    commander = { sendCommand: (args) => redis.client.sendCommand(args) };
  });
  afterAll(() => redis.close());

  it('loads a script the server does not have (as after a restart or SCRIPT FLUSH) and runs it by SHA', async () => {
    // A source never seen before, so its SHA is certainly not in the server's cache.
    const nonce = randomBytes(8).toString('hex');
    const script = new LuaScript(`return KEYS[1] .. ':' .. ARGV[1] .. ':${nonce}'`);
    expect(await redis.client.sendCommand(['SCRIPT', 'EXISTS', script.sha])).toEqual([0]);
    expect(await script.run(commander, ['k'], ['a'])).toBe(`k:a:${nonce}`);
    expect(await redis.client.sendCommand(['SCRIPT', 'EXISTS', script.sha])).toEqual([1]);
    expect(await script.run(commander, ['k'], ['b'])).toBe(`k:b:${nonce}`);
  });

  it('passes the script\'s own errors on without running it again', async () => {
    const nonce = randomBytes(8).toString('hex');
    const script = new LuaScript(`redis.call('INCR', KEYS[1]) return redis.error_reply('refused ${nonce}')`);
    const key = `test-${nonce}/counter`;
    await expect(script.run(commander, [key], [])).rejects.toThrow(`refused ${nonce}`);
    expect(await redis.client.sendCommand(['GET', key])).toBe('1');
    await redis.client.sendCommand(['DEL', key]);
  });
});
