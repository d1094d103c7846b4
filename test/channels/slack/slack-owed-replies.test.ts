import { afterEach, describe, expect, it } from 'vitest';
import { slackHarness, slackPeople, textOf, type SlackHarness } from './harness.js';

const { alex, adele } = slackPeople;
let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * SPEC section 4: a message owed to a person survives an outage of Slack. A turn's own replies
 * (the requester's summary, answers) that Slack refuses for now become durable jobs and arrive when
 * Slack is back, in order, the summary still kept as a copy the decision updates.
 */
describe('Slack: a turn reply Slack refuses for now is owed, not lost', () => {
  it('posts the summary after a Slack outage during the turn, and the decision still updates it', async () => {
    h = await slackHarness();
    const dm = h.fake.openDmAsUser(alex.id);
    // Every chat.postMessage fails for a while: the turn's client (three tries) and the first delivery attempts.
    h.fake.httpNext('chat.postMessage', 503, undefined, 8);
    await h.dm(alex, 'give Megan send-as on Training');
    const [request] = await h.app.engine.requestsOf(alex.aad);
    expect(request?.state).toBe('pending');
    expect(h.logs.some((l) => /owed as a job/.test(l.msg))).toBe(true);

    // Slack is back: the owed summary and the approval card go out as their retries come due.
    for (let minute = 0; minute < 20; minute++) await h.advance(60_000);
    // Each failed try of the owed reply was a warning saying when the next one is.
    const retried = h.logs.filter((l) => l.msg === 'a turn reply owed in Slack failed; will retry');
    expect(retried.length).toBeGreaterThan(0);
    expect(retried.map((l) => l.attempt)).toEqual(retried.map((_, i) => i + 1));
    expect(retried[0]).toMatchObject({ level: 40, channel: 'slack', reason: 'unavailable', code: 'channel_unavailable', userId: alex.aad, jobId: expect.any(String), nextTryAt: expect.any(String) });
    const summary = h.inbox(alex).find((m) => textOf(m).includes(request!.id));
    expect(summary?.channel).toBe(dm);
    expect(h.inbox(adele).some((m) => textOf(m).includes(request!.id))).toBe(true);

    // The owed summary is a copy of the request: Adele's decision updates it.
    await h.click(adele, h.inbox(adele).at(-1)!, 'approve');
    const updates = h.fake.calls('chat.update').filter((c) => c.args.channel === dm && c.args.ts === summary!.ts);
    expect(updates.length).toBeGreaterThan(0);
    expect(h.fake.violations).toEqual([]);
  });

  it('waits out a long Retry-After as a job, keeping the order of the replies', async () => {
    h = await slackHarness();
    h.fake.httpNext('chat.postMessage', 429, 30);
    await h.dm(alex, 'help');
    expect(h.inbox(alex)).toHaveLength(0);
    await h.advance(10_000);
    expect(h.inbox(alex)).toHaveLength(0);
    await h.advance(25_000);
    expect(h.inbox(alex).length).toBeGreaterThan(0);
    expect(textOf(h.inbox(alex)[0])).toMatch(/Megan|help|request/i);
  });

  it('a token Slack stops taking (token_revoked) is one error for the operator, and what is owed still arrives once it is replaced', async () => {
    h = await slackHarness();
    const dm = h.fake.openDmAsUser(alex.id);
    // Alex is known to the bot; then the workspace revokes the token: every Web API call is refused.
    await h.dm(alex, 'help');
    h.fake.revokeToken();
    await h.dm(alex, 'give Megan send-as on Training');
    const [request] = await h.app.engine.requestsOf(alex.aad);
    expect(request?.state).toBe('pending');
    const refusedCalls = h.fake.calls('chat.postMessage').length;
    for (let minute = 0; minute < 20; minute++) await h.advance(60_000);

    // The summary and the approval card were tried again and again; the operator read one error.
    expect(h.fake.calls('chat.postMessage').length).toBeGreaterThan(refusedCalls);
    const refusals = h.logs.filter((l) => l.level === 50 && /Slack refuses the bot token/.test(l.msg));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ slackError: 'token_revoked' });
    expect(refusals[0]!.msg).toMatch(/SLACK_BOT_TOKEN/);
    expect(h.inbox(alex).some((m) => textOf(m).includes(request!.id))).toBe(false);

    // The operator puts the current token in place: what is owed arrives as its retries come due.
    h.fake.restoreToken();
    for (let minute = 0; minute < 20; minute++) await h.advance(60_000);
    expect(h.inbox(alex).some((m) => m.channel === dm && textOf(m).includes(request!.id))).toBe(true);
    expect(h.inbox(adele).some((m) => textOf(m).includes(request!.id))).toBe(true);
  });

  it('a summary owed through an outage shows the request as it is when it is finally posted (cancelled meanwhile), not as it was in the turn', async () => {
    h = await slackHarness();
    // Slack refuses every message for a while: the summary is owed, then Alex cancels (that answer is owed too).
    h.fake.httpNext('chat.postMessage', 503, undefined, 12);
    await h.dm(alex, 'give Megan send-as on Training');
    const [request] = await h.app.engine.requestsOf(alex.aad);
    await h.dm(alex, `cancel ${request!.id}`);
    expect((await h.app.engine.get(request!.id))?.state).toBe('cancelled');
    expect(h.inbox(alex).some((m) => textOf(m).includes(request!.id))).toBe(false);

    for (let minute = 0; minute < 30; minute++) await h.advance(60_000);
    const summary = h.inbox(alex).find((m) => textOf(m).includes('Megan') && textOf(m).includes(request!.id));
    expect(summary).toBeDefined();
    expect(textOf(summary)).toMatch(/Cancelled at/);
    expect(textOf(summary)).not.toMatch(/Waiting for approval/);
    expect(h.fake.violations).toEqual([]);
  });
});
