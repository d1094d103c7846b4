import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SlackApiFake } from './fakes/slack-api-fake.js';
import { postToSlackEvents, SIGNING_SECRET } from './fakes/slack-requests.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// `npm run dev` (src/main.ts through tsx): the same wiring as `npm start`, with Slack configured.
describe('the bot with SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET set', () => {
  const dir = mkdtempSync(join(tmpdir(), 'start-slack-'));
  let child: ChildProcess | undefined;
  let fake: SlackApiFake | undefined;
  afterAll(async () => {
    child?.kill('SIGTERM');
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves /slack/events (signed requests only) and, without Teams credentials, not /api/messages', async () => {
    fake = await new SlackApiFake().start();
    child = spawn(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', join(ROOT, 'src/main.ts')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: dir, PORT: '0', HOST: '127.0.0.1', STORE: `sqlite:${join(dir, 'bot.sqlite')}`, LOG_LEVEL: 'info', SLACK_BOT_TOKEN: fake.token, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const listening = await new Promise<{ port: number; channels: string[] }>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        for (const line of out.split('\n')) if (line.includes('"msg":"listening"')) resolve(JSON.parse(line) as { port: number; channels: string[] });
      });
      child!.once('exit', (code) => reject(new Error(`bot exited with ${code}: ${out}`)));
      setTimeout(() => reject(new Error(`bot did not start: ${out}`)), 30_000);
    });
    expect(listening.channels).toEqual(['slack']);
    const base = `http://127.0.0.1:${listening.port}`;
    const challenge = JSON.stringify({ token: 'x', challenge: 'ch4llenge', type: 'url_verification' });
    expect((await postToSlackEvents(base, { body: challenge, contentType: 'application/json' })).json).toEqual({ challenge: 'ch4llenge' });
    expect((await postToSlackEvents(base, { body: challenge, contentType: 'application/json', signature: null })).status).toBe(401);
    expect((await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"message"}' })).status).toBe(404);
  }, 60_000);
});
