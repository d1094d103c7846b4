import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackWebApi } from '../../../src/channels/slack/web-api.js';
import { isBotError, type BotError } from '../../../src/domain/errors.js';
import { SlackApiFake } from '../../fakes/slack-api-fake.js';


async function failure(call: () => Promise<unknown>): Promise<BotError> {
  try {
    await call();
  } catch (error) {
    if (isBotError(error)) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

describe('Slack Web API calls and their failures as coded errors', () => {
  let fake: SlackApiFake;
  let api: SlackWebApi;
  const post = () => api.postMessage({ channel: 'C0GENERAL', text: 'hi', blocks: [] });

  beforeAll(async () => {
    fake = await new SlackApiFake().start();
    api = new SlackWebApi({ token: fake.token, apiUrl: fake.apiUrl });
  });
  afterAll(() => fake.close());

  it.each(['user_not_found', 'cannot_dm_bot', 'user_disabled', 'not_in_channel', 'channel_not_found', 'is_archived'])(
    'ok:false %s: recipient_unreachable, not retried',
    async (code) => {
      fake.failNext('chat.postMessage', code);
      const error = await failure(post);
      expect(error.code).toBe('recipient_unreachable');
      expect(error.retryable).toBe(false);
      expect(error.details).toMatchObject({ method: 'chat.postMessage', slackError: code });
    },
  );

  it('429 with Retry-After: channel_unavailable with retryAfterMs, answered at once (no retry inside the client)', async () => {
    fake.httpNext('chat.postMessage', 429, 7);
    const before = fake.calls('chat.postMessage').length;
    const error = await failure(post);
    expect(error.code).toBe('channel_unavailable');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(7000);
    expect(fake.calls('chat.postMessage').length).toBe(before + 1);
  });

  it.each([500, 502, 503])('HTTP %i: channel_unavailable, retryable', async (status) => {
    fake.httpNext('chat.postMessage', status);
    const error = await failure(post);
    expect(error).toMatchObject({ code: 'channel_unavailable', retryable: true, details: { status } });
  });

  it.each(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'invalid_auth', 'token_revoked', 'missing_scope', 'not_allowed_token_type', 'account_inactive'])('ok:false %s: channel_unavailable, retryable', async (code) => {
    fake.failNext('chat.postMessage', code);
    const error = await failure(post);
    expect(error).toMatchObject({ code: 'channel_unavailable', retryable: true, details: { slackError: code } });
  });

  it('ok:false account_inactive from users.info is the token too (channel_unavailable, retryable), not the person; missing_scope names what is needed', async () => {
    fake.failNext('users.info', 'account_inactive');
    expect(await failure(() => api.usersInfo('U0NOBODY01'))).toMatchObject({ code: 'channel_unavailable', retryable: true, details: { method: 'users.info', slackError: 'account_inactive' } });
    fake.removeScope('users:read');
    try {
      expect(await failure(() => api.usersInfo('U0NOBODY01'))).toMatchObject({ code: 'channel_unavailable', retryable: true, details: { slackError: 'missing_scope', needed: 'users:read' } });
    } finally {
      fake.grantScope('users:read');
    }
  });

  it('ok:false invalid_blocks: channel_unavailable, not retried (Slack will never take that message)', async () => {
    fake.failNext('chat.postMessage', 'invalid_blocks');
    const error = await failure(post);
    expect(error).toMatchObject({ code: 'channel_unavailable', retryable: false });
  });

  it('a refused connection: channel_unavailable, retryable', async () => {
    const closed = await new SlackApiFake().start();
    const url = closed.apiUrl;
    await closed.close();
    const offline = new SlackWebApi({ token: fake.token, apiUrl: url });
    const error = await failure(() => offline.authTest());
    expect(error).toMatchObject({ code: 'channel_unavailable', retryable: true, details: { method: 'auth.test' } });
  });

  it('sends the token in the Authorization header and nothing the fake would refuse', async () => {
    await api.postMessage({ channel: 'C0GENERAL', text: 'fine', blocks: [] });
    expect(fake.violations).toEqual([]);
  });

  it('the turn client tries twice more after a network error or 5xx, waits out a 429 of up to 3 s but not a longer one; the delivery client not at all', async () => {
    const waits: number[] = [];
    const turn = new SlackWebApi({ token: fake.token, apiUrl: fake.apiUrl, retries: 2, sleep: async (ms) => void waits.push(ms) });
    fake.httpNext('chat.postMessage', 503, undefined, 2);
    await expect(turn.postMessage({ channel: 'C0GENERAL', text: 'third time', blocks: [] })).resolves.toMatchObject({ channel: 'C0GENERAL' });
    waits.length = 0;
    fake.httpNext('chat.postMessage', 429, 1);
    await expect(turn.postMessage({ channel: 'C0GENERAL', text: 'throttled briefly', blocks: [] })).resolves.toMatchObject({ channel: 'C0GENERAL' });
    expect(waits).toEqual([1000]);
    fake.httpNext('chat.postMessage', 429, 7);
    const before = fake.calls('chat.postMessage').length;
    await expect(turn.postMessage({ channel: 'C0GENERAL', text: 'throttled', blocks: [] })).rejects.toMatchObject({ code: 'channel_unavailable', details: { retryAfterMs: 7000 } });
    expect(fake.calls('chat.postMessage').length).toBe(before + 1);
    fake.httpNext('chat.postMessage', 503);
    await expect(post()).rejects.toMatchObject({ code: 'channel_unavailable' });
  });

  it('sends write methods as JSON and read methods form-encoded, as Slack takes them', async () => {
    fake.addUser({ id: 'U0SOMEONE1', name: 'Some One', email: 'some.one@contoso.example' });
    await api.usersInfo('U0SOMEONE1');
    await api.postMessage({ channel: 'C0GENERAL', text: 'json', blocks: [{ type: 'divider' }] });
    const [info] = fake.server.requests.filter((r) => r.path === '/api/users.info').slice(-1);
    const [posted] = fake.server.requests.filter((r) => r.path === '/api/chat.postMessage').slice(-1);
    expect(info!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(info!.body).toBe('user=U0SOMEONE1&include_locale=true');
    expect(posted!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(posted!.body)).toEqual({ channel: 'C0GENERAL', text: 'json', blocks: [{ type: 'divider' }], unfurl_links: false, unfurl_media: false });
    expect(fake.violations).toEqual([]);
  });
});
