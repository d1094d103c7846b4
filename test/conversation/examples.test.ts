import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_DIRECTORY_PATH } from '../../src/config.js';
import type { Reply } from '../../src/conversation/types.js';
import { understand } from '../../src/language/understand.js';
import { conversationHarness, wordsOf, type ConversationHarness } from './harness.js';

let h: ConversationHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function helpOf(harness: ConversationHarness, userId: string, text: string): Promise<string[]> {
  const [reply] = await harness.conversation.handleText({ userId, channel: 'test', text });
  if (reply?.kind !== 'help') throw new Error(`not help: ${JSON.stringify(reply)}`);
  return reply.view.examples;
}

describe('examples come from the directory in use', () => {
  for (const [lang, text] of [['en', 'help'], ['nl', 'hulp']] as const) {
    it(`[${lang}] the bundled sample directory: no Megan or Alex, and every example is understood as written`, async () => {
      h = await conversationHarness({ env: { DIRECTORY: `file:${SAMPLE_DIRECTORY_PATH}` } });
      const examples = await helpOf(h, 'u-liam', text);
      expect(examples.join(' ')).not.toMatch(/Megan|Alex/);
      expect(examples[0]).toBe(lang === 'en' ? 'give Sofie send as on Training' : 'geef Sofie verzenden als op Training');
      for (const example of examples) {
        for (const sentence of example.split(' / ')) {
          const understood = await understand(sentence, { directory: h.app.directory, requesterId: 'u-liam', now: new Date(h.clock.now()) });
          expect({ sentence, intent: understood.intent, language: understood.language }).toMatchObject({ sentence, language: lang });
          expect(understood.intent, sentence).not.toBe('unknown');
        }
      }
    });
  }

  it('the "did not understand" hint is an example that works here', async () => {
    h = await conversationHarness({ env: { DIRECTORY: `file:${SAMPLE_DIRECTORY_PATH}` } });
    const [reply] = (await h.conversation.handleText({ userId: 'u-liam', channel: 'test', text: 'hello there' })) as [Reply];
    expect(wordsOf(reply)).toContain('"give Sofie send as on Training"');
    const [empty] = (await h.conversation.handleText({ userId: 'u-sofie', channel: 'test', text: '   ' })) as [Reply];
    // Sofie is not her own example; an empty message has no words to change her language (Dutch in the directory).
    expect(wordsOf(empty)).toContain('"geef Daan verzenden als op Training"');
  });
});
