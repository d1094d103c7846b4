import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/conversation/types.js';
import { RecordingNotifier } from '../../src/domain/notifier.js';
import type { SimulatedPermissionService } from '../../src/permissions/simulated.js';
import { conversationHarness, wordsOf, type ConversationHarness } from './harness.js';
import { PEOPLE } from './scripts/spec-conversations.js';

let h: ConversationHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The sentence before the summary card of an open request asked for again. */
function duplicateLine(replies: Reply[]): string {
  expect(replies.map((r) => r.kind)).toEqual(['text', 'summary']);
  return wordsOf(replies[0]!);
}

async function openRequestOf(harness: ConversationHarness, person: 'alex' | 'adele') {
  const requests = await harness.app.engine.requestsOf(PEOPLE[person].id);
  expect(requests).toHaveLength(1);
  return requests[0]!;
}

/** The same request again with another end: the open request's end is said, and how to change it. */
describe('an open request asked for again with another end', () => {
  it('says the open request is for 2 weeks when 3 weeks are asked, changes nothing, and cancel-and-ask-again works', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send as on Training for 2 weeks');
    const open = await openRequestOf(h, 'alex');
    expect(duplicateLine(await h.say('alex', 'give Megan send as on Training for 3 weeks'))).toBe(
      `That request is already open (${open.id}), for 14 days; you asked for 21 days, and I did not change it. To change it, cancel it ("cancel ${open.id}") and ask again.`,
    );
    expect((await openRequestOf(h, 'alex')).duration).toBe('P14D');

    expect((await h.say('alex', `cancel ${open.id}`)).map((r) => r.kind)).toEqual(['text']);
    expect((await h.say('alex', 'give Megan send as on Training for 3 weeks')).map((r) => r.kind)).toEqual(['summary']);
    const requests = await h.app.engine.requestsOf(PEOPLE.alex.id);
    expect(requests.map((r) => [r.state, r.duration]).sort()).toEqual([['cancelled', 'P14D'], ['pending', 'P21D']]);
  });

  it('says so for an open time-bound request asked again with no end, and the reverse', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send as on Training until Friday');
    const bound = await openRequestOf(h, 'alex');
    expect(duplicateLine(await h.say('alex', 'give Megan send as on Training'))).toBe(
      `That request is already open (${bound.id}), until Friday, 27 November 2026 (inclusive); you asked with no end date, and I did not change it. To change it, cancel it ("cancel ${bound.id}") and ask again.`,
    );
    await h.say('alex', `cancel ${bound.id}`);
    await h.say('alex', 'give Megan send as on Training');
    const standing = (await h.app.engine.requestsOf(PEOPLE.alex.id)).find((r) => r.state === 'pending')!;
    expect(duplicateLine(await h.say('alex', 'give Megan send as on Training for 2 weeks'))).toBe(
      `That request is already open (${standing.id}), with no end date; you asked for 14 days, and I did not change it. To change it, cancel it ("cancel ${standing.id}") and ask again.`,
    );
  });

  it('says it in Dutch', async () => {
    h = await conversationHarness();
    await h.say('adele', 'geef Megan verzenden als op Sales voor 2 weken');
    const open = await openRequestOf(h, 'adele');
    expect(duplicateLine(await h.say('adele', 'geef Megan verzenden als op Sales voor 3 weken'))).toBe(
      `Die aanvraag staat al open (${open.id}), voor 14 dagen; je vroeg nu voor 21 dagen, en ik heb hem niet veranderd. Wil je dat wel, annuleer hem dan ("annuleer ${open.id}") en vraag het opnieuw.`,
    );
    expect(duplicateLine(await h.say('adele', 'geef Megan verzenden als op Sales'))).toBe(
      `Die aanvraag staat al open (${open.id}), voor 14 dagen; je vroeg nu zonder einddatum, en ik heb hem niet veranderd. Wil je dat wel, annuleer hem dan ("annuleer ${open.id}") en vraag het opnieuw.`,
    );
  });

  it('says an approved request is applied as it was asked, with no cancel to offer', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send as on Training for 2 weeks');
    const open = await openRequestOf(h, 'alex');
    // The permission service is down: the approved request waits to be applied.
    (h.app.permissions as SimulatedPermissionService).faults.push({ kind: 'unavailable' });
    await h.click('adele', 'approve', { requestId: open.id });
    expect(['approved', 'applying']).toContain((await openRequestOf(h, 'alex')).state);
    expect(duplicateLine(await h.say('alex', 'give Megan send as on Training for 3 weeks'))).toBe(
      `That request is already approved (${open.id}), for 14 days; you asked for 21 days, and I did not change it. Once it is in place, you can ask for the right to be removed.`,
    );
  });

  it('keeps the short answer when the same end is asked again', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send as on Training for 2 weeks');
    const open = await openRequestOf(h, 'alex');
    expect(duplicateLine(await h.say('alex', 'give Megan send as on Training for two weeks'))).toBe(`That request is already open (${open.id}).`);
  });

  it('the same request sent three times at the same moment: one request, one approval card, the others told it is already open', async () => {
    h = await conversationHarness();
    const events = new RecordingNotifier();
    h.app.notifiers.attach(events);
    const replies = await Promise.all([1, 2, 3].map(() => h!.say('alex', 'give Megan send as on Training for 2 weeks')));
    const open = await openRequestOf(h, 'alex');
    const created = replies.filter((r) => r.length === 1);
    expect(created.map((r) => r.map((reply) => reply.kind))).toEqual([['summary']]);
    for (const r of replies) if (r.length !== 1) expect(duplicateLine(r)).toBe(`That request is already open (${open.id}).`);
    await h.app.engine.idle();
    expect(events.ofType('approval_needed').map((e) => e.request.id)).toEqual([open.id]);
  });

  it('once the time-bound grant is in place, asking again (with another end, or none) says when it ends, in each language', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send as on Training for 2 weeks');
    const open = await openRequestOf(h, 'alex');
    await h.click('adele', 'approve', { requestId: open.id });
    for (let minute = 0; minute < 15; minute++) {
      h.clock.advance(60_000);
      await h.app.engine.idle();
    }
    const inPlace = await h.app.engine.get(open.id);
    expect(inPlace?.state).toBe('effective');
    expect(inPlace?.endsAt).toBeDefined();

    const again = (await h.say('alex', 'give Megan send as on Training')).map(wordsOf).join(' ');
    expect(again).toMatch(/^Megan Bowen already has Send As on Training; nothing to approve\. It is time-bound: it lasts until .+, whatever end you asked for now\. To have it longer, ask again once it has ended\.$/);
    const nl = (await h.say('adele', 'geef Megan verzenden als op Training voor 3 weken')).map(wordsOf).join(' ');
    expect(nl).toMatch(/Het is tijdelijk: het loopt tot .+, welk einde je nu ook vroeg\./);
    // A right held for good says nothing about an end.
    const standing = (await h.say('alex', 'give Isaiah full access to Support')).map(wordsOf).join(' ');
    expect(standing).not.toMatch(/time-bound/);
  });
});
