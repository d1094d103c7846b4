import { afterEach, describe, expect, it } from 'vitest';
import { findButton } from '../../fakes/slack-requests.js';
import { slackHarness, slackPeople, textOf, type SlackHarness } from './harness.js';

const MINUTE = 60_000;
const { alex, megan, adele } = slackPeople;

let h: SlackHarness;
afterEach(async () => {
  await h?.close();
});

describe('Slack conversation through /slack/events', () => {
  it("keeps every copy in its owner's time zone from their profile as last seen: the updates after a click agree with it", async () => {
    h = await slackHarness();
    await h.dm(alex, 'give Megan send-as on Training');
    const approval = h.inbox(adele).at(-1)!;
    // Adele's profile zone changed since her copy was posted (she travelled): her click reports Tokyo.
    h.fake.users.get(adele.id)!.tz = 'Asia/Tokyo';
    h.clock.advance(35 * MINUTE); // 08:35 UTC = 17:35 in Tokyo
    await h.click(adele, approval, 'approve');
    await h.app.engine.idle();
    const adeleCopy = h.fake.message(approval.channel, approval.ts)!;
    for (const version of adeleCopy.versions.slice(1)) expect(version.text + JSON.stringify(version.blocks)).not.toMatch(/09:35|08:35/);
    expect(textOf(adeleCopy)).toMatch(/Goedgekeurd door Adele Vance om 23 nov 2026 17:35/);
    await h.advance(10 * MINUTE);
    expect(textOf(h.fake.message(approval.channel, approval.ts))).toMatch(/Goedgekeurd door Adele Vance om 23 nov 2026 17:35/);
  });

  it('plays the mission: request in a DM, approval to the group owner, Approve, every copy updated, post-backs, effective', async () => {
    h = await slackHarness();
    expect((await h.dm(alex, 'give Megan send-as on Training')).status).toBe(200);

    // The requester's summary in Alex's DM: what, for whom, who approves, the request id.
    const [request] = await h.app.engine.requestsOf(alex.aad);
    expect(request).toBeDefined();
    const summary = h.inbox(alex).at(-1)!;
    for (const part of ['Send As', 'Megan Bowen', 'Training', 'Adele Vance', request!.id]) expect(textOf(summary)).toContain(part);

    // The approval request reaches Adele (owner of Training) as a DM the app opened, in Dutch (her language).
    expect(h.fake.calls('conversations.open').map((c) => c.args.users)).toContain(adele.id);
    const approval = h.inbox(adele).at(-1)!;
    expect(textOf(approval)).toContain('Alex Wilber vraagt Verzenden als aan voor Megan Bowen op Training');
    expect(findButton(approval.blocks, 'approve')).toMatchObject({ value: JSON.stringify({ requestId: request!.id }) });
    expect(findButton(approval.blocks, 'reject')).toMatchObject({ value: JSON.stringify({ requestId: request!.id }) });

    // Approve: answered, the request approved by the verified clicker.
    expect((await h.click(adele, approval, 'approve')).status).toBe(200);
    expect((await h.app.engine.get(request!.id))?.decision).toMatchObject({ verdict: 'approved', by: adele.aad });

    // Every copy is updated with chat.update: Adele's approval (no buttons left) and Alex's summary.
    const adeleCopy = h.fake.message(approval.channel, approval.ts)!;
    expect(adeleCopy.versions.length).toBeGreaterThan(1);
    expect(textOf(adeleCopy)).toMatch(/Goedgekeurd door Adele Vance om 23 nov 2026 \d\d:\d\d/);
    expect(findButton(adeleCopy.blocks, 'approve')).toBeUndefined();
    const alexCopy = h.fake.message(summary.channel, summary.ts)!;
    expect(textOf(alexCopy)).toMatch(/Approved by Adele Vance at 23 Nov 2026 \d\d:\d\d/);

    // Post-backs as DMs: approved and applied to Alex; Megan, who never wrote to the app, is found by her mail.
    expect(textOf(h.last(alex, 'Approved:'))).toContain('Approved: Send As for Megan Bowen on Training, by Adele Vance');
    expect(textOf(h.last(alex, 'Applied:'))).toMatch(/ffective by about \d\d:\d\d/);
    expect(h.fake.calls('users.lookupByEmail').map((c) => c.args.email)).toContain('meganb@contoso.example');
    expect(textOf(h.last(megan, 'Applied:'))).toContain('Send As for Megan Bowen on Training');

    // A second click (a client still showing the old buttons): "already approved by X at T", to Adele
    // alone; her copy keeps showing the approval as it is.
    const decided = JSON.stringify(adeleCopy.blocks);
    await h.click(adele, approval, 'approve', { value: JSON.stringify({ requestId: request!.id }) });
    expect(h.fake.ephemeralsFor(adele.id).at(-1)?.text).toMatch(/Al goedgekeurd door Adele Vance om 23 nov 2026 \d\d:\d\d/);
    expect(JSON.stringify(h.fake.message(approval.channel, approval.ts)!.blocks)).toBe(decided);

    // After the propagation window: effective, with how to use the right.
    await h.advance(10 * MINUTE);
    expect((await h.app.engine.get(request!.id))?.state).toBe('effective');
    expect(textOf(h.last(alex, 'In effect:'))).toContain('training@contoso.example');
    expect(textOf(h.last(megan, 'In effect:'))).toBeTruthy();
    expect(h.fake.violations).toEqual([]);
  });
});
