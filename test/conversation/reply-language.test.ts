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

  it('answers a Dutch speaker\'s "status", "help" and request id in Dutch; only words that mark English switch', async () => {
    h = await conversationHarness();
    const [summary] = await h.say('alex', 'give Megan send as on Training');
    if (summary?.kind !== 'summary') throw new Error('no summary');
    const id = summary.request.id;
    for (const text of [`status ${id}`, `status van ${id}`, `status ${id.toLowerCase()}`]) {
      const [reply] = await h.say('adele', text);
      expect(reply?.kind === 'requests' && reply.view.title, text).toBe(`Aanvraag ${id}`);
    }
    for (const text of ['status req-abcdef', 'status van REQ-ABCDEF']) {
      expect((await h.say('adele', text)).map(wordsOf), text).toEqual(['Ik kon aanvraag REQ-ABCDEF niet vinden.']);
    }
    expect((await h.say('alex', 'status req-abcdef')).map(wordsOf)).toEqual(['I could not find request REQ-ABCDEF.']);
    const [list] = await h.say('adele', 'status');
    expect(list?.kind === 'requests' && list.view.title).toBe('Je aanvragen');
    const [help] = await h.say('adele', 'help');
    expect(wordsOf(help!)).toContain('Bot voor toegang tot postvakken');
    const [englishHelp] = await h.say('alex', 'help');
    expect(wordsOf(englishHelp!)).toContain('Mailbox access bot');
  });

  it('answers "stop" in the language of the question it stops, and "stop" with nothing asked in the person\'s', async () => {
    h = await conversationHarness();
    expect((await h.say('adele', 'geef send as op Support')).map(wordsOf)).toEqual(['Voor wie is dit? Antwoord met een naam.']);
    expect((await h.say('adele', 'stop')).map(wordsOf)[0]).toMatch(/^Goed, ik vraag niet verder/);
    expect((await h.say('adele', 'stop')).map(wordsOf)[0]).toMatch(/^Ik had je niets gevraagd/);
    // A question asked in English (Adele wrote English) is stopped in English; "never mind" is English anyway.
    expect((await h.say('adele', 'give send as on Support')).map(wordsOf)).toEqual(['For whom is this? Reply with a name.']);
    expect((await h.say('adele', 'stop')).map(wordsOf)[0]).toMatch(/^OK, I stopped asking/);
    expect((await h.say('alex', 'give send as on Support')).map(wordsOf)).toEqual(['For whom is this? Reply with a name.']);
    expect((await h.say('alex', 'stop')).map(wordsOf)[0]).toMatch(/^OK, I stopped asking/);
    expect((await h.say('alex', 'stop')).map(wordsOf)[0]).toMatch(/^I was not asking you anything/);
    expect((await h.say('alex', 'laat maar')).map(wordsOf)[0]).toMatch(/^Ik had je niets gevraagd/);
  });
});
