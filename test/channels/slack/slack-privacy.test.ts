import { afterEach, describe, expect, it } from 'vitest';
import type { PostedMessage } from '../../fakes/slack-api-fake.js';
import { appMention, eventEnvelope, eventId } from '../../fakes/slack-requests.js';
import { slackHarness, slackPeople, textOf, type SlackHarness, type SlackPersonFixture } from './harness.js';

const { alex, megan, adele, nestor } = slackPeople;
const GENERAL = 'C0GENERAL1';
const POINTER_EN = "I've answered you in a direct message.";
const POINTER_NL = 'Ik heb je in een privébericht geantwoord.';

let h: SlackHarness;
afterEach(async () => {
  await h?.close();
});

/** `person` writes `@bot text` in `channel` (an `app_mention`, without `channel_type` as Slack sends it); the mention's ts. */
async function mention(person: SlackPersonFixture, text: string, channel = GENERAL): Promise<string> {
  const event = appMention(person, text, channel);
  expect((await h.post({ body: JSON.stringify(eventEnvelope(event, { eventId: eventId() })), contentType: 'application/json' })).status).toBe(200);
  return event.ts as string;
}

function inChannel(channel = GENERAL): PostedMessage[] {
  return h.fake.messages.filter((m) => m.channel === channel);
}

/** The channel holds only the pointer, in the mention's thread, and none of the answer's words. */
function expectOnlyPointer(threadTs: string, pointer: string, secrets: string[]): void {
  const posted = inChannel();
  expect(posted.map((m) => ({ text: m.text, threadTs: m.threadTs }))).toEqual([{ text: pointer, threadTs }]);
  for (const secret of secrets) expect(textOf(posted[0])).not.toContain(secret);
}

describe('Slack: answers to a mention in a shared conversation go to the DM (SPEC section 2)', () => {
  it('points to the DM in the language the answer is in: a Dutch mention from an English-locale person gets the Dutch pointer', async () => {
    h = await slackHarness();
    const ts = await mention(nestor, 'wie heeft toegang tot Support?');
    expect(textOf(h.inbox(nestor).at(-1))).toContain('Isaiah Langer');
    expectOnlyPointer(ts, 'Ik heb je in een privébericht geantwoord.', ['Isaiah', 'Support']);
  });

  it("answers an admin's access query in their DM; the channel thread gets only the pointer", async () => {
    h = await slackHarness();
    const ts = await mention(nestor, 'who has access to Support?');
    const answer = h.inbox(nestor).at(-1)!;
    expect(answer.channel).toMatch(/^D/);
    expect(answer.threadTs).toBeUndefined();
    expect(textOf(answer)).toContain('Isaiah Langer');
    expectOnlyPointer(ts, POINTER_EN, ['Isaiah', 'Support']);
    expect(h.fake.violations).toEqual([]);
  });

  it('answers an audit in the DM, with the pointer in the person\'s language (Dutch)', async () => {
    h = await slackHarness();
    await h.dm(alex, 'give Megan send-as on Training');
    const [request] = await h.app.engine.requestsOf(alex.aad);
    // Adele (owner of Training, Dutch) asks for its audit in the channel.
    const ts = await mention(adele, 'audit Training');
    expect(textOf(h.inbox(adele).at(-1))).toContain(request!.id);
    expectOnlyPointer(ts, POINTER_NL, [request!.id, 'Megan', 'Alex']);
  });

  it('answers "my requests" in the DM', async () => {
    h = await slackHarness();
    await h.dm(alex, 'give Megan send-as on Training');
    const [request] = await h.app.engine.requestsOf(alex.aad);
    const ts = await mention(alex, 'my requests');
    expect(textOf(h.inbox(alex).at(-1))).toContain(request!.id);
    expectOnlyPointer(ts, POINTER_EN, [request!.id, 'Megan', 'Training']);
  });

  it("sends a new request's summary to the DM, where the decision later updates it and the post-back arrives", async () => {
    h = await slackHarness();
    const ts = await mention(alex, 'give Megan send-as on Training');
    const [request] = await h.app.engine.requestsOf(alex.aad);
    const summary = h.inbox(alex).find((m) => textOf(m).includes(request!.id))!;
    expect(summary.threadTs).toBeUndefined();
    expectOnlyPointer(ts, POINTER_EN, [request!.id, 'Megan', 'Training']);
    // The approval card reaches the approver in her DM, as always.
    const approval = h.inbox(adele).at(-1)!;
    expect(textOf(approval)).toContain(request!.id);

    await h.click(adele, approval, 'approve');
    await h.advance(2 * 60_000);
    expect(await h.app.presence.lastChannel(alex.aad)).toBe('slack');
    expect(textOf(h.fake.message(summary.channel, summary.ts))).toContain('Adele Vance');
    expect(h.last(alex, 'Approved')?.channel).toBe(summary.channel);
    // Nothing more in the channel than the one pointer.
    expect(inChannel()).toHaveLength(1);
  });

  it('answers a click on a card left in a channel in the DM, not over the card', async () => {
    h = await slackHarness();
    await h.dm(alex, 'give Megan send-as on Training');
    const [request] = await h.app.engine.requestsOf(alex.aad);
    await h.dm(alex, 'my requests');
    const list = h.inbox(alex).at(-1)!;
    const cancel = list.blocks.map((b: any) => b.accessory).find((a: any) => a?.action_id?.startsWith('cancel'));
    // The same card as an earlier version of the bot left it in a channel thread.
    const leftover = { ...list, channel: GENERAL, ts: '1700000000.000100', threadTs: '1700000000.000001' };
    const before = h.inbox(alex).length;
    await h.click(alex, leftover, cancel.action_id);
    expect((await h.app.engine.get(request!.id))?.state).toBe('cancelled');
    expect(h.inbox(alex).slice(before).map(textOf).join(' ')).toContain(request!.id);
    expect(h.fake.calls().filter((c) => c.method === 'chat.update' && c.args.channel === GENERAL)).toEqual([]);
    expectOnlyPointer('1700000000.000001', POINTER_EN, [request!.id]);
  });

  it('tells a person the bot does not serve why in their DM, with the pointer in the thread', async () => {
    h = await slackHarness();
    const stranger = { id: 'U0STRANGE1', name: 'Stranger', email: 'stranger@elsewhere.example', locale: 'en-US', aad: '' };
    h.fake.addUser({ id: stranger.id, name: stranger.name, email: stranger.email, locale: stranger.locale });
    const ts = await mention(stranger, 'who has access to Support?');
    expect(textOf(h.inbox(stranger).at(-1))).toContain('directory');
    expectOnlyPointer(ts, POINTER_EN, ['directory']);
  });

  it('still answers a direct message in the DM itself', async () => {
    h = await slackHarness();
    await h.dm(megan, 'my requests');
    expect(h.inbox(megan)).toHaveLength(1);
    expect(h.fake.messages).toHaveLength(1);
  });
});

describe('Slack: /mailbox typed where others read is answered in the DM, and the acknowledgement says so', () => {
  it('acknowledges a command in a channel with the pointer, shown to the person alone, and answers in the DM', async () => {
    h = await slackHarness();
    const response = await h.command(alex, 'give Megan send-as on Training for 1 week', GENERAL);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.json).toEqual({ response_type: 'ephemeral', text: POINTER_EN });
    const [request] = await h.app.engine.requestsOf(alex.aad);
    expect(textOf(h.inbox(alex).at(-1))).toContain(request!.id);
    // Nothing posted in the channel: the pointer was the acknowledgement, seen by Alex alone.
    expect(inChannel()).toEqual([]);
    expect(h.fake.ephemerals).toEqual([]);
    expect(h.fake.violations).toEqual([]);
  });

  it('points in Dutch for a Dutch command, and for a Dutch-speaking person whose command has no words to tell by', async () => {
    h = await slackHarness();
    expect((await h.command(nestor, 'wie heeft toegang tot Support?', GENERAL)).json).toEqual({ response_type: 'ephemeral', text: POINTER_NL });
    expect(textOf(h.inbox(nestor).at(-1))).toContain('Isaiah Langer');
    expect((await h.command(adele, 'REQ-ABCDEF', GENERAL)).json).toEqual({ response_type: 'ephemeral', text: POINTER_NL });
    expect(inChannel()).toEqual([]);
  });

  it('acknowledges a command typed in the DM with the app without words: the answer is right there', async () => {
    h = await slackHarness();
    await h.dm(megan, 'help');
    const dm = h.inbox(megan).at(-1)!.channel;
    const response = await h.command(megan, 'my requests', dm);
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    expect(h.inbox(megan)).toHaveLength(2);
  });

  it('acknowledges empty when Slack is slow to say who typed it, and still answers in the DM', async () => {
    // The deadline is reached before users.info can answer.
    h = await slackHarness({}, { commandAckDeadline: () => ({ reached: Promise.resolve(), cancel: () => undefined }) });
    const response = await h.command(alex, 'my requests', GENERAL);
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    expect(h.inbox(alex)).toHaveLength(1);
    expect(inChannel()).toEqual([]);
  });
});
