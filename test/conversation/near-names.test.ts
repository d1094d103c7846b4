import { afterEach, describe, expect, it } from 'vitest';
import { StoredDrafts } from '../../src/conversation/drafts.js';
import type { Reply } from '../../src/conversation/types.js';
import { conversationHarness, wordsOf, type ConversationHarness } from './harness.js';
import { PEOPLE, TARGETS, type Person } from './scripts/spec-conversations.js';

let h: ConversationHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Each reply as `[kind] words`, so a test reads what the person reads. */
function read(replies: Reply[]): string[] {
  return replies.map((r) => `[${r.kind}] ${wordsOf(r)}`);
}

async function requestsOf(person: Person) {
  return (await h!.app.engine.requestsOf(PEOPLE[person].id)).map((r) => ({ rights: r.rights, grantee: r.granteeId, target: r.targetId }));
}

function choiceIn(replies: Reply[]) {
  const choice = replies.find((r) => r.kind === 'choice');
  if (choice?.kind !== 'choice') throw new Error(`no choice in ${JSON.stringify(read(replies))}`);
  return choice;
}

const DID_YOU_MEAN_TRAINING = '[choice] Please choose\nDid you mean Training? Pick one, reply with another name, or say "cancel" to stop.\nTraining (training@contoso.example)';

describe('a name not found, with names close to it', () => {
  it('says it was not found and offers the close mailbox as a choice ("Did you mean Training?"), acting only once it is picked', async () => {
    h = await conversationHarness();
    const replies = await h.say('alex', 'give Megan send-as on Trainig');
    expect(read(replies)).toEqual(['[refusal] I could not find a mailbox or group called "Trainig".', DID_YOU_MEAN_TRAINING]);
    expect(replies[0]?.kind === 'refusal' ? replies[0].code : undefined).toBe('unknown_target');
    // Never acted on a guess.
    expect(await requestsOf('alex')).toEqual([]);
    const choice = choiceIn(replies);
    // The click is answered in place (the choice replaced by what was picked), the request follows.
    const clicked = await h.click('alex', 'choose', { draftId: choice.draftId, step: choice.step, pick: choice.options[0]!.pick });
    expect(clicked.map((r) => r.kind)).toEqual(['notice', 'summary']);
    expect(wordsOf(clicked[0]!)).toContain('Training (training@contoso.example)');
    expect(await requestsOf('alex')).toEqual([{ rights: ['SendAs'], grantee: PEOPLE.megan.id, target: TARGETS.training }]);
  });

  it('asks "Bedoel je …?" in Dutch, and takes the option typed back or its place', async () => {
    h = await conversationHarness();
    expect(read(await h.say('adele', 'geef Megan verzenden als op Trainig'))).toEqual([
      '[refusal] Ik kon geen postvak of groep met de naam "Trainig" vinden.',
      '[choice] Maak een keuze\nBedoel je Training? Kies er een, antwoord met een andere naam, of zeg "annuleer" om te stoppen.\nTraining (training@contoso.example)',
    ]);
    expect((await h.say('adele', 'de eerste')).map((r) => r.kind)).toEqual(['summary']);
    expect(await requestsOf('adele')).toEqual([{ rights: ['SendAs'], grantee: PEOPLE.megan.id, target: TARGETS.training }]);
    expect(read(await h.say('adele', 'geef Isaiah verzenden als op Suport'))[1]).toContain('Bedoel je Support?');
    expect((await h.say('adele', 'Support')).map((r) => r.kind)).toEqual(['summary']);
  });

  it('offers close people for a person not found (a typo, the start of a name), en and nl', async () => {
    h = await conversationHarness();
    expect(read(await h.say('alex', 'give Megn send-as on Training'))).toEqual([
      '[refusal] I could not find "Megn" in the directory.',
      '[choice] Please choose\nDid you mean Megan Bowen? Pick one, reply with another name, or say "cancel" to stop.\nMegan Bowen (meganb@contoso.example)',
    ]);
    expect((await h.say('alex', 'Megan Bowen')).map((r) => r.kind)).toEqual(['summary']);
    expect(read(await h.say('adele', 'geef Isai verzenden als op Training'))[1]).toContain('Bedoel je Isaiah Langer?');
    expect(await requestsOf('adele')).toEqual([]);
  });

  it('offers several close names at once, at most three, as the buttons', async () => {
    h = await conversationHarness();
    const choice = choiceIn(await h.say('alex', 'give Jan Smitt send-as on Training'));
    expect(choice.question).toContain('Did you mean Jan Smit?');
    const both = choiceIn(await h.say('alex', 'give Jann send-as on Training'));
    // "Jann": one letter from both Jans (and from no one else).
    expect(both.question).toBe('Did you mean Jan Jansen or Jan Smit? Pick one, reply with another name, or say "cancel" to stop.');
    expect(both.options.map((o) => o.label)).toEqual(['Jan Jansen (jan.jansen@contoso.example)', 'Jan Smit (jan.smit@contoso.example)']);
  });

  it('looks up another name typed instead of a pick, with near names of its own, and asks again when nothing is close', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send-as on Trainig');
    expect(read(await h.say('alex', 'Suport'))).toEqual([
      '[refusal] I could not find a mailbox or group called "Suport".',
      '[choice] Please choose\nDid you mean Support? Pick one, reply with another name, or say "cancel" to stop.\nSupport (support@contoso.example)',
    ]);
    expect(read(await h.say('alex', 'Finance'))).toEqual([
      '[refusal] I could not find a mailbox or group called "Finance".',
      '[ask] On which mailbox or group? Reply with its name, or say "cancel" to stop.',
    ]);
    expect((await h.say('alex', 'Sales')).map((r) => r.kind)).toEqual(['summary']);
    expect(await requestsOf('alex')).toEqual([{ rights: ['SendAs'], grantee: PEOPLE.megan.id, target: TARGETS.sales }]);
  });

  it('takes a yes to one name offered as that name (en, nl), and asks which of several a yes means, with the buttons (en, nl)', async () => {
    h = await conversationHarness();
    for (const [yes, who] of [['yes', 'Megan'], ['Yes please', 'Isaiah'], ["that's right", 'Miriam']] as const) {
      await h.say('alex', `give ${who} send-as on Trainig`);
      expect((await h.say('alex', yes)).map((r) => r.kind), yes).toEqual(['summary']);
    }
    await h.say('adele', 'geef Megan verzenden als op Suport');
    expect((await h.say('adele', 'ja, klopt')).map((r) => r.kind)).toEqual(['summary']);
    expect(await requestsOf('adele')).toEqual([{ rights: ['SendAs'], grantee: PEOPLE.megan.id, target: TARGETS.support }]);
    await h.say('isaiah', 'give Jann send-as on Training');
    // A yes is no wrong pick: it names none of them, so "which one?".
    expect(read(await h.say('isaiah', 'yes'))).toEqual([
      '[text] Which one? Pick one of the buttons above (Jan Jansen (jan.jansen@contoso.example), Jan Smit (jan.smit@contoso.example)), or say "cancel" to stop.',
    ]);
    expect(await requestsOf('isaiah')).toEqual([]);
    expect((await h.say('isaiah', 'Jan Smit')).map((r) => r.kind)).toEqual(['summary']);
    await h.say('miriam', 'geef Jann verzenden als op Training');
    expect(read(await h.say('miriam', 'ja'))).toEqual([
      '[text] Welke bedoel je? Kies een van de knoppen hierboven (Jan Jansen (jan.jansen@contoso.example), Jan Smit (jan.smit@contoso.example)), of zeg "annuleer" om te stoppen.',
    ]);
    expect(await requestsOf('miriam')).toEqual([]);
  });

  it('stops at "cancel" with nothing requested', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send-as on Trainig');
    await h.say('alex', 'cancel');
    expect(await new StoredDrafts(h.app.store).draft(PEOPLE.alex.id)).toBeUndefined();
    expect(await requestsOf('alex')).toEqual([]);
  });

  it('offers the close mailbox for a question too ("who has access to Trainig?")', async () => {
    h = await conversationHarness();
    const replies = await h.say('alex', 'who has access to Trainig?');
    expect(read(replies)[1]).toBe(DID_YOU_MEAN_TRAINING);
  });

  it('offers nothing when no name is close: the refusal and the question as before', async () => {
    h = await conversationHarness();
    expect(read(await h.say('alex', 'give Megan send-as on Banana'))).toEqual([
      '[refusal] I could not find a mailbox or group called "Banana".',
      '[ask] On which mailbox or group? Reply with its name.',
    ]);
    expect(read(await h.say('alex', 'give Bob send-as on Training'))).toEqual([
      '[refusal] I could not find "Bob" in the directory.',
      '[ask] For whom is this? Reply with a name.',
    ]);
  });
});
