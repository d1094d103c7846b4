import type { TurnContext } from 'botbuilder';
import pino from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createBotAdapter } from '../../../src/channels/teams/mount.js';
import { t } from '../../../src/conversation/wording/strings.js';
import { loadConfig } from '../../../src/config.js';
import { BotError } from '../../../src/domain/errors.js';

/** The adapter's turn-error handler, with what it logs (level and message) and what it sends back. */
async function turnError(error: Error) {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      const { level, msg } = JSON.parse(String(chunk)) as { level: number; msg: string };
      lines.push({ level, msg });
      done();
    },
  });
  const { adapter } = createBotAdapter(loadConfig({ STORE: 'memory' }), pino({ level: 'info' }, sink));
  const sent: { text?: string }[] = [];
  const context = { activity: { type: 'message' }, sendActivity: async (activity: { text?: string }) => void sent.push(activity) } as unknown as TurnContext;
  await adapter.onTurnError!(context, error);
  await new Promise((resolve) => setImmediate(resolve));
  return { lines, sent };
}

describe('Teams turn errors', () => {
  it('the store being down: the person is told to try again in a few minutes (en and nl), logged as a warning (the store logs the outage)', async () => {
    const { lines, sent } = await turnError(new BotError('store_unavailable', 'Redis at 127.0.0.1:6379 is unavailable'));
    expect(sent.map((a) => a.text)).toEqual([`${t('en', 'reply.storeUnavailable')} / ${t('nl', 'reply.storeUnavailable')}`]);
    expect(lines).toEqual([{ level: 40, msg: 'turn failed: store unavailable' }]);
  });

  it('anything else: "something went wrong", logged as an error', async () => {
    const { lines, sent } = await turnError(new Error('boom'));
    expect(sent[0]?.text).toMatch(/^Something went wrong on my side/);
    expect(lines).toEqual([{ level: 50, msg: 'turn failed' }]);
  });
});
