import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTeamsBot, type RunningBot } from '../src/channels/teams/launch.js';
import type { UnderstandFn } from '../src/conversation/types.js';
import { loadConfig } from '../src/config.js';
import { ManualClock } from '../src/domain/clock.js';
import { isBotError } from '../src/domain/errors.js';
import { isLoopback } from '../src/server.js';
import { FakeConnector } from './fakes/fake-connector.js';
import { installationUpdate, message, post, type TeamsContext, type TeamsUser } from './fakes/teams-activities.js';

const DIRECTORY = fileURLToPath(new URL('./fixtures/contoso-directory.json', import.meta.url));
const TENANT = '3f2b8c1e-6d4a-4e7b-9c2f-0c0de5000001';
const alex: TeamsUser = { aad: '0a1e0001-aaaa-4bbb-8ccc-000000000001', name: 'Alex Wilber' };

// These checks never get as far as reading a sentence.
const understandNotReached: UnderstandFn = async () => {
  throw new Error('the language layer must not be reached');
};

async function launch(env: Record<string, string>): Promise<RunningBot> {
  const config = loadConfig({ STORE: 'memory', DIRECTORY: `file:${DIRECTORY}`, PORT: '0', LOG_LEVEL: 'silent', ...env });
  return launchTeamsBot(config, understandNotReached, { clock: new ManualClock(), logger: pino({ level: 'silent' }) });
}

describe('HTTP server without Bot Framework credentials', () => {
  let bot: RunningBot;
  let connector: FakeConnector;
  let ctx: TeamsContext;

  beforeAll(async () => {
    connector = await new FakeConnector(TENANT).start();
    ctx = { tenantId: TENANT, serviceUrl: connector.serviceUrl };
    bot = await launch({});
  });
  afterAll(async () => {
    await bot.close();
    await connector.close();
  });

  it('listens on loopback only', () => {
    expect(bot.server.host).toBe('127.0.0.1');
  });

  it('refuses to start on an address beyond loopback, where anyone could speak as any user', async () => {
    for (const host of ['0.0.0.0', '::', '192.0.2.10']) {
      await expect(launch({ HOST: host })).rejects.toSatisfy(
        (e) => isBotError(e, 'config_invalid') && e.message.startsWith(`HOST: ${host} would serve teams without authentication`),
      );
    }
    const loopback = await launch({ HOST: 'localhost' });
    try {
      expect((await fetch(`http://127.0.0.1:${loopback.port}/healthz`)).status).toBe(200);
    } finally {
      await loopback.close();
    }
    // IPv6 loopback, written bare or in brackets as in a URL.
    for (const host of ['::1', '[::1]']) {
      const ipv6 = await launch({ HOST: host });
      try {
        expect(ipv6.server.host).toBe('::1');
        expect((await fetch(`http://[::1]:${ipv6.port}/healthz`)).status).toBe(200);
      } finally {
        await ipv6.close();
      }
    }
  });

  it('counts localhost, 127.0.0.0/8 and ::1 as loopback, and nothing else', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1', 'LOCALHOST']) expect(isLoopback(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '', '10.0.0.1', '128.0.0.1', '127.0.0.1.example.com', 'localhost.example.com', '::ffff:10.0.0.1']) expect(isLoopback(host), host).toBe(false);
  });

  it('answers GET /healthz', async () => {
    const response = await fetch(`http://127.0.0.1:${bot.port}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers malformed JSON with 400', async () => {
    expect((await post(bot.port, '{"type": "message", ')).status).toBe(400);
    expect((await post(bot.port, '[1,2]')).status).toBe(400);
    expect((await post(bot.port, '{"text": "no type"}')).status).toBe(400);
  });

  it('refuses activities from another tenant with 403 and sends nothing', async () => {
    const foreign = message(alex, { ...ctx, tenantId: '00000000-0000-0000-0000-000000000bad' }, 'give Megan send as on Training');
    expect((await post(bot.port, foreign)).status).toBe(403);
    const noTenant = message(alex, ctx, 'hello') as Record<string, any>;
    delete noTenant.conversation.tenantId;
    delete noTenant.channelData;
    expect((await post(bot.port, noTenant)).status).toBe(403);
    // Our tenant in one place and another in the other, either way round: not ours.
    for (const [conversationTenant, channelTenant] of [
      [ctx.tenantId, '00000000-0000-0000-0000-000000000bad'],
      ['00000000-0000-0000-0000-000000000bad', ctx.tenantId],
    ]) {
      const mixed = message(alex, ctx, 'give Megan send as on Training') as Record<string, any>;
      mixed.conversation.tenantId = conversationTenant;
      mixed.channelData = { ...mixed.channelData, tenant: { id: channelTenant } };
      expect((await post(bot.port, mixed)).status).toBe(403);
    }
    expect(connector.sent).toEqual([]);
    expect(await bot.teams.repository.reference(alex.aad)).toBeUndefined();
    // Only one of the two present, and ours: taken in as before (an update that answers nothing: this
    // file's bot has no understanding to answer a message with).
    const onlyChannelData = message(alex, ctx, 'hello') as Record<string, any>;
    onlyChannelData.type = 'conversationUpdate';
    delete onlyChannelData.text;
    delete onlyChannelData.conversation.tenantId;
    onlyChannelData.channelData = { tenant: { id: ctx.tenantId } };
    expect((await post(bot.port, onlyChannelData)).status).toBe(200);
    expect(connector.sent).toEqual([]);
  });

  it('answers an activity without serviceUrl with 400 and one quiet log line', async () => {
    const lines: string[] = [];
    const quiet = await launchTeamsBot(loadConfig({ STORE: 'memory', DIRECTORY: `file:${DIRECTORY}`, PORT: '0', LOG_LEVEL: 'info' }), understandNotReached, {
      clock: new ManualClock(),
      logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }),
    });
    try {
      lines.length = 0;
      const response = await post(quiet.port, { type: 'event', conversation: { tenantId: TENANT } });
      expect(response.status).toBe(400);
      const about = lines.filter((line) => !line.includes('"msg":"http"'));
      expect(about).toHaveLength(1);
      expect(about[0]).toContain('activity without serviceUrl refused');
      expect(about[0]).not.toMatch(/stack|"err"/);
      expect(connector.sent).toEqual([]);
    } finally {
      await quiet.close();
    }
  });

  it('answers a body over the size limit with 413 and one warning naming the path, the declared length and the limit, never the body', async () => {
    const lines: string[] = [];
    const logging = await launchTeamsBot(loadConfig({ STORE: 'memory', DIRECTORY: `file:${DIRECTORY}`, PORT: '0', LOG_LEVEL: 'info' }), understandNotReached, {
      clock: new ManualClock(),
      logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }),
    });
    try {
      lines.length = 0;
      const body = JSON.stringify(message(alex, ctx, `secret-${'x'.repeat(1_100_000)}`));
      const response = await post(logging.port, body);
      expect(response.status).toBe(413);
      await expect.poll(() => lines.some((line) => line.includes('"msg":"http"'))).toBe(true);
      const refusals = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg !== 'http');
      expect(refusals.map(({ level, msg, status, reason, path, contentLength, limitBytes }) => ({ level, msg, status, reason, path, contentLength, limitBytes }))).toEqual([
        { level: 40, msg: 'request refused: body too large', status: 413, reason: 'too_large', path: '/api/messages', contentLength: Buffer.byteLength(body), limitBytes: 1_048_576 },
      ]);
      expect(lines.join('')).not.toContain('secret-');
      expect(connector.sent).toEqual([]);
    } finally {
      await logging.close();
    }
  });

  it('keeps the conversation reference from installationUpdate in the store', async () => {
    const response = await post(bot.port, installationUpdate(alex, ctx));
    expect(response.status).toBe(200);
    const stored = await bot.teams.repository.reference(alex.aad);
    expect(stored?.reference.conversation?.id).toBe(`a:personal-${alex.aad}`);
    expect(stored?.reference.serviceUrl).toBe(ctx.serviceUrl);
    expect(stored?.timeZone).toBe('Europe/Amsterdam');
  });

  it('forgets the conversation when the app is removed', async () => {
    await post(bot.port, installationUpdate(alex, ctx));
    expect(await bot.teams.repository.reference(alex.aad)).toBeDefined();
    expect((await post(bot.port, { ...installationUpdate(alex, ctx), action: 'remove' })).status).toBe(200);
    expect(await bot.teams.repository.reference(alex.aad)).toBeUndefined();
  });
});

describe('HTTP server with Bot Framework credentials', () => {
  let bot: RunningBot;

  beforeAll(async () => {
    bot = await launch({ MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'not-a-real-secret', MicrosoftAppType: 'MultiTenant', HOST: '127.0.0.1' });
  });
  afterAll(async () => {
    await bot.close();
  });

  it('rejects unauthenticated posts with 401, from this tenant or another', async () => {
    const ctx = { tenantId: TENANT, serviceUrl: 'http://127.0.0.1:9/' };
    expect((await post(bot.port, message(alex, ctx, 'help'))).status).toBe(401);
    expect((await post(bot.port, message(alex, { ...ctx, tenantId: 'other' }, 'help'))).status).toBe(401);
    expect((await post(bot.port, message(alex, ctx, 'help'), { authorization: 'Bearer not.a.jwt' })).status).toBe(401);
    expect(await bot.teams.repository.reference(alex.aad)).toBeUndefined();
  });

  it('still answers the health check', async () => {
    expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(200);
  });
});
