import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_TEAM, SlackApiFake } from './fakes/slack-api-fake.js';
import { postToSlackEvents, SIGNING_SECRET } from './fakes/slack-requests.js';
import { listening, spawnBot, type ChildBot } from './helpers/child-bot.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// `npm run dev` (src/main.ts through tsx): the same wiring as `npm start`, with Slack configured.
describe('the bot with SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET set', () => {
  const dir = mkdtempSync(join(tmpdir(), 'start-slack-'));
  const children: ChildProcess[] = [];
  let fake: SlackApiFake;
  beforeAll(async () => {
    fake = await new SlackApiFake().start();
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** `npm run dev`'s bot (src/main.ts through tsx) with Slack configured against the fake; `env` overrides. */
  function spawnDev(env: Record<string, string>): ChildBot {
    const bot = spawnBot(['--import', 'tsx', join(ROOT, 'src/main.ts')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: dir, PORT: '0', HOST: '127.0.0.1', STORE: 'memory', LOG_LEVEL: 'info', SLACK_BOT_TOKEN: fake.token, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl, ...env },
    });
    children.push(bot.child);
    return bot;
  }

  it('serves /slack/events (signed requests only) and, without Teams credentials, not /api/messages', async () => {
    const before = fake.calls('auth.test').length;
    const bot = spawnDev({ STORE: `sqlite:${join(dir, 'bot.sqlite')}` });
    const address = await listening(bot);
    expect(address.channels).toEqual(['slack']);
    // The token was checked once at start; its workspace is the one Slack named.
    expect(fake.calls('auth.test').length).toBe(before + 1);
    expect(bot.logs.find((l) => l.msg === 'slack token accepted')).toMatchObject({ level: 30, team: FAKE_TEAM.id });
    expect(bot.logs.find((l) => l.msg?.startsWith('Teams is off'))).toMatchObject({ level: 40 });
    const base = `http://127.0.0.1:${address.port}`;
    const challenge = JSON.stringify({ token: 'x', challenge: 'ch4llenge', type: 'url_verification' });
    expect((await postToSlackEvents(base, { body: challenge, contentType: 'application/json' })).json).toEqual({ challenge: 'ch4llenge' });
    expect((await postToSlackEvents(base, { body: challenge, contentType: 'application/json', signature: null })).status).toBe(401);
    expect((await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"message"}' })).status).toBe(404);
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
  }, 60_000);

  it('stops the start with one line when Slack refuses the token', async () => {
    const bot = spawnDev({ SLACK_BOT_TOKEN: 'xoxb-wrong' });
    expect(await bot.exited).toBe(1);
    const lines = bot.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^config_invalid: SLACK_BOT_TOKEN: Slack refused it \(invalid_auth\)/);
    expect(bot.logs.some((l) => l.msg === 'listening')).toBe(false);
    fake.violations.length = 0; // the wrong token was meant
  }, 60_000);

  it('starts with a warning when Slack cannot be reached (nothing listens at SLACK_API_URL)', async () => {
    const closed = await new SlackApiFake().start();
    const url = closed.apiUrl;
    await closed.close();
    const bot = spawnDev({ SLACK_API_URL: url });
    const address = await listening(bot);
    expect(address.channels).toEqual(['slack']);
    expect(bot.logs.find((l) => l.msg?.startsWith('slack auth.test failed at start'))).toMatchObject({ level: 40 });
    expect((await fetch(`http://127.0.0.1:${address.port}/readyz`)).status).toBe(200);
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
  }, 60_000);
});
