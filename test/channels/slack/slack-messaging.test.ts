import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../src/conversation/messaging.js';
import { isBotError, type BotError } from '../../../src/domain/errors.js';
import type { PermissionRequest } from '../../../src/domain/request.js';
import { findButton } from '../../fakes/slack-requests.js';
import { slackHarness, slackPeople, textOf, type SlackHarness } from './harness.js';

const { alex, megan, adele, miriam } = slackPeople;

let h: SlackHarness;
afterEach(async () => {
  await h?.close();
});

/** A pending request of Alex's (Send As for Megan on Training, approver Adele), made without Slack. */
async function pendingRequest(h: SlackHarness): Promise<PermissionRequest> {
  const outcome = await h.app.engine.submit({ requesterId: alex.aad, kind: 'grant', granteeId: megan.aad, targetId: '9f0e0001-bbbb-4ccc-8ddd-000000000001', right: 'SendAs', language: 'en' });
  if (outcome.outcome !== 'created') throw new Error(outcome.outcome);
  await h.settle();
  return outcome.request;
}

function approvalMessage(request: PermissionRequest, recipientId: string, id = `${request.id}:1:${recipientId}`): OutboundMessage {
  return { id, recipientId, role: 'approver', notice: { event: 'approval_needed' }, request };
}

async function failure(call: Promise<unknown>): Promise<BotError> {
  try {
    await call;
  } catch (error) {
    if (isBotError(error)) return error;
    throw error;
  }
  throw new Error('no failure');
}

describe('SlackMessaging (the messaging port in Slack)', () => {
  it('sends an approval request as a DM, keeps its ts, and does not post it twice for a retried job', async () => {
    h = await slackHarness();
    const request = await pendingRequest(h);
    const copies = await h.slack.repository.copies(request.id);
    expect(copies).toEqual([expect.objectContaining({ userId: adele.aad, role: 'approver', lang: 'nl', timeZone: 'Europe/Amsterdam' })]);
    const posted = h.fake.calls('chat.postMessage').length;
    const sameJob = approvalMessage(request, adele.aad, copies[0]!.messageId);
    await h.slack.messaging.send(sameJob);
    expect(h.fake.calls('chat.postMessage').length).toBe(posted);
    expect(findButton(h.inbox(adele).at(-1)!.blocks, 'approve')).toBeDefined();
  });

  it('finds a person who never wrote to the app by their directory mail, and reuses the DM afterwards', async () => {
    h = await slackHarness();
    const request = await pendingRequest(h);
    expect(h.fake.calls('users.lookupByEmail').map((c) => c.args.email)).toEqual(['adelev@contoso.example']);
    await h.slack.messaging.send({ ...approvalMessage(request, adele.aad, 'again'), notice: { event: 'approver_reminder' } });
    expect(h.fake.calls('users.lookupByEmail')).toHaveLength(1);
    expect(h.fake.calls('conversations.open')).toHaveLength(1);
    expect(textOf(h.inbox(adele).at(-1))).toContain('Herinnering');
  });

  it('says recipient_unreachable for someone not in Slack, deactivated, or not in the directory', async () => {
    h = await slackHarness({}, { people: [alex, megan, adele] });
    const request = await pendingRequest(h);
    // Miriam has no Slack account in this workspace.
    expect(await failure(h.slack.messaging.send(approvalMessage(request, miriam.aad)))).toMatchObject({ code: 'recipient_unreachable', retryable: false, details: { slackError: 'users_not_found' } });
    h.fake.users.get(megan.id)!.deleted = true;
    expect((await failure(h.slack.messaging.send({ ...approvalMessage(request, megan.aad), role: 'grantee', notice: { event: 'applied' } }))).code).toBe('recipient_unreachable');
    expect((await failure(h.slack.messaging.send(approvalMessage(request, 'not-a-directory-id')))).code).toBe('recipient_unreachable');
  });

  it('forgets a DM that no longer reaches the person, so the next message looks them up again', async () => {
    h = await slackHarness();
    const request = await pendingRequest(h);
    h.fake.failNext('chat.postMessage', 'channel_not_found');
    expect((await failure(h.slack.messaging.send({ ...approvalMessage(request, adele.aad, 'x'), notice: { event: 'approver_reminder' } }))).code).toBe('recipient_unreachable');
    expect(await h.slack.repository.link(adele.aad)).toBeUndefined();
    await h.slack.messaging.send({ ...approvalMessage(request, adele.aad, 'y'), notice: { event: 'approver_reminder' } });
    expect(h.fake.calls('users.lookupByEmail')).toHaveLength(2);
  });

  it('says channel_unavailable with Retry-After for a 429, and for 5xx and ratelimited', async () => {
    h = await slackHarness();
    const request = await pendingRequest(h);
    const reminder = { ...approvalMessage(request, adele.aad, 'r'), notice: { event: 'approver_reminder' as const } };
    h.fake.httpNext('chat.postMessage', 429, 30);
    expect(await failure(h.slack.messaging.send(reminder))).toMatchObject({ code: 'channel_unavailable', retryable: true, details: { retryAfterMs: 30_000 } });
    h.fake.httpNext('chat.postMessage', 503);
    expect(await failure(h.slack.messaging.send(reminder))).toMatchObject({ code: 'channel_unavailable', retryable: true });
    h.fake.failNext('conversations.open', 'ratelimited');
    await h.slack.repository.forgetLink(adele.aad);
    expect(await failure(h.slack.messaging.send(reminder))).toMatchObject({ code: 'channel_unavailable', retryable: true });
    // Still reachable once Slack is back.
    await h.slack.messaging.send(reminder);
    expect(h.slack.messaging.name).toBe('slack');
  });

  it('updates every copy, skips a deleted message, and asks for a retry when Slack is down for one copy', async () => {
    h = await slackHarness();
    await h.dm(alex, 'give Megan send-as on Training');
    const [request] = await h.app.engine.requestsOf(alex.aad);
    const copies = await h.slack.repository.copies(request!.id);
    expect(copies.map((c) => c.role).sort()).toEqual(['approver', 'summary']);
    const decided = await h.app.engine.decide(request!.id, adele.aad, 'approve');
    // The delivery jobs update both copies first; then the port is driven by hand.
    await h.settle();
    const updates = h.fake.calls('chat.update').length;
    h.fake.failNext('chat.update', 'message_not_found');
    await h.slack.messaging.updateCopies(decided);
    h.fake.httpNext('chat.update', 503);
    const error = await failure(h.slack.messaging.updateCopies(decided));
    expect(error).toMatchObject({ code: 'channel_unavailable', retryable: true });
    // The other copy was still updated in that pass.
    expect(h.fake.calls('chat.update').length).toBe(updates + 4);
    expect(h.fake.violations).toEqual([]);
  });

  it('knows when a person last spoke to the bot in Slack, and answers health from auth.test', async () => {
    h = await slackHarness();
    expect(await h.slack.messaging.lastSeen(alex.aad)).toBeUndefined();
    await h.dm(alex, 'help');
    expect(await h.slack.messaging.lastSeen(alex.aad)).toBe(h.clock.now());
    h.clock.advance(60_000);
    await h.dm(alex, 'my requests');
    expect(await h.slack.messaging.lastSeen(alex.aad)).toBe(h.clock.now());
    expect(await h.slack.messaging.health()).toBe(true);
    h.fake.httpNext('auth.test', 503);
    expect(await h.slack.messaging.health()).toBe(false);
  });
});

describe('Slack: an approval request owed through an outage of the approver\'s DM', () => {
  it('is not posted once the requester cancelled: no live buttons reach the approver', async () => {
    h = await slackHarness();
    const adeleDm = h.fake.openDmAsUser(adele.id);
    h.fake.outageIn(adeleDm);
    await h.dm(alex, 'give Megan send-as on Training');
    const [request] = await h.app.engine.requestsOf(alex.aad);
    // The approval request was tried, refused for now, and is owed.
    expect(h.fake.calls('chat.postMessage').filter((c) => c.args.channel === adeleDm)).toHaveLength(1);
    expect(h.inbox(adele)).toEqual([]);

    await h.dm(alex, 'cancel');
    expect((await h.app.engine.get(request!.id))?.state).toBe('cancelled');
    h.fake.recover();
    for (let minute = 0; minute < 20; minute++) await h.advance(60_000);

    // Tried no more: nothing to decide, so nothing posted and no copy kept.
    expect(h.fake.calls('chat.postMessage').filter((c) => c.args.channel === adeleDm)).toHaveLength(1);
    expect(h.inbox(adele)).toEqual([]);
    expect((await h.slack.repository.copies(request!.id)).map((c) => c.role)).toEqual(['summary']);
    expect(await h.app.store.work.size()).toBe(0);
    expect(h.fake.violations).toEqual([]);
  });

  it('is posted with its buttons when the request is still pending, and a later cancel updates it', async () => {
    h = await slackHarness();
    const adeleDm = h.fake.openDmAsUser(adele.id);
    h.fake.outageIn(adeleDm);
    await h.dm(alex, 'give Megan send-as on Training');
    h.fake.recover();
    await h.advance(60_000);

    const approval = h.inbox(adele).at(-1)!;
    expect(findButton(approval.blocks, 'approve')).toBeDefined();
    await h.dm(alex, 'cancel');
    const copy = h.fake.message(approval.channel, approval.ts)!;
    expect(textOf(copy)).toContain('Geannuleerd');
    expect(findButton(copy.blocks, 'approve')).toBeUndefined();
    expect(h.fake.violations).toEqual([]);
  });
});
