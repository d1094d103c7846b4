import { afterEach, describe, expect, it } from 'vitest';
import type { PostedMessage } from '../../fakes/slack-api-fake.js';
import { slackHarness, slackPeople, textOf, type SlackHarness } from './harness.js';

const { alex, adele } = slackPeople;

let h: SlackHarness;
afterEach(async () => {
  await h?.close();
});

/** Alex asks, Adele (Training's owner, Dutch) gets the card; `stale` is the card as first posted, buttons and all. */
async function approvalFor(h: SlackHarness) {
  await h.dm(alex, 'give Megan send-as on Training');
  const [request] = await h.app.engine.requestsOf(alex.aad);
  const card = h.inbox(adele).at(-1)!;
  return { request: request!, card, stale: structuredClone(card) as PostedMessage };
}

const blocksOf = (h: SlackHarness, card: PostedMessage) => JSON.stringify(h.fake.message(card.channel, card.ts)!.blocks);

describe('Slack: a click on a request that is no longer pending', () => {
  it('a stale Reject on an approved card opens no modal, tells the clicker who approved, and the card keeps its approval', async () => {
    h = await slackHarness();
    const { request, card, stale } = await approvalFor(h);
    await h.click(adele, card, 'approve');
    await h.advance(11 * 60_000);
    const decided = blocksOf(h, card);
    expect(decided).toMatch(/Goedgekeurd door Adele Vance/);
    const modals = h.fake.modals.length;
    const posted = h.fake.calls('chat.postMessage').length;

    await h.click(adele, stale, 'reject');
    expect(h.fake.modals).toHaveLength(modals);
    expect(h.fake.ephemeralsFor(adele.id).map((m) => m.text)).toEqual([expect.stringMatching(/^Al goedgekeurd door Adele Vance om /)]);
    // The card is the request as it is: the same rendering as after the decision, no red "already" line.
    expect(blocksOf(h, card)).toBe(decided);
    expect(blocksOf(h, card)).not.toContain(':no_entry:');
    expect(h.fake.calls('chat.postMessage')).toHaveLength(posted);
    expect((await h.app.engine.get(request.id))?.state).not.toBe('rejected');
    expect(h.fake.violations).toEqual([]);
  });

  it('a late Approve on a rejected card keeps the reason on it and tells the clicker who rejected', async () => {
    h = await slackHarness();
    const { request, card, stale } = await approvalFor(h);
    await h.click(adele, card, 'reject');
    await h.submitReject(adele, 'Megan moves to Sales');
    const decided = blocksOf(h, card);
    expect(decided).toContain('Megan moves to Sales');

    await h.click(adele, stale, 'approve');
    expect(h.fake.ephemeralsFor(adele.id).at(-1)?.text).toMatch(/^Al afgewezen door Adele Vance om /);
    expect(blocksOf(h, card)).toBe(decided);
    expect((await h.app.engine.get(request.id))?.state).toBe('rejected');
    expect(h.fake.violations).toEqual([]);
  });

  it('a Reject modal submitted after the request was approved changes nothing and leaves the approved card', async () => {
    h = await slackHarness();
    const { request, card, stale } = await approvalFor(h);
    await h.click(adele, card, 'reject');
    expect(h.fake.modals).toHaveLength(1);
    // While the modal is open the same person approves on the card.
    await h.click(adele, stale, 'approve');
    const decided = blocksOf(h, card);

    await h.submitReject(adele, 'too late');
    expect((await h.app.engine.get(request.id))?.decision).toMatchObject({ verdict: 'approved', by: adele.aad });
    expect(blocksOf(h, card)).toBe(decided);
    expect(h.fake.ephemeralsFor(adele.id).at(-1)?.text).toMatch(/^Al goedgekeurd door Adele Vance om /);
    expect(h.fake.violations).toEqual([]);
  });
});
