import { afterEach, describe, expect, it } from 'vitest';
import { conversationHarness, wordsOf, type ConversationHarness } from './harness.js';
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
    const done = await h.click('alex', 'choose', { draftId: choice.draftId, pick: 1 });
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
