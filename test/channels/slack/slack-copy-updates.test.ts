import { afterEach, describe, expect, it } from 'vitest';
import type { PostedMessage } from '../../fakes/slack-api-fake.js';
import { findButton } from '../../fakes/slack-requests.js';
import { slackHarness, slackPeople, type SlackHarness } from './harness.js';

const HOUR = 3_600_000;
const { alex, isaiah, miriam } = slackPeople;

let h: SlackHarness;
afterEach(async () => {
  await h?.close();
});

/** The `chat.update` calls from call number `since` on, per copy (`channel ts`): the status each one showed, in order. */
function updatesPerCopy(since: number): Map<string, string[]> {
  const perCopy = new Map<string, string[]>();
  for (const { args } of h.fake.calls('chat.update').slice(since)) {
    const key = `${String(args.channel)} ${String(args.ts)}`;
    // The fallback text ends with the card's status in brackets: "... (Approved by ... at ...)".
    const status = /\(([^()]*)\)$/.exec(String(args.text))?.[1] ?? String(args.text);
    perCopy.set(key, [...(perCopy.get(key) ?? []), status]);
  }
  return perCopy;
}

const keyOf = (message: PostedMessage) => `${message.channel} ${message.ts}`;

/**
 * Alex asks for Full Access to Isaiah's mailbox: Isaiah (the owner) and Miriam (his manager) get the
 * approval card, and a second copy each with the reminder a day later. Five copies of the request:
 * Alex's summary and four approval cards, two of them in the same DM.
 */
async function requestWithFiveCopies(): Promise<{ summary: PostedMessage; cards: PostedMessage[] }> {
  h = await slackHarness();
  await h.dm(alex, "give Megan full access to Isaiah's mailbox");
  await h.advance(25 * HOUR);
  const summary = h.last(alex, 'Request:')!;
  const cards = [...h.inbox(isaiah), ...h.inbox(miriam)].filter((m) => findButton(m.blocks, 'approve'));
  expect(cards).toHaveLength(4);
  expect(new Set(cards.map((c) => c.channel)).size).toBe(2);
  return { summary, cards };
}

describe('Slack copies of a request after a decision', () => {
  it('Approve on one of two copies: every copy, the clicked one included, gets one chat.update for the decision and one for the apply', async () => {
    const { summary, cards } = await requestWithFiveCopies();
    const since = h.fake.calls('chat.update').length;

    await h.click(isaiah, cards[0]!, 'approve');

    const approved = 'Approved by Isaiah Langer at 24 Nov 2026 10:00';
    const applied = `${approved}; applied, effective by about 10:10`;
    expect(Object.fromEntries(updatesPerCopy(since))).toEqual(Object.fromEntries([summary, ...cards].map((m) => [keyOf(m), [approved, applied]])));
    for (const card of cards) expect(findButton(h.fake.message(card.channel, card.ts)!.blocks, 'approve')).toBeUndefined();
    expect(h.fake.violations).toEqual([]);
  });

  it('Reject through the modal: every copy gets exactly one chat.update', async () => {
    const { summary, cards } = await requestWithFiveCopies();
    const since = h.fake.calls('chat.update').length;

    await h.click(miriam, cards.find((c) => h.inbox(miriam).includes(c))!, 'reject');
    await h.submitReject(miriam, 'not without Isaiah');

    const rejected = 'Rejected by Miriam Graham at 24 Nov 2026 10:00: not without Isaiah';
    expect(Object.fromEntries(updatesPerCopy(since))).toEqual(Object.fromEntries([summary, ...cards].map((m) => [keyOf(m), [rejected]])));
    expect(h.fake.violations).toEqual([]);
  });
});
