import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBotError } from '../../src/domain/errors.js';
import { endedAsPlanned } from '../../src/domain/request.js';
import type { SubmitInput } from '../../src/domain/engine-api.js';
import type { SimulatedPermissionService } from '../../src/permissions/simulated.js';
import { coreHarness, DAY, HOUR, MINUTE, type CoreHarness } from '../helpers/core.js';

// Sample directory: Emma owns Training (members Emma, Liam, Zoë, Priya, Jan Bakker) and Support;
// Zoë holds Send on Behalf on Training; Liam holds Full Access on Support; Ines is the admin.
const grant = (overrides: Partial<SubmitInput> = {}): SubmitInput => ({
  requesterId: 'u-liam',
  kind: 'grant',
  granteeId: 'u-priya',
  targetId: 'g-training',
  right: 'SendAs',
  language: 'en',
  ...overrides,
});

const target = { id: 'g-training', kind: 'group' as const, mail: 'training@northwind.example' };
const priya = { id: 'u-priya', mail: 'priya.r@northwind.example' };

describe('request engine', () => {
  let core: CoreHarness;
  beforeEach(async () => {
    core = await coreHarness();
  });
  afterEach(async () => {
    await core.close();
  });

  async function created(input: SubmitInput = grant()) {
    const outcome = await core.engine.submit(input);
    if (outcome.outcome !== 'created') throw new Error(`expected created, got ${outcome.outcome}`);
    await core.engine.idle();
    return outcome.request;
  }

  it('mission: request -> approval -> applied -> effective post-back after the window', async () => {
    const request = await created();
    expect(request).toMatchObject({ state: 'pending', approverIds: ['u-emma'], rights: ['SendAs'], warnings: [] });
    expect(request.id).toMatch(/^REQ-[2-9A-Z]{6}$/);
    expect(core.events.events.map((e) => e.type)).toEqual(['approval_needed']);

    const approved = await core.engine.decide(request.id, 'u-emma', 'approve');
    expect(approved.state).toBe('approved');
    await core.engine.idle();
    const applied = await core.engine.get(request.id);
    expect(applied).toMatchObject({ state: 'applied', appliedAt: core.clock.now(), effectiveBy: core.clock.now() + HOUR });
    expect(core.events.events.map((e) => e.type)).toEqual(['approval_needed', 'decided', 'applied']);

    await core.advance(59 * MINUTE);
    expect((await core.engine.get(request.id))?.state).toBe('applied');
    await core.advance(MINUTE);
    expect(await core.engine.get(request.id)).toMatchObject({ state: 'effective', effectiveAt: core.clock.now() });
    expect(core.events.events.map((e) => e.type)).toEqual(['approval_needed', 'decided', 'applied', 'effective']);
    expect(await core.permissions.check(target, priya, 'SendAs')).toBe(true);

    const trail = await core.trail('u-admin', { requestId: request.id });
    expect(trail.map((e) => `${e.actorId}:${e.action}`)).toEqual([
      'u-liam:created',
      'u-emma:approved',
      'system:applying',
      'system:applied',
      'system:effective',
    ]);
  });

  it('reject with a reason: nothing is applied and the reason travels with the event', async () => {
    const request = await created();
    const rejected = await core.engine.decide(request.id, 'u-emma', 'reject', '  not for training  ');
    expect(rejected).toMatchObject({ state: 'rejected', decision: { verdict: 'rejected', by: 'u-emma', reason: 'not for training' } });
    await core.advance(2 * HOUR);
    expect(await core.permissions.check(target, priya, 'SendAs')).toBe(false);
    expect(core.events.ofType('decided')[0]?.request.decision?.reason).toBe('not for training');
    expect(core.events.events.map((e) => e.type)).toEqual(['approval_needed', 'decided']);
  });

  it('first decision wins; a later click gets "already approved by X at T"', async () => {
    const request = await created();
    await core.engine.decide(request.id, 'u-emma', 'approve');
    const at = core.clock.now();
    core.clock.advance(MINUTE);
    const second = core.engine.decide(request.id, 'u-emma', 'reject');
    await expect(second).rejects.toSatisfy(
      (e) => isBotError(e, 'already_decided') && e.details.by === 'u-emma' && e.details.at === at && e.details.verdict === 'approved',
    );
  });

  it('cancel by the requester; others may not cancel, and someone with no part in it is told it does not exist', async () => {
    const request = await created();
    // The grantee and the approver know the request: they hear they may not cancel it.
    await expect(core.engine.cancel(request.id, 'u-priya')).rejects.toSatisfy((e) => isBotError(e, 'not_allowed'));
    await expect(core.engine.cancel(request.id, 'u-emma')).rejects.toSatisfy((e) => isBotError(e, 'not_allowed'));
    // Anyone else gets what an unknown id gets.
    const unknown = await core.engine.cancel('REQ-ZZZZZZ', 'u-kwame').catch((e: unknown) => e);
    const unrelated = await core.engine.cancel(request.id, 'u-kwame').catch((e: unknown) => e);
    expect(isBotError(unrelated, 'not_found')).toBe(true);
    expect([(unrelated as Error).message.replace(request.id, 'ID'), (unrelated as { details: unknown }).details]).toEqual([
      (unknown as Error).message.replace('REQ-ZZZZZZ', 'ID'),
      { requestId: request.id },
    ]);
    const cancelled = await core.engine.cancel(request.id, 'u-liam');
    expect(cancelled).toMatchObject({ state: 'cancelled', cancelledBy: 'u-liam' });
    await expect(core.engine.decide(request.id, 'u-emma', 'approve')).rejects.toSatisfy((e) => isBotError(e, 'already_decided'));
    await core.advance(8 * DAY);
    expect(core.events.events.map((e) => e.type)).toEqual(['approval_needed', 'cancelled']);
  });

  it('pending requests expire after 7 days, with one approver reminder after 24 hours', async () => {
    const request = await created();
    await core.advance(24 * HOUR - 1);
    expect(core.events.ofType('approver_reminder')).toHaveLength(0);
    await core.advance(1);
    expect(core.events.ofType('approver_reminder')).toHaveLength(1);
    await core.advance(3 * DAY);
    expect(core.events.ofType('approver_reminder')).toHaveLength(1);
    await core.advance(4 * DAY);
    expect((await core.engine.get(request.id))?.state).toBe('expired');
    expect(core.events.ofType('expired')).toHaveLength(1);
    await expect(core.engine.decide(request.id, 'u-emma', 'approve')).rejects.toSatisfy((e) => isBotError(e, 'already_decided'));
  });

  it('an approved request neither expires nor gets a reminder', async () => {
    const request = await created();
    await core.engine.decide(request.id, 'u-emma', 'approve');
    await core.engine.idle();
    await core.advance(8 * DAY);
    expect((await core.engine.get(request.id))?.state).toBe('effective');
    expect(core.events.ofType('approver_reminder')).toHaveLength(0);
    expect(core.events.ofType('expired')).toHaveLength(0);
    expect(await core.store.work.size()).toBe(0);
  });

  it('time-bound grant: reminder the day before, revoked automatically at the end', async () => {
    const request = await created(grant({ duration: 'P14D' }));
    await core.engine.decide(request.id, 'u-emma', 'approve');
    await core.engine.idle();
    const appliedAt = core.clock.now();
    expect((await core.engine.get(request.id))?.endsAt).toBe(appliedAt + 14 * DAY);
    await core.advance(13 * DAY - 1);
    expect(core.events.ofType('revoke_reminder')).toHaveLength(0);
    await core.advance(1);
    expect(core.events.ofType('revoke_reminder')).toHaveLength(1);
    await core.advance(DAY);
    const revoked = await core.engine.get(request.id);
    expect(revoked).toMatchObject({ state: 'revoked', revokedBy: 'system', revokedAt: appliedAt + 14 * DAY });
    expect(core.events.ofType('revoked')[0]?.rights).toEqual(['SendAs']);
    await core.advance(10 * MINUTE);
    expect(await core.permissions.check(target, priya, 'SendAs')).toBe(false);
  });

  it('"until" a date ends at the end of that day', async () => {
    const request = await created(grant({ until: '2026-11-27' }));
    await core.engine.decide(request.id, 'u-emma', 'approve');
    await core.engine.idle();
    expect((await core.engine.get(request.id))?.endsAt).toBe(Date.parse('2026-11-28T00:00:00Z'));
    await expect(core.engine.submit(grant({ granteeId: 'u-jan-b', until: '2026-11-01' }))).rejects.toSatisfy((e) =>
      isBotError(e, 'invalid_request'),
    );
  });

  it('"until" a date ends at midnight in the requester\'s time zone; an unknown zone means UTC', async () => {
    const request = await created(grant({ until: '2026-11-27', timeZone: 'Europe/Amsterdam' }));
    expect(request.untilTimeZone).toBe('Europe/Amsterdam');
    await core.engine.decide(request.id, 'u-emma', 'approve');
    await core.engine.idle();
    expect((await core.engine.get(request.id))?.endsAt).toBe(Date.parse('2026-11-27T23:00:00Z'));

    const unknownZone = await created(grant({ granteeId: 'u-jan-b', until: '2026-11-27', timeZone: 'Mars/Olympus_Mons' }));
    expect(unknownZone.untilTimeZone).toBeUndefined();
    await core.engine.decide(unknownZone.id, 'u-emma', 'approve');
    await core.engine.idle();
    expect((await core.engine.get(unknownZone.id))?.endsAt).toBe(Date.parse('2026-11-28T00:00:00Z'));
  });

  it('"until" a date ends at midnight at a fixed offset given as the zone; an offset that is no zone means UTC', async () => {
    const plusOne = await created(grant({ until: '2026-11-27', timeZone: '+01:00' }));
    expect(plusOne.untilTimeZone).toBe('+01:00');
    const minusFive = await created(grant({ granteeId: 'u-jan-b', until: '2026-11-27', timeZone: '-05:00' }));
    expect(minusFive.untilTimeZone).toBe('-05:00');
    for (const request of [plusOne, minusFive]) await core.engine.decide(request.id, 'u-emma', 'approve');
    await core.engine.idle();
    expect((await core.engine.get(plusOne.id))?.endsAt).toBe(Date.parse('2026-11-27T23:00:00Z'));
    expect((await core.engine.get(minusFive.id))?.endsAt).toBe(Date.parse('2026-11-28T05:00:00Z'));
  });

  it('a fixed offset out of range or malformed is kept as no zone', async () => {
    const tooFar = await created(grant({ until: '2026-11-27', timeZone: '+25:00' }));
    expect(tooFar.untilTimeZone).toBeUndefined();
    const words = await created(grant({ granteeId: 'u-jan-b', until: '2026-11-27', timeZone: 'abc' }));
    expect(words.untilTimeZone).toBeUndefined();
    for (const request of [tooFar, words]) await core.engine.decide(request.id, 'u-emma', 'approve');
    await core.engine.idle();
    expect((await core.engine.get(tooFar.id))?.endsAt).toBe(Date.parse('2026-11-28T00:00:00Z'));
    expect((await core.engine.get(words.id))?.endsAt).toBe(Date.parse('2026-11-28T00:00:00Z'));
  });

  it('group rule: Send As for a Send on Behalf holder is a replacement that removes the other right', async () => {
    const request = await created(grant({ granteeId: 'u-zoe' }));
    expect(request.warnings).toEqual([{ code: 'replacement', replaces: 'SendOnBehalf' }]);
    await core.engine.decide(request.id, 'u-emma', 'approve');
    await core.engine.idle();
    await core.advance(HOUR);
    expect(await core.engine.get(request.id)).toMatchObject({ state: 'effective', replaced: ['SendOnBehalf'] });
    const zoe = { id: 'u-zoe', mail: 'zoe.dubois@northwind.example' };
    expect(await core.permissions.check(target, zoe, 'SendAs')).toBe(true);
    expect(await core.permissions.check(target, zoe, 'SendOnBehalf')).toBe(false);
  });

  it('warns when the grantee is not a member of the group, or refuses by policy', async () => {
    const request = await created(grant({ granteeId: 'u-kwame' }));
    expect(request.warnings).toEqual([{ code: 'not_a_member' }]);
    const strict = await coreHarness({ GROUP_MEMBERSHIP_POLICY: 'refuse' });
    await expect(strict.engine.submit(grant({ granteeId: 'u-kwame' }))).rejects.toSatisfy((e) => isBotError(e, 'not_a_member'));
    await strict.close();
  });

  it('refuses the requester, the grantee and bystanders as approvers; falls back to admins', async () => {
    // Emma owns Training, but asks herself: the admin approves instead.
    const own = await created(grant({ requesterId: 'u-emma' }));
    expect(own.approverIds).toEqual(['u-admin']);
    await expect(core.engine.decide(own.id, 'u-emma', 'approve')).rejects.toSatisfy((e) => isBotError(e, 'not_an_approver'));
    // Emma as grantee of Sofie's mailbox: Sofie approves (no manager), never Emma.
    const forEmma = await created(grant({ requesterId: 'u-liam', granteeId: 'u-emma', targetId: 'u-sofie', right: 'FullAccess' }));
    expect(forEmma.approverIds).toEqual(['u-sofie']);
    await expect(core.engine.decide(forEmma.id, 'u-emma', 'approve')).rejects.toSatisfy((e) => isBotError(e, 'not_an_approver'));
    // A bystander hears what an unknown id gets (the refusal does not confirm the id exists); it is still on the record.
    await expect(core.engine.decide(forEmma.id, 'u-kwame', 'approve')).rejects.toSatisfy((e) => isBotError(e, 'not_found'));
    await expect(core.engine.decide('REQ-ZZZZZZ', 'u-kwame', 'approve')).rejects.toSatisfy((e) => isBotError(e, 'not_found'));
    expect((await core.engine.get(forEmma.id))?.state).toBe('pending');
    const refusals = (await core.trail('u-admin', { requestId: forEmma.id })).filter((e) => e.outcome === 'refused');
    expect(refusals.map((e) => e.actorId)).toEqual(['u-emma', 'u-kwame']);
  });

  it('a user mailbox is approved by its owner and the owner\'s manager', async () => {
    const request = await created(grant({ granteeId: 'u-priya', targetId: 'u-zoe', right: 'FullAccess' }));
    expect(request.approverIds.sort()).toEqual(['u-emma', 'u-zoe']);
  });

  it('answers "already held" at once, with no approval round', async () => {
    const outcome = await core.engine.submit(grant({ granteeId: 'u-liam', targetId: 's-support', right: 'FullAccess' }));
    expect(outcome).toEqual({ outcome: 'already_held', right: 'FullAccess', granteeId: 'u-liam', targetId: 's-support' });
    await core.engine.idle();
    expect(core.events.events).toEqual([]);
  });

  it('a right applied minutes ago is "already held" before the service shows it, with its window', async () => {
    const first = await created();
    await core.engine.decide(first.id, 'u-emma', 'approve');
    await core.engine.idle();
    const appliedAt = core.clock.now();
    // The simulated service shows the change only after its visibility delay (5 minutes here).
    expect(await core.permissions.check(target, priya, 'SendAs')).toBe(false);
    const window = { requestId: first.id, appliedAt, effectiveBy: appliedAt + HOUR };
    // The requester again, and someone else: no second approval round.
    for (const requesterId of ['u-liam', 'u-jan-b']) {
      expect(await core.engine.submit(grant({ requesterId }))).toEqual({ outcome: 'already_held', right: 'SendAs', granteeId: 'u-priya', targetId: 'g-training', propagating: window });
    }
    await core.engine.idle();
    expect(core.events.ofType('approval_needed')).toHaveLength(1);
    // Revoking it is possible at once (the service does not list it yet).
    const revoke = await created(grant({ kind: 'revoke', right: null, requesterId: 'u-jan-b' }));
    expect(revoke).toMatchObject({ kind: 'revoke', rights: ['SendAs'], state: 'pending' });
  });

  it('a grant keeps its "effective by" note in both queries once the service shows it, until the bot confirms it', async () => {
    const first = await created();
    await core.engine.decide(first.id, 'u-emma', 'approve');
    await core.engine.idle();
    const appliedAt = core.clock.now();
    const note = { requestId: first.id, kind: 'grant', granteeId: 'u-priya', targetId: 'g-training', right: 'SendAs', appliedAt, effectiveBy: appliedAt + HOUR };
    await core.advance(5 * MINUTE); // the simulated service shows it now
    expect(await core.permissions.check(target, priya, 'SendAs')).toBe(true);
    const who = await core.engine.whoHasAccess('u-admin', 'g-training');
    expect(who.holders.SendAs).toContain('u-priya');
    expect(who.propagating).toEqual([note]);
    expect((await core.engine.whatCanAccess('u-admin', 'u-priya')).propagating).toEqual([note]);
    // At the window's end the bot confirms it: in effect, no note left.
    await core.advance(HOUR);
    expect((await core.engine.get(first.id))?.state).toBe('effective');
    expect((await core.engine.whoHasAccess('u-admin', 'g-training')).propagating).toEqual([]);
    expect((await core.engine.whatCanAccess('u-admin', 'u-priya')).propagating).toEqual([]);
  });

  it('a revoke applied inside a grant\'s window ends that grant: no false "not visible" alarm, and the right can be asked for again', async () => {
    const granted = await created();
    await core.engine.decide(granted.id, 'u-emma', 'approve');
    await core.engine.idle();
    await core.advance(2 * MINUTE);
    const removal = await created(grant({ kind: 'revoke', right: 'SendAs', requesterId: 'u-priya' }));
    await core.engine.decide(removal.id, 'u-emma', 'approve');
    await core.engine.idle();
    expect(await core.engine.get(granted.id)).toMatchObject({ state: 'revoked', revokedBy: 'u-emma' });
    expect(core.events.ofType('revoked').map((e) => e.request.id)).toEqual([granted.id]);

    // Long after both windows: no post-back of the grant at all, and the right is not held.
    await core.advance(3 * HOUR);
    expect(core.events.ofType('not_yet_visible')).toEqual([]);
    expect((await core.engine.get(removal.id))?.state).toBe('effective');
    expect(await core.permissions.check(target, priya, 'SendAs')).toBe(false);
    const again = await core.engine.submit(grant());
    expect(again.outcome).toBe('created');
    const trail = await core.trail('u-admin', { requestId: granted.id });
    expect(trail.at(-1)).toMatchObject({ action: 'revoked', actorId: 'u-emma', detail: `by ${removal.id}` });
  });

  it('a revoke ends a time-bound grant in place: its end-date timer and reminder are gone, so a later grant of the right stays', async () => {
    const timeBound = await created(grant({ duration: 'P14D' }));
    await core.engine.decide(timeBound.id, 'u-emma', 'approve');
    await core.engine.idle();
    await core.advance(2 * HOUR);
    expect((await core.engine.get(timeBound.id))?.state).toBe('effective');

    const removal = await created(grant({ kind: 'revoke', right: 'SendAs', requesterId: 'u-priya' }));
    await core.engine.decide(removal.id, 'u-emma', 'approve');
    await core.engine.idle();
    expect(await core.engine.get(timeBound.id)).toMatchObject({ state: 'revoked', revokedBy: 'u-emma' });
    // A revoke request's approver asked nobody's confirmation: the revoke request tells its own people.
    expect(core.events.ofType('revoked').map((e) => [e.request.id, e.askedBy])).toEqual([[timeBound.id, undefined]]);
    await core.advance(2 * HOUR);

    // Granted anew, for good this time.
    const again = await created(grant());
    await core.engine.decide(again.id, 'u-emma', 'approve');
    await core.engine.idle();
    await core.advance(20 * DAY);
    expect(await core.permissions.check(target, priya, 'SendAs')).toBe(true);
    expect((await core.engine.get(again.id))?.state).toBe('effective');
    expect(core.events.ofType('revoke_reminder')).toEqual([]);
    expect(core.events.ofType('revoked').map((e) => e.request.id)).toEqual([timeBound.id]);
    expect(await core.store.work.size()).toBe(0);
  });

  it('a revoke ends a grant already in effect: it ends revoked, its requester hears "Revoked", and nothing is left of it', async () => {
    const onSupport = grant({ targetId: 's-support', right: 'SendOnBehalf' });
    const granted = await created(onSupport);
    await core.engine.decide(granted.id, 'u-emma', 'approve');
    await core.engine.idle();
    await core.advance(2 * HOUR);
    expect((await core.engine.get(granted.id))?.state).toBe('effective');

    const removal = await created({ ...onSupport, kind: 'revoke', requesterId: 'u-admin' });
    // An admin's removal is approved as it is made.
    expect(removal).toMatchObject({ approverIds: ['u-admin'], state: 'approved' });
    expect(await core.engine.get(granted.id)).toMatchObject({ state: 'revoked', revokedBy: 'u-admin' });
    expect(core.events.ofType('revoked').map((e) => [e.request.id, e.rights])).toEqual([[granted.id, ['SendOnBehalf']]]);
    const trail = await core.trail('u-admin', { requestId: granted.id });
    expect(trail.at(-1)).toMatchObject({ action: 'revoked', from: 'effective', to: 'revoked', detail: `by ${removal.id}` });
    await core.advance(2 * HOUR);
    expect((await core.engine.get(removal.id))?.state).toBe('effective');
    expect(await core.store.work.size()).toBe(0);
  });

  it('a time-bound grant that ends closes a pending revoke of the same right: nobody approves a removal already done', async () => {
    const timeBound = await created(grant({ duration: 'P3D' }));
    await core.engine.decide(timeBound.id, 'u-emma', 'approve');
    await core.engine.idle();
    await core.advance(DAY);
    const removal = await created(grant({ kind: 'revoke', right: 'SendAs', requesterId: 'u-jan-b' }));
    expect(removal.state).toBe('pending');
    await core.advance(2 * DAY);
    expect((await core.engine.get(timeBound.id))?.state).toBe('revoked');
    expect(await core.engine.get(removal.id)).toMatchObject({ state: 'cancelled', cancelledBy: 'system' });
    await expect(core.engine.decide(removal.id, 'u-emma', 'approve')).rejects.toSatisfy((e) => isBotError(e, 'already_decided'));
    const trail = await core.trail('u-admin', { requestId: removal.id });
    expect(trail.at(-1)).toMatchObject({ action: 'cancelled', actorId: 'system', detail: `${timeBound.id} ended` });
  });

  it('a right removed minutes ago is "nothing to revoke" while the service still lists it, and can be asked for again', async () => {
    const support = { id: 's-support', kind: 'shared' as const, mail: 'support@northwind.example' };
    const liam = { id: 'u-liam', mail: 'liam.oconnor@northwind.example' };
    const removal = await created(grant({ kind: 'revoke', granteeId: 'u-liam', targetId: 's-support', right: 'FullAccess', requesterId: 'u-priya' }));
    await core.engine.decide(removal.id, 'u-emma', 'approve');
    await core.engine.idle();
    const appliedAt = core.clock.now();
    expect(await core.permissions.check(support, liam, 'FullAccess')).toBe(true);
    expect(await core.engine.submit(grant({ kind: 'revoke', granteeId: 'u-liam', targetId: 's-support', right: null, requesterId: 'u-jan-b' }))).toEqual({
      outcome: 'nothing_to_revoke',
      granteeId: 'u-liam',
      targetId: 's-support',
      propagating: { requestId: removal.id, appliedAt, effectiveBy: appliedAt + HOUR },
    });
    // Asking for it back is a new request, not "already held".
    const back = await created(grant({ granteeId: 'u-liam', targetId: 's-support', right: 'FullAccess', requesterId: 'u-jan-b' }));
    expect(back).toMatchObject({ kind: 'grant', rights: ['FullAccess'], state: 'pending' });
  });

  it('refuses guests on groups, Full Access on groups, own mailbox, unknown ids, and missing rights', async () => {
    const refused = async (input: SubmitInput, code: string) =>
      expect(core.engine.submit(input)).rejects.toSatisfy((e) => isBotError(e) && e.code === code);
    await refused(grant({ granteeId: 'u-guest' }), 'guest_not_allowed');
    await refused(grant({ right: 'FullAccess' }), 'invalid_request');
    await refused(grant({ granteeId: 'u-zoe', targetId: 'u-zoe', right: 'FullAccess' }), 'invalid_request');
    await refused(grant({ granteeId: 'u-nobody' }), 'not_found');
    await refused(grant({ targetId: "x'; Remove-Mailbox -Identity *" }), 'not_found');
    await refused(grant({ right: null }), 'invalid_request');
    await refused(grant({ duration: 'P2Y' }), 'invalid_request');
    await refused(grant({ duration: 'P1D', until: '2026-12-01' }), 'invalid_request');
    await core.engine.idle();
    expect(core.events.events).toEqual([]);
  });

  it('the same open request is not created twice; another requester\'s pending one is a warning', async () => {
    const first = await created();
    expect(await core.engine.submit(grant())).toEqual({ outcome: 'duplicate', request: expect.objectContaining({ id: first.id }) });
    const second = await created(grant({ requesterId: 'u-jan-b' }));
    expect(second.warnings).toEqual([{ code: 'already_pending', requestId: first.id }]);
  });

  it('revoke request: same approval flow, right removed and absence verified', async () => {
    const request = await created({ ...grant(), kind: 'revoke', granteeId: 'u-liam', targetId: 's-support', right: null, requesterId: 'u-priya' });
    expect(request).toMatchObject({ kind: 'revoke', rights: ['FullAccess'], approverIds: ['u-emma'] });
    await core.engine.decide(request.id, 'u-emma', 'approve');
    await core.engine.idle();
    await core.advance(HOUR);
    expect((await core.engine.get(request.id))?.state).toBe('effective');
    const support = { id: 's-support', kind: 'shared' as const, mail: 'support@northwind.example' };
    expect(await core.permissions.check(support, { id: 'u-liam', mail: 'liam.oconnor@northwind.example' }, 'FullAccess')).toBe(false);
    expect(await core.engine.submit({ ...grant(), kind: 'revoke', granteeId: 'u-liam', targetId: 's-support', right: null })).toEqual({
      outcome: 'nothing_to_revoke',
      granteeId: 'u-liam',
      targetId: 's-support',
    });
  });

  it('admins revoke directly: no approval round', async () => {
    const outcome = await core.engine.submit({ ...grant(), kind: 'revoke', requesterId: 'u-admin', granteeId: 'u-lotte', targetId: 'g-marketing', right: 'SendOnBehalf' });
    expect(outcome.outcome).toBe('created');
    await core.engine.idle();
    const id = outcome.outcome === 'created' ? outcome.request.id : '';
    expect(await core.engine.get(id)).toMatchObject({ state: 'applied', decision: { by: 'u-admin', verdict: 'approved' } });
  });

  it('queries: admins and owners see holders, others are refused', async () => {
    const report = await core.engine.whoHasAccess('u-emma', 's-support');
    expect(report.holders).toEqual({ FullAccess: ['u-liam'], SendAs: ['u-priya'], SendOnBehalf: [] });
    expect((await core.engine.whoHasAccess('u-admin', 'g-training')).holders.SendOnBehalf).toEqual(['u-zoe']);
    await expect(core.engine.whoHasAccess('u-kwame', 's-support')).rejects.toSatisfy((e) => isBotError(e, 'not_allowed'));
    const access = await core.engine.whatCanAccess('u-admin', 'u-liam');
    expect(access.holdings).toEqual([{ targetId: 's-support', targetKind: 'shared', displayName: 'Support', rights: ['FullAccess'] }]);
    await expect(core.engine.whatCanAccess('u-emma', 'u-liam')).rejects.toSatisfy((e) => isBotError(e, 'not_allowed'));
  });

  it('audit is readable by request, target and grantee, by admins only', async () => {
    const training = await created();
    const support = await created(grant({ granteeId: 'u-jan-b', targetId: 's-support', right: 'SendAs' }));
    await core.engine.decide(support.id, 'u-emma', 'reject', 'no');
    const byTarget = await core.trail('u-admin', { targetId: 's-support' });
    expect(byTarget.map((e) => e.action)).toEqual(['created', 'rejected']);
    expect(byTarget.every((e) => e.requestId === support.id)).toBe(true);
    const byGrantee = await core.trail('u-admin', { granteeId: 'u-priya' });
    expect(byGrantee.map((e) => `${e.requestId}:${e.action}`)).toEqual([`${training.id}:created`]);
    expect(byTarget[1]).toMatchObject({ actorId: 'u-emma', from: 'pending', to: 'rejected', outcome: 'ok', detail: 'no' });
    await expect(core.engine.audit('u-emma', {})).rejects.toSatisfy((e) => isBotError(e, 'not_allowed'));
  });

  it("audit for owners: their mailbox or group and each request on it, decided from the directory and the stored request", async () => {
    const onTraining = await created();
    const onLiam = await created(grant({ requesterId: 'u-priya', granteeId: 'u-zoe', targetId: 'u-liam', right: 'FullAccess' }));
    const notAllowed = (e: unknown) => isBotError(e, 'not_allowed');
    // Emma owns Training; Liam owns his own mailbox.
    expect((await core.engine.audit('u-emma', { targetId: 'g-training' })).entries.map((e) => e.requestId)).toEqual([onTraining.id]);
    expect((await core.engine.audit('u-emma', { requestId: onTraining.id })).entries.map((e) => e.action)).toEqual(['created']);
    expect((await core.engine.audit('u-liam', { targetId: 'u-liam' })).entries.map((e) => e.requestId)).toEqual([onLiam.id]);
    expect((await core.engine.audit('u-liam', { requestId: onLiam.id })).entries.map((e) => e.action)).toEqual(['created']);
    // Not his: a request on another target (even one he asked for), another mailbox, a person's history, the whole log, an unknown id.
    await expect(core.engine.audit('u-liam', { requestId: onTraining.id })).rejects.toSatisfy(notAllowed);
    await expect(core.engine.audit('u-liam', { targetId: 'g-training' })).rejects.toSatisfy(notAllowed);
    await expect(core.engine.audit('u-liam', { granteeId: 'u-liam' })).rejects.toSatisfy(notAllowed);
    await expect(core.engine.audit('u-liam', {})).rejects.toSatisfy(notAllowed);
    // An unknown id, and a request he has no part in (Kwame's for Zoë on Emma's mailbox), are alike: not found.
    const notFound = (e: unknown) => isBotError(e, 'not_found');
    await expect(core.engine.audit('u-liam', { requestId: 'REQ-ZZZZZZ' })).rejects.toSatisfy(notFound);
    const unrelated = await created(grant({ requesterId: 'u-kwame', granteeId: 'u-zoe', targetId: 'u-emma', right: 'FullAccess' }));
    await expect(core.engine.audit('u-liam', { requestId: unrelated.id })).rejects.toSatisfy(notFound);
    // A filter naming his mailbox and another request reads that request: refused.
    await expect(core.engine.audit('u-liam', { requestId: onTraining.id, targetId: 'u-liam' })).rejects.toSatisfy(notAllowed);
  });

  it('lists a requester\'s requests and those awaiting an approver', async () => {
    const request = await created();
    expect((await core.engine.requestsOf('u-liam')).map((r) => r.id)).toEqual([request.id]);
    expect((await core.engine.awaitingDecisionBy('u-emma')).map((r) => r.id)).toEqual([request.id]);
    expect(await core.engine.awaitingDecisionBy('u-kwame')).toEqual([]);
  });
  describe('a grant removed by its end date or by an admin is shown as being removed during its window', () => {
    it('time-bound end: "who has access" and "what can X access" list the removal until the service no longer shows the right', async () => {
      const timeBound = await created(grant({ duration: 'P1D' }));
      await core.engine.decide(timeBound.id, 'u-emma', 'approve');
      await core.engine.idle();
      await core.advance(DAY);
      const ended = await core.engine.get(timeBound.id);
      expect(ended).toMatchObject({ state: 'revoked', revokedBy: 'system', removalEffectiveBy: ended!.revokedAt! + HOUR });
      const removal = { requestId: timeBound.id, kind: 'revoke', granteeId: 'u-priya', targetId: 'g-training', right: 'SendAs', appliedAt: ended!.revokedAt, effectiveBy: ended!.revokedAt! + HOUR };
      const who = await core.engine.whoHasAccess('u-admin', 'g-training');
      expect(who.holders.SendAs).toContain('u-priya');
      expect(who.propagating).toEqual([removal]);
      expect((await core.engine.whatCanAccess('u-admin', 'u-priya')).propagating).toEqual([removal]);
      // A revoke asked for now is answered "removed HH:MM, gone by about HH:MM", as after a revoke request.
      expect(await core.engine.submit(grant({ kind: 'revoke', requesterId: 'u-jan-b' }))).toMatchObject({ outcome: 'nothing_to_revoke', propagating: { requestId: timeBound.id } });

      // The simulated service stops listing it after 5 minutes: no note is left to make.
      await core.advance(5 * MINUTE);
      expect((await core.engine.whoHasAccess('u-admin', 'g-training')).propagating).toEqual([]);
      expect((await core.engine.whatCanAccess('u-admin', 'u-priya')).propagating).toEqual([]);
      // At the window's end the bot confirms the removal and stops tracking it (index and timer).
      await core.advance(55 * MINUTE);
      expect((await core.engine.get(timeBound.id))?.removalSettledAt).toBe(core.clock.now());
      expect(await core.engine.repo.all('req:propagating-target:g-training')).toEqual([]);
      expect(await core.engine.repo.all('req:propagating-grantee:u-priya')).toEqual([]);
      expect(await core.store.work.get(`${timeBound.id}:removal_check`)).toBeUndefined();
      expect((await core.trail('u-admin', { requestId: timeBound.id })).at(-1)).toMatchObject({ action: 'removal_confirmed', actorId: 'system' });
    });

    it("an admin's direct revoke: shown while the service lists the right; rechecked, then no longer tracked", async () => {
      const slow = await coreHarness({ SIMULATED_VISIBILITY_DELAY: '50m' });
      try {
        const outcome = await slow.engine.submit(grant());
        if (outcome.outcome !== 'created') throw new Error('not created');
        await slow.engine.decide(outcome.request.id, 'u-emma', 'approve');
        await slow.engine.idle();
        await slow.advance(HOUR);
        expect((await slow.engine.get(outcome.request.id))?.state).toBe('effective');
        await slow.engine.revokeNow(outcome.request.id, 'u-admin');
        await slow.engine.idle();
        const revokedAt = slow.clock.now();
        expect(await slow.engine.get(outcome.request.id)).toMatchObject({ state: 'revoked', revokedBy: 'u-admin', removalEffectiveBy: revokedAt + HOUR });
        expect((await slow.engine.whoHasAccess('u-admin', 'g-training')).propagating).toEqual([
          expect.objectContaining({ kind: 'revoke', granteeId: 'u-priya', right: 'SendAs', appliedAt: revokedAt, effectiveBy: revokedAt + HOUR }),
        ]);
        // Gone from the service after 50 minutes, before the window's end: no row from then on.
        await slow.advance(50 * MINUTE);
        expect((await slow.engine.whoHasAccess('u-admin', 'g-training')).propagating).toEqual([]);
        await slow.advance(10 * MINUTE);
        expect((await slow.engine.get(outcome.request.id))?.removalSettledAt).toBe(revokedAt + HOUR);
      } finally {
        await slow.close();
      }
    });
  });
});

describe('permission service faults', () => {
  let core: CoreHarness;
  let service: SimulatedPermissionService;
  beforeEach(async () => {
    core = await coreHarness();
    service = core.permissions as SimulatedPermissionService;
  });
  afterEach(async () => {
    await core.close();
  });

  /** Submits and approves; the apply has not run yet (the scheduler only runs in idle/advance). */
  async function approvedRequest() {
    const outcome = await core.engine.submit(grant());
    if (outcome.outcome !== 'created') throw new Error('not created');
    await core.engine.decide(outcome.request.id, 'u-emma', 'approve');
    return outcome.request.id;
  }

  it('retries timeouts, 429 (honouring Retry-After) and 5xx with backoff, then applies once', async () => {
    const id = await approvedRequest();
    service.faults.push({ kind: 'timeout' }, { kind: 'throttle', retryAfterMs: 90_000 }, { kind: 'unavailable', status: 503 });
    await core.engine.idle();
    // First attempt timed out: a retry is scheduled, the request stays applying.
    expect((await core.engine.get(id))?.state).toBe('applying');
    await core.advance(5_000); // backoff after attempt 1 is at most 2 s
    // Second attempt was throttled with Retry-After 90 s: nothing runs before that.
    const throttledAt = core.clock.now();
    const retry = await core.store.work.get(`${id}:apply`);
    expect(retry!.dueAt).toBeGreaterThanOrEqual(throttledAt - 5_000 + 90_000);
    await core.advance(60_000);
    expect((await core.engine.get(id))?.attempts).toBe(2);
    await core.advance(40_000);
    await core.advance(10_000);
    const request = await core.engine.get(id);
    expect(request).toMatchObject({ state: 'applied', attempts: 4 });
    expect(core.events.ofType('applied')).toHaveLength(1);
    expect(core.events.ofType('failed')).toHaveLength(0);
  });

  it('reports a final failure to everyone, loses nothing, and an admin can retry', async () => {
    const id = await approvedRequest();
    for (let i = 0; i < 5; i++) service.faults.push({ kind: 'unavailable', status: 502 });
    for (let i = 0; i < 6; i++) await core.advance(10 * MINUTE);
    const failed = await core.engine.get(id);
    expect(failed).toMatchObject({ state: 'failed', attempts: 5, failure: { code: 'permission_service_unavailable' } });
    expect(core.events.ofType('failed')).toHaveLength(1);
    await expect(core.engine.retry(id, 'u-emma')).rejects.toSatisfy((e) => isBotError(e, 'not_allowed'));
    await core.engine.retry(id, 'u-admin');
    await core.engine.idle();
    expect((await core.engine.get(id))?.state).toBe('applied');
    await core.advance(HOUR);
    expect((await core.engine.get(id))?.state).toBe('effective');
  });

  it('a refusal from the service fails at once without retrying', async () => {
    const id = await approvedRequest();
    service.faults.push({ kind: 'reject', message: 'Recipient not found' });
    await core.engine.idle();
    expect(await core.engine.get(id)).toMatchObject({ state: 'failed', attempts: 1, failure: { code: 'permission_service_rejected' } });
  });

  it('reports "not yet visible" when the right does not show up within the rechecks', async () => {
    const slow = await coreHarness({ SIMULATED_VISIBILITY_DELAY: '5h' });
    const outcome = await slow.engine.submit(grant());
    if (outcome.outcome !== 'created') throw new Error('not created');
    await slow.engine.decide(outcome.request.id, 'u-emma', 'approve');
    await slow.engine.idle();
    await slow.advance(HOUR);
    // At the window's end, always a word: not visible yet, checked again in 10 minutes.
    expect(slow.events.ofType('not_yet_visible')).toEqual([expect.objectContaining({ finalCheck: false, nextCheckAt: slow.clock.now() + 10 * MINUTE })]);
    for (let i = 0; i < 2; i++) await slow.advance(10 * MINUTE);
    expect(slow.events.ofType('not_yet_visible')).toHaveLength(1); // the rechecks in between are quiet
    await slow.advance(10 * MINUTE);
    expect(slow.events.ofType('not_yet_visible').map((e) => e.finalCheck)).toEqual([false, true]);
    expect((await slow.engine.get(outcome.request.id))?.state).toBe('applied');
    await slow.close();
  });

  describe('a change Exchange shows late, or not at all', () => {
    let slow: CoreHarness | undefined;
    afterEach(async () => {
      await slow?.close();
      slow = undefined;
    });

    async function appliedSlowly(delay: string) {
      slow = await coreHarness({ SIMULATED_VISIBILITY_DELAY: delay });
      const outcome = await slow.engine.submit(grant());
      if (outcome.outcome !== 'created') throw new Error('not created');
      await slow.engine.decide(outcome.request.id, 'u-emma', 'approve');
      await slow.engine.idle();
      return { id: outcome.request.id, appliedAt: slow.clock.now(), h: slow };
    }

    it('after the quick rechecks: the admins are told, and hourly checks find it when it shows; then "In effect"', async () => {
      const { id, appliedAt, h } = await appliedSlowly('5h');
      await h.advance(HOUR); // the window
      for (let i = 0; i < 3; i++) await h.advance(10 * MINUTE); // three quick rechecks
      const escalatedAt = appliedAt + HOUR + 30 * MINUTE;
      expect(h.events.ofType('not_yet_visible').map((e) => [e.finalCheck, e.nextCheckAt, e.gaveUp])).toEqual([
        [false, appliedAt + HOUR + 10 * MINUTE, undefined],
        [true, escalatedAt + HOUR, undefined],
      ]);
      expect(await h.engine.get(id)).toMatchObject({ state: 'applied', unconfirmedAt: escalatedAt, checksUntil: appliedAt + DAY });
      expect((await h.store.work.get(`${id}:postback`))?.dueAt).toBe(escalatedAt + HOUR);
      // No longer "already held, effective by about" a time gone by: the service decides, and it does not show it.
      expect((await h.engine.submit(grant({ requesterId: 'u-jan-b' }))).outcome).toBe('created');

      // The slow checks are quiet until the right shows (5 h after the apply): found at 5h30.
      for (let hour = 0; hour < 3; hour++) await h.advance(HOUR);
      expect(h.events.ofType('not_yet_visible')).toHaveLength(2);
      expect((await h.engine.get(id))?.state).toBe('applied');
      await h.advance(HOUR);
      expect(await h.engine.get(id)).toMatchObject({ state: 'effective', effectiveAt: appliedAt + 5 * HOUR + 30 * MINUTE, unconfirmedAt: escalatedAt });
      expect(h.events.ofType('effective')).toHaveLength(1);
      expect(await h.store.work.get(`${id}:postback`)).toBeUndefined();
      const trail = (await h.trail('u-admin', { requestId: id })).map((e) => e.action);
      expect(trail.slice(-6)).toEqual(['recheck_scheduled', 'not_yet_visible', 'late_check_scheduled', 'late_check_scheduled', 'late_check_scheduled', 'effective']);
    });

    it('a grant Exchange does not show yet can still be removed: the removal ends it, and its checks stop', async () => {
      const { id, h } = await appliedSlowly('2h');
      await h.advance(HOUR);
      for (let i = 0; i < 3; i++) await h.advance(10 * MINUTE);
      expect(await h.engine.get(id)).toMatchObject({ state: 'applied', unconfirmedAt: expect.any(Number) });

      // The bot's own grant, applied and still checked, counts as held for a removal.
      const outcome = await h.engine.submit(grant({ kind: 'revoke', right: 'SendAs', requesterId: 'u-admin' }));
      if (outcome.outcome !== 'created') throw new Error(`expected created, got ${outcome.outcome}`);
      expect(outcome.request).toMatchObject({ rights: ['SendAs'], approverIds: ['u-admin'], state: 'approved' });
      await h.engine.idle();
      expect(await h.engine.get(id)).toMatchObject({ state: 'revoked', revokedBy: 'u-admin' });
      expect(h.events.ofType('revoked').map((e) => e.request.id)).toEqual([id]);
      expect(await h.store.work.get(`${id}:postback`)).toBeUndefined();

      // Its slow checks are over: no late "In effect" and no "stopped checking" for it.
      await h.advance(DAY);
      expect(h.events.ofType('not_yet_visible').filter((e) => e.request.id === id)).toHaveLength(2);
      expect(h.events.ofType('effective').filter((e) => e.request.id === id)).toEqual([]);
      expect((await h.engine.get(id))?.state).toBe('revoked');
    });

    it('a one-day grant Exchange never shows: at its end only "Ended as planned", not "stopped checking, apply it again"', async () => {
      slow = await coreHarness({ SIMULATED_VISIBILITY_DELAY: '48h' });
      const h = slow;
      const outcome = await h.engine.submit(grant({ duration: 'P1D' }));
      if (outcome.outcome !== 'created') throw new Error('not created');
      const id = outcome.request.id;
      await h.engine.decide(id, 'u-emma', 'approve');
      await h.engine.idle();
      const appliedAt = h.clock.now();
      expect(await h.engine.get(id)).toMatchObject({ state: 'applied', endsAt: appliedAt + DAY });
      await h.advance(HOUR);
      for (let i = 0; i < 3; i++) await h.advance(10 * MINUTE);
      expect(await h.engine.get(id)).toMatchObject({ unconfirmedAt: appliedAt + HOUR + 30 * MINUTE, checksUntil: appliedAt + DAY });
      for (let hour = 0; hour < 22; hour++) await h.advance(HOUR);
      // The last check and the end come at the same moment.
      expect((await h.store.work.get(`${id}:postback`))?.dueAt).toBe(appliedAt + DAY);
      expect((await h.store.work.get(`${id}:timed_revoke`))?.dueAt).toBe(appliedAt + DAY);
      await h.advance(30 * MINUTE);

      expect(h.events.ofType('not_yet_visible').map((e) => [e.finalCheck, e.gaveUp ?? false])).toEqual([
        [false, false],
        [true, false],
      ]);
      const ended = await h.engine.get(id);
      expect(ended).toMatchObject({ state: 'revoked', revokedBy: 'system', revokedAt: appliedAt + DAY });
      expect(ended?.checksEndedAt).toBeUndefined();
      expect(endedAsPlanned(ended!)).toBe(true);
      expect(h.events.ofType('revoked').map((e) => e.request.id)).toEqual([id]);
      expect(await h.store.work.get(`${id}:postback`)).toBeUndefined();
      await h.advance(DAY);
      expect(h.events.ofType('not_yet_visible')).toHaveLength(2);
    });

    it('stops checking 24 hours after the apply, says so once, and no longer counts the right as propagating', async () => {
      const { id, appliedAt, h } = await appliedSlowly('30h');
      await h.advance(HOUR);
      for (let i = 0; i < 3; i++) await h.advance(10 * MINUTE);
      expect((await h.engine.whoHasAccess('u-admin', 'g-training')).propagating).toEqual([
        expect.objectContaining({ requestId: id, kind: 'grant', right: 'SendAs', unconfirmedAt: appliedAt + HOUR + 30 * MINUTE }),
      ]);
      for (let hour = 0; hour < 22; hour++) await h.advance(HOUR); // 23h30 after the apply
      expect(h.events.ofType('not_yet_visible')).toHaveLength(2);
      // The last check runs 24 hours after the apply, not an hour later.
      expect((await h.store.work.get(`${id}:postback`))?.dueAt).toBe(appliedAt + DAY);
      await h.advance(30 * MINUTE);
      expect(await h.engine.get(id)).toMatchObject({ state: 'applied', checksEndedAt: appliedAt + DAY });
      expect(h.events.ofType('not_yet_visible').map((e) => [e.finalCheck, e.gaveUp ?? false])).toEqual([
        [false, false],
        [true, false],
        [true, true],
      ]);
      expect(await h.store.work.get(`${id}:postback`)).toBeUndefined();
      expect((await h.engine.whoHasAccess('u-admin', 'g-training')).propagating).toEqual([]);
      // Not "already held" on the bot's word any more: asking again makes a new request.
      const again = await h.engine.submit(grant({ requesterId: 'u-jan-b' }));
      expect(again.outcome).toBe('created');
      await h.advance(10 * HOUR);
      expect((await h.engine.get(id))?.state).toBe('applied');
      expect(h.events.ofType('not_yet_visible')).toHaveLength(3);
    });
  });

  describe('a removal Exchange still shows after its window (an ended grant, an admin revoke)', () => {
    let slow: CoreHarness | undefined;
    afterEach(async () => {
      await slow?.close();
      slow = undefined;
    });

    /** A grant of Send As on Training to Priya that Exchange shows late (`delay`), in effect, then revoked by an admin: the removal shows as late. */
    async function revokedOnceVisible(env: Record<string, string>, visibleAfter: number) {
      slow = await coreHarness(env);
      const h = slow;
      const outcome = await h.engine.submit(grant());
      if (outcome.outcome !== 'created') throw new Error('not created');
      await h.engine.decide(outcome.request.id, 'u-emma', 'approve');
      await h.engine.idle();
      await h.advance(visibleAfter);
      expect(await h.permissions.check(target, priya, 'SendAs')).toBe(true);
      await h.engine.revokeNow(outcome.request.id, 'u-admin');
      await h.engine.idle();
      const revokedAt = h.clock.now();
      expect(await h.engine.get(outcome.request.id)).toMatchObject({ state: 'revoked', revokedBy: 'u-admin', removalEffectiveBy: revokedAt + HOUR });
      // The event names the admin who asked, owed the confirmation.
      expect(h.events.ofType('revoked').map((e) => [e.request.id, e.askedBy])).toEqual([[outcome.request.id, 'u-admin']]);
      return { id: outcome.request.id, revokedAt, h };
    }

    it('after the quick rechecks: everyone is told, hourly checks follow, and it is "gone after all" when Exchange drops it', async () => {
      const { id, revokedAt, h } = await revokedOnceVisible({ SIMULATED_VISIBILITY_DELAY: '5h' }, 6 * HOUR);
      await h.advance(HOUR); // the removal's window
      for (let i = 0; i < 3; i++) await h.advance(10 * MINUTE); // the quick rechecks, quiet
      const toldAt = revokedAt + HOUR + 30 * MINUTE;
      expect(h.events.ofType('removal_not_visible').map((e) => [e.request.id, e.nextCheckAt, e.gaveUp])).toEqual([[id, toldAt + HOUR, undefined]]);
      expect(await h.engine.get(id)).toMatchObject({ state: 'revoked', removalUnconfirmedAt: toldAt, removalChecksUntil: revokedAt + DAY });
      expect((await h.engine.get(id))?.removalSettledAt).toBeUndefined();
      expect((await h.store.work.get(`${id}:removal_check`))?.dueAt).toBe(toldAt + HOUR);
      // Still listed as being removed, but as what it is now: Exchange still showed it, the admins were told.
      expect((await h.engine.whoHasAccess('u-admin', 'g-training')).propagating).toEqual([
        expect.objectContaining({ requestId: id, kind: 'revoke', right: 'SendAs', appliedAt: revokedAt, unconfirmedAt: toldAt }),
      ]);

      // Exchange drops it 5 hours after the revoke: the slow checks are quiet until the one at 5h30 finds it gone.
      for (let hour = 0; hour < 3; hour++) await h.advance(HOUR);
      expect(h.events.ofType('removal_not_visible')).toHaveLength(1);
      expect(h.events.ofType('removal_confirmed')).toEqual([]);
      await h.advance(HOUR);
      expect(await h.engine.get(id)).toMatchObject({ removalSettledAt: revokedAt + 5 * HOUR + 30 * MINUTE, removalUnconfirmedAt: toldAt });
      expect((await h.engine.get(id))?.removalChecksEndedAt).toBeUndefined();
      expect(h.events.ofType('removal_confirmed').map((e) => e.request.id)).toEqual([id]);
      expect(await h.store.work.get(`${id}:removal_check`)).toBeUndefined();
      expect(await h.engine.repo.all('req:propagating-target:g-training')).toEqual([]);
      const trail = (await h.trail('u-admin', { requestId: id })).map((e) => e.action);
      expect(trail.slice(-8)).toEqual([
        'removal_recheck_scheduled',
        'removal_recheck_scheduled',
        'removal_recheck_scheduled',
        'removal_still_shown',
        'removal_late_check_scheduled',
        'removal_late_check_scheduled',
        'removal_late_check_scheduled',
        'removal_confirmed',
      ]);
    });

    it('a removal found gone within its window tells nobody again', async () => {
      const { id, h } = await revokedOnceVisible({ SIMULATED_VISIBILITY_DELAY: '50m' }, HOUR);
      await h.advance(HOUR);
      expect((await h.engine.get(id))?.removalSettledAt).toBe(h.clock.now());
      expect(h.events.ofType('removal_not_visible')).toEqual([]);
      expect(h.events.ofType('removal_confirmed')).toEqual([]);
    });

    it('never gone: the checks end LATE_CHECK_UNTIL after the revoke, everyone hears it once, and it is no longer listed as being removed', async () => {
      const { id, revokedAt, h } = await revokedOnceVisible({ SIMULATED_VISIBILITY_DELAY: '10h', LATE_CHECK_UNTIL: '3h' }, 10 * HOUR + 30 * MINUTE);
      await h.advance(HOUR);
      for (let i = 0; i < 3; i++) await h.advance(10 * MINUTE);
      await h.advance(HOUR); // revoked + 2h30: a quiet slow check
      expect(h.events.ofType('removal_not_visible')).toHaveLength(1);
      // The last check runs 3 hours after the revoke, not an hour after the one before.
      expect((await h.store.work.get(`${id}:removal_check`))?.dueAt).toBe(revokedAt + 3 * HOUR);
      await h.advance(30 * MINUTE);
      expect(await h.engine.get(id)).toMatchObject({ removalChecksEndedAt: revokedAt + 3 * HOUR, removalSettledAt: revokedAt + 3 * HOUR });
      expect(h.events.ofType('removal_not_visible').map((e) => [e.nextCheckAt !== undefined, e.gaveUp ?? false])).toEqual([
        [true, false],
        [false, true],
      ]);
      expect(await h.store.work.get(`${id}:removal_check`)).toBeUndefined();
      expect((await h.engine.whoHasAccess('u-admin', 'g-training')).propagating).toEqual([]);
      expect((await h.trail('u-admin', { requestId: id })).at(-1)).toMatchObject({ action: 'removal_not_visible', outcome: 'error' });
      await h.advance(10 * HOUR);
      expect(h.events.ofType('removal_not_visible')).toHaveLength(2);
    });
  });

});
