import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/domain/engine-api.js';
import { noopMetrics, type Metrics } from '../../src/domain/metrics.js';
import type { PermissionRequest } from '../../src/domain/request.js';
import type { ChangeResult, PermissionService } from '../../src/permissions/permission-service.js';
import { cardOf, people, teamsHarness, textOf, TRAINING, type TeamsHarness } from '../channels/teams/harness.js';
import type { SentActivity } from '../fakes/fake-connector.js';
import { personalConversationId } from '../fakes/teams-activities.js';
import { slackHarness, slackPeople, type SlackHarness } from '../channels/slack/harness.js';

/**
 * Messages owed to people as durable delivery jobs (src/conversation/deliveries.ts), end to end:
 * the bot as `npm start` runs it, Teams as its channel, and a Bot Connector fake on loopback that
 * can be down, throttle, or refuse to open a chat with someone who never installed the app.
 * Time is a manual clock; Bot Connector calls' own retry waits return at once (recorded).
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const SALES = '9f0e0002-bbbb-4ccc-8ddd-000000000002';
const { alex, megan, adele, miriam, nestor, isaiah } = people;

/**
 * DELIVERY_RETRY at jitter 0.5: 5 s doubling, capped at 15 min, "equal jitter" = 3/4 of the cap
 * (3.75 s, 7.5 s, ... 480 s, then 675 s for good).
 */
const BACKOFF_MS = [3_750, 7_500, 15_000, 30_000, 60_000, 120_000, 240_000, 480_000];
const LONGEST_MS = 675_000;

let h: TeamsHarness;
afterEach(async () => {
  await h?.close();
});

/** Metrics that keep what deliveries report, as `channel:reason`. */
function countingMetrics(): { metrics: Metrics; deliveryFailures: string[] } {
  const deliveryFailures: string[] = [];
  return { metrics: { ...noopMetrics, deliveryFailure: (channel, reason) => void deliveryFailures.push(`${channel}:${reason}`) }, deliveryFailures };
}

/**
 * Moves the clock from one ready time to the next until `end`, letting everything due run at each:
 * every job and retry runs exactly at its due time.
 */
async function runUntil(end: number): Promise<void> {
  for (let steps = 0; steps < 5_000; steps++) {
    await h.settle();
    const next = await h.bot.app.store.work.nextReadyAt();
    if (next === undefined || next > end) {
      h.clock.set(end);
      await h.settle();
      return;
    }
    h.clock.set(Math.max(next, h.clock.now()));
  }
  throw new Error('runUntil: too many steps');
}

/** The text of a notice card's first line (post-backs), or of an approval card's title. */
function headline(sent: { activity: Record<string, any> }): string {
  const card = sent.activity.attachments?.[0]?.content as { body?: { type: string; text?: string }[] } | undefined;
  const texts = (card?.body ?? []).filter((b) => b.type === 'TextBlock').map((b) => b.text ?? '');
  return texts.find((t) => t !== 'Mailbox access' && t !== 'Toegang tot postvakken') ?? '';
}

/** The times (clock ms) the connector answered `status` to messages posted into a conversation (new or replies). */
function postTimes(conversationId: string, status: number): number[] {
  const path = `/v3/conversations/${encodeURIComponent(conversationId)}/activities`;
  return h.connector.requests
    .filter((r) => r.method === 'POST' && (r.path === path || r.path.startsWith(`${path}/`)) && r.status === status)
    .map((r) => r.at!);
}

/** Distinct times, in order (one delivery attempt makes several HTTP tries at one clock time). */
function distinct(times: number[]): number[] {
  return [...new Set(times)];
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]!);
}

/** Every audit entry of a request, oldest first, as an admin reads it. */
async function auditOf(requestId: string): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  let before: string | undefined;
  do {
    const page = await h.bot.app.engine.audit(nestor.aad, { requestId }, { limit: 100, ...(before ? { before } : {}) });
    entries.push(...page.entries);
    before = page.next;
  } while (before);
  return entries.reverse();
}

async function submit(targetId: string, language: 'en' | 'nl' = 'en'): Promise<PermissionRequest> {
  const outcome = await h.bot.app.engine.submit({ requesterId: alex.aad, kind: 'grant', granteeId: megan.aad, targetId, right: 'SendAs', language });
  if (outcome.outcome !== 'created') throw new Error(`not created: ${outcome.outcome}`);
  return outcome.request;
}

describe('deliveries through a Bot Connector outage', () => {
  it('Teams down for hours: retried with backoff, then every message arrives once, in order per person', async () => {
    const { metrics, deliveryFailures } = countingMetrics();
    h = await teamsHarness({}, { app: { metrics, engine: { random: () => 0.5 } } });
    for (const person of [alex, adele, megan, miriam]) await h.install(person);
    await h.say(alex, 'give Megan send-as on Training');
    const [first] = await h.bot.app.engine.requestsOf(alex.aad);
    const approval = h.inbox(adele).at(-1)!;
    const summary = h.inbox(alex).at(-1)!;
    const inboxBefore = (user: typeof alex) => h.inbox(user).length;
    const before = { alex: inboxBefore(alex), adele: inboxBefore(adele), megan: inboxBefore(megan), miriam: inboxBefore(miriam) };

    h.connector.outage(503);
    const down = h.clock.now();
    // The click is answered in its own HTTP response; a second request comes from another channel.
    expect((await h.click(adele, 'approve', { requestId: first!.id }, approval)).status).toBe(200);
    const second = await submit(SALES);
    await runUntil(down + 3 * HOUR);

    // Nothing got through, and the requests went on regardless (applied, effective after the window).
    expect(h.connector.sent.length).toBe(before.alex + before.adele + before.megan + before.miriam);
    expect(h.connector.updates).toEqual([]);
    expect((await h.bot.app.engine.get(first!.id))?.state).toBe('effective');
    // The approved post-back to Alex was tried at the backoff's times (each try: 1 + 3 quick retries in-process).
    const tries = distinct(postTimes(personalConversationId(alex), 503));
    expect(tries[0]).toBe(down);
    expect(gaps(tries)).toEqual([...BACKOFF_MS, ...Array<number>(14).fill(LONGEST_MS)]);
    expect(postTimes(personalConversationId(alex), 503)).toHaveLength(4 * tries.length);
    // Four jobs tried 23 times each (Alex's and Megan's approved post-backs, the card updates, Miriam's approval card); the rest wait their turn.
    expect(deliveryFailures).toEqual(Array<string>(4 * 23).fill('teams:unavailable'));
    // Each retried failure is one warning for the operator (per job and attempt), saying when the next try is.
    const retried = h.logs.filter((l) => l.msg === 'delivery failed; will retry');
    expect(retried).toHaveLength(4 * 23);
    const byJob = new Map<string, unknown[]>();
    for (const l of retried) byJob.set(l.jobId as string, [...(byJob.get(l.jobId as string) ?? []), l.attempt]);
    expect([...byJob.values()]).toEqual(Array(4).fill(Array.from({ length: 23 }, (_, i) => i + 1)));
    expect(retried[0]).toMatchObject({ level: 40, channel: 'teams', reason: 'unavailable', code: 'channel_unavailable', attempt: 1, nextTryAt: new Date(down + BACKOFF_MS[0]!).toISOString() });

    h.connector.recover();
    const back = h.clock.now();
    await runUntil(back + 15 * MINUTE);

    // The next try after Teams is back delivers it: 956.25 s of backoff + 15 x 675 s after the first try.
    const delivered = postTimes(personalConversationId(alex), 200).filter((t) => t > down);
    expect(delivered[0]).toBe(down + 11_081_250);
    expect(delivered[0]! - back).toBeLessThanOrEqual(LONGEST_MS);

    const news = (user: typeof alex, from: number) => h.inbox(user).slice(from).map(headline);
    expect(news(alex, before.alex)).toEqual([
      'Approved: Send As for Megan Bowen on Training, by Adele Vance. Applying it now.',
      'Applied: Send As for Megan Bowen on Training. Effective by about 09:10; I will confirm then.',
      'In effect: Send As for Megan Bowen on Training. I checked that it is in place.',
    ]);
    expect(news(megan, before.megan)).toEqual(news(alex, before.alex));
    expect(news(adele, before.adele)).toEqual([]);
    expect(news(miriam, before.miriam)).toEqual([expect.stringContaining('Alex Wilber asks for Send As for Megan Bowen on Sales')]);
    expect(h.inbox(miriam).at(-1)!.activity.attachments[0].content.actions.map((a: any) => [a.verb, a.data])).toEqual([
      ['approve', { requestId: second.id }],
      ['reject', { requestId: second.id }],
    ]);
    // Each card copy was updated once per event, in order: approved, applied, in effect.
    const statuses = (copy: SentActivity) =>
      h.connector.updates.filter((u) => u.activityId === copy.id).map((u) => (u.activity.attachments[0].content.body as { text?: string }[]).at(-1)!.text);
    expect(statuses(approval)).toEqual([
      'Goedgekeurd door Adele Vance om 23 nov 2026 09:00',
      'Goedgekeurd door Adele Vance om 23 nov 2026 09:00; toegepast, van kracht rond 09:10',
      'Goedgekeurd door Adele Vance om 23 nov 2026 09:00; van kracht',
    ]);
    expect(statuses(summary)).toEqual([
      'Approved by Adele Vance at 23 Nov 2026 09:00',
      'Approved by Adele Vance at 23 Nov 2026 09:00; applied, effective by about 09:10',
      'Approved by Adele Vance at 23 Nov 2026 09:00; in effect',
    ]);
    // Nobody's saved chat was given up for a new one because Teams was down.
    expect(h.connector.created).toEqual([]);
    expect(h.connector.rejected).toEqual([]);
    expect(deliveryFailures.filter((f) => f !== 'teams:unavailable')).toEqual([]);
    expect(await h.bot.app.store.work.size()).toBe(2); // the second request's reminder and expiry
  }, 60_000);

  it('honours Retry-After on 429: no attempt before it, waited in-process when short, by the job when long', async () => {
    h = await teamsHarness({}, { app: { engine: { random: () => 0.5 } } });
    for (const person of [alex, adele, miriam]) await h.install(person);
    const adeleChat = personalConversationId(adele);
    const miriamChat = personalConversationId(miriam);

    // Ten minutes: longer than a call waits in-process, so the delivery job waits it out.
    h.connector.failNext(1, 429, { 'retry-after': '600' });
    const asked = h.clock.now();
    await submit(TRAINING);
    await runUntil(asked + 600 * SECOND - 1);
    expect(postTimes(adeleChat, 429)).toEqual([asked]);
    expect(postTimes(adeleChat, 200)).toEqual([]);
    await runUntil(asked + 600 * SECOND);
    expect(postTimes(adeleChat, 200)).toEqual([asked + 600 * SECOND]);
    expect(h.inbox(adele).map(headline)).toEqual([expect.stringContaining('Alex Wilber vraagt Verzenden als aan voor Megan Bowen op Training')]);
    expect(h.waits).toEqual([]);

    // Eight seconds, four times: waited in-process three times, then by the job; the card arrives once.
    h.connector.failNext(4, 429, { 'retry-after': '8' });
    const again = h.clock.now();
    await submit(SALES);
    await runUntil(again + 8 * SECOND - 1);
    expect(h.waits).toEqual([8_000, 8_000, 8_000]);
    expect(postTimes(miriamChat, 429)).toEqual([again, again, again, again]);
    expect(postTimes(miriamChat, 200)).toEqual([]);
    await runUntil(again + 8 * SECOND);
    expect(postTimes(miriamChat, 200)).toEqual([again + 8 * SECOND]);
    expect(h.inbox(miriam)).toHaveLength(1);
    expect(h.connector.created).toEqual([]);
  });

  it('gives a message up after 24 h of failures: audited, counted, and later messages still flow', async () => {
    const { metrics, deliveryFailures } = countingMetrics();
    h = await teamsHarness({}, { app: { metrics, engine: { random: () => 0.5 } } });
    for (const person of [alex, miriam]) await h.install(person);
    h.connector.outage(503);
    const down = h.clock.now();
    const request = await submit(SALES);
    // Up to just before the approvers' reminder (24 h after the request).
    await runUntil(down + 24 * HOUR - 1);

    const tries = distinct(postTimes(personalConversationId(miriam), 503));
    // 135 tries: the last 86,006.25 s after the first; one more would come after the 24 h.
    expect(tries).toHaveLength(135);
    expect(gaps(tries)).toEqual([...BACKOFF_MS, ...Array<number>(126).fill(LONGEST_MS)]);
    expect(tries.at(-1)).toBe(down + 86_006_250);
    expect(deliveryFailures).toEqual([...Array<string>(134).fill('teams:unavailable'), 'teams:gave_up']);
    const failed = (await auditOf(request.id)).filter((e) => e.action === 'delivery_failed');
    expect(failed).toEqual([
      expect.objectContaining({
        at: down + 86_006_250,
        actorId: 'system',
        outcome: 'error',
        detail: expect.stringMatching(new RegExp(`^${miriam.aad}: approval_needed: Teams is unavailable \\(503\\)`)),
      }),
    ]);
    expect(await h.bot.app.store.work.get(`${request.id}:event:1:${miriam.aad}:approver:deliver`)).toBeUndefined();

    // Teams is back: the given-up card is not sent late, the reminder (a message of its own) is.
    h.connector.recover();
    await runUntil(down + 25 * HOUR);
    expect(h.inbox(miriam).map(headline)).toEqual(['Reminder: this request is still waiting for your decision.']);
    expect(JSON.stringify(cardOf(h.inbox(miriam)[0]))).toContain('Alex Wilber asks for Send As for Megan Bowen on Sales');
  }, 60_000);
});

describe('approvers who cannot be reached', () => {
  const told = {
    en: 'I could not reach Adele Vance with the approval card for Send As for Megan Bowen on Training. Nestor Wilke has it now.',
    nl: 'Ik kon Adele Vance het goedkeuringsverzoek voor Verzenden als voor Megan Bowen op Training niet bezorgen; Nestor Wilke heeft het nu.',
  };

  it.each([
    ['en', 'give Megan send-as on Training'],
    ['nl', 'geef Megan verzenden als op Training'],
  ] as const)('an approver who never installed the app: the card goes to the admins and the requester is told (%s)', async (lang, ask) => {
    const { metrics, deliveryFailures } = countingMetrics();
    h = await teamsHarness({}, { app: { metrics } });
    await h.install(alex);
    h.connector.refuseChatsWith(adele.aad);
    await h.say(alex, ask);
    await h.settle();
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);

    // One try at opening a chat with Adele: a refusal is final, not retried.
    expect(h.connector.refusedChats).toEqual([adele.aad]);
    expect(h.inbox(adele)).toEqual([]);
    expect(request!.approverIds).toEqual([adele.aad, nestor.aad]);
    // Nestor (the admin) gets the approval card in a new chat, and can decide.
    expect(h.connector.created.map((c) => c.parameters.members[0].id)).toEqual([nestor.aad]);
    const card = h.inbox(nestor).at(-1)!;
    expect(headline(card)).toContain('Alex Wilber asks for Send As for Megan Bowen on Training');
    expect(cardOf(card)!.actions.map((a: any) => a.verb)).toEqual(['approve', 'reject']);
    expect(h.inbox(alex).map(headline).filter((t) => t.startsWith(lang === 'en' ? 'I could not reach' : 'Ik kon'))).toEqual([told[lang]]);

    const trail = await auditOf(request!.id);
    expect(trail.map((e) => [e.action, e.outcome])).toEqual([
      ['created', 'ok'],
      ['delivery_failed', 'error'],
      ['approver_unreachable', 'error'],
    ]);
    expect(trail[1]!.detail).toMatch(new RegExp(`^${adele.aad}: approval_needed: Teams refused the chat \\(403\\)`));
    expect(trail[2]!.detail).toBe(`${adele.aad}; escalated to ${nestor.aad}`);
    expect(deliveryFailures).toEqual(['teams:unreachable']);

    expect((await h.click(nestor, 'approve', { requestId: request!.id }, card)).status).toBe(200);
    await h.settle();
    expect((await h.bot.app.engine.get(request!.id))?.state).toBe('applied');
  });

  it('two approvers, one unreachable: no escalation, the other has the card and the requester is told (in Dutch)', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.install(miriam);
    h.connector.refuseChatsWith(isaiah.aad);
    await h.say(alex, 'geef Megan verzenden als op de mailbox van Isaiah');
    await h.settle();
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);

    expect(request!.approverIds).toEqual([isaiah.aad, miriam.aad]);
    expect(h.inbox(miriam).map(headline)).toEqual([expect.stringContaining('Alex Wilber asks for Send As for Megan Bowen on Isaiah Langer')]);
    expect(h.inbox(nestor)).toEqual([]);
    expect(h.inbox(alex).map(headline).filter((t) => t.startsWith('Ik kon'))).toEqual([
      'Ik kon Isaiah Langer het goedkeuringsverzoek voor Verzenden als voor Megan Bowen op Isaiah Langer niet bezorgen; Miriam Graham heeft het nu.',
    ]);
    const trail = await auditOf(request!.id);
    expect(trail.map((e) => e.action)).toEqual(['created', 'delivery_failed', 'approver_unreachable']);
    expect(trail[2]!.detail).toBe(isaiah.aad);
  });
});

describe('a hung permission-service call', () => {
  it('does not delay another request: its post-back arrives when its window ends', async () => {
    // A lease longer than the clock jumps below: with a manual clock the heartbeat (real time) cannot keep up with them.
    h = await teamsHarness({}, { app: { worker: { leaseMs: 2 * HOUR }, engine: { callTimeoutMs: 10 * MINUTE } } });
    for (const person of [alex, adele, miriam, megan]) await h.install(person);
    await h.say(alex, 'give Megan send-as on Training');
    await h.say(alex, 'give Megan send-as on Sales');
    const requests = await h.bot.app.engine.requestsOf(alex.aad);
    const training = requests.find((r) => r.targetId === TRAINING);
    const sales = requests.find((r) => r.targetId === SALES);

    // Granting on Training hangs (a call that never answers) until the end of the test.
    const service = h.bot.app.permissions as PermissionService;
    const grant = service.grant.bind(service);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let hung = false;
    service.grant = async (target, trustee, right, options): Promise<ChangeResult> => {
      if (target.id === TRAINING) {
        hung = true;
        await released;
      }
      return grant(target, trustee, right, options);
    };

    await h.click(adele, 'approve', { requestId: training!.id }, h.inbox(adele).at(-1));
    while (!hung) await new Promise((resolve) => setTimeout(resolve, 5));
    await h.click(miriam, 'approve', { requestId: sales!.id }, h.inbox(miriam).at(-1));
    const appliedOn = (marker: string) => h.inbox(alex).some((s) => headline(s).startsWith(`${marker}: Send As for Megan Bowen on Sales`));
    await h.connector.waitFor(() => appliedOn('Applied'), 'the Sales post-back "applied"', 30_000);
    const appliedAt = (await h.bot.app.engine.get(sales!.id))!.appliedAt!;

    // The window (10 minutes) ends; the worker finds the post-back without anyone waiting for the hung run.
    h.clock.set(appliedAt + 10 * MINUTE);
    h.bot.app.worker.wake();
    await h.connector.waitFor(() => appliedOn('In effect'), 'the Sales post-back "in effect"', 30_000);
    expect((await h.bot.app.engine.get(sales!.id))?.state).toBe('effective');
    // Sent at the window's end, the clock's time when the worker ran it.
    expect(postTimes(personalConversationId(alex), 200).at(-1)).toBe(appliedAt + 10 * MINUTE);
    // The Training apply is still running, and still held by this worker.
    expect((await h.bot.app.engine.get(training!.id))?.state).toBe('applying');
    expect((await h.bot.app.store.work.get(`${training!.id}:apply`))?.lease?.owner).toBe(h.bot.app.worker.owner);

    release();
    await h.settle();
    expect((await h.bot.app.engine.get(training!.id))?.state).toBe('applied');
  }, 60_000);
});


describe('approval cards owed through an outage', () => {
  /** The verbs of a card's buttons (approve, reject), or [] for a card without any. */
  const verbs = (sent: { activity: Record<string, any> } | undefined): string[] => (cardOf(sent as SentActivity)?.actions ?? []).map((a: any) => a.verb);

  it("an approver's chat down, the requester cancels: once it is back, no card reaches the approver (nothing left to decide)", async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.install(adele);
    h.connector.outageIn(personalConversationId(adele));
    await h.say(alex, 'give Megan send-as on Training');
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    expect(distinct(postTimes(personalConversationId(adele), 503))).toHaveLength(1);

    await h.say(alex, 'cancel');
    expect(textOf(h.inbox(alex).at(-1))).toContain(`Cancelled request ${request!.id}`);
    h.connector.recover();
    await runUntil(h.clock.now() + HOUR);

    // The owed card was tried again and dropped: Adele is sent nothing, and has no copy to update.
    expect((await h.bot.app.engine.get(request!.id))?.state).toBe('cancelled');
    expect(h.inbox(adele)).toEqual([]);
    expect(h.connector.updates.filter((u) => u.conversationId === personalConversationId(adele))).toEqual([]);
    expect(await h.bot.app.store.work.size()).toBe(0);
  });

  it('two approvers, one chat down: the other approves, and the card owed to the first never arrives', async () => {
    h = await teamsHarness();
    await h.install(miriam);
    await h.install(isaiah);
    h.connector.outageIn(personalConversationId(miriam));
    const request = await submit(isaiah.aad);
    await h.settle();
    expect(request.approverIds).toEqual([isaiah.aad, miriam.aad]);
    const card = h.inbox(isaiah).at(-1)!;
    expect(verbs(card)).toEqual(['approve', 'reject']);

    expect((await h.click(isaiah, 'approve', { requestId: request.id }, card)).status).toBe(200);
    await h.settle();
    h.connector.recover();
    await runUntil(h.clock.now() + HOUR);

    expect((await h.bot.app.engine.get(request.id))?.decision).toMatchObject({ verdict: 'approved', by: isaiah.aad });
    expect(h.inbox(miriam)).toEqual([]);
  });

  it('a card owed through an outage to a request still pending arrives with its buttons, and later changes update it', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.install(adele);
    h.connector.outageIn(personalConversationId(adele));
    const request = await submit(TRAINING);
    await h.settle();
    h.connector.recover();
    await runUntil(h.clock.now() + MINUTE);

    const card = h.inbox(adele).at(-1)!;
    expect(verbs(card)).toEqual(['approve', 'reject']);
    await h.bot.app.engine.cancel(request.id, alex.aad);
    await h.settle();
    const update = h.connector.updates.filter((u) => u.activityId === card.id).at(-1);
    expect(textOf(update)).toContain('Geannuleerd');
    expect(verbs(update)).toEqual([]);
  });

  it('a card whose send is under way when the request is cancelled is updated by the cancel, though its copy was kept after the cancel looked', async () => {
    const copyRuns: string[] = [];
    let copiesDone: () => void = () => undefined;
    const copiesRan = new Promise<void>((resolve) => (copiesDone = resolve));
    const metrics: Metrics = {
      ...noopMetrics,
      timerLateness: (kind) => {
        if (kind !== 'update_copies') return;
        copyRuns.push(kind);
        copiesDone();
      },
    };
    h = await teamsHarness({}, { app: { metrics } });
    await h.install(adele);
    // The connector holds the card's send unanswered: the card is on its way, its copy not yet kept.
    h.connector.pause();
    const request = await submit(TRAINING);
    await h.connector.waitFor(() => h.connector.heldCount === 1, 'the approval card held');

    // The cancel commits, and its copy update runs while the card is still on its way: it finds no copy of Adele's.
    await h.bot.app.engine.cancel(request.id, alex.aad);
    await copiesRan;
    expect(h.connector.updates).toEqual([]);
    h.connector.resume();
    await h.settle();

    // The card went out as it was rendered (pending), and was then caught up: no live buttons left.
    const card = h.inbox(adele).at(-1)!;
    expect(verbs(card)).toEqual(['approve', 'reject']);
    const update = h.connector.updates.filter((u) => u.activityId === card.id).at(-1);
    expect(textOf(update)).toContain('Geannuleerd');
    expect(verbs(update)).toEqual([]);
    expect(copyRuns).toEqual(['update_copies', 'update_copies']);
  });
});

describe('a Slack-only bot whose deliveries fail', () => {
  let slack: SlackHarness | undefined;
  afterEach(async () => {
    await slack?.close();
    slack = undefined;
  });

  it('counts and logs the failures as Slack, never Teams, and delivers once Slack is back', async () => {
    const { metrics, deliveryFailures } = countingMetrics();
    slack = await slackHarness({}, { metrics });
    const { alex: requester, megan: grantee, adele: approver } = slackPeople;
    // chat.postMessage answers 503 to the approval card's first two delivery attempts.
    slack.fake.httpNext('chat.postMessage', 503, undefined, 2);
    const outcome = await slack.app.engine.submit({ requesterId: requester.aad, kind: 'grant', granteeId: grantee.aad, targetId: TRAINING, right: 'SendAs', language: 'en' });
    if (outcome.outcome !== 'created') throw new Error(outcome.outcome);
    await slack.settle();
    expect(deliveryFailures).toEqual(['slack:unavailable']);
    const [first] = slack.logs.filter((l) => l.msg === 'delivery failed; will retry');
    expect(first).toMatchObject({ level: 40, channel: 'slack', reason: 'unavailable', code: 'channel_unavailable', attempt: 1, requestId: outcome.request.id, recipientId: approver.aad });
    expect(first!.jobId).toBe(`${outcome.request.id}:event:1:${approver.aad}:approver:deliver`);
    expect(Date.parse(first!.nextTryAt as string)).toBeGreaterThan(slack.clock.now());

    for (let second = 0; second < 30; second++) await slack.advance(1_000);
    expect(deliveryFailures).toEqual(['slack:unavailable', 'slack:unavailable']);
    expect(slack.logs.filter((l) => l.msg === 'delivery failed; will retry').map((l) => [l.channel, l.attempt])).toEqual([
      ['slack', 1],
      ['slack', 2],
    ]);
    expect(slack.inbox(approver).some((m) => JSON.stringify(m.blocks).includes(outcome.request.id))).toBe(true);
  });
});
