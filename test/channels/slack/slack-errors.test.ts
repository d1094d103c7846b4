import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackCall } from '../../../src/channels/slack/slack-errors.js';
import { createSlackClients } from '../../../src/channels/slack/workspace.js';
import { isBotError, type BotError } from '../../../src/domain/errors.js';
import { SlackApiFake } from '../../fakes/slack-api-fake.js';

const logger = pino({ level: 'silent' });

async function failure(call: () => Promise<unknown>): Promise<BotError> {
  try {
    await call();
  } catch (error) {
    if (isBotError(error)) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

describe('Slack Web API failures as coded errors', () => {
  let fake: SlackApiFake;
  let client: ReturnType<typeof createSlackClients>['delivery'];
  const post = () => slackCall('chat.postMessage', () => client.chat.postMessage({ channel: 'C0GENERAL', text: 'hi' }));

  beforeAll(async () => {
    fake = await new SlackApiFake().start();
    client = createSlackClients({ token: fake.token, apiUrl: fake.apiUrl, logger }).delivery;
  });
  afterAll(() => fake.close());

  it.each(['user_not_found', 'cannot_dm_bot', 'account_inactive', 'user_disabled', 'not_in_channel', 'channel_not_found', 'is_archived'])(
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

  it.each(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'invalid_auth', 'token_revoked', 'missing_scope'])('ok:false %s: channel_unavailable, retryable', async (code) => {
    fake.failNext('chat.postMessage', code);
    const error = await failure(post);
    expect(error).toMatchObject({ code: 'channel_unavailable', retryable: true, details: { slackError: code } });
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
    const offline = createSlackClients({ token: fake.token, apiUrl: url, logger }).delivery;
    const error = await failure(() => slackCall('auth.test', () => offline.auth.test()));
    expect(error).toMatchObject({ code: 'channel_unavailable', retryable: true, details: { method: 'auth.test' } });
  });

  it('sends the token in the Authorization header and nothing the fake would refuse', async () => {
    await slackCall('chat.postMessage', () => client.chat.postMessage({ channel: 'C0GENERAL', text: 'fine' }));
    expect(fake.violations).toEqual([]);
  });
});
