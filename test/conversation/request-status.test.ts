import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/conversation/types.js';
import { conversationHarness, wordsOf, type ConversationHarness } from './harness.js';
import { PEOPLE, TARGETS } from './scripts/spec-conversations.js';

let h: ConversationHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Alex asks Send As on Training for Megan (Adele, Training's owner, approves): its id. */
async function alexAsks(harness: ConversationHarness): Promise<string> {
  const [summary] = await harness.say('alex', 'give Megan send as on Training');
  if (summary?.kind !== 'summary') throw new Error(`no summary: ${JSON.stringify(summary)}`);
  return summary.request.id;
}

function onlyRequest(replies: Reply[]) {
  expect(replies.map((r) => r.kind)).toEqual(['requests']);
  const [reply] = replies;
  if (reply?.kind !== 'requests') throw new Error('not a list');
  return reply;
}

describe('the status of one request asked by its id', () => {
  it('shows that request alone, titled by its id, to its requester, with Cancel while pending', async () => {
    h = await conversationHarness();
    const id = await alexAsks(h);
    await h.say('alex', 'give Megan send on behalf on Sales');
    for (const text of [`status ${id}`, `what's the status of ${id}?`, `status ${id.toLowerCase()}`]) {
      const reply = onlyRequest(await h.say('alex', text));
      expect(reply.view.title, text).toBe(`Request ${id}`);
      expect(reply.view.items.map((i) => i.requestId), text).toEqual([id]);
      expect(reply.view.items[0]!.cancellable, text).toBe(true);
      expect(wordsOf(reply), text).toContain('Training');
    }
  });

  it('shows it to the grantee, the approver and an admin, without Cancel; in Dutch as "Aanvraag"', async () => {
    h = await conversationHarness();
    const id = await alexAsks(h);
    for (const person of ['megan', 'nestor'] as const) {
      const reply = onlyRequest(await h.say(person, `what's the status of ${id}`));
      expect(reply.view.items.map((i) => [i.requestId, i.cancellable]), person).toEqual([[id, false]]);
    }
    const dutch = onlyRequest(await h.say('adele', `wat is de status van ${id}?`));
    expect(dutch.view.title).toBe(`Aanvraag ${id}`);
    expect(dutch.view.items.map((i) => [i.requestId, i.cancellable])).toEqual([[id, false]]);
  });

  it('says a request that does not exist, or that the speaker may not see, could not be found (en, nl), alike', async () => {
    h = await conversationHarness();
    const id = await alexAsks(h);
    expect(await h.say('alex', "what's the status of REQ-ZZZZZ")).toEqual([
      { kind: 'refusal', code: 'not_found', text: 'I could not find request REQ-ZZZZZ.', details: { requestId: 'REQ-ZZZZZ' } },
    ]);
    // Jan Smit neither asked, receives, approves nor administers it: the same words as for no such request.
    expect(await h.say('janSmit', `what's the status of ${id}`, 'en-US')).toEqual([
      { kind: 'refusal', code: 'not_found', text: `I could not find request ${id}.`, details: { requestId: id } },
    ]);
    // "status" is Dutch too: Jan (Dutch in the directory) is answered in Dutch, as for a Dutch sentence.
    for (const text of [`wat is de status van ${id}?`, `status ${id}`, `status van ${id}`, `status ${id.toLowerCase()}`]) {
      const [dutch] = await h.say('janSmit', text, 'en-US');
      expect(dutch, text).toMatchObject({ kind: 'refusal', code: 'not_found', text: `Ik kon aanvraag ${id} niet vinden.` });
    }
  });

  it('still lists all of them for "status" and "my requests" with no id', async () => {
    h = await conversationHarness();
    await alexAsks(h);
    await h.say('alex', 'give Megan send on behalf on Sales');
    for (const text of ['status', 'my requests']) {
      const reply = onlyRequest(await h.say('alex', text));
      expect(reply.view.title, text).toBe('Your requests');
      expect(reply.view.items, text).toHaveLength(2);
    }
    expect((await h.app.engine.requestsOf(PEOPLE.alex.id)).map((r) => r.targetId).sort()).toEqual([TARGETS.sales, TARGETS.training].sort());
  });
});
