import type { TurnContext } from 'botbuilder';
import pino from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createBotAdapter } from '../../../src/channels/teams/mount.js';
import { t } from '../../../src/conversation/wording/strings.js';
import { loadConfig } from '../../../src/config.js';
import { BotError } from '../../../src/domain/errors.js';

/**
 * The adapter's turn-error handler, with what it logs (level and message) and what it sends back.
 * `message`: what the failed message activity said and its client's locale.
 */
async function turnError(error: Error, message: { text?: string; locale?: string } = {}) {
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
  const context = { activity: { type: 'message', ...message }, sendActivity: async (activity: { text?: string }) => void sent.push(activity) } as unknown as TurnContext;
  await adapter.onTurnError!(context, error);
  await new Promise((resolve) => setImmediate(resolve));
  return { lines, sent };
}

describe('Teams turn errors', () => {
  it('the store being down: the person is told to try again in a few minutes, in their language, logged as a warning (the store logs the outage)', async () => {
    const down = new BotError('store_unavailable', 'Redis at 127.0.0.1:6379 is unavailable');
    const { lines, sent } = await turnError(down, { text: 'give Megan send-as on Training', locale: 'en-US' });
    expect(sent.map((a) => a.text)).toEqual([t('en', 'reply.storeUnavailable')]);
    expect(lines).toEqual([{ level: 40, msg: 'turn failed: store unavailable' }]);
    expect((await turnError(down, { text: 'geef Megan verzenden als op Training', locale: 'nl-NL' })).sent.map((a) => a.text)).toEqual([t('nl', 'reply.storeUnavailable')]);
  });

  it('anything else: "something went wrong" from the wording, logged as an error', async () => {
    const { lines, sent } = await turnError(new Error('boom'), { text: 'give Megan send-as on Training', locale: 'en-US' });
    expect(sent.map((a) => a.text)).toEqual([t('en', 'reply.error')]);
    expect(lines).toEqual([{ level: 50, msg: 'turn failed' }]);
  });

  it.each([
    ['Dutch words from a Dutch client', { text: 'geef Megan verzenden als op Training', locale: 'nl-NL' }, 'nl'],
    ['Dutch words from an English client: the words count, as the conversation reads them', { text: 'geef Megan verzenden als op Training', locale: 'en-US' }, 'nl'],
    ['English words from a Dutch client', { text: 'give Megan send-as on Training', locale: 'nl-NL' }, 'en'],
    ['no telling words, a Dutch client', { text: 'REQ-7K2F9', locale: 'nl-BE' }, 'nl'],
    ['no telling words, a German client: English', { text: 'REQ-7K2F9', locale: 'de-DE' }, 'en'],
    ['nothing known: English', {}, 'en'],
  ] as const)('"something went wrong" in the person\'s language: %s', async (_what, message, lang) => {
    const { sent } = await turnError(new Error('boom'), message);
    expect(sent.map((a) => a.text)).toEqual([t(lang, 'reply.error')]);
  });
});
