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

  it('points to the personal chat in the language the answer is in: a Dutch message from an English client gets the Dutch pointer', async () => {
    h = await teamsHarness();
    await h.install(nestor);
    await sayIn(nestor, 'wie heeft toegang tot Support?', 'channel', CHANNEL);
    expect(sentTo(CHANNEL).map((s) => s.activity.text)).toEqual(["Ik heb je in onze persoonlijke chat geantwoord."]);
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

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const COMING = 'My answer is on its way to our personal chat; it will be there shortly.';

/** Lets an outage's owed jobs come due after `recover()`: retries back off to minutes apart. */
async function afterRecovery(): Promise<void> {
  for (let minute = 0; minute < 20; minute++) await h.advance(MINUTE);
}

/**
 * SPEC section 4 for a turn in a shared conversation: when Teams refuses the personal chat for now,
 * the answer is owed there as jobs (never to the shared conversation), and the shared conversation's
 * pointer, owed too if refused, says it is on its way.
 */
describe('Teams: the private answer to a shared conversation survives an outage (SPEC section 4)', () => {
  it('sends a request made in a group chat during a 503 outage to the personal chat once Teams is back; the group chat gets only the pointer, and the decision updates the summary', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.install(adele);
    const chat = personalConversationId(alex);
    const before = h.inbox(alex).length;

    h.connector.outage(503);
    await sayIn(alex, 'give Megan send-as on Training', 'groupChat', GROUP_CHAT);
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    expect(request?.state).toBe('pending');
    expect(h.connector.throttledAnswers).toContain(chat);
    expect(h.connector.throttledAnswers).toContain(GROUP_CHAT);
    expect(h.inbox(alex).slice(before)).toEqual([]);
    expect(sentTo(GROUP_CHAT)).toEqual([]);

    h.connector.recover();
    await afterRecovery();
    const summaries = h.inbox(alex).slice(before).filter((s) => textOf(s).includes(request!.id));
    expect(summaries).toHaveLength(1);
    const summary = summaries[0]!;
    expect(summary.conversationId).toBe(chat);
    expect(textOf(summary)).toContain('Megan Bowen');
    // The group chat got the pointer, owed to it as well, and nothing of the answer.
    expect(sentTo(GROUP_CHAT).map((s) => s.activity.text)).toEqual([COMING]);
    expect(JSON.stringify(sentTo(GROUP_CHAT))).not.toContain(request!.id);
    expect(JSON.stringify(sentTo(GROUP_CHAT))).not.toContain('Megan');
    expect(await h.bot.app.presence.lastChannel(alex.aad)).toBe('teams');

    // The summary sent late is the request's copy: Adele's approval updates it, in the personal chat.
    const approval = [...h.inbox(adele)].reverse().find((s) => textOf(s).includes(request!.id))!;
    expect((await h.click(adele, 'approve', { requestId: request!.id }, approval)).status).toBe(200);
    await h.settle();
    const update = h.connector.updates.filter((u) => u.activityId === summary.id).at(-1)!;
    expect(update.conversationId).toBe(chat);
    expect(textOf(update)).toMatch(/Approved by Adele Vance/);

    // Once each, a day later.
    await h.advance(24 * HOUR);
    const sameCard = JSON.stringify(summary.activity.attachments);
    expect(h.inbox(alex).filter((s) => JSON.stringify(s.activity.attachments) === sameCard)).toHaveLength(1);
    expect(sentTo(GROUP_CHAT)).toHaveLength(1);
    expect(h.connector.rejected).toEqual([]);
  });

  it('when only the personal chat is refused, posts the pointer at once and the answer follows there', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.install(adele);
    const chat = personalConversationId(alex);
    const before = h.inbox(alex).length;

    h.connector.outageIn(chat, 503);
    await sayIn(alex, 'give Megan send-as on Training', 'channel', CHANNEL);
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    expect(sentTo(CHANNEL).map((s) => s.activity.text)).toEqual([COMING]);
    expect(h.inbox(alex).slice(before)).toEqual([]);
    expect(h.logs.some((l) => /owed to the personal chat as a job/.test(l.msg))).toBe(true);

    h.connector.recover();
    await afterRecovery();
    const sent = h.inbox(alex).slice(before);
    expect(sent.filter((s) => textOf(s).includes(request!.id))).toHaveLength(1);
    expect(sent.every((s) => s.conversationId === chat)).toBe(true);
    expect(sentTo(CHANNEL)).toHaveLength(1);
  });

  it('owes the pointer to the group chat when only the group chat is refused; the answer is in the personal chat at once', async () => {
    h = await teamsHarness();
    await h.install(nestor);
    h.connector.outageIn(GROUP_CHAT, 503);
    await sayIn(nestor, 'who has access to Support?', 'groupChat', GROUP_CHAT);
    expect(textOf(h.inbox(nestor).at(-1))).toContain('Isaiah Langer');
    expect(sentTo(GROUP_CHAT)).toEqual([]);

    h.connector.recover();
    await afterRecovery();
    expect(sentTo(GROUP_CHAT).map((s) => s.activity.text)).toEqual([ANSWERED]);
    expect(JSON.stringify(sentTo(GROUP_CHAT))).not.toContain('Isaiah');
  });

  it('says it in Dutch for a Dutch client', async () => {
    h = await teamsHarness();
    await h.install(adele);
    const before = h.inbox(adele).length;
    h.connector.outageIn(personalConversationId(adele), 503);
    await sayIn(adele, 'mijn aanvragen', 'channel', CHANNEL);
    expect(sentTo(CHANNEL).map((s) => s.activity.text)).toEqual(['Mijn antwoord is onderweg naar onze persoonlijke chat; het staat er zo.']);
    h.connector.recover();
    await afterRecovery();
    const answers = h.inbox(adele).slice(before);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.conversationId).toBe(personalConversationId(adele));
  });

  it('answers a click on a card in a channel the same way: the pointer in the invoke answer, the answer owed to the personal chat', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.say(alex, 'give Megan send-as on Training');
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    const chat = personalConversationId(alex);
    const before = h.inbox(alex).length;

    h.connector.outageIn(chat, 503);
    const click = cardAction(alex, h.ctx, 'cancel', { requestId: request!.id }, { conversationId: CHANNEL });
    const answer = await post(h.bot.port, { ...click, conversation: { conversationType: 'channel', tenantId: TENANT, id: CHANNEL } });
    await h.settle();
    expect(answer.body).toMatchObject({ type: 'application/vnd.microsoft.activity.message', value: COMING });
    expect((await h.bot.app.engine.get(request!.id))?.state).toBe('cancelled');
    expect(h.inbox(alex).slice(before)).toEqual([]);

    h.connector.recover();
    await afterRecovery();
    const answers = h.inbox(alex).slice(before).filter((s) => s.conversationId === chat && textOf(s).includes(request!.id));
    expect(answers.length).toBeGreaterThan(0);
    expect(sentTo(CHANNEL)).toEqual([]);
  });

  it('still asks to be messaged directly when Teams refuses the personal chat for good (403), and owes nothing', async () => {
    h = await teamsHarness();
    await h.install(nestor);
    const before = h.inbox(nestor).length;
    // The app was removed for Nestor: his saved chat and a new one are both refused.
    h.connector.outageIn(personalConversationId(nestor), 403);
    h.connector.refuseChatsWith(nestor.aad);
    await sayIn(nestor, 'audit Training', 'channel', CHANNEL);
    expect(sentTo(CHANNEL).map((s) => s.activity.text)).toEqual([ASK]);
    expect(h.connector.refusedChats).toEqual([nestor.aad]);

    h.connector.recover();
    await h.advance(HOUR);
    expect(h.inbox(nestor).slice(before)).toEqual([]);
    expect(sentTo(CHANNEL)).toHaveLength(1);
  });
});
