import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { launchTeamsBot, type RunningBot } from '../../src/channels/teams/launch.js';
import { loadConfig } from '../../src/config.js';
import { understand } from '../../src/language/understand.js';
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server.js';
import { message, post } from '../fakes/teams-activities.js';

const DIRECTORY = fileURLToPath(new URL('../fixtures/contoso-directory.json', import.meta.url));
const TENANT = '3f2b8c1e-6d4a-4e7b-9c2f-0c0de5000001';

let bot: RunningBot | undefined;
let redis: OwnRedis | undefined;
afterEach(async () => {
  await bot?.close();
  await redis?.close();
  bot = redis = undefined;
});

async function launch(env: Record<string, string>): Promise<RunningBot> {
  const config = loadConfig({ DIRECTORY: `file:${DIRECTORY}`, PORT: '0', LOG_LEVEL: 'silent', ...env });
  return launchTeamsBot(config, understand, { logger: pino({ level: 'silent' }) });
}

async function readyz(port: number): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: response.status, body: await response.json() };
}

/** Asks /readyz until it answers `status` (each probe gives up after 2 s; this waits for the store, not the clock). */
async function readyzUntil(port: number, status: number, attempts = 100): Promise<{ status: number; body: unknown }> {
  for (let i = 0; ; i++) {
    const answer = await readyz(port);
    if (answer.status === status || i >= attempts) return answer;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('GET /readyz', () => {
  it('is ready when the store answers; /healthz and /readyz are separate', async () => {
    bot = await launch({ STORE: 'memory' });
    expect(await readyz(bot.port)).toEqual({ status: 200, body: { status: 'ready' } });
    const health = await fetch(`http://127.0.0.1:${bot.port}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('answers 503 store_unavailable while Redis is down, and ready again once it is back', async () => {
    redis = await startOwnRedis();
    bot = await launch({ STORE: redis.url });
    expect((await readyz(bot.port)).status).toBe(200);

    await redis.kill();
    expect(await readyzUntil(bot.port, 503)).toEqual({ status: 503, body: { status: 'not_ready', reason: 'store_unavailable' } });
    // The process is up all the while: /healthz is not readiness.
    expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(200);

    await redis.restart();
    expect(await readyzUntil(bot.port, 200)).toEqual({ status: 200, body: { status: 'ready' } });
  }, 40_000);

  it('answers 503 shutting_down once shutdown began, and new work gets 503 while /healthz and /metrics still answer', async () => {
    bot = await launch({ STORE: 'memory' });
    bot.readiness.beginShutdown();
    expect(await readyz(bot.port)).toEqual({ status: 503, body: { status: 'not_ready', reason: 'shutting_down' } });
    const ctx = { tenantId: TENANT, serviceUrl: 'http://127.0.0.1:9/' };
    const turn = await post(bot.port, message({ aad: '0a1e0001-aaaa-4bbb-8ccc-000000000001', name: 'Alex Wilber' }, ctx, 'help'));
    expect(turn).toEqual({ status: 503, body: { error: 'shutting_down', message: 'This instance is shutting down; try again.' } });
    expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${bot.port}/metrics`)).status).toBe(200);
  });
});
