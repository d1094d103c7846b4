import { afterEach, describe, expect, it } from 'vitest';
import { cardAction, message, personalConversationId, post, type TeamsUser } from '../../fakes/teams-activities.js';
import { people, teamsHarness, TENANT, textOf, type TeamsHarness } from './harness.js';

const { alex, adele, nestor, megan } = people;
const CHANNEL = '19:general@thread.tacv2;messageid=1700000000000';
const GROUP_CHAT = '19:meeting_abc@thread.v2';
const ANSWERED = "I've answered you in our personal chat.";
const ASK = 'I answer this only in a personal chat: please message me there directly.';

let h: TeamsHarness;
afterEach(async () => {
  await h?.close();
});

/** `user` writes `@bot text` in a team channel or group chat. */
async function sayIn(user: TeamsUser, text: string, conversationType: 'channel' | 'groupChat', id: string): Promise<void> {
  const activity = message(user, h.ctx, text);
  const response = await post(h.bot.port, { ...activity, conversation: { conversationType, tenantId: TENANT, id } });
  expect(response.status).toBe(200);
  await h.settle();
}

function sentTo(conversationId: string) {
  return h.connector.sent.filter((s) => s.conversationId === conversationId);
}

describe('Teams: answers to a turn in a channel or group chat go to the personal chat (SPEC section 2)', () => {
  it("answers an admin's access query in the personal chat; the channel gets only the pointer", async () => {
    h = await teamsHarness();
    await h.install(nestor);
    await sayIn(nestor, 'who has access to Support?', 'channel', CHANNEL);
    const answer = h.inbox(nestor).at(-1)!;
    expect(answer.conversationId).toBe(personalConversationId(nestor));
    expect(textOf(answer)).toContain('Isaiah Langer');
    expect(sentTo(CHANNEL).map((s) => s.activity.text)).toEqual([ANSWERED]);
    expect(JSON.stringify(sentTo(CHANNEL))).not.toContain('Isaiah');
  });

  it('a channel message without conversationType (isGroup, a 19:…@thread id) is shared too, and never saved as the personal chat', async () => {
    h = await teamsHarness();
    await h.install(nestor);
    const activity = message(nestor, h.ctx, 'who has access to Support?');
    const response = await post(h.bot.port, { ...activity, conversation: { tenantId: TENANT, id: CHANNEL, isGroup: true } });
    expect(response.status).toBe(200);
    await h.settle();
    expect(h.inbox(nestor).at(-1)!.conversationId).toBe(personalConversationId(nestor));
    expect(sentTo(CHANNEL).map((s) => s.activity.text)).toEqual([ANSWERED]);
    // Later messages still go to the personal chat, not the channel.
    await sayIn(nestor, 'help', 'channel', CHANNEL);
    expect(sentTo(CHANNEL).map((s) => s.activity.text)).toEqual([ANSWERED, ANSWERED]);
    expect(h.inbox(nestor).at(-1)!.conversationId).toBe(personalConversationId(nestor));
  });

  it('sends a request made in a group chat to the personal chat, where the decision updates the summary', async () => {
    h = await teamsHarness();
    await h.install(adele);
    // Alex never opened the personal chat: the bot opens a 1:1 chat by his Entra id.
    await sayIn(alex, 'give Megan send-as on Training', 'groupChat', GROUP_CHAT);
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    const summary = h.inbox(alex).find((s) => textOf(s).includes(request!.id))!;
    expect(summary.conversationId).toBe(`a:1to1-${alex.aad}`);
    expect(sentTo(GROUP_CHAT).map((s) => s.activity.text)).toEqual([ANSWERED]);
    expect(await h.bot.app.presence.lastChannel(alex.aad)).toBe('teams');

    const approval = h.inbox(adele).at(-1)!;
    await h.click(adele, 'approve', { requestId: request!.id }, approval);
    await h.settle();
    const update = h.connector.updates.filter((u) => u.activityId === summary.id).at(-1)!;
    expect(update.conversationId).toBe(summary.conversationId);
    expect(textOf(update)).toContain('Adele Vance');
    expect(sentTo(GROUP_CHAT)).toHaveLength(1);
  });

  it('asks the person to write in a personal chat when none can be reached, showing nothing of the answer', async () => {
    h = await teamsHarness();
    await h.install(adele);
    h.connector.refuseChatsWith(nestor.aad);
    await sayIn(nestor, 'audit Training', 'channel', CHANNEL);
    expect(sentTo(CHANNEL).map((s) => s.activity.text)).toEqual([ASK]);
    expect(h.inbox(nestor)).toEqual([]);
  });

  it('asks in Dutch, and only the pointer, when no chat is known yet to open one from', async () => {
    h = await teamsHarness();
    await sayIn(adele, 'mijn aanvragen', 'channel', CHANNEL);
    expect(sentTo(CHANNEL).map((s) => s.activity.text)).toEqual(['Dit beantwoord ik alleen in een persoonlijke chat: stuur me daar rechtstreeks een bericht.']);
  });

  it('answers a click on a card left in a channel in the personal chat, and only the clicker sees the pointer', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.say(alex, 'give Megan send-as on Training');
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    const click = cardAction(alex, h.ctx, 'cancel', { requestId: request!.id }, { conversationId: CHANNEL });
    const answer = await post(h.bot.port, { ...click, conversation: { conversationType: 'channel', tenantId: TENANT, id: CHANNEL } });
    await h.settle();
    expect(answer.body).toMatchObject({ type: 'application/vnd.microsoft.activity.message', value: ANSWERED });
    expect((await h.bot.app.engine.get(request!.id))?.state).toBe('cancelled');
    expect(textOf(h.inbox(alex).at(-1))).toContain(request!.id);
    expect(sentTo(CHANNEL)).toEqual([]);
  });

  it('still answers in the personal chat itself', async () => {
    h = await teamsHarness();
    await h.install(megan);
    await h.say(megan, 'my requests');
    expect(h.connector.sent.map((s) => s.conversationId)).toEqual([personalConversationId(megan)]);
  });
});
