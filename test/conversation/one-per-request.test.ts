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

describe('two rights named in one request', () => {
  it('offers only the rights named, saying one request is one right (en, nl); the pick is requested', async () => {
    h = await conversationHarness();
    expect(read(await h.say('alex', 'give Megan send as and full access on Support'))).toEqual([
      '[choice] Please choose\nI make one request per right. Which one on Support is this request for? Ask for the rest in a new message afterwards.\nSend As\nFull Access (read and manage)',
    ]);
    expect((await h.say('alex', 'full access')).map((r) => r.kind)).toEqual(['summary']);
    expect(await requestsOf('alex')).toEqual([{ rights: ['FullAccess'], grantee: PEOPLE.megan.id, target: TARGETS.support }]);

    const [choice] = await h.say('adele', 'geef Megan verzenden als en verzenden namens op Training');
    expect(choice?.kind === 'choice' ? [choice.question, choice.options.map((o) => o.label)] : choice).toEqual([
      'Ik maak één aanvraag per recht. Voor welk recht op Training is deze aanvraag? Vraag de rest daarna aan in een nieuw bericht.',
      ['Verzenden als', 'Verzenden namens'],
    ]);
  });

  it('asks which one for a removal too, rather than remove every right the person holds (en, nl); the pick is requested', async () => {
    h = await conversationHarness();
    expect(read(await h.say('miriam', "remove Isaiah's full access and send as on Support"))).toEqual([
      '[choice] Please choose\nI make one request per right. Which one on Support is this request for? Ask for the rest in a new message afterwards.\nFull Access (read and manage)\nSend As',
    ]);
    expect(await requestsOf('miriam')).toEqual([]);
    expect((await h.say('miriam', 'full access')).map((r) => r.kind)).toEqual(['summary']);
    expect(await requestsOf('miriam')).toEqual([{ rights: ['FullAccess'], grantee: PEOPLE.isaiah.id, target: TARGETS.support }]);

    const [choice] = await h.say('adele', 'haal de volledige toegang en verzenden als van Isaiah op Support weg');
    expect(choice?.kind === 'choice' ? [choice.question, choice.options.map((o) => o.label)] : choice).toEqual([
      'Ik maak één aanvraag per recht. Voor welk recht op Support is deze aanvraag? Vraag de rest daarna aan in een nieuw bericht.',
      ['Volledige toegang (Lezen en beheren)', 'Verzenden als'],
    ]);
  });

  it('on a group, says Full Access is not there and offers the rights that are', async () => {
    h = await conversationHarness();
    const [choice] = await h.say('alex', 'give Megan send as and full access on Training');
    expect(choice?.kind === 'choice' ? [choice.question, choice.options.map((o) => o.label)] : choice).toEqual([
      'Full Access exists only on mailboxes, not on groups. Choose Send As or Send on Behalf. Which right on Training?',
      ['Send As', 'Send on Behalf'],
    ]);
    // A removal the same way.
    const [removal] = await h.say('miriam', "remove Alex's full access and send on behalf on Training");
    expect(removal?.kind === 'choice' ? [removal.question, removal.options.map((o) => o.label)] : removal).toEqual([
      'Full Access exists only on mailboxes, not on groups. Choose Send As or Send on Behalf. Which right on Training?',
      ['Send As', 'Send on Behalf'],
    ]);
  });
});

describe('two mailboxes or groups named in one request', () => {
  it('offers the ones named, saying one request is one mailbox or group (en, nl); the pick is requested', async () => {
    h = await conversationHarness();
    expect(read(await h.say('alex', 'give Megan send as on Training and Support'))).toEqual([
      '[choice] Please choose\nI make one request per mailbox or group. Which one is this request for? Ask for the rest in a new message afterwards.\nTraining (training@contoso.example)\nSupport (support@contoso.example)',
    ]);
    expect((await h.say('alex', 'Support')).map((r) => r.kind)).toEqual(['summary']);
    expect(await requestsOf('alex')).toEqual([{ rights: ['SendAs'], grantee: PEOPLE.megan.id, target: TARGETS.support }]);

    const [choice] = await h.say('adele', 'geef Megan verzenden als op Training en Sales');
    expect(choice?.kind === 'choice' ? choice.question : choice).toBe(
      'Ik maak één aanvraag per postvak of groep. Voor welke is deze aanvraag? Vraag de rest daarna aan in een nieuw bericht.',
    );
  });

  it('asks which one for a removal too, also when the person holds the right on one of them only (en, nl); the pick is requested', async () => {
    h = await conversationHarness();
    // Alex holds Send on Behalf on Training, not on Sales: the removal is not settled on Training unasked.
    expect(read(await h.say('miriam', "remove Alex's send on behalf on Training and Sales"))).toEqual([
      '[choice] Please choose\nI make one request per mailbox or group. Which one is this request for? Ask for the rest in a new message afterwards.\nTraining (training@contoso.example)\nSales (sales@contoso.example)',
    ]);
    expect(await requestsOf('miriam')).toEqual([]);
    expect((await h.say('miriam', 'Training')).map((r) => r.kind)).toEqual(['summary']);
    expect(await requestsOf('miriam')).toEqual([{ rights: ['SendOnBehalf'], grantee: PEOPLE.alex.id, target: TARGETS.training }]);

    const [choice] = await h.say('adele', 'haal de volledige toegang van Isaiah tot Support en Sales weg');
    expect(choice?.kind === 'choice' ? [choice.question, choice.options.map((o) => o.label)] : choice).toEqual([
      'Ik maak één aanvraag per postvak of groep. Voor welke is deze aanvraag? Vraag de rest daarna aan in een nieuw bericht.',
      ['Support (support@contoso.example)', 'Sales (sales@contoso.example)'],
    ]);
  });

  it('asks which one when they are joined by "as well as" or "or" too, for a removal and a grant (en, nl); nothing is dropped', async () => {
    h = await conversationHarness();
    const oneEach = '[choice] Please choose\nI make one request per mailbox or group. Which one is this request for? Ask for the rest in a new message afterwards.\nTraining (training@contoso.example)\nSales (sales@contoso.example)';
    // Alex holds Send on Behalf on Training only: neither joiner settles the removal on Training unasked.
    expect(read(await h.say('miriam', "remove Alex's send on behalf on Training as well as Sales"))).toEqual([oneEach]);
    expect(read(await h.say('miriam', "remove Alex's send on behalf on Training or Sales"))).toEqual([oneEach]);
    expect(read(await h.say('alex', 'give Megan send as on Training or Sales'))).toEqual([oneEach]);
    expect(read(await h.say('alex', 'give Megan send as on Training as well as Sales'))).toEqual([oneEach]);
    expect(await requestsOf('miriam')).toEqual([]);
    expect(await requestsOf('alex')).toEqual([]);
    expect((await h.say('miriam', 'Training')).map((r) => r.kind)).toEqual(['summary']);
    expect(await requestsOf('miriam')).toEqual([{ rights: ['SendOnBehalf'], grantee: PEOPLE.alex.id, target: TARGETS.training }]);
    for (const text of ['haal de verzenden namens van Alex op Training evenals Sales weg', 'haal de verzenden namens van Alex op Training of Sales weg', 'geef Megan verzenden als op Training of Sales']) {
      const [choice] = await h.say('adele', text);
      expect(choice?.kind === 'choice' ? [choice.question, choice.options.map((o) => o.label)] : choice, text).toEqual([
        'Ik maak één aanvraag per postvak of groep. Voor welke is deze aanvraag? Vraag de rest daarna aan in een nieuw bericht.',
        ['Training (training@contoso.example)', 'Sales (sales@contoso.example)'],
      ]);
    }
    expect(await requestsOf('adele')).toEqual([]);
  });

  it('marks no several targets when one mailbox is named', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send as and full access on Support');
    expect((await new StoredDrafts(h.app.store).draft(PEOPLE.alex.id))?.severalTargets).toBeUndefined();
  });
});

describe('two rights on two mailboxes or groups in one request', () => {
  it('asks one at a time when written together: which mailbox or group, then which of the rights named (en, nl)', async () => {
    h = await conversationHarness();
    expect(read(await h.say('alex', 'give Megan full access and send as on Support and Sales'))).toEqual([
      '[choice] Please choose\nI make one request per mailbox or group. Which one is this request for? Ask for the rest in a new message afterwards.\nSupport (support@contoso.example)\nSales (sales@contoso.example)',
    ]);
    expect(read(await h.say('alex', 'Support'))).toEqual([
      '[choice] Please choose\nI make one request per right. Which one on Support is this request for? Ask for the rest in a new message afterwards.\nFull Access (read and manage)\nSend As',
    ]);
    expect((await h.say('alex', 'send as')).map((r) => r.kind)).toEqual(['summary']);
    expect(await requestsOf('alex')).toEqual([{ rights: ['SendAs'], grantee: PEOPLE.megan.id, target: TARGETS.support }]);

    const [choice] = await h.say('adele', 'geef Megan volledige toegang en verzenden als op Support en Sales');
    expect(choice?.kind === 'choice' ? choice.question : choice).toBe(
      'Ik maak één aanvraag per postvak of groep. Voor welke is deze aanvraag? Vraag de rest daarna aan in een nieuw bericht.',
    );
  });

  it('says one request is one right on one mailbox or group, and how to ask, when each has its own right (en, nl); nothing is requested', async () => {
    h = await conversationHarness();
    expect(read(await h.say('alex', 'give Megan send as on Support and full access on Sales'))).toEqual([
      '[text] I make one request per right on one mailbox or group, so I did nothing. Ask for each in a message of its own, for example "give Megan send as on Training".',
    ]);
    // A removal is given an example of a removal.
    expect(read(await h.say('alex', "remove Isaiah's full access on Support and send as on Sales"))).toEqual([
      '[text] I make one request per right on one mailbox or group, so I did nothing. Ask for each in a message of its own, for example "remove Megan\'s full access to Support".',
    ]);
    expect(read(await h.say('adele', 'geef Megan verzenden als op Support en volledige toegang op Sales'))).toEqual([
      '[text] Ik maak één aanvraag per recht op één postvak of groep, dus ik heb niets gedaan. Vraag ze elk in een eigen bericht aan, bijvoorbeeld "geef Alex verzenden als op Training".',
    ]);
    expect(await requestsOf('alex')).toEqual([]);
    expect(await requestsOf('adele')).toEqual([]);
  });
});
