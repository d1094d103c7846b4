import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/conversation/messaging.js';
import { planNotifications } from '../../src/conversation/notification-policy.js';
import { outboundReply } from '../../src/conversation/wording/notices.js';
import { Names } from '../../src/conversation/wording/names.js';
import type { Audience } from '../../src/conversation/types.js';
import { RecordingNotifier, type EngineEvent } from '../../src/domain/notifier.js';
import { conversationHarness, wordsOf, type ConversationHarness } from './harness.js';
import { PEOPLE, SCRIPT_TIME_ZONE, TARGETS } from './scripts/spec-conversations.js';

let h: ConversationHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const PATTI = '0a1e0008-aaaa-4bbb-8ccc-000000000008';

/** What each person is told of an event, as the delivery jobs render it: `recipient: words`. */
async function told(event: EngineEvent, admins: string[], names: Names, lang: Audience['lang'] = 'en'): Promise<string[]> {
  const lines: string[] = [];
  for (const planned of planNotifications(event, admins).messages) {
    const message: OutboundMessage = { id: 'm', recipientId: planned.recipientId, role: planned.role, notice: planned.notice, request: event.request };
    const reply = await outboundReply(message, names, { lang, timeZone: SCRIPT_TIME_ZONE });
    lines.push(`${planned.recipientId}: ${reply?.kind === 'notice' ? reply.view.lines.join(' ') : reply?.kind}`);
  }
  return lines;
}

/**
 * Alex asks for Megan's Full Access on Support; Isaiah then for Megan's and Patti's. Megan's second
 * request carries "already pending"; Miriam (Support's owner) approves both, one after the other.
 */
describe('the same right asked twice and approved twice', () => {
  it("the second approval closes it as already held: the approver's card and the requester each get one line, nobody a second 'Applied'", async () => {
    h = await conversationHarness();
    const events = new RecordingNotifier();
    h.app.notifiers.attach(events);
    expect((await h.say('alex', 'give Megan full access to Support')).map((r) => r.kind)).toEqual(['summary']);
    const asked = await h.say('isaiah', 'give Megan and Patti full access to Support');
    expect(asked.map((r) => r.kind)).toEqual(['text', 'summary', 'summary']);
    const [a] = await h.app.engine.requestsOf(PEOPLE.alex.id);
    const b = (await h.app.engine.requestsOf(PEOPLE.isaiah.id)).find((r) => r.granteeId === PEOPLE.megan.id)!;
    expect(b.warnings).toEqual([{ code: 'already_pending', requestId: a!.id }]);
    expect(wordsOf(asked.find((r) => r.kind === 'summary' && r.request.id === b.id)!)).toContain(`already pending (${a!.id})`);

    const first = await h.click('miriam', 'approve', { requestId: a!.id });
    expect(first.map((r) => r.kind)).toEqual(['approval']);
    expect((await h.app.engine.get(a!.id))?.state).toBe('applied');

    const second = await h.click('miriam', 'approve', { requestId: b.id });
    expect(second.map((r) => r.kind)).toEqual(['approval']);
    const card = second[0]!;
    if (card.kind !== 'approval') throw new Error('no approval card');
    expect(card.view.actionable).toBe(false);
    expect(card.view.status).toMatch(
      new RegExp(`^Approved by Miriam Graham at .+; closed: Megan Bowen already has Full Access .*on Support through ${a!.id}, so nothing was applied again$`),
    );

    // B's people: its requester is told in one line; Megan heard nothing of B, and "Applied" once (A's).
    const names = new Names(h.app.directory);
    const ofB = events.events.filter((e) => e.request.id === b.id);
    expect(ofB.map((e) => e.type)).toEqual(['approval_needed', 'already_held']);
    const closed = ofB[1]!;
    const admins = await h.app.engine.admins();
    expect(await told(closed, admins, names)).toEqual([
      `${PEOPLE.isaiah.id}: Closed: Full Access (read and manage) for Megan Bowen on Support. Megan Bowen already has Full Access (read and manage) on Support through ${a!.id}, so there is nothing to apply again.`,
    ]);
    expect((await told(closed, admins, names, 'nl'))[0]).toMatch(new RegExp(`^${PEOPLE.isaiah.id}: Gesloten: .*Megan Bowen heeft al .* op Support via ${a!.id}, dus er hoeft niets opnieuw toegepast te worden\\.$`));
    expect(events.ofType('applied').map((e) => e.request.id)).toEqual([a!.id]);
    expect(events.ofType('decided').map((e) => e.request.id)).toEqual([a!.id]);

    // Patti's request, from the same message, is untouched: still Miriam's to decide.
    expect((await h.app.engine.requestsOf(PEOPLE.isaiah.id)).find((r) => r.granteeId === PATTI)?.state).toBe('pending');
    // Isaiah's list says B is closed, held through A; Alex's A goes on to "in effect".
    const status = await h.say('isaiah', 'my requests');
    expect(wordsOf(status.find((r) => r.kind === 'requests')!)).toContain(`closed: Megan Bowen already has Full Access (read and manage) on Support through ${a!.id}`);
    h.clock.advance(10 * 60_000);
    await h.app.engine.idle();
    expect((await h.app.engine.get(a!.id))?.state).toBe('effective');
    expect((await h.app.engine.get(b.id))?.state).toBe('already_held');
    expect(TARGETS.support).toBe(b.targetId);
  });
});
