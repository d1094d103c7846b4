import { afterEach, describe, expect, it } from 'vitest';
import { findButton } from '../../fakes/slack-requests.js';
import { slackHarness, slackPeople, textOf, type SlackHarness } from './harness.js';

const MINUTE = 60_000;
const { alex, megan, adele, nestor } = slackPeople;

let h: SlackHarness;
afterEach(async () => {
  await h?.close();
});

/**
 * On a Microsoft 365 group a delegate holds Send As or Send on Behalf, not both. Contoso: Adele owns
 * Training (she reads Dutch), Megan holds nothing on it, Nestor is the admin.
 */
describe('Slack: Send As and Send on Behalf for one person on one group', () => {
  it('warns on the second request, closes it as replaced when the first is applied, and replaces an applied grant without "not visible" post-backs', async () => {
    h = await slackHarness({ PROPAGATION_WINDOW: '2m', SIMULATED_VISIBILITY_DELAY: '30s' });
    await h.dm(alex, 'give Megan send as on Training');
    // Requests made in the same millisecond list in no set order: each is found by its right and state.
    const find = async (right: string, state: string) => (await h.app.engine.requestsOf(alex.aad)).find((r) => r.rights[0] === right && r.state === state);
    const sendAs = await find('SendAs', 'pending');
    const sendAsCard = h.inbox(adele).at(-1)!;
    expect(textOf(sendAsCard)).not.toContain('Vervanging');

    // The second request names the first, pending, on the requester's summary and the approver's card.
    await h.dm(alex, 'give Megan send on behalf on Training');
    const onBehalf = await find('SendOnBehalf', 'pending');
    const summary = h.inbox(alex).at(-1)!;
    expect(textOf(summary)).toContain(`Replacement: ${sendAs!.id} asks Send As for Megan Bowen on this group and is still open`);
    const onBehalfCard = h.inbox(adele).at(-1)!;
    expect(textOf(onBehalfCard)).toContain(`Vervanging: ${sendAs!.id} vraagt Verzenden als aan voor Megan Bowen op deze groep en staat nog open`);

    // Adele approves Send As: applied; the Send on Behalf request is closed as replaced, everyone's copy says so.
    await h.click(adele, sendAsCard, 'approve');
    expect((await h.app.engine.get(sendAs!.id))?.state).toBe('applied');
    expect(await h.app.engine.get(onBehalf!.id)).toMatchObject({ state: 'replaced', replacedBy: sendAs!.id });
    expect(textOf(h.last(alex, 'Closed without a decision:'))).toContain(
      `Closed without a decision: Send on Behalf for Megan Bowen on Training. ${sendAs!.id} gave Megan Bowen Send As on Training first, and a group delegate can have Send As or Send on Behalf, not both.`,
    );
    expect(h.last(megan, 'Closed without a decision:')).toBeDefined();
    const adeleCopy = h.fake.message(onBehalfCard.channel, onBehalfCard.ts)!;
    expect(findButton(adeleCopy.blocks, 'approve')).toBeUndefined();
    expect(textOf(adeleCopy)).toMatch(new RegExp(`Gesloten om 23 nov 2026 \\d\\d:\\d\\d: vervangen door ${sendAs!.id} \\(Verzenden als\\)`));
    expect(textOf(h.fake.message(summary.channel, summary.ts))).toMatch(new RegExp(`Closed at 23 Nov 2026 \\d\\d:\\d\\d: replaced by ${sendAs!.id} \\(Send As\\)`));
    // A click on the old buttons: no longer pending.
    await h.click(adele, onBehalfCard, 'approve', { value: JSON.stringify({ requestId: onBehalf!.id }) });
    expect(h.fake.ephemeralsFor(adele.id).at(-1)?.text).toContain('Die aanvraag staat niet meer open: die is vervangen.');

    // Asked again while Send As is applied: the warning of a right held; approved, it replaces the Send As grant.
    h.clock.advance(MINUTE);
    await h.dm(alex, 'give Megan send on behalf on Training');
    const again = await find('SendOnBehalf', 'pending');
    expect(textOf(h.inbox(alex).at(-1))).toContain('Replacement: Megan Bowen holds Send As on this group');
    await h.click(adele, h.inbox(adele).at(-1)!, 'approve');
    expect(await h.app.engine.get(sendAs!.id)).toMatchObject({ state: 'replaced', replacedBy: again!.id });
    expect(textOf(h.last(alex, 'Replaced:'))).toContain(
      `Replaced: Send As for Megan Bowen on Training was replaced by ${again!.id}, which gave Megan Bowen Send on Behalf on Training. A group delegate can have Send As or Send on Behalf, not both, so this right was removed.`,
    );
    expect(textOf(h.last(megan, 'Replaced:'))).toContain(again!.id);
    expect(textOf(h.fake.message(sendAsCard.channel, sendAsCard.ts))).toMatch(new RegExp(`Goedgekeurd door Adele Vance om 23 nov 2026 \\d\\d:\\d\\d; om 23 nov 2026 \\d\\d:\\d\\d vervangen door ${again!.id} \\(Verzenden namens\\)`));

    // Past the window and a day of checks: Send on Behalf in effect; nobody hears Send As is "not visible".
    await h.advance(3 * MINUTE);
    expect(textOf(h.last(alex, 'In effect:'))).toContain('Send on Behalf for Megan Bowen on Training');
    await h.advance(24 * 60 * MINUTE);
    for (const person of [alex, megan, adele, nestor]) {
      for (const message of h.inbox(person)) expect(textOf(message)).not.toMatch(/does not show it|not visible|niet zichtbaar|laat het .* niet zien/i);
    }
    expect((await h.app.engine.get(sendAs!.id))?.state).toBe('replaced');

    // The admin's view agrees: Send on Behalf only.
    await h.dm(nestor, 'what can Megan access?');
    const access = textOf(h.inbox(nestor).at(-1));
    expect(access).toContain('Training');
    expect(access).toContain('Send on Behalf');
    expect(access).not.toContain('Send As');
    expect(h.fake.violations).toEqual([]);
  });

  it('drops the "still open" warning from the approved request\'s cards once the other is closed', async () => {
    h = await slackHarness({ PROPAGATION_WINDOW: '2m', SIMULATED_VISIBILITY_DELAY: '30s' });
    await h.dm(alex, 'give Megan send as on Training');
    await h.dm(alex, 'give Megan send on behalf on Training');
    const summary = h.inbox(alex).at(-1)!;
    const card = h.inbox(adele).at(-1)!;
    expect(textOf(card)).toContain('staat nog open');
    // Adele approves the second request (the one that carries the warning): the first is closed as replaced.
    await h.click(adele, card, 'approve');
    const adeleCopy = textOf(h.fake.message(card.channel, card.ts));
    const alexCopy = textOf(h.fake.message(summary.channel, summary.ts));
    expect(adeleCopy).toMatch(/Goedgekeurd door Adele Vance/);
    expect(adeleCopy).not.toContain('staat nog open');
    expect(alexCopy).not.toContain('is still open');
    expect(h.fake.violations).toEqual([]);
  });
});
