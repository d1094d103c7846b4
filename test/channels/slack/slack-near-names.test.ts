import { afterEach, describe, expect, it } from 'vitest';
import { slackHarness, slackPeople, textOf, TRAINING, type SlackHarness } from './harness.js';

const { alex, megan, adele } = slackPeople;

let h: SlackHarness;
afterEach(async () => {
  await h?.close();
});

/** The `choose` buttons of a posted message, as Slack shows them. */
function chooseButtons(blocks: Record<string, unknown>[]): Array<{ action_id: string; text: { text: string } }> {
  return blocks.flatMap((b: any) => (b.type === 'actions' ? b.elements : [])).filter((e: any) => String(e.action_id).startsWith('choose'));
}

describe('Slack: a name not found, with close names', () => {
  it('posts "Did you mean Training?" with a button for it, and asks for the request only once the button is clicked', async () => {
    h = await slackHarness();
    await h.dm(alex, 'give Megan send-as on Trainig');
    const choice = h.last(alex, 'Did you mean Training?');
    expect(choice).toBeDefined();
    expect(textOf(h.last(alex, 'could not find'))).toContain('I could not find a mailbox or group called "Trainig".');
    const buttons = chooseButtons(choice!.blocks);
    expect(buttons.map((b) => b.text.text)).toEqual(['Training (training@contoso.example)']);
    expect(await h.app.engine.requestsOf(alex.aad)).toEqual([]);

    expect((await h.click(alex, choice!, buttons[0]!.action_id)).status).toBe(200);
    await h.app.engine.idle();
    const [request] = await h.app.engine.requestsOf(alex.aad);
    expect(request).toMatchObject({ granteeId: megan.aad, targetId: TRAINING, rights: ['SendAs'] });
  });

  it('asks "Bedoel je …?" in Dutch with the button', async () => {
    h = await slackHarness();
    await h.dm(adele, 'geef Megan verzenden als op Trainig');
    const choice = h.last(adele, 'Bedoel je Training?');
    expect(choice).toBeDefined();
    expect(chooseButtons(choice!.blocks).map((b) => b.text.text)).toEqual(['Training (training@contoso.example)']);
  });
});

/** Jan Smit's directory id (Contoso), his mailbox's too. */
const JAN_SMIT = '0a1e0007-aaaa-4bbb-8ccc-000000000007';

describe('Slack: a click on an earlier choice of the same request', () => {
  it('is refused as no longer open and creates nothing; a tampered step too; the open choice still answers', async () => {
    h = await slackHarness();
    await h.dm(alex, "give Jann full access to Jan's mailbox");
    const first = h.last(alex, 'Did you mean Jan Jansen or Jan Smit?')!;
    expect(first).toBeDefined();
    await h.dm(alex, 'Jan Jansen');
    const second = h.last(alex, 'Which mailbox or group do you mean?')!;
    expect(second).toBeDefined();
    const [firstSmit, secondSmit] = [first, second].map((m) => chooseButtons(m.blocks)[1] as unknown as { action_id: string; value: string; text: { text: string } });
    expect(firstSmit!.text.text).toBe(secondSmit!.text.text);
    expect(JSON.parse(firstSmit!.value).draftId).toBe(JSON.parse(secondSmit!.value).draftId);

    // A refusal is posted as a new message (the clicked choice keeps its buttons).
    const refusals = () => h.inbox(alex).filter((m) => textOf(m).includes('That choice is no longer open')).length;
    // "Jan Smit" on the grantee choice is no answer to the mailbox question.
    await h.click(alex, first, firstSmit!.action_id);
    await h.settle();
    expect(refusals()).toBe(1);
    // The open choice's button with its step edited: refused too.
    await h.click(alex, second, secondSmit!.action_id, { value: JSON.stringify({ ...JSON.parse(secondSmit!.value), step: 99 }) });
    await h.settle();
    expect(refusals()).toBe(2);
    expect(await h.app.engine.requestsOf(alex.aad)).toEqual([]);

    await h.click(alex, second, secondSmit!.action_id);
    await h.settle();
    const requests = await h.app.engine.requestsOf(alex.aad);
    expect(requests.map((r) => [r.granteeId, r.targetId, r.rights])).toEqual([[slackPeople.janJansen.aad, JAN_SMIT, ['FullAccess']]]);
    expect(h.fake.violations).toEqual([]);
  });
});
