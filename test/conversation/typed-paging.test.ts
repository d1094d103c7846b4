import { afterEach, describe, expect, it } from 'vitest';
import { createConversation } from '../../src/conversation/create.js';
import { StoredDrafts } from '../../src/conversation/drafts.js';
import type { Reply } from '../../src/conversation/types.js';
import { understand } from '../../src/language/understand.js';
import { conversationHarness, wordsOf, type ConversationHarness } from './harness.js';
import { PEOPLE, SCRIPT_TIME_ZONE, TARGETS } from './scripts/spec-conversations.js';

let h: ConversationHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const MINUTE = 60_000;

function only(replies: Reply[]): Reply {
  expect(replies).toHaveLength(1);
  return replies[0]!;
}

function page(reply: Reply): Reply & { kind: 'audit' } {
  if (reply.kind !== 'audit') throw new Error(`not an audit page: ${JSON.stringify(reply).slice(0, 300)}`);
  return reply;
}

/** Six approved requests on Support: more than two pages of its history. */
async function busySupport(harness: ConversationHarness): Promise<void> {
  for (const grantee of ['Megan', 'Patti', 'Jan Smit', 'Jan Jansen', 'Adele', 'Alex']) {
    await harness.say('isaiah', `give ${grantee} send on behalf of Support`);
    harness.clock.advance(MINUTE);
  }
  for (const request of await harness.app.engine.awaitingDecisionBy(PEOPLE.miriam.id)) await harness.click('miriam', 'approve', { requestId: request.id });
}

describe('typed paging: "more" continues the last page the person saw', () => {
  it('continues an audit typed, after the button too, each entry once, and says when it was the last page', async () => {
    h = await conversationHarness();
    await busySupport(h);
    const first = page(only(await h.say('nestor', 'audit Support')));
    const second = page(only(await h.click('nestor', 'audit', first.view.more!.data)));
    const seen = new Set([...first.page.entries, ...second.page.entries].map((e) => e.id));
    expect(seen.size).toBe(20);
    // Typed after the button: the page after the button's.
    let last = page(only(await h.say('nestor', 'more')));
    expect(last.filter).toEqual({ targetId: TARGETS.support });
    expect(last.view.title).toBe('History of Support');
    for (;;) {
      expect(last.page.entries.length).toBeGreaterThan(0);
      for (const entry of last.page.entries) {
        expect(seen.has(entry.id)).toBe(false);
        seen.add(entry.id);
      }
      if (!last.page.next) break;
      last = page(only(await h.say('nestor', 'next page please')));
    }
    expect(only(await h.say('nestor', 'more'))).toEqual({ kind: 'text', text: 'There are no older entries in the history of Support; that was the last page.' });
  });

  it('reads "show more", "older entries" and "next" as more, in English', async () => {
    h = await conversationHarness();
    await busySupport(h);
    for (const text of ['show more', 'older entries', 'next']) {
      await h.say('nestor', 'audit Support');
      const more = page(only(await h.say('nestor', text)));
      expect(more.filter, text).toEqual({ targetId: TARGETS.support });
      expect(more.view.title, text).toBe('History of Support');
    }
  });

  it('answers "meer", "volgende" and "oudere" in Dutch', async () => {
    h = await conversationHarness();
    await busySupport(h);
    for (const text of ['meer', 'volgende', 'oudere regels']) {
      await h.say('nestor', 'geschiedenis van Support');
      const more = page(only(await h.say('nestor', text)));
      expect(more.view.title, text).toBe('Geschiedenis van Support');
    }
  });

  it('says there is nothing to continue when the person was shown no paged answer (en, nl)', async () => {
    h = await conversationHarness();
    const en = only(await h.say('alex', 'more'));
    expect(en.kind).toBe('text');
    expect(wordsOf(en)).toMatch(/^There is nothing to continue: I have not shown you a list with more pages\. For a history, ask for example "audit [^"]+"\.$/);
    const nl = only(await h.say('adele', 'volgende'));
    expect(wordsOf(nl)).toMatch(/^Er is niets om mee verder te gaan: ik heb je geen lijst met meer pagina's laten zien\. Vraag voor een geschiedenis bijvoorbeeld "audit [^"]+"\.$/);
  });

  it('keeps each person\'s page to themselves, and checks it as the button is checked', async () => {
    h = await conversationHarness();
    await busySupport(h);
    page(only(await h.say('nestor', 'audit Support')));
    // Someone else's "more" does not continue Nestor's history.
    expect(wordsOf(only(await h.say('alex', 'more')))).toContain('There is nothing to continue');
    // A refused audit leaves nothing to continue.
    expect(only(await h.say('alex', 'audit Support'))).toMatchObject({ kind: 'refusal', code: 'audit_not_allowed' });
    expect(wordsOf(only(await h.say('alex', 'more')))).toContain('There is nothing to continue');
    // A stored page the person may not (or no longer) read is refused by the engine, as the button is.
    await new StoredDrafts(h.app.store).saveLastPage({ userId: PEOPLE.alex.id, kind: 'audit', filter: { targetId: TARGETS.support }, next: '~', at: h.clock.now() });
    expect(only(await h.say('alex', 'more'))).toMatchObject({ kind: 'refusal', code: 'audit_not_allowed' });
  });

  it('continues from the store: another conversation on the same store (a restart, another instance) takes it up', async () => {
    h = await conversationHarness();
    await busySupport(h);
    const first = page(only(await h.say('nestor', 'audit Support')));
    const other = createConversation({ ...h.app, cloud: 'worldwide' }, understand);
    const [next] = await other.handleText({ userId: PEOPLE.nestor.id, channel: 'test', locale: 'en-US', timeZone: SCRIPT_TIME_ZONE, text: 'more' });
    const second = page(next!);
    expect(second.page.entries.some((e) => first.page.entries.some((f) => f.id === e.id))).toBe(false);
  });

  it('reads a message with more than paging words ("more for Megan") as no paging', async () => {
    h = await conversationHarness();
    await busySupport(h);
    await h.say('nestor', 'audit Support');
    expect(only(await h.say('nestor', 'more for Megan')).kind).not.toBe('audit');
  });
});
