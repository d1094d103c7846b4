import { afterEach, describe, expect, it } from 'vitest';
import { findButton } from '../../fakes/slack-requests.js';
import { slackHarness, slackPeople, textOf, type SlackHarness } from './harness.js';

const { alex, megan, adele, miriam, janJansen } = slackPeople;

let h: SlackHarness;
afterEach(async () => {
  await h?.close();
});

describe('Slack: the conversations of SPEC section 2', () => {
  it('Reject opens the reason modal before anything slow, and the reason reaches the requester', async () => {
    h = await slackHarness();
    await h.dm(alex, 'give Megan send-as on Training');
    const [request] = await h.app.engine.requestsOf(alex.aad);
    const approval = h.inbox(adele).at(-1)!;
    const callsBefore = h.fake.calls().length;

    await h.click(adele, approval, 'reject');
    // The first Web API call after the click is views.open, with the click's trigger: no users.info before it.
    expect(h.fake.calls().slice(callsBefore).map((c) => c.method)).toEqual(['views.open']);
    const modal = h.fake.modals.at(-1)!;
    expect(JSON.stringify(modal.view)).toContain('Aanvraag afwijzen');
    expect((await h.app.engine.get(request!.id))?.state).toBe('pending');

    await h.submitReject(adele, 'Megan moves to Sales next week');
    const rejected = await h.app.engine.get(request!.id);
    expect(rejected?.state).toBe('rejected');
    expect(rejected?.decision).toMatchObject({ by: adele.aad, reason: 'Megan moves to Sales next week' });
    expect(textOf(h.fake.message(approval.channel, approval.ts))).toContain('Afgewezen door Adele Vance');
    expect(textOf(h.last(alex, 'Rejected'))).toContain('Megan moves to Sales next week');
    expect(h.fake.violations).toEqual([]);
  });

  it('rejects without a reason when the box is left empty', async () => {
    h = await slackHarness();
    await h.dm(alex, 'give Megan send-as on Training');
    const [request] = await h.app.engine.requestsOf(alex.aad);
    await h.click(adele, h.inbox(adele).at(-1)!, 'reject');
    await h.submitReject(adele, null);
    expect((await h.app.engine.get(request!.id))?.decision).toMatchObject({ verdict: 'rejected', by: adele.aad });
    expect((await h.app.engine.get(request!.id))?.decision?.reason).toBeUndefined();
  });

  it('asks which Jan with buttons, and nothing reaches an approver until one is chosen', async () => {
    h = await slackHarness();
    await h.dm(alex, 'give Jan send-as on Sales');
    const choice = h.inbox(alex).at(-1)!;
    expect(textOf(choice)).toContain('Jan Jansen');
    expect(textOf(choice)).toContain('Jan Smit');
    expect(await h.app.engine.requestsOf(alex.aad)).toEqual([]);
    expect(h.inbox(miriam)).toEqual([]);
    const jansenButton = choice.blocks.flatMap((b: any) => b.elements ?? []).find((e: any) => e.text?.text.includes('Jan Jansen'));
    await h.click(alex, choice, jansenButton.action_id);
    const [request] = await h.app.engine.requestsOf(alex.aad);
    expect(request).toMatchObject({ granteeId: janJansen.aad, rights: ['SendAs'] });
    expect(textOf(h.inbox(miriam).at(-1))).toContain('Jan Jansen');
  });

  it('answers a choice button naming no option with the options, leaving the buttons in place', async () => {
    h = await slackHarness();
    await h.dm(alex, 'give Jan send-as on Sales');
    const choice = h.inbox(alex).at(-1)!;
    const jansenButton = choice.blocks.flatMap((b: any) => b.elements ?? []).find((e: any) => e.text?.text.includes('Jan Jansen'));
    const tampered = JSON.stringify({ ...JSON.parse(jansenButton.value), pick: 7 });
    await h.click(alex, choice, jansenButton.action_id, { value: tampered });
    expect(h.fake.message(choice.channel, choice.ts)!.versions).toHaveLength(1);
    expect(textOf(h.inbox(alex).at(-1))).toContain('That is not one of the options');
    await h.click(alex, choice, jansenButton.action_id);
    expect((await h.app.engine.requestsOf(alex.aad)).map((r) => r.granteeId)).toEqual([janJansen.aad]);
  });

  it('takes /mailbox with the same sentences and answers in the DM with the app', async () => {
    h = await slackHarness();
    const response = await h.command(alex, 'give Megan send-as on Training', 'C0GENERAL1');
    expect(response.status).toBe(200);
    // The acknowledgement shows Alex alone where the answer went (slack-privacy.test.ts has the rest).
    expect(response.json).toEqual({ response_type: 'ephemeral', text: "I've answered you in a direct message." });
    const [request] = await h.app.engine.requestsOf(alex.aad);
    expect(request).toBeDefined();
    expect(textOf(h.inbox(alex).at(-1))).toContain(request!.id);
    expect(h.fake.messages.filter((m) => m.channel === 'C0GENERAL1')).toEqual([]);
  });

  it('answers a mention in the DM, pointing to it in the thread (slack-privacy.test.ts has the rest)', async () => {
    h = await slackHarness();
    await h.mention(miriam, 'who has access to Support?', 'C0GENERAL1');
    expect(textOf(h.inbox(miriam).at(-1))).toContain('Isaiah Langer');
    const [pointer, ...more] = h.fake.messages.filter((m) => m.channel === 'C0GENERAL1');
    expect(pointer?.threadTs).toBeDefined();
    expect(textOf(pointer)).not.toContain('Isaiah');
    expect(more).toEqual([]);
  });

  it('answers in Dutch when asked in Dutch', async () => {
    h = await slackHarness();
    await h.dm(alex, 'geef Megan verzenden als op Training');
    expect(textOf(h.inbox(alex).at(-1))).toContain('Verzenden als');
  });

  it('publishes the Home tab with my requests and what awaits my decision, with their states', async () => {
    h = await slackHarness();
    await h.dm(alex, 'give Megan send-as on Training');
    const [request] = await h.app.engine.requestsOf(alex.aad);
    await h.openHome(alex);
    const alexHome = JSON.stringify(h.fake.homes.get(alex.id));
    expect(alexHome).toContain('My requests');
    expect(alexHome).toContain(request!.id);
    expect(alexHome).toContain('Waiting for approval');
    await h.openHome(adele);
    const adeleHome = JSON.stringify(h.fake.homes.get(adele.id));
    expect(adeleHome).toContain('Wacht op mijn beslissing');
    expect(adeleHome).toContain(request!.id);
    expect(JSON.stringify(h.fake.homes.get(adele.id))).not.toContain('Er wacht niets');
    expect(h.fake.violations).toEqual([]);
  });

  it('lists my requests with Cancel, and the Cancel click cancels only the clicker\'s own request', async () => {
    h = await slackHarness();
    await h.dm(alex, 'give Megan send-as on Training');
    const [request] = await h.app.engine.requestsOf(alex.aad);
    await h.dm(alex, 'my requests');
    const list = h.inbox(alex).at(-1)!;
    const cancel = list.blocks.map((b: any) => b.accessory).find((a: any) => a?.action_id?.startsWith('cancel'));
    expect(JSON.parse(cancel.value)).toEqual({ requestId: request!.id });
    // Megan sends the same click from her own DM: refused.
    await h.dm(megan, 'help');
    await h.click(megan, h.inbox(megan).at(-1)!, 'cancel:0', { value: cancel.value });
    expect((await h.app.engine.get(request!.id))?.state).toBe('pending');
    await h.click(alex, list, cancel.action_id);
    expect((await h.app.engine.get(request!.id))?.state).toBe('cancelled');
    // Adele's copy says so, without buttons.
    const approval = h.inbox(adele).at(-1)!;
    expect(findButton(approval.blocks, 'approve')).toBeUndefined();
  });

  it('records that a person spoke on Slack for every message, click and Home visit (the delivery jobs reach them there)', async () => {
    h = await slackHarness();
    expect(await h.app.presence.lastChannel(alex.aad)).toBeUndefined();
    await h.dm(alex, 'give Megan send-as on Training');
    await h.click(adele, h.inbox(adele).at(-1)!, 'approve');
    await h.openHome(megan);
    for (const person of [alex, adele, megan]) expect(await h.app.presence.lastChannel(person.aad)).toBe('slack');
    expect(await h.slack.messaging.lastSeen(adele.aad)).toBe(h.clock.now());
  });
});

describe('Slack: what a person wrote never formats the message', () => {
  it('a reject reason with *bold* marks shows them as typed in the blocks and in the notification text', async () => {
    h = await slackHarness();
    await h.dm(alex, 'give Megan send-as on Training');
    const approval = h.inbox(adele).at(-1)!;
    await h.click(adele, approval, 'reject');
    await h.submitReject(adele, 'Niet nodig *shared* _echt_ niet');
    const told = h.last(alex, 'Rejected')!;
    const blocks = JSON.stringify(told.blocks);
    // No bare *shared* or _echt_ for mrkdwn to format: each mark is an inert token showing the mark.
    expect(blocks).not.toContain('*shared*');
    expect(blocks).not.toContain('_echt_');
    expect(blocks).toContain('<!date^00000000^{_}|*>shared<!date^00000000^{_}|*>');
    // The notification text keeps the marks as typed (it used to drop them).
    expect(told.text).toContain('Niet nodig *shared* _echt_ niet');
    // The card copies' state line too.
    expect(JSON.stringify(h.fake.message(approval.channel, approval.ts)?.blocks)).toContain('<!date^00000000^{_}|_>echt<!date^00000000^{_}|_>');
    expect(h.fake.violations).toEqual([]);
  });
});
