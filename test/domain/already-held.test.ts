import { afterEach, describe, expect, it } from 'vitest';
import type { SubmitInput } from '../../src/domain/engine-api.js';
import { coreHarness, DAY, HOUR, MINUTE, type CoreHarness } from '../helpers/core.js';

// Sample directory: Daan owns the shared mailbox Facturen (s-invoices); Zoë holds nothing on it;
// Ines (u-admin) is the admin. Liam and Kwame both ask for Zoë's Full Access on it.
const fullAccess = (overrides: Partial<SubmitInput> = {}): SubmitInput => ({
  requesterId: 'u-liam',
  kind: 'grant',
  granteeId: 'u-zoe',
  targetId: 's-invoices',
  right: 'FullAccess',
  language: 'en',
  ...overrides,
});
const facturen = { id: 's-invoices', kind: 'shared' as const, mail: 'facturen@northwind.example' };
const zoe = { id: 'u-zoe', mail: 'zoe.dubois@northwind.example' };

const open: CoreHarness[] = [];
afterEach(async () => {
  for (const core of open.splice(0)) await core.close();
});

async function harness(): Promise<CoreHarness> {
  const core = await coreHarness();
  open.push(core);
  return core;
}

async function created(core: CoreHarness, input: SubmitInput) {
  const outcome = await core.engine.submit(input);
  if (outcome.outcome !== 'created') throw new Error(`expected created, got ${outcome.outcome}`);
  await core.engine.idle();
  return outcome.request;
}

/** The events of one request, by type. */
function eventsOf(core: CoreHarness, requestId: string): string[] {
  return core.events.events.filter((e) => e.request.id === requestId).map((e) => e.type);
}

describe('a duplicate grant applied first: the other closes as already held', () => {
  it('approved after the first was applied: closed at the approval, one line, no second apply, no checks of its own', async () => {
    const core = await harness();
    const a = await created(core, fullAccess());
    const b = await created(core, fullAccess({ requesterId: 'u-kwame' }));
    expect(b.warnings).toEqual([{ code: 'already_pending', requestId: a.id }]);

    await core.engine.decide(a.id, 'u-daan', 'approve');
    await core.engine.idle();
    const appliedAt = core.clock.now();
    await core.advance(MINUTE);

    const decided = await core.engine.decide(b.id, 'u-daan', 'approve');
    expect(decided).toMatchObject({
      state: 'already_held',
      heldBy: a.id,
      heldAt: core.clock.now(),
      decision: { verdict: 'approved', by: 'u-daan', at: core.clock.now() },
    });
    expect(decided.heldUntil).toBeUndefined();
    await core.engine.idle();
    // One event for B, no "Approved" nor "Applied": its requester hears it is held already.
    expect(eventsOf(core, b.id)).toEqual(['approval_needed', 'already_held']);
    expect(core.events.ofType('already_held')[0]).toMatchObject({ approvalTold: false });
    expect((await core.trail('u-admin', { requestId: b.id })).map((e) => `${e.actorId}:${e.action}:${e.to ?? ''}:${e.detail ?? ''}`)).toEqual([
      'u-kwame:created:pending:',
      `u-daan:already_held:already_held:approved; held through ${a.id}`,
    ]);

    // A goes on alone: in effect after the window; B has no timer, and nothing is left to run.
    await core.advance(HOUR);
    expect(await core.engine.get(a.id)).toMatchObject({ state: 'effective', appliedAt });
    expect((await core.engine.get(b.id))?.state).toBe('already_held');
    expect(eventsOf(core, a.id)).toEqual(['approval_needed', 'decided', 'applied', 'effective']);
    expect(eventsOf(core, b.id)).toEqual(['approval_needed', 'already_held']);
    expect(await core.store.work.size()).toBe(0);
    // Kwame's requests list B closed, not open; a new request for the right is answered at once.
    expect(await core.engine.requestsOf('u-kwame', { openOnly: true })).toEqual([]);
    expect((await core.engine.submit(fullAccess({ requesterId: 'u-kwame' }))).outcome).toBe('already_held');
  });

  it('both approved before either was applied: the first applies, the second waits for it and then closes; its grantee, told "approved", hears why nothing follows', async () => {
    const core = await harness();
    const a = await created(core, fullAccess());
    const b = await created(core, fullAccess({ requesterId: 'u-kwame' }));
    // Approved one after the other, before either apply ran: A's, approved first, applies first.
    await core.engine.decide(a.id, 'u-daan', 'approve');
    core.clock.advance(1);
    await core.engine.decide(b.id, 'u-daan', 'approve');
    await core.engine.idle();
    expect((await core.engine.get(b.id))?.state).toBe('approved');
    await core.advance(5_000);

    expect((await core.engine.get(a.id))?.state).toBe('applied');
    expect(await core.engine.get(b.id)).toMatchObject({ state: 'already_held', heldBy: a.id, decision: { verdict: 'approved', by: 'u-daan' } });
    expect(eventsOf(core, b.id)).toEqual(['approval_needed', 'decided', 'already_held']);
    expect(core.events.ofType('already_held')[0]).toMatchObject({ approvalTold: true });
    const trail = (await core.trail('u-admin', { requestId: b.id })).map((e) => `${e.actorId}:${e.action}`);
    expect(trail).toEqual(['u-kwame:created', 'u-daan:approved', 'system:already_held']);
    expect(core.events.ofType('applied').map((e) => e.request.id)).toEqual([a.id]);

    await core.advance(DAY);
    expect((await core.engine.get(a.id))?.state).toBe('effective');
    expect(core.events.ofType('not_yet_visible')).toEqual([]);
    expect(await core.store.work.size()).toBe(0);
  });

  it('held through a time-bound grant that lasts longer: closed with when that grant ends', async () => {
    const core = await harness();
    const a = await created(core, fullAccess({ duration: 'P14D' }));
    const b = await created(core, fullAccess({ requesterId: 'u-kwame', duration: 'P7D' }));
    await core.engine.decide(a.id, 'u-daan', 'approve');
    await core.engine.idle();
    const endsAt = (await core.engine.get(a.id))!.endsAt!;
    expect(await core.engine.decide(b.id, 'u-daan', 'approve')).toMatchObject({ state: 'already_held', heldBy: a.id, heldUntil: endsAt });
  });

  it('a right Exchange lost after the first grant was in place is asked for again on purpose: that request is applied, not closed', async () => {
    const core = await harness();
    const a = await created(core, fullAccess());
    await core.engine.decide(a.id, 'u-daan', 'approve');
    await core.engine.idle();
    await core.advance(HOUR);
    expect((await core.engine.get(a.id))?.state).toBe('effective');
    // Removed in Exchange outside the bot: the pre-flight asks Exchange and creates the request.
    await core.permissions.revoke(facturen, zoe, 'FullAccess');
    await core.advance(10 * MINUTE);
    const b = await created(core, fullAccess({ requesterId: 'u-kwame' }));
    await core.engine.decide(b.id, 'u-daan', 'approve');
    await core.engine.idle();
    expect((await core.engine.get(b.id))?.state).toBe('applied');
    await core.advance(HOUR);
    expect((await core.engine.get(b.id))?.state).toBe('effective');
    expect(await core.permissions.check(facturen, zoe, 'FullAccess')).toBe(true);
  });

  it('a rejection is a rejection, also when the right is held', async () => {
    const core = await harness();
    const a = await created(core, fullAccess());
    const b = await created(core, fullAccess({ requesterId: 'u-kwame' }));
    await core.engine.decide(a.id, 'u-daan', 'approve');
    await core.engine.idle();
    expect(await core.engine.decide(b.id, 'u-daan', 'reject')).toMatchObject({ state: 'rejected' });
  });
});

describe('held only when the grant in place lasts at least as long', () => {
  it('a standing grant approved after a time-bound one was applied is applied, not closed', async () => {
    const core = await harness();
    const a = await created(core, fullAccess({ duration: 'P14D' }));
    const b = await created(core, fullAccess({ requesterId: 'u-kwame' }));
    await core.engine.decide(a.id, 'u-daan', 'approve');
    await core.engine.idle();
    await core.advance(MINUTE);
    expect(await core.engine.decide(b.id, 'u-daan', 'approve')).toMatchObject({ state: 'approved', decision: { verdict: 'approved' } });
    await core.engine.idle();
    expect(await core.engine.get(b.id)).toMatchObject({ state: 'applied' });
    expect((await core.engine.get(b.id))?.endsAt).toBeUndefined();
    expect(core.events.ofType('already_held')).toEqual([]);
    await core.advance(HOUR);
    expect((await core.engine.get(b.id))?.state).toBe('effective');
  });

  it('both approved before either applied, the time-bound first: the standing one waits for it, then is applied too', async () => {
    const core = await harness();
    const a = await created(core, fullAccess({ duration: 'P14D' }));
    const b = await created(core, fullAccess({ requesterId: 'u-kwame' }));
    await core.engine.decide(a.id, 'u-daan', 'approve');
    core.clock.advance(1);
    await core.engine.decide(b.id, 'u-daan', 'approve');
    await core.engine.idle();
    await core.advance(5_000);
    expect((await core.engine.get(a.id))?.state).toBe('applied');
    expect((await core.engine.get(b.id))?.state).toBe('applied');
    expect(core.events.ofType('applied').map((e) => e.request.id)).toEqual([a.id, b.id]);
    expect(core.events.ofType('already_held')).toEqual([]);
  });

  it('a time-bound grant approved after a standing one was applied closes as already held', async () => {
    const core = await harness();
    const a = await created(core, fullAccess());
    const b = await created(core, fullAccess({ requesterId: 'u-kwame', duration: 'P14D' }));
    await core.engine.decide(a.id, 'u-daan', 'approve');
    await core.engine.idle();
    const decided = await core.engine.decide(b.id, 'u-daan', 'approve');
    expect(decided).toMatchObject({ state: 'already_held', heldBy: a.id });
    expect(decided.heldUntil).toBeUndefined();
  });

  it('the same end date closes as already held; a later end date is applied', async () => {
    const core = await harness();
    const a = await created(core, fullAccess({ until: '2026-12-22' }));
    const same = await created(core, fullAccess({ requesterId: 'u-kwame', until: '2026-12-22' }));
    const later = await created(core, fullAccess({ requesterId: 'u-priya', until: '2026-12-23' }));
    await core.engine.decide(a.id, 'u-daan', 'approve');
    await core.engine.idle();
    const endsAt = (await core.engine.get(a.id))!.endsAt!;
    expect(await core.engine.decide(same.id, 'u-daan', 'approve')).toMatchObject({ state: 'already_held', heldBy: a.id, heldUntil: endsAt });
    expect(await core.engine.decide(later.id, 'u-daan', 'approve')).toMatchObject({ state: 'approved' });
    await core.engine.idle();
    expect(await core.engine.get(later.id)).toMatchObject({ state: 'applied', endsAt: endsAt + DAY });
  });
});
