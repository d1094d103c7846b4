import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_TEAM } from '../../fakes/slack-api-fake.js';
import { SLACK_CONTROL_SEQUENCE } from '../../fakes/slack-block-kit.js';
import { blockActions, eventEnvelope, eventId, interactionBody, messageIm, slashCommandBody, viewSubmission } from '../../fakes/slack-requests.js';
import type { PostedMessage } from '../../fakes/slack-api-fake.js';
import { slackHarness, slackPeople, textOf, type SlackHarness } from './harness.js';

const { alex, megan, adele, miriam } = slackPeople;

let h: SlackHarness;
afterEach(async () => {
  await h?.close();
});

/** Requests in the store and messages the bot posted: what "nothing changed" is measured by. */
async function footprint(h: SlackHarness) {
  const requests = (await Promise.all(Object.values(slackPeople).map((p) => h.app.engine.requestsOf(p.aad)))).flat();
  return { requests: requests.map((r) => `${r.id}:${r.state}`).sort(), posted: h.fake.calls('chat.postMessage').length, updated: h.fake.calls('chat.update').length };
}

async function approvalFor(h: SlackHarness) {
  await h.dm(alex, 'give Megan send-as on Training');
  const [request] = await h.app.engine.requestsOf(alex.aad);
  return { request: request!, approval: h.inbox(adele).at(-1)! };
}

describe('Slack: bad input gets a clear answer and changes nothing', () => {
  it('unsigned, wrongly signed and stale requests get 401 and run nothing', async () => {
    h = await slackHarness();
    const body = JSON.stringify(eventEnvelope(messageIm(alex, 'give Megan send-as on Training', h.fake.openDmAsUser(alex.id))));
    const before = await footprint(h);
    expect((await h.post({ body, contentType: 'application/json', signature: null })).status).toBe(401);
    expect((await h.post({ body, contentType: 'application/json', secret: 'not-the-secret' })).status).toBe(401);
    expect((await h.post({ body, contentType: 'application/json', timestamp: Math.floor(h.clock.now() / 1000) - 301 })).status).toBe(401);
    expect(await footprint(h)).toEqual(before);
    expect(h.fake.calls('users.info')).toEqual([]);
  });

  it('tells a person Slack cannot identify right now (users.info 503) to try again, in their message\'s language, and changes nothing; then the same message works', async () => {
    h = await slackHarness();
    const dm = h.fake.openDmAsUser(megan.id);
    // Every try of the turn's client (three) is refused: Slack cannot say who wrote.
    h.fake.httpNext('users.info', 503, undefined, 3);
    await h.dm(megan, 'geef mij verzenden als op Training');
    expect(await h.app.engine.requestsOf(megan.aad)).toEqual([]);
    const answer = h.inbox(megan).at(-1);
    expect(answer?.channel).toBe(dm);
    expect(textOf(answer)).toMatch(/Slack-profiel nu niet opzoeken.*niets veranderd/);
    expect(h.logs.some((l) => /slack identity unavailable/.test(l.msg))).toBe(true);

    // Slack answers again: the message is read and the request made.
    await h.dm(megan, 'give me send-as on Training');
    expect((await h.app.engine.requestsOf(megan.aad)).map((r) => r.state)).toEqual(['pending']);
    expect(h.fake.violations).toEqual([]);
  });

  it('answers a signed form without payload 400, and acknowledges a payload of a type the bot does not handle (200), changing nothing', async () => {
    h = await slackHarness();
    const before = await footprint(h);
    const bare = await h.post({ body: 'foo=bar', contentType: 'application/x-www-form-urlencoded' });
    expect(bare.status).toBe(400);
    expect(bare.json).toEqual({ error: 'form body without payload or command' });
    const unknown = await h.post({ body: interactionBody({ type: 'some_future_type', user: { id: alex.id, team_id: FAKE_TEAM.id }, team: { id: FAKE_TEAM.id } }), contentType: 'application/x-www-form-urlencoded' });
    expect(unknown.status).toBe(200);
    expect(await footprint(h)).toEqual(before);
    expect(h.fake.violations).toEqual([]);
  });

  /** A real Approve click on Adele's card, and a Reject submission for it, for the cases below to break. */
  const clickOn = (approval: PostedMessage) => blockActions(adele, approval, { actionId: 'approve' }, h.fake.issueTrigger());
  const without = (object: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(object).filter(([k]) => k !== key));
  const form = (fields: Record<string, string>, drop: string[] = [], extra: [string, string][] = []) => {
    const params = new URLSearchParams(fields);
    for (const key of drop) params.delete(key);
    for (const [key, value] of extra) params.append(key, value);
    return params.toString();
  };
  const command = (drop: string[] = [], extra: [string, string][] = []) =>
    form(Object.fromEntries(new URLSearchParams(slashCommandBody(alex, 'give Megan send-as on Training', 'C0GENERAL1'))), drop, extra);
  const malformed: Array<[string, (approval: PostedMessage) => { body: string; contentType: string }, string]> = [
    ['block_actions without user', (a) => ({ body: interactionBody(without(clickOn(a), 'user')), contentType: 'application/x-www-form-urlencoded' }), 'block_actions: user: '],
    ['block_actions whose user has no id', (a) => ({ body: interactionBody({ ...clickOn(a), user: { team_id: FAKE_TEAM.id } }), contentType: 'application/x-www-form-urlencoded' }), 'block_actions: user.id: '],
    ['block_actions with actions "x"', (a) => ({ body: interactionBody({ ...clickOn(a), actions: 'x' }), contentType: 'application/x-www-form-urlencoded' }), 'block_actions: actions: '],
    ['block_actions with an action without action_id', (a) => ({ body: interactionBody({ ...clickOn(a), actions: [{ type: 'button', value: 'x' }] }), contentType: 'application/x-www-form-urlencoded' }), 'block_actions: actions.0.action_id: '],
    ['block_actions naming no team', (a) => ({ body: interactionBody({ ...without(clickOn(a), 'team'), user: { id: adele.id } }), contentType: 'application/x-www-form-urlencoded' }), 'block_actions: team.id: '],
    ['two payload fields', (a) => ({ body: form({}, [], [['payload', JSON.stringify(clickOn(a))], ['payload', JSON.stringify(clickOn(a))]]), contentType: 'application/x-www-form-urlencoded' }), 'form field payload given more than once'],
    ['view_submission without view', () => ({ body: interactionBody(without(viewSubmission(adele, {}, {}), 'view')), contentType: 'application/x-www-form-urlencoded' }), 'view_submission: view: '],
    ['view_submission without user', () => ({ body: interactionBody(without(viewSubmission(adele, {}, {}), 'user')), contentType: 'application/x-www-form-urlencoded' }), 'view_submission: user: '],
    ['a slash command without user_id', () => ({ body: command(['user_id']), contentType: 'application/x-www-form-urlencoded' }), 'slash command: user_id: '],
    ['a slash command without team_id', () => ({ body: command(['team_id']), contentType: 'application/x-www-form-urlencoded' }), 'slash command: team_id: '],
    ['a slash command without text', () => ({ body: command(['text']), contentType: 'application/x-www-form-urlencoded' }), 'slash command: text: '],
    ['a slash command with two user_id fields', () => ({ body: command([], [['user_id', megan.id]]), contentType: 'application/x-www-form-urlencoded' }), 'form field user_id given more than once'],
    ['event_callback without event', () => ({ body: JSON.stringify(without(eventEnvelope(messageIm(alex, 'help', 'D0ALEXDM01')), 'event')), contentType: 'application/json' }), 'event_callback: event: '],
    ['event_callback whose event is a string', () => ({ body: JSON.stringify({ ...eventEnvelope(messageIm(alex, 'help', 'D0ALEXDM01')), event: 'message' }), contentType: 'application/json' }), 'event_callback: event: '],
    ['event_callback without team_id', () => ({ body: JSON.stringify(without(eventEnvelope(messageIm(alex, 'help', 'D0ALEXDM01')), 'team_id')), contentType: 'application/json' }), 'event_callback: team_id: '],
    ['a message event without channel', () => ({ body: JSON.stringify(eventEnvelope(without(messageIm(alex, 'help', 'D0ALEXDM01'), 'channel'))), contentType: 'application/json' }), 'event_callback: event.channel: '],
    ['a message event whose user is a number', () => ({ body: JSON.stringify(eventEnvelope({ ...messageIm(alex, 'help', 'D0ALEXDM01'), user: 42 })), contentType: 'application/json' }), 'event_callback: event.user: '],
  ];

  it.each(malformed)('answers a signed %s with 400 and a short reason, calls no Web API method, stores nothing and logs no error', async (_what, build, reason) => {
    h = await slackHarness();
    const { approval } = await approvalFor(h);
    const { body, contentType } = build(approval);
    const before = await footprint(h);
    const calls = h.fake.calls().length;
    const logs = h.logs.length;
    const response = await h.post({ body, contentType });
    expect(response.status).toBe(400);
    expect((response.json as { error: string }).error.startsWith(reason)).toBe(true);
    expect((response.json as { error: string }).error.length).toBeLessThanOrEqual(200);
    expect(h.fake.calls().slice(calls)).toEqual([]);
    expect(await footprint(h)).toEqual(before);
    expect(h.fake.violations).toEqual([]);
    expect(h.logs.slice(logs).map((l) => [l.level, l.msg])).toEqual([[40, 'slack request refused']]);
  });

  it("answers Slack's retries of an event once, also when they reach another instance", async () => {
    h = await slackHarness();
    const id = eventId();
    await h.dm(alex, 'give Megan send-as on Training', { eventId: id });
    const after = await footprint(h);
    expect(after.requests).toHaveLength(1);
    // Retries with the same event_id: acknowledged (200), not answered again.
    expect((await h.dm(alex, 'give Megan send-as on Training', { eventId: id, retryNum: 1 })).status).toBe(200);
    expect(await footprint(h)).toEqual(after);
    // A second bot instance on the same store gets the third retry.
    const { createSlackChannel } = await import('../../../src/channels/slack/channel.js');
    const { startServer } = await import('../../../src/server.js');
    const { understand } = await import('../../../src/language/understand.js');
    const { postToSlackEvents } = await import('../../fakes/slack-requests.js');
    const other = createSlackChannel(h.app, { token: h.fake.token, signingSecret: 'secret-for-instance-two', apiUrl: h.fake.apiUrl, understand });
    const server = await startServer({ channels: [other.mount], logger: h.app.logger, port: 0 });
    try {
      const body = JSON.stringify(eventEnvelope(messageIm(alex, 'give Megan send-as on Training', h.fake.openDmAsUser(alex.id)), { eventId: id }));
      const response = await postToSlackEvents(`http://127.0.0.1:${server.port}`, { body, contentType: 'application/json', timestamp: Math.floor(h.clock.now() / 1000), retryNum: 2, secret: 'secret-for-instance-two' });
      expect(response.status).toBe(200);
      await other.receiver.idle();
      expect(await footprint(h)).toEqual(after);
    } finally {
      await server.close();
    }
  });

  it('refuses a request from another workspace without acting (acknowledged, no answer, nothing stored)', async () => {
    h = await slackHarness();
    const before = await footprint(h);
    const stranger = { id: 'U0STRANGER', name: 'Eve Stranger' };
    const body = JSON.stringify(eventEnvelope(messageIm({ ...stranger, team: 'T0OTHERORG' }, 'give Eve full access to Support', 'D0OTHER001'), { team: 'T0OTHERORG' }));
    expect((await h.post({ body, contentType: 'application/json' })).status).toBe(200);
    expect(await footprint(h)).toEqual(before);
    expect(h.fake.calls('users.info')).toEqual([]);
  });

  it('refuses a person of another workspace in a shared conversation, a guest, a deactivated account and an unknown email, each clearly', async () => {
    const external = { id: 'U0EXTERN01', name: 'Ext Ernal', email: 'ext@fabrikam.example', locale: 'en-US', aad: '', team: 'T0FABRIKAM' };
    const guest = { id: 'U0GUEST001', name: 'Gus Guest', email: 'isaiahl@contoso.example', locale: 'en-US', aad: '' };
    const gone = { id: 'U0GONE0001', name: 'Old Account', email: 'pattio@contoso.example', locale: 'nl-NL', aad: '' };
    const unknown = { id: 'U0NOBODY01', name: 'No Body', email: 'nobody@contoso.example', locale: 'en-US', aad: '' };
    h = await slackHarness({}, { people: [...Object.values(slackPeople), external, unknown] });
    h.fake.addUser({ id: guest.id, name: guest.name, email: guest.email, is_restricted: true });
    h.fake.addUser({ id: gone.id, name: gone.name, email: gone.email, deleted: true, locale: 'nl-NL' });
    const before = await footprint(h);
    // The external person writes in a channel shared with our workspace: our team's envelope, their own team.
    await h.post({ body: JSON.stringify(eventEnvelope(messageIm({ ...external, team: 'T0FABRIKAM' }, 'give Megan send-as on Training', h.fake.openDmAsUser(external.id)))), contentType: 'application/json' });
    expect(textOf(h.inbox(external).at(-1))).toContain('only the members of its own workspace');
    await h.dm(guest, 'give Megan send-as on Training');
    expect(textOf(h.inbox(guest).at(-1))).toContain('Guest accounts cannot use this app');
    await h.dm(gone, 'geef Megan verzenden als op Training');
    expect(textOf(h.inbox(gone).at(-1))).toContain('gedeactiveerd');
    await h.dm(unknown, 'give Megan send-as on Training');
    expect(textOf(h.inbox(unknown).at(-1))).toContain('does not belong to anyone');
    const after = await footprint(h);
    expect(after.requests).toEqual(before.requests);
    expect(h.fake.violations).toEqual([]);
  });

  describe('a Slack user the workspace does not know (users.info: user_not_found)', () => {
    const nobody = { id: 'UNOBODY1', name: 'No Body', email: 'nobody@nowhere.example', locale: 'en-US', aad: '' };
    const UNKNOWN_EN = 'I cannot tell who you are: Slack does not know your account in this workspace';
    const UNKNOWN_NL = 'Ik kan niet nagaan wie je bent: Slack kent je account in deze werkruimte niet';

    it('answers /mailbox in the acknowledgement, shown to them alone, in the language of their words; no error is logged', async () => {
      h = await slackHarness();
      const before = await footprint(h);
      const en = await h.command(nobody, 'help', 'C0GENERAL1');
      expect(en.status).toBe(200);
      expect(en.json).toMatchObject({ response_type: 'ephemeral' });
      expect((en.json as { text: string }).text).toContain(UNKNOWN_EN);
      const nl = await h.command(nobody, 'geef Megan verzenden als op Training', 'C0GENERAL1');
      expect((nl.json as { text: string }).text).toContain(UNKNOWN_NL);
      expect(await footprint(h)).toEqual(before);
      expect(h.fake.calls('conversations.open')).toEqual([]);
      expect(h.logs.filter((l) => l.level >= 50)).toEqual([]);
      expect(h.fake.violations).toEqual([]);
    });

    it('logs no error when the acknowledgement went out before Slack answered and there is no DM to tell them in', async () => {
      h = await slackHarness({}, { commandAckDeadline: () => ({ reached: Promise.resolve(), cancel: () => undefined }) });
      const response = await h.command(nobody, 'help', 'C0GENERAL1');
      expect(response.text).toBe('');
      // The refusal was tried in their DM, which Slack cannot open for an unknown user.
      expect(h.fake.calls('conversations.open')).toHaveLength(1);
      expect(h.fake.messages).toEqual([]);
      expect(h.logs.filter((l) => l.level >= 50)).toEqual([]);
    });

    it('answers a mention in the thread, as for anyone the app cannot DM, without an error', async () => {
      h = await slackHarness();
      await h.mention(nobody, 'help', 'C0GENERAL1');
      const [answer, ...more] = h.fake.messages.filter((m) => m.channel === 'C0GENERAL1');
      expect(textOf(answer)).toContain(UNKNOWN_EN);
      expect(answer?.threadTs).toBeDefined();
      expect(more).toEqual([]);
      expect(h.logs.filter((l) => l.level >= 50)).toEqual([]);
    });
  });

  it('answers 100 KB of text clearly and creates nothing', async () => {
    h = await slackHarness();
    const before = await footprint(h);
    await h.dm(alex, `give Megan send-as on Training ${'x'.repeat(100 * 1024)}`);
    expect((await footprint(h)).requests).toEqual(before.requests);
    expect(textOf(h.inbox(alex).at(-1))).toMatch(/too long/i);
    expect(h.fake.violations).toEqual([]);
  });

  it('keeps user text inert: no mention, broadcast or disguised link reaches a message', async () => {
    h = await slackHarness();
    // As Slack delivers it: a real @channel and mention as control sequences, typed ones as entities.
    await h.dm(alex, 'give Megan send-as on Training because <!channel> <@U0MIRIAM01> &lt;!here&gt; see &lt;https://evil.example|the approval page&gt; &amp; more');
    const [request] = await h.app.engine.requestsOf(alex.aad);
    expect(request?.reason).toContain('@channel');
    expect(textOf(h.inbox(adele).at(-1))).toContain('@channel');
    expect(textOf(h.inbox(adele).at(-1))).toContain('&amp; more');
    for (const message of h.fake.messages) {
      for (const version of message.versions) expect(JSON.stringify(version.blocks)).not.toMatch(SLACK_CONTROL_SEQUENCE);
    }
  });

  it('refuses tampered button values and clicks from people who may not approve, changing nothing', async () => {
    h = await slackHarness();
    const { request, approval } = await approvalFor(h);
    await h.dm(megan, 'my requests');
    const meganDm = h.inbox(megan).at(-1)!;
    const before = await footprint(h);
    const copyBefore = JSON.stringify(h.fake.message(approval.channel, approval.ts)!.blocks);

    // Megan (the grantee, not an approver) sends an Approve naming the request from her own DM:
    // that message is no card of the request, so she alone is told the button is not valid.
    await h.click(megan, meganDm, 'approve', { value: JSON.stringify({ requestId: request.id }) });
    expect(h.fake.ephemeralsFor(megan.id).at(-1)?.text).toMatch(/not valid/);
    // Adele's button with its value replaced: another request id, garbage, an unknown verb.
    await h.click(adele, approval, 'approve', { value: JSON.stringify({ requestId: 'REQ-NOPE00' }) });
    expect(h.fake.ephemeralsFor(adele.id).at(-1)?.text).toMatch(/niet \(meer\) geldig/);
    await h.click(adele, approval, 'approve', { value: '{"requestId":' });
    await h.click(adele, approval, 'approve_all', { value: JSON.stringify({ requestId: request.id }) });
    await h.click(adele, approval, 'approve', { value: JSON.stringify({ requestId: request.id, approverId: adele.aad, verb: 'reject' }).repeat(100) });

    expect((await h.app.engine.get(request.id))?.state).toBe('pending');
    expect((await footprint(h)).requests).toEqual(before.requests);
    expect(JSON.stringify(h.fake.message(approval.channel, approval.ts)!.blocks)).toBe(copyBefore);
    expect(h.fake.violations).toEqual([]);
    void miriam;
    void FAKE_TEAM;
  });

  it('refuses a button whose value names another request the clicker may decide: neither request nor card changes', async () => {
    h = await slackHarness();
    const a = await approvalFor(h);
    await h.dm(miriam, 'give Isaiah send-as on Training');
    const [b] = await h.app.engine.requestsOf(miriam.aad);
    const cardB = h.inbox(adele).at(-1)!;
    const before = await footprint(h);
    const blocksA = JSON.stringify(a.approval.blocks);
    const blocksB = JSON.stringify(cardB.blocks);
    const modals = h.fake.modals.length;

    // On card A, Approve and Reject whose values name B (Adele may approve B).
    await h.click(adele, a.approval, 'approve', { value: JSON.stringify({ requestId: b!.id }) });
    await h.click(adele, a.approval, 'reject', { value: JSON.stringify({ requestId: b!.id }) });
    expect(h.fake.modals).toHaveLength(modals);
    expect(h.fake.ephemeralsFor(adele.id).map((m) => m.text)).toEqual([expect.stringMatching(/niet \(meer\) geldig/), expect.stringMatching(/niet \(meer\) geldig/)]);
    expect((await h.app.engine.get(a.request.id))?.state).toBe('pending');
    expect((await h.app.engine.get(b!.id))?.state).toBe('pending');
    expect(await footprint(h)).toEqual(before);
    expect(JSON.stringify(h.fake.message(a.approval.channel, a.approval.ts)!.blocks)).toBe(blocksA);
    expect(JSON.stringify(h.fake.message(cardB.channel, cardB.ts)!.blocks)).toBe(blocksB);
    expect(h.fake.violations).toEqual([]);
  });

  it("refuses a Reject submission whose metadata names a message that is not the submitter's copy of that request, in the submitter's own DM", async () => {
    h = await slackHarness();
    const a = await approvalFor(h);
    await h.dm(miriam, 'give Isaiah send-as on Training');
    const cardB = h.inbox(adele).at(-1)!;
    const alexSummary = h.inbox(alex).at(-1)!;
    await h.click(adele, a.approval, 'reject');
    const modal = h.fake.modals.at(-1)!;
    const before = await footprint(h);
    const alexMessages = h.inbox(alex).length;
    const submit = (metadata: Record<string, string>) =>
      h.post({ body: interactionBody(viewSubmission(adele, { ...modal.view, private_metadata: JSON.stringify(metadata) }, { reason: { reason: 'no' } }, { viewId: modal.id })), contentType: 'application/x-www-form-urlencoded' });

    // Request A on card B; request A on Alex's summary of A (his DM); an unknown request in Alex's DM.
    await submit({ requestId: a.request.id, channel: cardB.channel, ts: cardB.ts });
    await submit({ requestId: a.request.id, channel: alexSummary.channel, ts: alexSummary.ts });
    await submit({ requestId: 'REQ-NOPE00', channel: alexSummary.channel, ts: alexSummary.ts });

    expect((await h.app.engine.get(a.request.id))?.state).toBe('pending');
    expect((await footprint(h)).requests).toEqual(before.requests);
    expect(h.fake.calls('chat.update')).toHaveLength(before.updated);
    expect(h.inbox(alex)).toHaveLength(alexMessages);
    const refusals = h.inbox(adele).slice(-3).map(textOf);
    expect(refusals.every((text) => /niet \(meer\) geldig/.test(text))).toBe(true);
    expect(h.fake.violations).toEqual([]);
  });

  it("refuses Approve and Reject on the requester's own summary (no modal), answers a submission without metadata, and never posts a refusal into someone else's DM", async () => {
    h = await slackHarness();
    const a = await approvalFor(h);
    const alexSummary = h.inbox(alex).at(-1)!;
    const modals = h.fake.modals.length;
    const before = await footprint(h);

    // Alex, the requester, tampers his summary's button into a decision: it is no approval card.
    await h.click(alex, alexSummary, 'reject', { value: JSON.stringify({ requestId: a.request.id }) });
    await h.click(alex, alexSummary, 'approve', { value: JSON.stringify({ requestId: a.request.id }) });
    expect(h.fake.modals).toHaveLength(modals);
    expect(h.fake.ephemeralsFor(alex.id).map((m) => m.text)).toEqual([expect.stringMatching(/not valid/), expect.stringMatching(/not valid/)]);

    // A Reject submission whose metadata is garbage: the submitter hears it in their own DM.
    await h.post({ body: interactionBody(viewSubmission(adele, { callback_id: 'reject_reason', private_metadata: '{"x":' }, { reason: { reason: 'no' } })), contentType: 'application/x-www-form-urlencoded' });
    expect(textOf(h.inbox(adele).at(-1)!)).toMatch(/niet \(meer\) geldig/);

    // Megan forges a click on Adele's card; Slack refuses the ephemeral: the fallback goes to Megan's own DM, not Adele's.
    const adeleMessages = h.inbox(adele).length;
    h.fake.failNext('chat.postEphemeral', 'user_not_in_channel');
    await h.click(megan, a.approval, 'approve', { value: JSON.stringify({ requestId: a.request.id }) });
    expect(h.inbox(adele)).toHaveLength(adeleMessages);
    expect(textOf(h.inbox(megan).at(-1)!)).toMatch(/not valid/);

    expect((await h.app.engine.get(a.request.id))?.state).toBe('pending');
    expect((await footprint(h)).requests).toEqual(before.requests);
    expect(h.fake.violations).toEqual([]);
  });

  it("ignores the app's own messages, edits and other message subtypes", async () => {
    h = await slackHarness();
    const channel = h.fake.openDmAsUser(alex.id);
    const before = await footprint(h);
    const own = { ...messageIm(alex, 'give Megan send-as on Training', channel), subtype: 'bot_message', bot_id: 'B0BOT00001', user: undefined };
    const edited = { ...messageIm(alex, 'give Megan send-as on Training', channel), subtype: 'message_changed' };
    for (const event of [own, edited]) expect((await h.post({ body: JSON.stringify(eventEnvelope(event)), contentType: 'application/json' })).status).toBe(200);
    expect(await footprint(h)).toEqual(before);
  });
});
