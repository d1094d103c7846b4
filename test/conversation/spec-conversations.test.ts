import { afterEach, describe, it } from 'vitest';
import { conversationHarness, playScript, type ConversationHarness } from './harness.js';
import { SPEC_SCRIPTS } from './scripts/spec-conversations.js';

/** SPEC section 2, played against src/conversation directly (no channel, no botbuilder), in both languages. */
describe('the conversations of SPEC section 2', () => {
  let h: ConversationHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  for (const script of SPEC_SCRIPTS) {
    it(`[${script.lang}] ${script.name}`, async () => {
      h = await conversationHarness();
      await playScript(h, script);
    });
  }
});
