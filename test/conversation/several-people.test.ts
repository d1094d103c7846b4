import { readFileSync } from 'node:fs';
import { approvalView, Names } from '../../src/conversation/wording/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { FileDirectory, parseDirectoryFile } from '../../src/directory/file-directory.js';
import { CONTOSO, conversationHarness, wordsOf, type ConversationHarness } from './harness.js';
import { PEOPLE, TARGETS } from './scripts/spec-conversations.js';

let h: ConversationHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** "give Megan and Patti full access to Support": the language layer reports each person (`grantees`); one request per person. */
describe('several people in one request', () => {
  it('makes one request per person, each approved on its own, and says so', async () => {
    const text = 'give Megan and Patti full access to Support';
    h = await conversationHarness();
    const replies = await h.say('alex', text);
    expect(replies.map((r) => r.kind)).toEqual(['text', 'summary', 'summary']);
    expect(wordsOf(replies[0]!)).toBe("That is 2 people: one request per person (Megan Bowen, Patti O'Brien), each approved on its own.");
    const requests = await h.app.engine.requestsOf(PEOPLE.alex.id);
    expect(requests.map((r) => [r.granteeId, r.targetId, r.rights])).toEqual(
      expect.arrayContaining([
        [PEOPLE.megan.id, TARGETS.support, ['FullAccess']],
        ['0a1e0008-aaaa-4bbb-8ccc-000000000008', TARGETS.support, ['FullAccess']],
      ]),
    );
    // Approving one leaves the other waiting.
    await h.click('miriam', 'approve', { requestId: requests[0]!.id });
    expect((await h.app.engine.get(requests[0]!.id))?.state).not.toBe('pending');
    expect((await h.app.engine.get(requests[1]!.id))?.state).toBe('pending');
  });

  it('asks which one for an ambiguous person and keeps the others', async () => {
    const text = 'geef Megan en Jan volledige toegang tot Support';
    h = await conversationHarness();
    const asked = await h.say('alex', text, 'nl-NL');
    expect(asked.map((r) => r.kind)).toEqual(['choice']);
    expect(await h.app.engine.requestsOf(PEOPLE.alex.id)).toEqual([]);
    const choice = asked[0]!;
    if (choice.kind !== 'choice') throw new Error('no choice');
    const done = await h.click('alex', 'choose', { draftId: choice.draftId, step: choice.step, pick: 1 });
    expect(done.map((r) => r.kind)).toEqual(['notice', 'text', 'summary', 'summary']);
    expect(wordsOf(done[1]!)).toContain('één aanvraag per persoon (Megan Bowen, Jan Smit)');
    expect((await h.app.engine.requestsOf(PEOPLE.alex.id)).map((r) => r.granteeId).sort()).toEqual([PEOPLE.megan.id, PEOPLE.janSmit.id].sort());
  });

  it("one person's refusal does not stop the others", async () => {
    const text = 'give Megan and Isaiah full access to Support';
    h = await conversationHarness();
    const replies = await h.say('alex', text);
    // Isaiah already holds Full Access on Support: told at once, while Megan's request is made.
    expect(replies.map((r) => r.kind)).toEqual(['text', 'summary', 'text']);
    expect(wordsOf(replies[2]!)).toContain('Isaiah Langer already has Full Access (read and manage) on Support');
    expect((await h.app.engine.requestsOf(PEOPLE.alex.id)).map((r) => r.granteeId)).toEqual([PEOPLE.megan.id]);
  });
});

/** Contoso with a second "Megan Bowen" (another id and mail) and a person called "Sales" beside the group Sales. */
function withNamesakes(): FileDirectory {
  const raw = JSON.parse(readFileSync(CONTOSO, 'utf8'));
  raw.users.push(
    { id: 'u-megan-2', displayName: 'Megan Bowen', mail: 'megan.bowen@contoso.example', managerId: PEOPLE.miriam.id },
    { id: 'u-sales', displayName: 'Sales', mail: 'sales.desk@contoso.example', managerId: PEOPLE.miriam.id },
  );
  return new FileDirectory(parseDirectoryFile(raw));
}

/** People the channel marked (`TextInput.mentions`), with where it marked them. */
describe('marked people: exactly who the channel says, where it says', () => {
  const speaker = { userId: PEOPLE.alex.id, channel: 'test', locale: 'en-US' };

  it('makes one request per marked namesake, asking no "which"', async () => {
    h = await conversationHarness({ directory: withNamesakes() });
    const mentions = [{ text: 'Megan Bowen', userId: PEOPLE.megan.id, occurrences: [0] }, { text: 'Megan Bowen', userId: 'u-megan-2', occurrences: [1] }];
    const replies = await h.conversation.handleText({ ...speaker, text: 'give Megan Bowen and Megan Bowen send-as on Training', mentions });
    await h.app.engine.idle();
    expect(replies.map((r) => r.kind)).toEqual(['text', 'summary', 'summary']);
    expect((await h.app.engine.requestsOf(PEOPLE.alex.id)).map((r) => [r.granteeId, r.targetId]).sort()).toEqual(
      [[PEOPLE.megan.id, TARGETS.training], ['u-megan-2', TARGETS.training]].sort(),
    );
  });

  it('takes a marked person called Sales as the grantee on the typed group Sales', async () => {
    h = await conversationHarness({ directory: withNamesakes() });
    const replies = await h.conversation.handleText({ ...speaker, text: 'give Sales send-as on Sales', mentions: [{ text: 'Sales', userId: 'u-sales', occurrences: [0] }] });
    await h.app.engine.idle();
    expect(replies.map((r) => r.kind)).toEqual(['summary']);
    expect((await h.app.engine.requestsOf(PEOPLE.alex.id)).map((r) => [r.granteeId, r.targetId, r.rights])).toEqual([['u-sales', TARGETS.sales, ['SendAs']]]);
  });

  it('reads "audit @Megan Bowen" as the person marked, not "which one?" among namesakes (an admin reads that person\'s history)', async () => {
    h = await conversationHarness({ directory: withNamesakes() });
    const admin = { userId: PEOPLE.nestor.id, channel: 'test', locale: 'en-US' };
    const replies = await h.conversation.handleText({ ...admin, text: 'audit Megan Bowen', mentions: [{ text: 'Megan Bowen', userId: 'u-megan-2', occurrences: [0] }] });
    expect(replies.map((r) => r.kind)).toEqual(['audit']);
    expect(replies[0]).toMatchObject({ kind: 'audit', filter: { granteeId: 'u-megan-2' } });
    // Typed, the name is two people: the bot offers them as a choice.
    const typed = await h.conversation.handleText({ ...admin, text: 'audit Megan Bowen' });
    expect(typed.map((r) => r.kind)).toEqual(['choice']);
  });

  it('names namesakes with their mail address wherever a card names them, so the approver sees which one gets access; a unique name stays bare', async () => {
    h = await conversationHarness({ directory: withNamesakes() });
    const mentions = [{ text: 'Megan Bowen', userId: 'u-megan-2', occurrences: [0] }];
    const replies = await h.conversation.handleText({ ...speaker, text: 'give Megan Bowen send-as on Training', mentions });
    const summary = replies.find((r) => r.kind === 'summary');
    expect(summary?.kind === 'summary' && summary.view.title).toBe('Request: Send As for Megan Bowen (megan.bowen@contoso.example) on Training');
    const [request] = await h.app.engine.requestsOf(PEOPLE.alex.id);
    const card = await approvalView(request!, new Names(h.app.directory), { lang: 'en' });
    expect(JSON.stringify(card)).toContain('Megan Bowen (megan.bowen@contoso.example)');
    expect(JSON.stringify(card)).toContain('Alex Wilber');
    expect(JSON.stringify(card)).not.toContain('Alex Wilber (');
  });
});
