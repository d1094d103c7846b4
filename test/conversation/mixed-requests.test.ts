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

  it('never files a removal for a pasted Remove-Mailbox command, not even after "For whom?"', async () => {
    h = await conversationHarness();
    const replies = await h.say('alex', 'give x; Remove-Mailbox full access to Support');
    expect(replies.map((r) => r.kind)).toEqual(['text']);
    expect(wordsOf(replies[0]!)).toContain('did not understand');
    await h.say('alex', 'Megan');
    expect(await requestsOf('alex')).toEqual([]);
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

  it('takes a membership request typed at an open choice as a new message, in its own language', async () => {
    h = await conversationHarness();
    expect((await h.say('adele', 'give Megan send as and send on behalf on Training')).map((r) => r.kind)).toEqual(['choice']);
    const [nl] = await h.say('adele', 'voeg Isaiah toe aan de groep Sales');
    expect(wordsOf(nl!)).toMatch(/^Groepslidmaatschap regel ik niet/);
    expect((await h.say('adele', 'give Megan send as and send on behalf on Training')).map((r) => r.kind)).toEqual(['choice']);
    const [en] = await h.say('adele', 'add Isaiah to the Sales group');
    expect(wordsOf(en!)).toMatch(/^I do not manage group membership/);
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
