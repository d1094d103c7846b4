import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSlackToken, TOKEN_ERRORS } from '../../../src/channels/slack/token-check.js';
import { SlackWebApi } from '../../../src/channels/slack/web-api.js';
import { SlackWorkspace } from '../../../src/channels/slack/workspace.js';
import { isBotError } from '../../../src/domain/errors.js';
import type { Logger } from '../../../src/domain/logger.js';
import { FAKE_BOT, FAKE_TEAM, SlackApiFake } from '../../fakes/slack-api-fake.js';

/** A logger that keeps what it was told. */
function recordingLogger(): Logger & { lines: Array<{ level: string; msg?: string; obj: object }> } {
  const lines: Array<{ level: string; msg?: string; obj: object }> = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, ...(msg !== undefined ? { msg } : {}) });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('the Slack token is checked once at start (auth.test)', () => {
  let fake: SlackApiFake;
  const workspaceOf = (apiUrl = fake.apiUrl, token = fake.token) => new SlackWorkspace(new SlackWebApi({ token, apiUrl }));

  beforeAll(async () => {
    fake = await new SlackApiFake().start();
  });
  afterAll(() => fake.close());

  it('names the workspace, which every later use takes from that one answer', async () => {
    const logger = recordingLogger();
    const workspace = workspaceOf();
    const before = fake.calls('auth.test').length;
    expect(await checkSlackToken(workspace, logger)).toEqual({ teamId: FAKE_TEAM.id, botUserId: FAKE_BOT.userId, botId: FAKE_BOT.botId });
    expect(await workspace.get()).toMatchObject({ teamId: FAKE_TEAM.id });
    expect(fake.calls('auth.test').length).toBe(before + 1);
    expect(logger.lines).toEqual([{ level: 'info', msg: 'slack token accepted', obj: { team: FAKE_TEAM.id, botUserId: FAKE_BOT.userId } }]);
  });

  it.each([...TOKEN_ERRORS])('refuses the start when Slack answers %s, naming SLACK_BOT_TOKEN and the code on one line', async (code) => {
    fake.failNext('auth.test', code);
    const logger = recordingLogger();
    const error = await checkSlackToken(workspaceOf(), logger).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isBotError(error, 'config_invalid')).toBe(true);
    expect((error as Error).message).toMatch(new RegExp(`^SLACK_BOT_TOKEN: Slack refused it \\(${code}\\)`));
    expect((error as Error).message).not.toContain('\n');
    expect(logger.lines).toEqual([]);
  });

  it('refuses a token of another app or a typo as Slack answers it (invalid_auth)', async () => {
    const error = await checkSlackToken(workspaceOf(fake.apiUrl, 'xoxb-wrong'), recordingLogger()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'config_invalid', message: expect.stringContaining('SLACK_BOT_TOKEN: Slack refused it (invalid_auth)') });
    // The fake lists a call with a wrong token as a violation; this one was meant.
    fake.violations.length = 0;
  });

  it.each([
    ['HTTP 503', () => fake.httpNext('auth.test', 503)],
    ['HTTP 429', () => fake.httpNext('auth.test', 429, 30)],
    ['ok:false internal_error', () => fake.failNext('auth.test', 'internal_error')],
  ])('starts with a warning on %s (a Slack outage), and asks again on first use', async (_what, script) => {
    script();
    const logger = recordingLogger();
    const workspace = workspaceOf();
    expect(await checkSlackToken(workspace, logger)).toBeUndefined();
    expect(logger.lines.map((l) => [l.level, l.msg])).toEqual([['warn', 'slack auth.test failed at start: Slack unreachable, starting anyway (asked again on first use)']]);
    expect(await workspace.get()).toMatchObject({ teamId: FAKE_TEAM.id });
  });

  it('starts with a warning when nothing listens at SLACK_API_URL', async () => {
    const closed = await new SlackApiFake().start();
    const url = closed.apiUrl;
    await closed.close();
    const logger = recordingLogger();
    expect(await checkSlackToken(workspaceOf(url), logger)).toBeUndefined();
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatchObject({ level: 'warn', obj: { err: expect.stringContaining('Slack auth.test') } });
  });

  it('made no call the fake would refuse', () => {
    expect(fake.violations).toEqual([]);
  });
});
