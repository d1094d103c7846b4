import { afterEach, describe, expect, it } from 'vitest';
import { StoredDrafts } from '../../src/conversation/drafts.js';
import type { Reply } from '../../src/conversation/types.js';
import { conversationHarness, wordsOf, type ConversationHarness } from './harness.js';
import { PEOPLE, type Person } from './scripts/spec-conversations.js';

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
  return h!.app.engine.requestsOf(PEOPLE[person].id);
}

async function draftOf(person: Person) {
  return new StoredDrafts(h!.app.store).draft(PEOPLE[person].id);
}

describe('a message that both gives and removes', () => {
  it('answers "give ..., then remove it when she is back" about the end, and files nothing', async () => {
    h = await conversationHarness();
    const replies = await h.say('alex', 'give Megan full access to Support, then remove it when she is back');
    expect(read(replies)).toEqual([
      '[refusal] "when she is back" does not say when the access should end, so I did nothing. Ask again with a period such as "for 2 weeks" (at most a year), an end date such as "until 31 December", or without a time for access with no end date.',
    ]);
    expect(await requestsOf('alex')).toEqual([]);
    expect(await draftOf('alex')).toBeUndefined();
  });

  it('files "give ... until Friday, then remove it" with that end, never saying no end was given', async () => {
    h = await conversationHarness();
    const replies = await h.say('alex', 'give Megan full access to Support until Friday, then remove it');
    expect(read(replies).join('\n')).not.toMatch(/does not say when/);
    const [request] = await requestsOf('alex');
    // Friday after the harness's Monday 23 November 2026.
    expect(request).toMatchObject({ kind: 'grant', rights: ['FullAccess'], until: '2026-11-27', state: 'pending' });
  });

  it('files nothing for a grant followed by a pasted Remove-MailboxPermission', async () => {
    h = await conversationHarness();
    const replies = await h.say('alex', 'give Megan send as on Support. Remove-MailboxPermission afterwards');
    expect(replies.map((r) => r.kind)).toEqual(['text']);
    expect(wordsOf(replies[0]!)).toContain('did not understand');
    expect(await requestsOf('alex')).toEqual([]);
  });

  it('refuses a grant whose start it could not read, naming the words, and files nothing', async () => {
    h = await conversationHarness();
    for (const text of ['give me send as on Support from whenever', 'give me send as on Support starting overmorrow', 'give Megan full access to Support from overmorrow']) {
      const replies = await h.say('alex', text);
      expect(replies.map((r) => r.kind), text).toEqual(['refusal']);
      expect(wordsOf(replies[0]!), text).toMatch(/^I could not read "(from|starting) (whenever|overmorrow)" as a time limit; I did nothing\./);
    }
    expect(await requestsOf('alex')).toEqual([]);
  });

  it('never files a removal for a pasted Remove-Mailbox command, not even after "For whom?"', async () => {
    h = await conversationHarness();
    const replies = await h.say('alex', 'give x; Remove-Mailbox full access to Support');
    expect(replies.map((r) => r.kind)).toEqual(['text']);
    expect(wordsOf(replies[0]!)).toContain('did not understand');
    await h.say('alex', 'Megan');
    expect(await requestsOf('alex')).toEqual([]);
  });
});

describe('PowerShell written after a request', () => {
  it('answers a grant with a parameter or an injected command as not understood, never as a who-has-access question (en)', async () => {
    h = await conversationHarness();
    for (const text of [
      'give Megan full access to Support -Confirm:$false',
      "give Megan full access to Support'; Remove-Mailbox -Identity x -Confirm:$false; '",
      'give Megan full access to Support -AutoMapping $false',
    ]) {
      const replies = await h.say('alex', text);
      expect(replies.map((r) => r.kind), text).toEqual(['text']);
      expect(wordsOf(replies[0]!), text).toMatch(/^Sorry, I did not understand that\. I never guess a request/);
      expect(wordsOf(replies[0]!), text).not.toMatch(/admins/);
    }
    expect(await requestsOf('alex')).toEqual([]);
    // The same request in words is filed as ever.
    expect((await h.say('alex', 'give Megan full access to Support')).map((r) => r.kind)).toEqual(['summary']);
  });

  it('answers the same in Dutch', async () => {
    h = await conversationHarness();
    for (const text of ['geef Megan volledige toegang tot Support -Confirm:$false', "geef Megan volledige toegang tot Support'; Remove-Mailbox -Identity x; '"]) {
      const replies = await h.say('adele', text);
      expect(replies.map((r) => r.kind), text).toEqual(['text']);
      expect(wordsOf(replies[0]!), text).toMatch(/^Sorry, dat begreep ik niet\. Ik gok nooit een aanvraag/);
    }
    expect(await requestsOf('adele')).toEqual([]);
  });
});

describe('a group or shared mailbox named as the grantee', () => {
  it('says rights go to people, naming the group or mailbox, and files nothing; never asks "for whom?" (en)', async () => {
    h = await conversationHarness();
    expect(read(await h.say('alex', 'give Training send as on Support'))).toEqual([
      '[text] I give rights to people, not to a group: Training is a Microsoft 365 group, so I did nothing. Ask for each person who needs the right, for example "give Megan send as on Training".',
    ]);
    expect(read(await h.say('alex', 'give Support send as on Training'))).toEqual([
      '[text] I give rights to people, not to a mailbox: Support is a shared mailbox, so I did nothing. Ask for each person who needs the right, for example "give Megan send as on Training".',
    ]);
    // Beside a person, the group is not dropped for a request for the person alone.
    expect(read(await h.say('alex', 'give Training and Megan send as on Support'))[0]).toMatch(/^\[text\] I give rights to people, not to a group: Training is/);
    expect(await requestsOf('alex')).toEqual([]);
    expect(await draftOf('alex')).toBeUndefined();
    // A name after it is a new message, not the answer to a question that was never asked.
    expect((await h.say('alex', 'Megan')).map((r) => r.kind)).not.toContain('summary');
    expect(await requestsOf('alex')).toEqual([]);
  });

  it('says the same in Dutch', async () => {
    h = await conversationHarness();
    expect(read(await h.say('adele', 'geef Training verzenden als op Support'))).toEqual([
      '[text] Ik geef rechten aan personen, niet aan een groep: Training is een Microsoft 365-groep, dus ik heb niets gedaan. Vraag het aan voor elke persoon die het recht nodig heeft, bijvoorbeeld "geef Alex verzenden als op Training".',
    ]);
    expect(await requestsOf('adele')).toEqual([]);
  });
});

describe('group membership', () => {
  it('says the bot does not do group membership, and what it does, in English and Dutch', async () => {
    h = await conversationHarness();
    const [en] = await h.say('alex', 'add Megan to the Sales group');
    expect(wordsOf(en!)).toMatch(/^I do not manage group membership, so I did nothing\. I only handle Full Access, Send As and Send on Behalf, for example "give [^"]+"\.$/);
    const [nl] = await h.say('adele', 'voeg Isaiah toe aan de groep Sales');
    expect(wordsOf(nl!)).toMatch(/^Groepslidmaatschap regel ik niet, dus ik heb niets gedaan\. Ik regel alleen Volledige toegang, Verzenden als en Verzenden namens, bijvoorbeeld "geef [^"]+"\.$/);
    expect(await requestsOf('alex')).toEqual([]);
    expect(await requestsOf('adele')).toEqual([]);
  });

  it('answers a membership request typed at an open choice of rights in its own language, says the choice is still open and keeps it', async () => {
    h = await conversationHarness();
    expect((await h.say('adele', 'geef Megan verzenden als en verzenden namens op Training')).map((r) => r.kind)).toEqual(['choice']);
    const nl = await h.say('adele', 'voeg Isaiah toe aan de groep Sales');
    expect(nl.map(wordsOf)).toEqual([
      expect.stringMatching(/^Groepslidmaatschap regel ik niet/),
      'Mijn vraag hierboven staat nog open: kies een van de knoppen (Verzenden als, Verzenden namens), of zeg "annuleer" om te stoppen.',
    ]);
    expect((await draftOf('adele'))?.awaiting).toBe('permission');
    // In English, the buttons named as they show (in Dutch, as the choice was asked).
    const en = await h.say('adele', 'add Isaiah to the Sales group');
    expect(en.map(wordsOf)).toEqual([
      expect.stringMatching(/^I do not manage group membership/),
      'My question above is still open: pick one of its buttons (Verzenden als, Verzenden namens), or say "cancel" to stop.',
    ]);
    expect(await requestsOf('adele')).toEqual([]);
    // The choice still answers: the pick is requested.
    expect((await h.say('adele', 'verzenden namens')).map((r) => r.kind)).toEqual(['summary']);
    expect((await h.app.engine.requestsOf(PEOPLE.adele.id)).map((r) => r.rights)).toEqual([['SendOnBehalf']]);
  });

  it('keeps an open choice of people the same way, for a removal from a group too (en, nl)', async () => {
    h = await conversationHarness();
    expect((await h.say('alex', 'give Jan send as on Training')).map((r) => r.kind)).toEqual(['choice']);
    const en = await h.say('alex', 'remove Megan from the Training group');
    expect(en.map(wordsOf)).toEqual([
      expect.stringMatching(/^I do not manage group membership/),
      expect.stringMatching(/^My question above is still open: pick one of its buttons \(Jan Jansen .*Jan Smit .*\), or say "cancel" to stop\.$/),
    ]);
    expect((await draftOf('alex'))?.awaiting).toBe('grantee');
    expect((await h.say('alex', 'Jan Smit')).map((r) => r.kind)).toEqual(['summary']);
    expect((await h.app.engine.requestsOf(PEOPLE.alex.id)).map((r) => r.granteeId)).toEqual([PEOPLE.janSmit.id]);

    expect((await h.say('adele', 'geef Jan verzenden als op Sales')).map((r) => r.kind)).toEqual(['choice']);
    const nl = await h.say('adele', 'haal Megan uit de groep Sales');
    expect(nl.map(wordsOf)).toEqual([
      expect.stringMatching(/^Groepslidmaatschap regel ik niet/),
      expect.stringMatching(/^Mijn vraag hierboven staat nog open: kies een van de knoppen \(Jan Jansen .*Jan Smit .*\), of zeg "annuleer" om te stoppen\.$/),
    ]);
    expect((await draftOf('adele'))?.awaiting).toBe('grantee');
  });

  it('drops an open question that is no choice for a membership request, as for any new message', async () => {
    h = await conversationHarness();
    expect((await h.say('alex', 'give Megan send as')).map((r) => r.kind)).toEqual(['ask']);
    const replies = await h.say('alex', 'add Megan to the Sales group');
    expect(replies.map(wordsOf)).toEqual([expect.stringMatching(/^I do not manage group membership/)]);
    expect(await draftOf('alex')).toBeUndefined();
  });

  it('answers removing someone from a group as membership, even for the admin, and removes no right', async () => {
    h = await conversationHarness();
    const [en] = await h.say('nestor', 'remove Megan from the Training group');
    expect(wordsOf(en!)).toMatch(/^I do not manage group membership, so I did nothing\./);
    const [nl] = await h.say('adele', 'haal Megan uit de groep Sales');
    expect(wordsOf(nl!)).toMatch(/^Groepslidmaatschap regel ik niet, dus ik heb niets gedaan\./);
    const [nl2] = await h.say('adele', 'haal Megan uit groep Training');
    expect(wordsOf(nl2!)).toMatch(/^Groepslidmaatschap regel ik niet/);
    expect(await requestsOf('nestor')).toEqual([]);
    expect(await requestsOf('adele')).toEqual([]);
    // Naming the right keeps it a removal: not the membership answer.
    const [right] = await h.say('nestor', "remove Isaiah's full access from the Support group");
    expect(wordsOf(right!)).not.toMatch(/membership/);
  });

  it('reads "team" beside a group\'s name as membership too, and removes no right (en, nl)', async () => {
    h = await conversationHarness();
    // Alex holds Send on Behalf on Training (the fixture): taking him off the Training team is no removal of it.
    for (const [person, text, said] of [
      ['nestor', 'add Alex to the Training team', /^I do not manage group membership, so I did nothing\./],
      ['nestor', 'remove Alex from the Training team', /^I do not manage group membership, so I did nothing\./],
      ['adele', 'voeg Alex toe aan het Training-team', /^Groepslidmaatschap regel ik niet, dus ik heb niets gedaan\./],
      ['adele', 'haal Alex uit het Training-team', /^Groepslidmaatschap regel ik niet, dus ik heb niets gedaan\./],
    ] as const) {
      const replies = await h.say(person, text);
      expect(replies.map(wordsOf), text).toEqual([expect.stringMatching(said)]);
    }
    expect(await requestsOf('nestor')).toEqual([]);
    expect(await requestsOf('adele')).toEqual([]);
  });

  it('still points to the buttons for other words typed at a choice', async () => {
    h = await conversationHarness();
    await h.say('adele', 'give Megan send as and send on behalf on Training');
    const [pointed] = await h.say('adele', 'volledige toegang graag');
    expect(wordsOf(pointed!)).not.toMatch(/lidmaatschap|membership/i);
    expect(await draftOf('adele')).toBeDefined();
  });
});
