import { afterEach, describe, expect, it } from 'vitest';
import { slackHarness, slackPeople, textOf, type SlackHarness } from './harness.js';

const { alex, adele } = slackPeople;

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('Slack: a question the bot asked does not hold the person', () => {
  it('answers a new message after a question as new ("give <!channel> send-as on Training"), never as the name asked for', async () => {
    h = await slackHarness();
    await h.dm(alex, 'who has access to Nonexistent?');
    expect(textOf(h.inbox(alex).at(-1))).toContain('On which mailbox or group? Reply with its name.');
    await h.dm(alex, 'give <!channel> send-as on Training');
    const answer = textOf(h.inbox(alex).at(-1));
    expect(answer).not.toContain('could not find');
    expect(answer).toContain('Sorry, I did not understand that.');
    // The question is gone: a short unknown name now gets the plain "did not understand".
    await h.dm(alex, 'Narnia');
    expect(textOf(h.inbox(alex).at(-1))).toContain('Sorry, I did not understand that.');
    expect(await h.app.engine.requestsOf(alex.aad)).toEqual([]);
    expect(h.fake.violations).toEqual([]);
  });

  it('asks once more after a name that is not found, saying how to stop, and "annuleer" stops it (Dutch)', async () => {
    h = await slackHarness();
    await h.dm(adele, 'geef Megan verzenden als');
    await h.dm(adele, 'Nergens');
    const again = h.inbox(adele).slice(-2).map(textOf).join(' ');
    expect(again).toContain('Ik kon geen postvak of groep met de naam "Nergens" vinden.');
    expect(again).toContain('Op welk postvak of welke groep? Antwoord met de naam, of zeg "annuleer" om te stoppen.');
    await h.dm(adele, 'annuleer');
    expect(textOf(h.inbox(adele).at(-1))).toContain('Goed, ik vraag niet verder; er is niets aangevraagd.');
    expect(await h.app.engine.requestsOf(adele.aad)).toEqual([]);
  });
});
