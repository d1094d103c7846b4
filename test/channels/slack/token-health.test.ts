import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackTokenHealth } from '../../../src/channels/slack/token-health.js';
import { createSlackApis } from '../../../src/channels/slack/web-api.js';
import type { Logger } from '../../../src/domain/logger.js';
import { SlackApiFake } from '../../fakes/slack-api-fake.js';

/** A logger that keeps what it was told. */
function recordingLogger(): Logger & { lines: Array<{ level: string; msg?: string; obj: Record<string, unknown> }> } {
  const lines: Array<{ level: string; msg?: string; obj: Record<string, unknown> }> = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj: obj as Record<string, unknown>, ...(msg !== undefined ? { msg } : {}) });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('a bot token Slack stops taking at runtime is told to the operator once, as an error', () => {
  let fake: SlackApiFake;
  beforeAll(async () => {
    fake = await new SlackApiFake().start();
  });
  afterAll(() => fake.close());

  const post = (api: { postMessage: (args: { channel: string; text: string; blocks: unknown[] }) => Promise<unknown> }) =>
    api.postMessage({ channel: 'C0GENERAL', text: 'hi', blocks: [] }).then(
      () => 'ok',
      (error: { code?: string }) => error.code,
    );

  it('logs one error naming the code and SLACK_BOT_TOKEN for many refused calls of both clients, and one info line when Slack takes it again', async () => {
    const logger = recordingLogger();
    const health = new SlackTokenHealth(logger);
    const apis = createSlackApis({ token: fake.token, apiUrl: fake.apiUrl, health });

    fake.failNext('chat.postMessage', 'token_revoked', 3);
    // Still a retryable failure for the callers: the deliveries keep retrying within their 24 h.
    expect(await post(apis.delivery)).toBe('channel_unavailable');
    expect(await post(apis.turn)).toBe('channel_unavailable');
    expect(await post(apis.delivery)).toBe('channel_unavailable');
    expect(health.refusedWith).toBe('token_revoked');
    const errors = logger.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.msg).toMatch(/token_revoked.*SLACK_BOT_TOKEN/);
    expect(errors[0]!.obj).toEqual({ method: 'chat.postMessage', slackError: 'token_revoked' });

    // The operator replaced the token: the next call succeeds.
    expect(await post(apis.delivery)).toBe('ok');
    expect(health.refusedWith).toBeUndefined();
    expect(logger.lines.filter((l) => l.level === 'info').map((l) => l.msg)).toEqual(['Slack takes the bot token again']);
    expect(await post(apis.turn)).toBe('ok');
    expect(logger.lines).toHaveLength(2);
  });

  it('logs again when the refusal changes (a scope removed after a revoked token), and ignores codes that are about the recipient or a passing fault', async () => {
    const logger = recordingLogger();
    const health = new SlackTokenHealth(logger);
    const apis = createSlackApis({ token: fake.token, apiUrl: fake.apiUrl, health });

    fake.failNext('chat.postMessage', 'channel_not_found');
    expect(await post(apis.delivery)).toBe('recipient_unreachable');
    fake.failNext('chat.postMessage', 'internal_error');
    expect(await post(apis.delivery)).toBe('channel_unavailable');
    expect(logger.lines).toEqual([]);

    fake.failNext('chat.postMessage', 'invalid_auth');
    await post(apis.delivery);
    fake.failNext('chat.postMessage', 'missing_scope');
    await post(apis.delivery);
    expect(logger.lines.map((l) => [l.level, l.obj.slackError])).toEqual([
      ['error', 'invalid_auth'],
      ['error', 'missing_scope'],
    ]);
  });

  it('logs a scope missing for one method once, naming the scope, though other methods keep succeeding, and again only after that method succeeded', async () => {
    const logger = recordingLogger();
    const health = new SlackTokenHealth(logger);
    const apis = createSlackApis({ token: fake.token, apiUrl: fake.apiUrl, health });
    fake.addUser({ id: 'U0HEALTH01', email: 'health@contoso.example' });
    const lookUp = () => apis.turn.usersInfo('U0HEALTH01').then(() => 'ok', (error: { code?: string; retryable?: boolean }) => `${error.code}:${error.retryable}`);

    fake.removeScope('users:read');
    for (let i = 0; i < 3; i++) {
      expect(await lookUp()).toBe('channel_unavailable:true');
      // The replies still go out: that says nothing about users:read.
      expect(await post(apis.turn)).toBe('ok');
    }
    expect(logger.lines.map((l) => [l.level, l.obj])).toEqual([['error', { method: 'users.info', slackError: 'missing_scope', needed: 'users:read' }]]);
    expect(logger.lines[0]!.msg).toMatch(/users\.info.*users:read.*reinstall.*SLACK_BOT_TOKEN.*people cannot be looked up and are told so$/);
    expect(health.refusedWith).toBe('missing_scope');

    fake.grantScope('users:read');
    expect(await lookUp()).toBe('ok');
    expect(logger.lines.slice(1).map((l) => [l.level, l.msg])).toEqual([['info', 'Slack takes users.info again']]);
    expect(health.refusedWith).toBeUndefined();
    fake.removeScope('users:read');
    await lookUp();
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(2);
    fake.grantScope('users:read');
  });

  it('says what a missing scope stops: posting (nobody can be told), not looking people up', async () => {
    const logger = recordingLogger();
    const apis = createSlackApis({ token: fake.token, apiUrl: fake.apiUrl, health: new SlackTokenHealth(logger) });
    fake.removeScope('chat:write');
    try {
      expect(await post(apis.delivery)).toBe('channel_unavailable');
    } finally {
      fake.grantScope('chat:write');
    }
    expect(logger.lines.map((l) => l.level)).toEqual(['error']);
    expect(logger.lines[0]!.msg).toMatch(/chat\.postMessage.*chat:write.*cannot post or update its messages/);
    expect(logger.lines[0]!.msg).not.toMatch(/looked up/);
  });

  it('counts not_allowed_token_type and account_inactive (a token of a deleted user or workspace) as the token refused', async () => {
    const logger = recordingLogger();
    const health = new SlackTokenHealth(logger);
    const { turn } = createSlackApis({ token: fake.token, apiUrl: fake.apiUrl, health });
    fake.failNext('users.info', 'not_allowed_token_type');
    await expect(turn.usersInfo('U0HEALTH02')).rejects.toMatchObject({ code: 'channel_unavailable', retryable: true });
    fake.failNext('users.info', 'account_inactive');
    await expect(turn.usersInfo('U0HEALTH02')).rejects.toMatchObject({ code: 'channel_unavailable', retryable: true });
    expect(logger.lines.map((l) => [l.level, l.obj.slackError])).toEqual([
      ['error', 'not_allowed_token_type'],
      ['error', 'account_inactive'],
    ]);
    expect(logger.lines[0]!.msg).toMatch(/not the app's bot token.*xoxb/);
  });

  it("leaves auth.test's refusal to the start check, which stops the start with one line", async () => {
    const logger = recordingLogger();
    const health = new SlackTokenHealth(logger);
    const { delivery } = createSlackApis({ token: fake.token, apiUrl: fake.apiUrl, health });
    fake.failNext('auth.test', 'invalid_auth');
    await expect(delivery.authTest()).rejects.toMatchObject({ details: { slackError: 'invalid_auth' } });
    expect(logger.lines).toEqual([]);
    expect(health.refusedWith).toBeUndefined();
  });
});
