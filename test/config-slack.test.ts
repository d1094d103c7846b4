import { describe, expect, it } from 'vitest';
import { loadConfig, slackEnabled } from '../src/config.js';

describe('configuration: Slack (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL)', () => {
  it('is off with an empty token and secret, on Slack\'s own API by default', () => {
    for (const env of [{}, { SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' }]) {
      const config = loadConfig(env);
      expect(slackEnabled(config)).toBe(false);
      expect(config.SLACK_API_URL).toBe('https://slack.com/api/');
    }
  });

  it('is on with a bot token and a signing secret; the API URL gets its trailing slash', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 's3cret', SLACK_API_URL: 'http://127.0.0.1:9999/api' });
    expect(slackEnabled(config)).toBe(true);
    expect(config.SLACK_API_URL).toBe('http://127.0.0.1:9999/api/');
  });

  it.each([
    [{ SLACK_BOT_TOKEN: 'xoxp-user-token', SLACK_SIGNING_SECRET: 's' }, 'SLACK_BOT_TOKEN: must be a bot token'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1-2-abc' }, 'SLACK_SIGNING_SECRET: is required when SLACK_BOT_TOKEN is set'],
    [{ SLACK_SIGNING_SECRET: 's3cret' }, 'SLACK_BOT_TOKEN: is required when SLACK_SIGNING_SECRET is set'],
    [{ SLACK_BOT_TOKEN: '   ', SLACK_SIGNING_SECRET: 's3cret' }, 'SLACK_BOT_TOKEN: is required when SLACK_SIGNING_SECRET is set'],
    [{ SLACK_API_URL: 'ftp://slack.example/api/' }, 'SLACK_API_URL: must be an http(s) URL'],
  ])('stops the start on a bad value, naming the variable (%j)', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
