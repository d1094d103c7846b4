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
