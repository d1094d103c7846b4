import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeConnector } from './fakes/fake-connector.js';
import { installationUpdate, message, personalConversationId, post, type TeamsContext } from './fakes/teams-activities.js';
import { people, TENANT } from './channels/teams/harness.js';
import { listening, spawnBot, type ChildBot } from './helpers/child-bot.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONTOSO = fileURLToPath(new URL('./fixtures/contoso-directory.json', import.meta.url));

/**
 * The compiled bot as `npm start` runs it, in a child process: test/global-setup.ts compiles src/
 * with the build's tsconfig once into .test-dist/, beside dist/ (so the paths to cards/ and
 * directory/ are the same).
 */
const COMPILED = join(ROOT, '.test-dist');

/** The compiled bot in a child process, in `dir` (its HOME and SQLite file). */
function spawnCompiled(dir: string, env: Record<string, string>): ChildBot {
  return spawnBot([join(COMPILED, 'main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: dir, PORT: '0', STORE: `sqlite:${join(dir, 'bot.sqlite')}`, LOG_LEVEL: 'info', ...env },
  });
}

let dir: string;
const children: ChildProcess[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'start-'));
});
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function started(env: Record<string, string>, where = dir): ChildBot {
  const bot = spawnCompiled(where, env);
  children.push(bot.child);
  return bot;
}

describe('the compiled bot (npm start)', () => {
  it('starts on the embedded defaults, answers /healthz and /readyz on loopback and finds its cards and sample directory', async () => {
    const bot = started({});
    const address = await listening(bot);
    expect(address.host).toBe('127.0.0.1');
    expect(await (await fetch(`http://127.0.0.1:${address.port}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`http://127.0.0.1:${address.port}/readyz`)).json()).toEqual({ status: 'ready' });
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
  }, 120_000);

  it('stops on SIGTERM with exit code 0 when whatever read its log has gone (stdout a closed pipe)', async () => {
    // The memory store stops at once, so the exit comes before the log's asynchronous write meets the EPIPE.
    const bot = started({ STORE: 'memory' });
    await listening(bot);
    // As `npm start | head -3` once head has exited: the log's reader is gone, every write is EPIPE.
    bot.child.stdout!.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
  }, 120_000);
});

describe('the npm scripts that run a process', () => {
  it('exec node, so the SIGTERM npm forwards reaches the process and its graceful shutdown runs', () => {
    // `a && node ...` runs under `sh -c`, which does not pass npm's SIGTERM on: the server would
    // outlive npm, orphaned, and skip its drain (found by trying `kill -TERM <npm start>`).
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start', 'permission-service', 'audit']) expect(scripts[name], name).toMatch(/^npm run --silent build && exec node /);
  });
});

describe('the compiled permission service (npm run permission-service)', () => {
  it('runs compiled on plain Node, answers /healthz and stops on SIGTERM with exit code 0', async () => {
    const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['permission-service']!;
    expect(script).toMatch(/node .*dist\/permissions\/permission-service-main\.js$/);
    const child = spawn(process.execPath, ['--disable-warning=DEP0111', join(COMPILED, 'permissions/permission-service-main.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: dir, PERMISSION_SERVICE_TOKEN: 'a-long-enough-token-123', PERMISSION_SERVICE_PORT: '0', STORE: 'memory', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.includes('permission service listening'));
        if (line) resolve((JSON.parse(line) as { url: string }).url);
      });
      void exited.then((code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);
});

describe('a configuration mistake stops the start with one line', () => {
  let occupant: Server;
  let busyPort: number;
  beforeAll(async () => {
    occupant = createServer();
    await new Promise<void>((resolve) => occupant.listen(0, '127.0.0.1', resolve));
    busyPort = (occupant.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => occupant.close(() => resolve())));

  it.each([
    ['a port in use', () => ({ PORT: String(busyPort) }), /^config_invalid: PORT: 127\.0\.0\.1:\d+ is already in use/],
    ['MicrosoftAppId without a password', () => ({ MicrosoftAppId: '11111111-2222-3333-4444-555555555555' }), /^config_invalid: .*MicrosoftAppId is set without MicrosoftAppPassword/],
    ['BOT_ADMINS naming nobody', () => ({ BOT_ADMINS: 'nobody@northwind.example' }), /^config_invalid: BOT_ADMINS: none of "nobody@northwind.example"/],
    ['a directory file that does not exist', () => ({ DIRECTORY: 'file:/nope.json' }), /^config_invalid: DIRECTORY: file \/nope\.json cannot be read \(no such file\)$/],
    ['SLACK_SIGNING_SECRET without SLACK_BOT_TOKEN', () => ({ SLACK_SIGNING_SECRET: 's3cret' }), /^config_invalid: SLACK_BOT_TOKEN: is required when SLACK_SIGNING_SECRET is set/],
    ['a zero and a negative duration', () => ({ PROPAGATION_WINDOW: '0m', REQUEST_EXPIRY: '-7d' }), /^config_invalid: .*PROPAGATION_WINDOW: "0m" is zero.*; REQUEST_EXPIRY: "-7d" is negative/],
  ])('%s', async (_what, env, expected) => {
    const bot = started(env());
    expect(await bot.exited).toBe(1);
    const lines = bot.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
    expect(bot.logs.some((l) => l.msg === 'listening')).toBe(false);
  }, 120_000);
});

describe('SIGTERM', () => {
  it('turns /readyz to 503 at once, refuses new work, finishes the running turn, exits 0; after a restart the request is there once', async () => {
    const connector = await new FakeConnector(TENANT).start();
    const ctx: TeamsContext = { tenantId: TENANT, serviceUrl: connector.serviceUrl };
    const { alex, adele, megan } = people;
    const env = { DIRECTORY: `file:${CONTOSO}`, SHUTDOWN_TIMEOUT: '20s' };
    const data = mkdtempSync(join(dir, 'sigterm-'));
    try {
      const first = started(env, data);
      const { port } = await listening(first);
      for (const user of [alex, adele]) expect((await post(port, installationUpdate(user, ctx))).status).toBe(200);

      // A request whose turn is still sending its reply when SIGTERM comes (the connector holds every call).
      connector.pause();
      const running = post(port, message(alex, ctx, 'give Megan send-as on Training'));
      await connector.waitFor(() => connector.heldCount > 0, 'the bot to call the connector');
      first.child.kill('SIGTERM');

      let ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      while (ready.status === 200) ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'not_ready', reason: 'shutting_down' });
      const refused = await post(port, message(megan, ctx, 'help'));
      expect(refused.status).toBe(503);

      connector.resume();
      expect((await running).status).toBe(200);
      expect(await first.exited).toBe(0);
      expect(first.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
      expect(first.stderr()).toBe('');

      // The same SQLite file, a new process: the request is there once, and nobody is asked twice.
      const second = started(env, data);
      const restarted = await listening(second);
      expect((await post(restarted.port, message(alex, ctx, 'my requests'))).status).toBe(200);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);

      const ids = (conversationId: string) =>
        new Set(connector.sentTo(conversationId).flatMap((s) => JSON.stringify(s.activity).match(/REQ-[2-9A-HJKMNP-Z]{6}/g) ?? []));
      expect(ids(personalConversationId(alex)).size).toBe(1);
      const approvalCards = connector.sentTo(personalConversationId(adele)).filter((s) =>
        (s.activity.attachments?.[0]?.content?.actions ?? []).some((a: { verb?: string }) => a.verb === 'approve'),
      );
      expect(approvalCards).toHaveLength(1);
      expect(ids(personalConversationId(adele))).toEqual(ids(personalConversationId(alex)));
      expect(connector.sentTo(personalConversationId(megan))).toEqual([]);
      expect(connector.rejected).toEqual([]);
    } finally {
      await connector.close();
    }
  }, 240_000);
});
