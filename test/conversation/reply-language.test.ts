import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/conversation/types.js';
import { conversationHarness, wordsOf, type ConversationHarness } from './harness.js';

let h: ConversationHarness;
afterEach(async () => h?.close());

const ENGLISH = 'Sorry, I did not understand that.';
const DUTCH = 'Sorry, dat begreep ik niet.';

/** The language of the one "did not understand" reply a message got. */
function languageOf(replies: Reply[]): 'en' | 'nl' | string {
  expect(replies).toHaveLength(1);
  const words = wordsOf(replies[0]!);
  return words.startsWith(ENGLISH) ? 'en' : words.startsWith(DUTCH) ? 'nl' : words;
}

describe('the language of the answer to a short message', () => {
  it('keeps the person\'s own language when the words mark none, and follows the words that do', async () => {
    h = await conversationHarness();
    // Alex: English in the directory and client; Adele: Dutch in both.
    for (const text of ['ok', 'Megan', 'Send As']) {
      expect(languageOf(await h.say('alex', text)), `alex: ${text}`).toBe('en');
      expect(languageOf(await h.say('adele', text)), `adele: ${text}`).toBe('nl');
    }
    for (const [text, language] of [['next week', 'en'], ['tomorrow', 'en'], ['yes', 'en'], ['morgen', 'nl'], ['volgende week', 'nl'], ['ja', 'nl']] as const) {
      expect(languageOf(await h.say('alex', text)), `alex: ${text}`).toBe(language);
      expect(languageOf(await h.say('adele', text)), `adele: ${text}`).toBe(language);
    }
  });

  it('without a language in the directory, keeps the client\'s', async () => {
    h = await conversationHarness();
    // Isaiah has no preferredLanguage in the Contoso directory.
    expect(languageOf(await h.say('isaiah', 'ok', 'nl-NL'))).toBe('nl');
    expect(languageOf(await h.say('isaiah', 'ok', 'en-US'))).toBe('en');
  });

  it('answers an answer to its question in the language the question was asked in', async () => {
    h = await conversationHarness();
    expect((await h.say('alex', 'give send as on Training')).map(wordsOf)).toEqual(['For whom is this? Reply with a name.']);
    const [notFound, again] = await h.say('alex', 'morgen');
    expect(wordsOf(notFound!)).toBe('I could not find "morgen" in the directory.');
    expect(wordsOf(again!)).toBe('For whom is this? Reply with a name, or say "cancel" to stop.');
  });
});
