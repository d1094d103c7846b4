import { afterEach, describe, expect, it } from 'vitest';
import { message, personalConversationId, post, type TeamsUser } from '../../fakes/teams-activities.js';
import { TEAMS_REPLY_JOB } from '../../../src/channels/teams/owed-replies.js';
import { cardOf, people, teamsHarness, TENANT, textOf, type TeamsHarness } from './harness.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const { alex, adele, megan, isaiah, miriam, nestor } = people;

let h: TeamsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** What the bot sent into `user`'s chats after the first `before` messages. */
function newIn(harness: TeamsHarness, user: typeof alex, before: number) {
  return harness.inbox(user).slice(before);
}

/** Requests to the connector for `conversationId`'s activities (every attempt, answered or not). */
function attemptsOn(harness: TeamsHarness, conversationId: string): number {
  return harness.connector.requests.filter((r) => r.path.includes(`/v3/conversations/${encodeURIComponent(conversationId)}/activities`)).length;
}

/**
 * SPEC section 4: a message owed to a person survives an outage of Teams. The activity id is
 * claimed in the turn ledger before the turn answers, so Teams' redelivery is "answered before": a
 * turn reply the Bot Connector refuses for now (503, a long 429) must not fail the turn and be
 * lost, but become a durable job that arrives when Teams is back, in order, once, the summary still
 * kept as the copy a decision updates.
 */
describe('Teams: a turn reply the Bot Connector refuses for now is owed, not lost', () => {
  it('sends the summary after a Bot Connector outage (503) during the turn, once, and the approval still updates it', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.install(adele);
    const before = h.inbox(alex).length;
    const chat = personalConversationId(alex);

    // Teams is down while Alex asks: the reply (after the client's own three retries) and the first job attempts fail.
    h.connector.outage(503);
    const response = await h.say(alex, 'give Megan send-as on Training');
    expect(response.status).toBe(200);
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    expect(request?.state).toBe('pending');
    expect(h.connector.throttledAnswers).toContain(chat);
    expect(newIn(h, alex, before)).toEqual([]);
    expect(h.logs.some((l) => /owed as a job/.test(l.msg))).toBe(true);

    // A few minutes of outage: still nothing sent, the job keeps retrying.
    await h.advance(5 * MINUTE);
    expect(newIn(h, alex, before)).toEqual([]);

    // Teams is back: the owed summary arrives in Alex's personal chat as its retry comes due.
    h.connector.recover();
    for (let minute = 0; minute < 20; minute++) await h.advance(MINUTE);
    const summaries = newIn(h, alex, before).filter((s) => textOf(s).includes(request!.id));
    expect(summaries).toHaveLength(1);
    const summary = summaries[0]!;
    expect(summary.conversationId).toBe(chat);
    expect(textOf(summary)).toContain('Megan Bowen');

    // The owed summary is a copy of the request: Adele's approval updates that very card.
    const approval = [...h.inbox(adele)].reverse().find((s) => textOf(s).includes(request!.id));
    expect(approval).toBeDefined();
    expect((await h.click(adele, 'approve', { requestId: request!.id }, approval)).status).toBe(200);
    await h.settle();
    const updates = h.connector.updates.filter((u) => u.activityId === summary.id && u.conversationId === chat);
    expect(updates.length).toBeGreaterThan(0);
    expect(textOf(updates.at(-1))).toMatch(/Approved by Adele Vance/);

    // Exactly once: a day later the summary has not been sent again.
    await h.advance(24 * HOUR);
    const sameCard = JSON.stringify(summary.activity.attachments);
    expect(newIn(h, alex, before).filter((s) => JSON.stringify(s.activity.attachments) === sameCard)).toHaveLength(1);
    expect(h.connector.rejected).toEqual([]);
  });

  it('sends an owed summary as the request is when Teams is back (approved meanwhile), and later changes still update it', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.install(adele);
    const before = h.inbox(alex).length;
    const chat = personalConversationId(alex);

    // Only Alex's chat is refused: his summary is owed, Adele's approval card reaches her.
    h.connector.outageIn(chat, 503);
    expect((await h.say(alex, 'give Megan send-as on Training')).status).toBe(200);
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    const approval = [...h.inbox(adele)].reverse().find((s) => textOf(s).includes(request!.id));
    expect(approval).toBeDefined();
    expect((await h.click(adele, 'approve', { requestId: request!.id }, approval)).status).toBe(200);
    await h.settle();
    expect((await h.bot.app.engine.get(request!.id))?.state).not.toBe('pending');
    expect(newIn(h, alex, before).filter((s) => textOf(s).includes(request!.id))).toEqual([]);

    // Teams takes Alex's chat again: the summary arrives showing Adele's approval, not "waiting for approval".
    h.connector.recover();
    for (let minute = 0; minute < 20; minute++) await h.advance(MINUTE);
    const summaries = newIn(h, alex, before).filter((s) => s.conversationId === chat && textOf(s).includes(request!.id) && textOf(s).includes('Megan Bowen'));
    expect(summaries.length).toBeGreaterThan(0);
    const summary = summaries[0]!;
    expect(textOf(summary)).toMatch(/Approved by Adele Vance/);
    expect(textOf(summary)).not.toMatch(/Waiting for approval/);
    expect(h.connector.rejected).toEqual([]);
  });

  it('waits out a long Retry-After (429) as a job, and keeps the order of the turn\'s replies', async () => {
    h = await teamsHarness();
    await h.install(alex);
    // Adele, who approves on Training, has a saved chat: her approval cards need no new chat opened.
    await h.install(adele);
    const before = h.inbox(alex).length;
    const chat = personalConversationId(alex);

    // Over the rate limit with Retry-After 30 s: longer than a turn waits, so the turn owes its three replies.
    h.connector.outage(429, { 'retry-after': '30' });
    expect((await h.say(alex, 'give Megan and Isaiah send-as on Training')).status).toBe(200);
    h.connector.recover();
    const requests = await h.bot.app.engine.requestsOf(alex.aad);
    expect(requests).toHaveLength(2);
    const forMegan = requests.find((r) => r.granteeId === megan.aad)!;
    const forIsaiah = requests.find((r) => r.granteeId === isaiah.aad)!;

    // Not sooner than the connector asked.
    const asked = attemptsOn(h, chat);
    await h.advance(20 * SECOND);
    expect(newIn(h, alex, before)).toEqual([]);
    expect(attemptsOn(h, chat)).toBe(asked);

    await h.advance(15 * SECOND);
    const sent = newIn(h, alex, before);
    // In the turn's order: "one request per person", then Megan's summary, then Isaiah's.
    expect(sent).toHaveLength(3);
    expect(sent.every((s) => s.conversationId === chat)).toBe(true);
    expect(textOf(sent[0])).not.toContain(forMegan.id);
    expect(textOf(sent[0])).toMatch(/Megan Bowen/);
    expect(textOf(sent[1])).toContain(forMegan.id);
    expect(textOf(sent[2])).toContain(forIsaiah.id);

    // Once each.
    await h.advance(HOUR);
    expect(newIn(h, alex, before)).toHaveLength(3);
    expect(h.connector.rejected).toEqual([]);
  });

  it('owes the replies that follow a card click\'s answer too: the summary after a choice', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.install(miriam);
    await h.say(alex, 'give Jan send-as on Sales');
    const choice = h.inbox(alex).at(-1)!;
    const before = h.inbox(alex).length;

    // The click is answered in the invoke response; the summary that follows is a new message, refused for now.
    h.connector.outage(503);
    const picked = await h.click(alex, 'choose', cardOf(choice)!.actions[1].data, choice);
    expect(picked.status).toBe(200);
    expect(JSON.stringify(picked.body.value)).toContain('Jan Smit');
    await h.settle();
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    expect(request?.granteeId).toBe(people.janSmit.aad);
    expect(newIn(h, alex, before)).toEqual([]);

    h.connector.recover();
    for (let minute = 0; minute < 5; minute++) await h.advance(MINUTE);
    const summaries = newIn(h, alex, before).filter((s) => textOf(s).includes(request!.id));
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.conversationId).toBe(choice.conversationId);

    // Miriam's approval updates the summary sent late.
    const approval = [...h.inbox(miriam)].reverse().find((s) => textOf(s).includes(request!.id))!;
    await h.click(miriam, 'approve', { requestId: request!.id }, approval);
    await h.settle();
    expect(h.connector.updates.some((u) => u.activityId === summaries[0]!.id)).toBe(true);
  });

  it('sends an owed reply into a new 1:1 chat when the turn\'s chat is gone (404), as proactive messages do', async () => {
    h = await teamsHarness();
    await h.install(alex);
    const before = h.inbox(alex).length;

    h.connector.outage(503);
    await h.say(alex, 'help');
    h.connector.recover();
    // The personal chat is gone by the time Teams is back.
    h.connector.failNext(1, 404);
    await h.advance(MINUTE);

    const sent = newIn(h, alex, before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.conversationId).toBe(`a:1to1-${alex.aad}`);
    expect(h.connector.created.map((c) => c.parameters.members[0].id)).toEqual([alex.aad]);
  });

  it('drops a reply Teams will never take (the app removed: 403 there and to a new chat) with a log, without retrying', async () => {
    h = await teamsHarness();
    await h.install(alex);
    const before = h.inbox(alex).length;
    const chat = personalConversationId(alex);

    h.connector.outage(503);
    await h.say(alex, 'help');
    // Alex removed the app meanwhile: Teams refuses the chat and a new one alike.
    h.connector.outage(403);
    await h.advance(MINUTE);
    const dropped = h.logs.filter((l) => /owed in Teams could not be delivered; dropped/.test(l.msg));
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ err: 'recipient_unreachable', userId: alex.aad, conversationId: chat, kind: 'help' });

    // No retries: a day later nothing more was tried, and nothing arrives when Teams answers again.
    const attempts = h.connector.requests.length;
    h.connector.recover();
    await h.advance(24 * HOUR);
    expect(h.connector.requests.length).toBe(attempts);
    expect(newIn(h, alex, before)).toEqual([]);
  });

  it('gives up a reply after 24 h of outage, with a log, and tries no more', async () => {
    h = await teamsHarness();
    await h.install(alex);
    const chat = personalConversationId(alex);

    h.connector.outage(503);
    await h.say(alex, 'help');
    // Retries back off to 15 min apart; after 24 h of them the reply is given up.
    for (let quarter = 0; quarter < 25 * 4; quarter++) await h.advance(15 * MINUTE);
    const dropped = h.logs.filter((l) => /owed in Teams could not be delivered; dropped/.test(l.msg));
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ err: 'channel_unavailable', conversationId: chat });

    const attempts = attemptsOn(h, chat);
    await h.advance(24 * HOUR);
    expect(attemptsOn(h, chat)).toBe(attempts);
  });
});

/** `user` writes `text` in a group chat (`id`): answered in their personal chat. */
async function sayInGroupChat(harness: TeamsHarness, user: TeamsUser, text: string, id: string): Promise<void> {
  const activity = message(user, harness.ctx, text);
  const response = await post(harness.bot.port, { ...activity, conversation: { conversationType: 'groupChat', tenantId: TENANT, id } });
  expect(response.status).toBe(200);
  await harness.settle();
}

describe('Teams: replies owed to the personal chat (answers to a channel or group chat)', () => {
  it('still delivers a job stored by the previous version ({ reference, reply, userId, queuedAt }) into its conversation', async () => {
    h = await teamsHarness();
    await h.install(alex);
    const before = h.inbox(alex).length;
    const stored = await h.bot.teams.repository.reference(alex.aad);
    const now = h.clock.now();
    await h.bot.app.store.commit({
      schedule: [
        {
          id: 'teams-reply-stored-before',
          kind: TEAMS_REPLY_JOB,
          dueAt: now,
          orderKey: `teams-reply:${personalConversationId(alex)}`,
          payload: { reference: stored!.reference, reply: { kind: 'text', text: 'owed before the upgrade' }, userId: alex.aad, queuedAt: now },
        },
      ],
    });
    h.bot.app.worker.wake();
    await h.advance(SECOND);
    const sent = newIn(h, alex, before);
    expect(sent.map((s) => [s.conversationId, s.activity.text])).toEqual([[personalConversationId(alex), 'owed before the upgrade']]);
  });

  it('opens a 1:1 chat when it is sent for someone with no saved chat, and uses that chat for the next one', async () => {
    h = await teamsHarness();
    // Adele's install makes the service URL known: a chat can be opened from it.
    await h.install(adele);
    await h.bot.teams.owed.owe({ personalChat: true }, [{ kind: 'text', text: 'first' }], megan.aad);
    await h.advance(SECOND);
    await h.bot.teams.owed.owe({ personalChat: true }, [{ kind: 'text', text: 'second' }], megan.aad);
    await h.advance(SECOND);
    const chat = `a:1to1-${megan.aad}`;
    expect(h.inbox(megan).map((s) => [s.conversationId, s.activity.text])).toEqual([
      [chat, 'first'],
      [chat, 'second'],
    ]);
    expect(h.connector.created.map((c) => c.parameters.members[0].id)).toEqual([megan.aad]);
  });

  it('keeps the order of one person\'s answers owed from different shared conversations', async () => {
    h = await teamsHarness();
    await h.install(nestor);
    const before = h.inbox(nestor).length;
    h.connector.outage(503);
    await sayInGroupChat(h, nestor, 'help', '19:first@thread.v2');
    await sayInGroupChat(h, nestor, 'who has access to Support?', '19:second@thread.v2');
    h.connector.recover();
    // The first answer's next attempt fails again (with the client's own retries): the second still waits for it.
    h.connector.failNext(4, 503);
    for (let minute = 0; minute < 20; minute++) await h.advance(MINUTE);
    const sent = newIn(h, nestor, before);
    expect(sent).toHaveLength(2);
    expect(sent.every((s) => s.conversationId === personalConversationId(nestor))).toBe(true);
    expect(textOf(sent[0])).not.toContain('Isaiah Langer');
    expect(textOf(sent[1])).toContain('Isaiah Langer');
  });
});
