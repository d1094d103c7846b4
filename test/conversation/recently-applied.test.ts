import { afterEach, describe, expect, it } from 'vitest';
import { conversationHarness, wordsOf, type ConversationHarness } from './harness.js';
import { PEOPLE } from './scripts/spec-conversations.js';

let h: ConversationHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * SPEC section 3: "a right the bot has applied is shown as such at once ('applied, effective by
 * about HH:MM') in every answer about it". Asking for it again inside the window is answered at
 * once, in the asker's language, with no second approval round.
 */
describe('a right the bot applied minutes ago', () => {
  it('is "already held, applied HH:MM, effective by about HH:MM" for anyone who asks for it again', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send-as on Training');
    const [request] = await h.app.engine.requestsOf(PEOPLE.alex.id);
    await h.click('adele', 'approve', { requestId: request!.id });
    expect((await h.app.engine.get(request!.id))?.state).toBe('applied');

    // 09:00 in Amsterdam (the script's time zone); the harness's window is 10 minutes.
    const again = await h.say('alex', 'give Megan send-as on Training');
    expect(again.map((r) => r.kind)).toEqual(['text']);
    expect(wordsOf(again[0]!)).toMatch(/^Megan Bowen already has Send As.* on Training: applied 09:00, effective by about 09:10; nothing to approve\.$/);
    const dutch = await h.say('janJansen', 'geef Megan verzenden als op Training');
    expect(wordsOf(dutch[0]!)).toMatch(/^Megan Bowen heeft al .* op Training: toegepast om 09:00, van kracht rond 09:10; er is niets goed te keuren\.$/);
    expect((await h.app.engine.requestsOf(PEOPLE.janJansen.id)).length).toBe(0);
    expect(await h.app.engine.requestsOf(PEOPLE.alex.id)).toHaveLength(1);
  });
});
