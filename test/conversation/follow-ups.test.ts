import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/conversation/types.js';
import { StoredDrafts } from '../../src/conversation/drafts.js';
import { FileDirectory, parseDirectoryFile } from '../../src/directory/file-directory.js';
import { CONTOSO, conversationHarness, wordsOf, type ConversationHarness } from './harness.js';
import { PEOPLE } from './scripts/spec-conversations.js';

let h: ConversationHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Each reply as `[kind] words`, so a test reads what the person reads. */
function read(replies: Reply[]): string[] {
  return replies.map((r) => `[${r.kind}] ${wordsOf(r)}`);
}

/** The Contoso fixture with two groups whose names read like sentences. */
function withSentenceNames(): FileDirectory {
  const file = parseDirectoryFile(JSON.parse(readFileSync(CONTOSO, 'utf8')));
  const owners = [PEOPLE.miriam.id];
  file.groups.push(
    { id: '9f0e0101-bbbb-4ccc-8ddd-000000000101', displayName: 'Events & Outreach', mail: 'events@contoso.example', owners, members: owners },
    { id: '9f0e0102-bbbb-4ccc-8ddd-000000000102', displayName: 'Sales and Marketing', mail: 'salesmarketing@contoso.example', owners, members: owners },
  );
  return new FileDirectory(file);
}

/** The person's stored draft (the conversation keeps it in the store). */
async function draftOf(userId: string) {
  return new StoredDrafts(h!.app.store).draft(userId);
}

const notFound = (name: string) => `[refusal] I could not find a mailbox or group called "${name}".`;
const ASK = '[ask] On which mailbox or group? Reply with its name.';
const ASK_AGAIN = '[ask] On which mailbox or group? Reply with its name, or say "cancel" to stop.';
const NIET_GEVONDEN = (name: string) => `[refusal] Ik kon geen postvak of groep met de naam "${name}" vinden.`;
const VRAAG_OPNIEUW = '[ask] Op welk postvak of welke groep? Antwoord met de naam, of zeg "annuleer" om te stoppen.';

describe('a question the bot asked does not hold the person', () => {
  it('takes a sentence after "On which mailbox or group?" as a new message, and drops the question', async () => {
    h = await conversationHarness();
    expect(read(await h.say('nestor', 'who has access to Nonexistent?'))).toEqual([notFound('Nonexistent'), ASK]);
    // ("what did the bot do?" is an admin's audit question now: a new message too, answered with a page.)
    expect(read(await h.say('nestor', 'what is the weather like?'))).toEqual([
      '[text] Sorry, I did not understand that. I never guess a request: try for example "give Alex send as on Training", or type "help".',
    ]);
    expect(await draftOf(PEOPLE.nestor.id)).toBeUndefined();
    // The question is gone: a name on its own is no longer taken as its answer.
    expect((await h.say('nestor', 'Training')).map((r) => r.kind)).toEqual(['text']);
  });

  it('answers a question about what someone did to get access as one it cannot answer, never asking for a mailbox (en, nl)', async () => {
    h = await conversationHarness();
    const notUnderstood = '[text] Sorry, I did not understand that. I never guess a request: try for example "give Megan send as on Training", or type "help".';
    const nietBegrepen = '[text] Sorry, dat begreep ik niet. Ik gok nooit een aanvraag: probeer bijvoorbeeld "geef Megan verzenden als op Training", of typ "hulp".';
    expect(read(await h.say('alex', 'what did Megan do to get access?'))).toEqual([notUnderstood]);
    expect(read(await h.say('alex', 'what should Megan do to get access to Training?'))).toEqual([notUnderstood]);
    expect(read(await h.say('adele', 'wat heeft Megan gedaan om toegang te krijgen?'))).toEqual([nietBegrepen.replace('geef Megan', 'geef Alex')]);
    expect(read(await h.say('adele', 'wat moet Megan doen om toegang te krijgen?'))).toEqual([nietBegrepen.replace('geef Megan', 'geef Alex')]);
    expect(await draftOf(PEOPLE.alex.id)).toBeUndefined();
    expect(await draftOf(PEOPLE.adele.id)).toBeUndefined();
    // What someone can open is still asked as before (admins).
    expect((await h.say('nestor', 'what can Megan access?')).map((r) => r.kind)).toEqual(['holdings']);
    expect((await h.say('nestor', 'what does Megan have access to?')).map((r) => r.kind)).toEqual(['holdings']);
  });

  it('takes a new request after a question as that request', async () => {
    h = await conversationHarness();
    await h.say('alex', 'who has access to Nonexistent?');
    expect((await h.say('alex', 'give Megan send as on Training')).map((r) => r.kind)).toEqual(['summary']);
    expect((await h.app.engine.requestsOf(PEOPLE.alex.id)).map((r) => r.rights)).toEqual([['SendAs']]);
    expect(await draftOf(PEOPLE.alex.id)).toBeUndefined();
  });

  it('takes a right named in an unclear message as a new message, not as a name', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send as');
    const replies = read(await h.say('alex', 'give @channel send-as on Training'));
    expect(replies.join('\n')).not.toContain('could not find');
    expect(replies).toEqual(['[text] Sorry, I did not understand that. I never guess a request: try for example "give Megan send as on Training", or type "help".']);
  });

  it('asks once more after a name that is not found, saying how to stop; "cancel" then drops the question and cancels nothing', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send as on Training');
    expect(read(await h.say('alex', 'give Megan send on behalf'))).toEqual([ASK]);
    expect(read(await h.say('alex', 'Nowhere'))).toEqual([notFound('Nowhere'), ASK_AGAIN]);
    expect(read(await h.say('alex', 'Narnia'))).toEqual([notFound('Narnia'), ASK_AGAIN]);
    expect(read(await h.say('alex', 'cancel'))).toEqual([
      '[text] OK, I stopped asking; nothing was requested. To cancel a request you already sent, say "cancel" again.',
    ]);
    expect(await draftOf(PEOPLE.alex.id)).toBeUndefined();
    // The request sent before is still pending; "cancel" said again is about it.
    expect((await h.app.engine.requestsOf(PEOPLE.alex.id)).map((r) => r.state)).toEqual(['pending']);
    expect((await h.say('alex', 'cancel')).map((r) => r.kind)).toEqual(['text']);
    expect((await h.app.engine.requestsOf(PEOPLE.alex.id)).map((r) => r.state)).toEqual(['cancelled']);
  });

  it('does the same in Dutch: the question again with "annuleer", and "annuleer" drops it', async () => {
    h = await conversationHarness();
    expect(read(await h.say('adele', 'geef Megan verzenden als'))).toEqual(['[ask] Op welk postvak of welke groep? Antwoord met de naam.']);
    expect(read(await h.say('adele', 'Nergens'))).toEqual([NIET_GEVONDEN('Nergens'), VRAAG_OPNIEUW]);
    expect(read(await h.say('adele', 'annuleer'))).toEqual([
      '[text] Goed, ik vraag niet verder; er is niets aangevraagd. Wil je een aanvraag intrekken die je al had verstuurd, zeg dan nog een keer "annuleer".',
    ]);
    expect(await draftOf(PEOPLE.adele.id)).toBeUndefined();
    expect(await h.app.engine.requestsOf(PEOPLE.adele.id)).toEqual([]);
  });

  it('"stop", "never mind", "stoppen", "laat maar" drop an open question like "cancel", in their language; "stop" alone is never a removal', async () => {
    h = await conversationHarness();
    // Nobody said "cancel": the hint says the word to use, not "again".
    const DROPPED = '[text] OK, I stopped asking; nothing was requested. To cancel a request you already sent, say "cancel".';
    const GESTOPT = '[text] Goed, ik vraag niet verder; er is niets aangevraagd. Wil je een aanvraag intrekken die je al had verstuurd, zeg dan "annuleer".';
    for (const [words, expected] of [['stop', DROPPED], ['never mind', DROPPED], ['Forget it.', DROPPED], ['stoppen', GESTOPT], ['laat maar', GESTOPT]] as const) {
      expect(read(await h.say('nestor', 'give Alex send as'))).toEqual([ASK]);
      expect(read(await h.say('nestor', words)), words).toEqual([expected]);
      expect(await draftOf(PEOPLE.nestor.id), words).toBeUndefined();
    }
    // An admin's "stop" after a question used to start a removal that his next answers completed
    // and applied at once. Now nothing is asked and nothing is requested.
    expect(read(await h.say('nestor', 'give Alex send as'))).toEqual([ASK]);
    await h.say('nestor', 'stop');
    const after = await h.say('nestor', 'Alex');
    expect(after.map((r) => r.kind)).not.toContain('summary');
    expect(await h.app.engine.requestsOf(PEOPLE.nestor.id)).toEqual([]);
    expect((await h.say('nestor', 'stop')).map((r) => r.kind)).not.toContain('ask');
  });

  it('takes a Dutch sentence with a right as a new message', async () => {
    h = await conversationHarness();
    await h.say('adele', 'geef Megan verzenden als');
    expect((await h.say('adele', 'geef Megan verzenden namens op Training')).map((r) => r.kind)).toEqual(['summary']);
  });

  it('still takes names that read like sentences as the answer, when the directory has them', async () => {
    h = await conversationHarness({ directory: withSentenceNames() });
    await h.say('nestor', 'who has access to Nonexistent?');
    const events = await h.say('nestor', 'Events & Outreach');
    expect(events.map((r) => r.kind)).toEqual(['access']);
    expect(wordsOf(events[0]!)).toContain('Who has access to Events & Outreach');
    await h.say('nestor', 'who has access to Nonexistent?');
    const sales = await h.say('nestor', 'Sales and Marketing');
    expect(sales.map((r) => r.kind)).toEqual(['access']);
    expect(wordsOf(sales[0]!)).toContain('Who has access to Sales and Marketing');
  });
});
