import type { DurableStore } from '../../../src/store/durable-store.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatedPermissionService } from '../../../src/permissions/simulated.js';
import { createSqliteStore } from '../../../src/store/keyv-store.js';
import { FakeConnector } from '../../fakes/fake-connector.js';
import { message, personalConversationId, post } from '../../fakes/teams-activities.js';
import { cardProblems } from './card-validation.js';
import { cardOf, DIRECTORY, people, teamsHarness, TENANT, textOf, TRAINING, type TeamsHarness } from './harness.js';
import { UTC_WORD } from '../../helpers/utc-word.js';

const MINUTE = 60_000;
const { alex, megan, adele, miriam, nestor, isaiah, patti } = people;

let h: TeamsHarness;
let closeAfter: FakeConnector | undefined;
afterEach(async () => {
  await h?.close();
  await closeAfter?.close();
  closeAfter = undefined;
});

/** The last card sent to a user whose JSON contains `marker`. */
function lastCard(user: typeof alex, marker: string) {
  return [...h.inbox(user)].reverse().find((s) => textOf(s).includes(marker));
}

describe('Teams conversation through /api/messages', () => {
  it('plays the mission: request, summary, approval card, approve, updates, post-backs, effective', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.install(adele);

    expect((await h.say(alex, 'give Megan send-as on Training')).status).toBe(200);

    // The requester's summary: what, for whom, who approves, the request id.
    const summary = h.inbox(alex).at(-1)!;
    const summaryText = textOf(summary);
    expect(summaryText).toContain('Send As');
    expect(summaryText).toContain('Megan Bowen');
    expect(summaryText).toContain('Training');
    expect(summaryText).toContain('Adele Vance');
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    expect(request).toBeDefined();
    expect(summaryText).toContain(request!.id);

    // The approver's card arrives in Adele's saved personal chat, in her language (nl-NL).
    const approval = h.inbox(adele).at(-1)!;
    expect(approval.conversationId).toBe(personalConversationId(adele));
    const card = cardOf(approval)!;
    expect(cardProblems(card)).toEqual([]);
    expect(textOf(approval)).toContain('Alex Wilber vraagt Verzenden als aan voor Megan Bowen op Training');
    expect(card.actions.map((a: any) => [a.type, a.verb, a.data])).toEqual([
      ['Action.Execute', 'approve', { requestId: request!.id }],
      ['Action.Execute', 'reject', { requestId: request!.id }],
    ]);
    expect(h.connector.created).toEqual([]);

    // Approve: the click is answered with the updated card.
    const answer = await h.click(adele, 'approve', { requestId: request!.id }, approval);
    expect(answer.status).toBe(200);
    expect(answer.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(answer.body.value)).toContain('Goedgekeurd door Adele Vance');
    expect(answer.body.value.actions ?? []).toEqual([]);
    await h.settle();

    // Every copy is updated with who decided and when: Adele's card and Alex's summary.
    const updatedIds = h.connector.updates.map((u) => u.activityId);
    expect(updatedIds).toContain(approval.id);
    expect(updatedIds).toContain(summary.id);
    const summaryUpdate = h.connector.updates.filter((u) => u.activityId === summary.id).at(-1)!;
    expect(textOf(summaryUpdate)).toMatch(/Approved by Adele Vance at 23 Nov 2026 \d\d:\d\d/);

    // Post-backs: approved and applied to the requester; Megan, never seen before, gets a new 1:1 chat.
    expect(textOf(lastCard(alex, 'Approved:'))).toContain('Approved: Send As for Megan Bowen on Training, by Adele Vance');
    expect(textOf(lastCard(alex, 'Applied:'))).toMatch(/Effective by about \d\d:\d\d/);
    expect(h.connector.created.map((c) => c.parameters.members[0].id)).toEqual([megan.aad]);
    expect(textOf(lastCard(megan, 'Applied:'))).toContain('Send As for Megan Bowen on Training');

    // A second click: "already approved by X at T".
    const again = await h.click(adele, 'approve', { requestId: request!.id }, approval);
    expect(JSON.stringify(again.body.value)).toMatch(/Al goedgekeurd door Adele Vance om 23 nov 2026 \d\d:\d\d/);

    // After the propagation window: re-verified, effective, with how to use it.
    await h.advance(10 * MINUTE);
    expect((await h.bot.app.engine.get(request!.id))?.state).toBe('effective');
    const effective = textOf(lastCard(alex, 'In effect:'));
    expect(effective).toContain('pick training@contoso.example');
    expect(textOf(lastCard(megan, 'In effect:'))).toContain('How to use it');
    expect(h.connector.rejected).toEqual([]);
  });

  it('reminds the approver after a day and tells the requester when the request expires', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.install(adele);
    await h.say(alex, 'give Megan send-as on Training');
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    const first = h.inbox(adele).at(-1)!;

    await h.advance(24 * 60 * MINUTE);
    const reminder = h.inbox(adele).at(-1)!;
    expect(reminder.id).not.toBe(first.id);
    expect(textOf(reminder)).toContain('Herinnering: deze aanvraag wacht nog op je beslissing.');
    expect(cardProblems(cardOf(reminder))).toEqual([]);

    await h.advance(6 * 24 * 60 * MINUTE);
    expect((await h.bot.app.engine.get(request!.id))?.state).toBe('expired');
    expect(textOf(lastCard(alex, 'Expired'))).toContain('Expired without a decision: Send As for Megan Bowen on Training');
    // Both approval cards (first and reminder) now say it expired, and cannot be clicked.
    for (const card of [first, reminder]) {
      const update = h.connector.updates.filter((u) => u.activityId === card.id).at(-1);
      expect(textOf(update)).toContain('Verlopen');
      expect(update?.activity.attachments[0].content.actions ?? []).toEqual([]);
    }
  });

  it('ends a time-bound grant: reminder a day before, revoked post-back at the end', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.install(people.miriam);
    await h.say(alex, "let Megan read Isaiah's mailbox for 2 weeks");
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    expect(request?.duration).toBe('P14D');
    const approval = [...h.inbox(people.miriam)].reverse().find((m) => textOf(m).includes('14 days'))!;
    await h.click(people.miriam, 'approve', { requestId: request!.id }, approval);
    await h.settle();
    await h.advance(10 * MINUTE);
    expect(textOf(lastCard(megan, 'In effect:'))).toContain('It lasts until ');

    await h.advance(13 * 24 * 60 * MINUTE);
    expect(textOf(lastCard(megan, 'Reminder:'))).toContain('Reminder: Full Access (read and manage) for Megan Bowen on Isaiah Langer lasts only until ');
    await h.advance(24 * 60 * MINUTE);
    expect((await h.bot.app.engine.get(request!.id))?.state).toBe('revoked');
    expect(textOf(lastCard(alex, 'Ended as planned:'))).toMatch(/Ended as planned: Full Access \(read and manage\) for Megan Bowen on Isaiah Langer \(it ran until (the end of \w+day, \d+ \w+ 202\d|\w+day, \d+ \w+ 202\d at \d\d:\d\d)( UTC| \(UTC\))?\)\. Outlook can take a while to catch up\./);
  });

  it('opens one chat with an approver it never reached, even for two requests at once', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.install(isaiah);
    await Promise.all([h.say(alex, 'give Megan send-as on Training'), h.say(isaiah, 'give Isaiah send as on Training')]);
    await h.settle();
    expect(h.connector.created.filter((c) => c.parameters.members[0].id === adele.aad)).toHaveLength(1);
    expect(h.inbox(adele).filter((m) => textOf(m).includes('Goedkeuren'))).toHaveLength(2);
  });

  it('a revoke naming an ambiguous person picks the one who holds the right now', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.install(miriam);
    await h.say(alex, 'give Jan Smit send-as on Sales');
    const [grant] = await h.bot.app.engine.requestsOf(alex.aad);
    await h.click(miriam, 'approve', { requestId: grant!.id }, h.inbox(miriam).at(-1));
    await h.advance(10 * MINUTE);
    expect((await h.bot.app.engine.get(grant!.id))?.state).toBe('effective');

    await h.say(alex, "remove Jan's send as on Sales");
    const [revoke] = await h.bot.app.engine.requestsOf(alex.aad);
    expect(revoke?.kind).toBe('revoke');
    expect(revoke?.granteeId).toBe(people.janSmit.aad);
  });

  it('tells admins about a failed apply with a Retry button that only admins can use', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.install(adele);
    await h.install(nestor);
    await h.say(alex, 'give Megan send-as on Training');
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    (h.bot.app.permissions as SimulatedPermissionService).faults.push({ kind: 'reject', message: 'The mailbox is on litigation hold' });
    await h.click(adele, 'approve', { requestId: request!.id }, h.inbox(adele).at(-1));
    await h.settle();
    expect((await h.bot.app.engine.get(request!.id))?.state).toBe('failed');
    expect(textOf(lastCard(alex, 'Could not apply'))).toContain('The mailbox is on litigation hold');

    const notice = lastCard(nestor, 'Applying failed')!;
    const retry = cardOf(notice)!.actions[0];
    expect([retry.verb, retry.data]).toEqual(['retry', { requestId: request!.id }]);
    expect(cardProblems(cardOf(notice))).toEqual([]);

    const refused = await h.click(alex, 'retry', retry.data, notice);
    expect(refused.body.value).toBe('Only admins can retry a failed request.');
    expect((await h.bot.app.engine.get(request!.id))?.state).toBe('failed');

    const retried = await h.click(nestor, 'retry', retry.data, notice);
    expect(retried.body.value).toBe(`Retrying ${request!.id} now.`);
    await h.settle();
    expect((await h.bot.app.engine.get(request!.id))?.state).toBe('applied');
    expect(textOf(lastCard(alex, 'Applied:'))).toContain('Send As for Megan Bowen on Training');
  });

  it('lets an admin revoke an applied grant by its id, and nobody else', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.install(adele);
    await h.install(nestor);
    await h.say(alex, 'give Megan send-as on Training');
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    await h.click(adele, 'approve', { requestId: request!.id }, h.inbox(adele).at(-1));
    await h.advance(10 * MINUTE);

    await h.say(alex, `revoke ${request!.id}`);
    expect(textOf(h.inbox(alex).at(-1))).toContain('Only admins can revoke a request directly');
    const before = h.inbox(nestor).length;
    await h.say(nestor, `revoke ${request!.id}`);
    await h.settle();
    expect((await h.bot.app.engine.get(request!.id))?.state).toBe('revoked');
    expect(textOf(lastCard(alex, 'Revoked:'))).toContain('Revoked: Send As for Megan Bowen on Training.');
    // The answer promises a confirmation, and Nestor gets it, once.
    const toNestor = h.inbox(nestor).slice(before).map(textOf);
    expect(toNestor).toHaveLength(2);
    expect(toNestor[0]).toContain(`Revoking ${request!.id} now; I will confirm when it is done.`);
    expect(toNestor[1]).toContain(`Revoked ${request!.id} as you asked: Send As for Megan Bowen on Training.`);
    await h.say(nestor, `revoke ${request!.id}`);
    expect(textOf(h.inbox(nestor).at(-1))).toContain('Only an applied grant can be revoked directly; this request is revoked.');
  });

  it('answers in Dutch when asked in Dutch', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.say(alex, 'geef Megan verzenden als op Training');
    expect(textOf(h.inbox(alex).at(-1))).toContain('Aanvraag: Verzenden als voor Megan Bowen op Training');
    await h.say(alex, 'hulp');
    expect(textOf(h.inbox(alex).at(-1))).toContain('geef Megan verzenden als op Training');
  });

  it('ends an "until" grant at midnight in the requester\'s own time zone', async () => {
    h = await teamsHarness();
    const alexInLosAngeles = { ...alex, timeZone: 'America/Los_Angeles' };
    await h.install(alexInLosAngeles);
    await h.install(adele);
    await h.say(alexInLosAngeles, 'give Megan send-as on Training until 4 December');
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    expect(request?.until).toBe('2026-12-04');
    await h.click(adele, 'approve', { requestId: request!.id }, h.inbox(adele).at(-1)!);
    await h.settle();
    // Midnight after 4 December in Los Angeles (UTC-8) is 08:00 UTC on 5 December, not 00:00 UTC.
    const midnightInLosAngeles = Date.parse('2026-12-05T08:00:00Z');
    expect((await h.bot.app.engine.get(request!.id))?.endsAt).toBe(midnightInLosAngeles);
    await h.advance(midnightInLosAngeles - h.clock.now() - MINUTE);
    expect((await h.bot.app.engine.get(request!.id))?.state).toBe('effective');
    await h.advance(2 * MINUTE);
    expect((await h.bot.app.engine.get(request!.id))?.state).toBe('revoked');
  });

  it("keeps every copy of a card in its owner's time zone: the click answer and the updates after it agree", async () => {
    h = await teamsHarness();
    await h.install(alex);
    // Adele never wrote to the bot: her card comes in a chat the bot opens, and her zone is unknown until she clicks.
    const adeleInTokyo = { ...adele, timeZone: 'Asia/Tokyo' };
    await h.say(alex, 'give Megan send-as on Training');
    const card = h.inbox(adele).at(-1)!;
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    h.clock.advance(MINUTE * 35); // 08:35 UTC = 17:35 in Tokyo
    const clicked = await h.click(adeleInTokyo, 'approve', { requestId: request!.id }, card);
    expect(JSON.stringify(clicked.body)).toContain('17:35');
    await h.settle();
    const updates = h.connector.updates.filter((u) => u.activityId === card.id);
    expect(updates.length).toBeGreaterThan(0);
    for (const update of updates) {
      const text = JSON.stringify(update.activity);
      expect(text).toContain('17:35');
      expect(text).not.toMatch(UTC_WORD);
    }
    // Later updates too (applied, then in effect).
    await h.advance(10 * MINUTE);
    const later = h.connector.updates.filter((u) => u.activityId === card.id);
    expect(later.length).toBeGreaterThan(updates.length);
    expect(JSON.stringify(later.at(-1)!.activity)).toContain('17:35');
    expect(JSON.stringify(later.at(-1)!.activity)).not.toMatch(UTC_WORD);
  });

  it('asks which Jan with a choice card, and nothing reaches an approver until chosen', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.install(miriam);
    await h.say(alex, 'give Jan send-as on Sales');
    const choice = h.inbox(alex).at(-1)!;
    const card = cardOf(choice)!;
    expect(cardProblems(card)).toEqual([]);
    expect(card.actions.map((a: any) => a.title)).toEqual(['Jan Jansen (jan.jansen@contoso.example)', 'Jan Smit (jan.smit@contoso.example)']);
    expect(h.inbox(miriam)).toEqual([]);
    expect(await h.bot.app.engine.requestsOf(alex.aad)).toEqual([]);

    // Someone else cannot pick for Alex.
    const foreign = await h.click(miriam, 'choose', card.actions[1].data, choice);
    expect(foreign.body.value).toContain('no longer open');
    expect(await h.bot.app.engine.requestsOf(alex.aad)).toEqual([]);

    const picked = await h.click(alex, 'choose', card.actions[1].data, choice);
    expect(JSON.stringify(picked.body.value)).toContain('Jan Smit');
    await h.settle();
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    expect(request?.granteeId).toBe(people.janSmit.aad);
    expect(textOf(h.inbox(miriam).at(-1))).toContain('Alex Wilber asks for Send As for Jan Smit on Sales');

    // The same choice card cannot be used twice.
    const twice = await h.click(alex, 'choose', card.actions[0].data, choice);
    expect(twice.body.value).toContain('no longer open');
    expect(await h.bot.app.engine.requestsOf(alex.aad)).toHaveLength(1);
  });

  it('refuses a click on an earlier choice card of the same request, which never showed the question now open', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.say(alex, "give Jann full access to Jan's mailbox");
    const first = h.inbox(alex).at(-1)!;
    const firstCard = cardOf(first)!;
    expect(JSON.stringify(firstCard)).toContain('Did you mean Jan Jansen or Jan Smit?');
    await h.say(alex, 'Jan Jansen');
    const second = h.inbox(alex).at(-1)!;
    const secondCard = cardOf(second)!;
    expect(JSON.stringify(secondCard)).toContain('Which mailbox or group do you mean?');
    // Same draft, same picks: only the step tells the two cards apart.
    expect(secondCard.actions[1].data.draft).toBe(firstCard.actions[1].data.draft);
    expect(secondCard.actions[1].data.step).not.toBe(firstCard.actions[1].data.step);

    // "Jan Smit" on the grantee card is no answer to the mailbox question.
    const stale = await h.click(alex, 'choose', firstCard.actions[1].data, first);
    expect(stale.body.value).toContain('no longer open');
    // A step edited into the data is not trusted either.
    const tampered = await h.click(alex, 'choose', { ...secondCard.actions[1].data, step: '99' }, second);
    expect(tampered.body.value).toContain('no longer open');
    await h.settle();
    expect(await h.bot.app.engine.requestsOf(alex.aad)).toEqual([]);

    // The card of the open question answers it.
    const picked = await h.click(alex, 'choose', secondCard.actions[1].data, second);
    expect(JSON.stringify(picked.body.value)).toContain('Jan Smit');
    await h.settle();
    const requests = await h.bot.app.engine.requestsOf(alex.aad);
    expect(requests.map((r) => [r.granteeId, r.targetId, r.rights])).toEqual([[people.janJansen.aad, people.janSmit.aad, ['FullAccess']]]);
  });

  it('asks for the full name in words when too many people match for a card', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'teams-many-'));
    try {
      const fixture = JSON.parse(readFileSync(DIRECTORY, 'utf8'));
      for (let i = 0; i < 8; i++) fixture.users.push({ id: `sam-${i}`, displayName: `Sam Tester${'abcdefgh'[i]}`, mail: `sam${i}@contoso.example` });
      writeFileSync(join(dir, 'directory.json'), JSON.stringify(fixture));
      h = await teamsHarness({ DIRECTORY: `file:${join(dir, 'directory.json')}` });
      await h.install(alex);
      await h.say(alex, 'give Sam send-as on Training');
      const replies = h.inbox(alex).slice(-2).map(textOf);
      expect(replies[0]).toContain('8 people or mailboxes match that name');
      expect(replies[1]).toContain('For whom is this?');
      await h.say(alex, 'Sam Testerc');
      const [request] = await h.bot.app.engine.requestsOf(alex.aad);
      expect(request?.granteeId).toBe('sam-2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('asks which right for plain "access" to a group', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.say(alex, 'give Megan access to Training');
    const choice = h.inbox(alex).at(-1)!;
    expect(cardOf(choice)!.actions.map((a: any) => a.title)).toEqual(['Send As', 'Send on Behalf']);
    await h.click(alex, 'choose', cardOf(choice)!.actions[1].data, choice);
    await h.settle();
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    expect(request?.rights).toEqual(['SendOnBehalf']);
  });

  it('asks for a missing person in words and takes the answer', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.say(alex, 'give send as on Training');
    expect(textOf(h.inbox(alex).at(-1))).toContain('For whom is this?');
    await h.say(alex, 'Megan Bowen');
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    expect(request?.granteeId).toBe(megan.aad);
  });

  it('rejects with a reason, tells the requester and the grantee, and refuses tampered or foreign clicks', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.install(adele);
    await h.install(megan);
    await h.say(alex, 'give Megan send-as on Training');
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    const approval = h.inbox(adele).at(-1)!;

    const unknown = await h.click(adele, 'approve', { requestId: 'REQ-NOPE' }, approval);
    expect(unknown.body.value).toMatch(/niet vinden/);
    const tampered = await h.click(adele, 'approve', { requestId: { $ne: 1 } }, approval);
    expect(tampered.body.value).toMatch(/niet \(meer\) geldig/);
    const notApprover = await h.click(megan, 'approve', { requestId: request!.id }, approval);
    expect(notApprover.body.value).toBe('You are not an approver of this request.');
    const oddVerb = await h.click(adele, 'delete', { requestId: request!.id }, approval);
    expect(oddVerb.body.value).toMatch(/niet \(meer\) geldig/);
    expect((await h.bot.app.engine.get(request!.id))?.state).toBe('pending');

    const rejected = await h.click(adele, 'reject', { requestId: request!.id, rejectReason: 'Use the **shared** [mailbox](http://x)' }, approval);
    expect(JSON.stringify(rejected.body.value)).toContain('Afgewezen door Adele Vance');
    await h.settle();
    const post = textOf(lastCard(alex, 'Rejected:'));
    expect(post).toContain('Reason: Use the \\\\*\\\\*shared\\\\*\\\\* \\\\[mailbox\\\\](http://x)');
    expect(textOf(lastCard(megan, 'Rejected:'))).toContain('by Adele Vance');
  });

  it('shows my requests and cancels the pending one; approvers see the cancellation', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.install(adele);
    await h.say(alex, 'give Megan send-as on Training');
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    await h.say(alex, 'my requests');
    const status = cardOf(h.inbox(alex).at(-1))!;
    expect(cardProblems(status)).toEqual([]);
    expect(JSON.stringify(status)).toContain(request!.id);
    expect(JSON.stringify(status)).toContain('Waiting for approval');

    await h.say(alex, 'cancel');
    expect(textOf(h.inbox(alex).at(-1))).toContain(`Cancelled request ${request!.id}`);
    expect((await h.bot.app.engine.get(request!.id))?.state).toBe('cancelled');
    const approval = h.inbox(adele).at(-1)!;
    const update = h.connector.updates.filter((u) => u.activityId === approval.id).at(-1);
    expect(textOf(update)).toContain('Geannuleerd');
    const late = await h.click(adele, 'approve', { requestId: request!.id }, approval);
    expect(JSON.stringify(late.body.value)).toContain('niet meer open');
  });

  it('answers "who has access" for admins and refuses others politely', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.install(nestor);
    await h.say(alex, 'who has access to Support?');
    expect(textOf(h.inbox(alex).at(-1))).toContain('only admins');
    await h.say(nestor, 'who has access to Support?');
    const card = cardOf(h.inbox(nestor).at(-1))!;
    expect(cardProblems(card)).toEqual([]);
    const facts = card.body.find((b: any) => b.type === 'FactSet').facts;
    expect(facts).toEqual([
      { title: 'Full Access (read and manage)', value: 'Isaiah Langer' },
      { title: 'Send As', value: 'nobody' },
      { title: 'Send on Behalf', value: 'nobody' },
    ]);
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open in the admin center', url: 'https://admin.exchange.microsoft.com/#/mailboxes' }]);
    await h.say(nestor, 'what can Alex access?');
    expect(textOf(h.inbox(nestor).at(-1))).toContain('Training (Microsoft 365 group)');
    await h.say(isaiah, 'what can Alex access?');
    expect(textOf(h.inbox(isaiah).at(-1))).toContain('only admins can see what someone can access');
  });

  it('links to the admin center of the configured cloud', async () => {
    h = await teamsHarness({ CLOUD: 'gcchigh' });
    await h.install(nestor);
    await h.say(nestor, 'who has access to Training?');
    expect(cardOf(h.inbox(nestor).at(-1))!.actions[0].url).toBe('https://portal.office365.us/#/groups');
  });

  it('answers bad input clearly and changes nothing', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.say(alex, 'x'.repeat(100_000));
    expect(textOf(h.inbox(alex).at(-1))).toContain('too long');
    await h.say(alex, '   ');
    expect(textOf(h.inbox(alex).at(-1))).toContain('Type a request');
    await h.say(alex, 'hello there');
    expect(textOf(h.inbox(alex).at(-1))).toContain('did not understand');
    await h.say(alex, 'give Megan send as on x; Remove-Mailbox');
    // A pasted cmdlet beside the request: not understood, nothing filed or asked.
    expect(textOf(h.inbox(alex).at(-1))).toContain('did not understand');
    await h.say(alex, 'give Megan\u0000 \u202e send as on Training');
    expect(textOf(h.inbox(alex).at(-1))).toContain('control characters');
    const before = h.inbox(alex).length;
    await h.say(alex, '<script>alert(1)</script> [click](http://evil.example)');
    // Answered with a question or "did not understand", never with the markup echoed back live.
    expect(h.inbox(alex).length).toBeGreaterThan(before);
    expect(textOf(h.inbox(alex).at(-1))).not.toContain('[click](');
    expect(await h.bot.app.engine.requestsOf(alex.aad)).toHaveLength(0);
    expect(h.connector.rejected).toEqual([]);
  });

  it('answers an activity Teams delivers twice (same id) once, also after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'teams-again-'));
    try {
      const connector = await new FakeConnector(TENANT).start();
      closeAfter = connector;
      const first = await teamsHarness({}, { store: createSqliteStore(join(dir, 'bot.sqlite')), connector });
      await first.install(alex);
      const activity = message(alex, first.ctx, 'give Megan send-as on Training');
      expect((await post(first.bot.port, activity)).status).toBe(200);
      expect((await post(first.bot.port, activity)).status).toBe(200);
      await first.settle();
      const answers = () => connector.sent.filter((s) => s.conversationId === personalConversationId(alex) && s.replyToId === activity.id);
      expect(answers()).toHaveLength(1);
      expect(textOf(answers()[0])).toContain('Request: Send As for Megan Bowen on Training');
      await first.close();

      h = await teamsHarness({}, { store: createSqliteStore(join(dir, 'bot.sqlite')), connector });
      expect((await post(h.bot.port, activity)).status).toBe(200);
      await h.settle();
      expect(answers()).toHaveLength(1);
      expect(await h.bot.app.engine.requestsOf(alex.aad)).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows the end of a time-bound grant the same way on the card and in my requests', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.say(alex, 'give Megan send-as on Training until 4 December');
    expect(textOf(h.inbox(alex).at(-1))).toContain('until the end of Friday, 4 December 2026');
    expect(textOf(h.inbox(alex).at(-1))).not.toContain('24:00');
    await h.say(alex, 'my requests');
    expect(textOf(h.inbox(alex).at(-1))).toContain('Lasts until the end of Friday, 4 December 2026');
  });

  it('reads entities and an HTML-only message as the words the person wrote', async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.say(alex, 'give Megan send on behalf of &quot;Training&quot;');
    expect(textOf(h.inbox(alex).at(-1))).toContain('Request: Send on Behalf for Megan Bowen on Training');
    const htmlOnly = { ...message(alex, h.ctx, ''), attachments: [{ contentType: 'text/html', content: '<p>give <b>Patti O&#39;Brien</b> send as on Training</p>' }] };
    expect((await post(h.bot.port, htmlOnly)).status).toBe(200);
    await h.settle();
    expect(textOf(h.inbox(alex).at(-1))).toContain("Request: Send As for Patti O'Brien on Training");
  });

  it("resolves names with apostrophes (O'Brien)", async () => {
    h = await teamsHarness();
    await h.install(alex);
    await h.say(alex, "give Patti O'Brien send as on Training");
    const [request] = await h.bot.app.engine.requestsOf(alex.aad);
    expect(request?.granteeId).toBe(patti.aad);
    expect(textOf(h.inbox(alex).at(-1))).toContain("Patti O'Brien");
  });

  it('says at once when the right is already held', async () => {
    h = await teamsHarness();
    await h.install(isaiah);
    await h.say(isaiah, 'give me full access to Support');
    expect(textOf(h.inbox(isaiah).at(-1))).toContain('Isaiah Langer already has Full Access (read and manage) on Support');
  });

  it('reaches approvers from references kept in the store after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'teams-restart-'));
    try {
      // Teams' service URL stays the same across the bot's restarts: one connector for both runs.
      const connector = await new FakeConnector(TENANT).start();
      closeAfter = connector;
      const first = await teamsHarness({}, { store: createSqliteStore(join(dir, 'bot.sqlite')), connector });
      await first.install(adele);
      await first.close();

      h = await teamsHarness({}, { store: createSqliteStore(join(dir, 'bot.sqlite')), connector });
      await h.install(alex);
      await h.say(alex, 'give Megan send-as on Training');
      expect(h.connector.created).toEqual([]);
      expect(h.inbox(adele).at(-1)?.conversationId).toBe(personalConversationId(adele));
      expect(h.bot.app.directory.tenantId).toBeTruthy();
      expect(TRAINING).toBe((await h.bot.app.engine.requestsOf(alex.aad))[0]?.targetId);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
