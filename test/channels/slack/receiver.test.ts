import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import pino from 'pino';
import restify from 'restify';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackMount } from '../../../src/channels/slack/mount.js';
import { boltLogger, RestifySlackReceiver } from '../../../src/channels/slack/receiver.js';
import { ManualClock } from '../../../src/domain/clock.js';
import { FAKE_BOT, FAKE_TEAM } from '../../fakes/slack-api-fake.js';
import { eventEnvelope, interactionBody, messageIm, postToSlackEvents, sign, SIGNING_SECRET, slashCommandBody } from '../../fakes/slack-requests.js';

const megan = { id: 'U0MEGAN', name: 'Megan Bowen' };

describe('Slack receiver on the bot server (POST /slack/events)', () => {
  const clock = new ManualClock(Date.parse('2026-11-23T08:00:00Z'));
  const now = () => Math.floor(clock.now() / 1000);
  const seen: string[] = [];
  /** What the receiver and Bolt logged (pino's JSON lines). */
  const logs: Array<{ level: number; msg: string; [key: string]: unknown }> = [];
  let release: () => void = () => undefined;
  let gate: Promise<void> = Promise.resolve();
  let server: restify.Server;
  let baseUrl = '';
  const post = (body: string, contentType = 'application/json', extra: Parameters<typeof postToSlackEvents>[1] extends infer P ? Partial<P> : never = {}) =>
    postToSlackEvents(baseUrl, { body, contentType, timestamp: now(), ...extra });

  beforeAll(async () => {
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as (typeof logs)[number]) });
    const receiver = new RestifySlackReceiver({ signingSecret: SIGNING_SECRET, clock, logger, bodyLimitBytes: 200_000 });
    const app = new App({
      receiver,
      authorize: async () => ({ botToken: FAKE_BOT.token, botId: FAKE_BOT.botId, botUserId: FAKE_BOT.userId, teamId: FAKE_TEAM.id }),
      convoStore: false,
      logger: boltLogger(logger),
    });
    app.message(async ({ message }) => {
      seen.push(`message:${'text' in message ? message.text : ''}`);
      await gate;
      seen.push('message done');
    });
    app.command('/mailbox', async ({ command, ack }) => {
      await ack({ text: `heard ${command.text}` });
    });
    server = restify.createServer({ handleUncaughtExceptions: false });
    slackMount(receiver).mount(server);
    server.use(restify.plugins.bodyParser({ mapParams: false, rejectUnknown: true }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    release();
    server.server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const event = (text: string) => JSON.stringify(eventEnvelope(messageIm(megan, text, 'D000000001')));

  it('acknowledges a signed event before its listener finishes', async () => {
    gate = new Promise<void>((resolve) => (release = resolve));
    const response = await post(event('hello'));
    expect(response.status).toBe(200);
    expect(seen).toContain('message:hello');
    expect(seen).not.toContain('message done');
    release();
    await expect.poll(() => seen.includes('message done')).toBe(true);
  });

  it('answers a slash command with what its listener acknowledged', async () => {
    const response = await post(slashCommandBody(megan, 'my requests', 'D000000001'), 'application/x-www-form-urlencoded');
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ text: 'heard my requests' });
  });

  it.each([
    ['no signature', { signature: null }],
    ['a signature from another secret', { secret: 'someone-elses-secret' }],
    ['an unknown signature version', { signature: 'v1=abc' }],
    ['a timestamp 6 minutes old', { timestamp: Math.floor(Date.parse('2026-11-23T07:54:00Z') / 1000) }],
    ['a timestamp 6 minutes ahead', { timestamp: Math.floor(Date.parse('2026-11-23T08:06:00Z') / 1000) }],
  ])('refuses an event with %s with 401 and runs nothing', async (_name, extra) => {
    const before = seen.length;
    const response = await post(event(`refused ${_name}`), 'application/json', extra);
    expect(response.status).toBe(401);
    expect(response.text).toBe('');
    expect(seen.length).toBe(before);
  });

  it('refuses a body changed after signing (401), even when it is not JSON', async () => {
    const body = event('give Megan send-as on Training');
    const signedFor = JSON.stringify(eventEnvelope(messageIm(megan, 'help', 'D000000001')));
    const { sign } = await import('../../fakes/slack-requests.js');
    const before = seen.length;
    expect((await post(body, 'application/json', { signature: sign(SIGNING_SECRET, now(), signedFor) })).status).toBe(401);
    expect((await post('{not json', 'application/json', { signature: null })).status).toBe(401);
    expect(seen.length).toBe(before);
  });

  it('answers a signed body that is not JSON with 400', async () => {
    expect((await post('{not json')).status).toBe(400);
    expect((await post(interactionBody({}).replace('payload=', 'payload=%7Bbroken'), 'application/x-www-form-urlencoded')).status).toBe(400);
  });

  it.each([
    ['a form without payload or command', 'foo=bar', 'application/x-www-form-urlencoded', 'form body without payload or command'],
    ['a payload that is not JSON', 'payload=%7Bbroken', 'application/x-www-form-urlencoded', 'payload is not a JSON object'],
    ['a payload without a type', interactionBody({ user: { id: megan.id } }), 'application/x-www-form-urlencoded', 'payload names no type'],
    ['a JSON array', '[]', 'application/json', 'body is not a JSON object'],
    ['a JSON object without a type', '{"event":{}}', 'application/json', 'body names no type'],
    ['a url_verification whose challenge is no string', '{"type":"url_verification","challenge":{"a":1}}', 'application/json', 'url_verification: challenge: Invalid input: expected string, received object'],
    [
      'a block_actions whose actions is no array',
      interactionBody({ type: 'block_actions', user: { id: megan.id }, team: { id: FAKE_TEAM.id }, actions: 'x', trigger_id: '1.2.3' }),
      'application/x-www-form-urlencoded',
      'block_actions: actions: Invalid input: expected array, received string',
    ],
  ])('answers a signed body that is none of Slack\'s shapes (%s) with 400 and the reason', async (_what, body, contentType, reason) => {
    const before = seen.length;
    logs.length = 0;
    const response = await post(body, contentType);
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: reason });
    expect(seen.length).toBe(before);
    // Client garbage is a warning, never an error.
    expect(logs.filter((l) => l.level >= 40).map((l) => [l.level, l.msg])).toEqual([[40, 'slack request refused']]);
  });

  it('acknowledges (200) and ignores, at debug, what no listener handles: a new payload type, an unknown action, another command', async () => {
    logs.length = 0;
    const before = seen.length;
    const bodies = [
      interactionBody({ type: 'some_future_type', user: { id: megan.id }, team: { id: FAKE_TEAM.id } }),
      interactionBody({ type: 'block_actions', user: { id: megan.id }, team: { id: FAKE_TEAM.id }, actions: [{ type: 'button', action_id: 'nobody_listens', value: 'x' }], trigger_id: '1.2.3' }),
      slashCommandBody(megan, 'hello', 'D000000001', { command: '/other' }),
    ];
    for (const body of bodies) {
      const response = await post(body, 'application/x-www-form-urlencoded');
      expect(response.status).toBe(200);
      expect(response.text).toBe('');
    }
    expect(seen.length).toBe(before);
    expect(logs.filter((l) => l.msg === 'slack request not handled: acknowledged and ignored').map((l) => [l.level, l.type])).toEqual([
      [20, 'some_future_type'],
      [20, 'block_actions'],
      [20, '/other'],
    ]);
    // Past Bolt's 3-second acknowledgement deadline: nothing says the requests went unanswered.
    await new Promise((resolve) => setTimeout(resolve, 3_300));
    expect(logs.filter((l) => l.level >= 40)).toEqual([]);
  });

  it('answers url_verification with the challenge, only when signed', async () => {
    const body = JSON.stringify({ token: 'x', challenge: 'c4allenge', type: 'url_verification' });
    expect((await post(body)).json).toEqual({ challenge: 'c4allenge' });
    expect((await post(body, 'application/json', { signature: null })).status).toBe(401);
  });

  it("answers Slack's unsigned ssl_check and runs nothing else in it", async () => {
    const before = seen.length;
    const body = `ssl_check=1&token=x&${interactionBody({ type: 'block_actions' })}`;
    expect((await post(body, 'application/x-www-form-urlencoded', { signature: null })).status).toBe(200);
    expect(seen.length).toBe(before);
  });

  it('refuses a body over the limit with 413 and one warning naming the path, the declared length and the limit, never the body', async () => {
    logs.length = 0;
    const body = event(`secret-${'x'.repeat(250_000)}`);
    const response = await post(body);
    expect(response.status).toBe(413);
    expect(logs.filter((l) => l.level >= 40).map(({ level, msg, status, reason, path, contentLength, limitBytes }) => ({ level, msg, status, reason, path, contentLength, limitBytes }))).toEqual([
      { level: 40, msg: 'slack request refused', status: 413, reason: 'too_large', path: '/slack/events', contentLength: Buffer.byteLength(body), limitBytes: 200_000 },
    ]);
    expect(JSON.stringify(logs)).not.toContain('secret-');
  });

  it('closes the connection after a 413, so the next request on a kept-alive connection is read whole, not from the unread rest', async () => {
    // One connection, reused as Slack's and every keep-alive client's would be.
    const agent = new Agent({ connections: 1, pipelining: 1 });
    const send = async (body: string) => {
      const timestamp = now();
      const response = await request(`${baseUrl}/slack/events`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': sign(SIGNING_SECRET, timestamp, body) },
        body,
      });
      await response.body.text();
      return { status: response.statusCode, connection: response.headers.connection };
    };
    try {
      expect((await send(event('before'))).status).toBe(200);
      expect(await send(event('x'.repeat(3_000_000)))).toEqual({ status: 413, connection: 'close' });
      expect((await send(event('after'))).status).toBe(200);
    } finally {
      await agent.close();
    }
  });

  it('leaves other routes to the server', async () => {
    const response = await fetch(`${baseUrl}/slack/other`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(404);
  });
});
