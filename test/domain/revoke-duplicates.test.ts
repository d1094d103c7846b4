import { afterEach, describe, expect, it } from 'vitest';
import type { SubmitInput } from '../../src/domain/engine-api.js';
import { moveTo } from '../../src/domain/engine-work.js';
import { coreHarness, DAY, HOUR, MINUTE, type CoreHarness } from '../helpers/core.js';

// Sample directory: Daan owns the shared mailbox Facturen (s-invoices); Ines (u-admin) is the admin.
// Two grants of Zoë's Full Access on it in place at once: Liam's, in effect, and Kwame's, applied
// again after Exchange lost the right (or left so by a version before 'already_held').
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

async function approved(core: CoreHarness, input: SubmitInput) {
  const outcome = await core.engine.submit(input);
  if (outcome.outcome !== 'created') throw new Error(`expected created, got ${outcome.outcome}`);
  await core.engine.idle();
  await core.engine.decide(outcome.request.id, 'u-daan', 'approve');
  await core.engine.idle();
  return outcome.request;
}

/** Liam's grant (A) in effect; Exchange then loses the right, and Kwame's (B) is applied again, 10 minutes ago. */
async function twoGrantsInPlace() {
  const core = await coreHarness();
  open.push(core);
  const a = await approved(core, fullAccess());
  await core.advance(HOUR);
  expect((await core.engine.get(a.id))?.state).toBe('effective');
  await core.permissions.revoke(facturen, zoe, 'FullAccess');
  await core.advance(10 * MINUTE);
  const b = await approved(core, fullAccess({ requesterId: 'u-kwame' }));
  expect((await core.engine.get(b.id))?.state).toBe('applied');
  await core.advance(10 * MINUTE);
  return { core, a, b };
}

/** Every event's `request:type`, with A and B for the two grants. */
function story(core: CoreHarness, a: string, b: string): string[] {
  return core.events.events.filter((e) => e.request.id === a || e.request.id === b).map((e) => `${e.request.id === a ? 'A' : 'B'}:${e.type}`);
}

describe('a revoke ends every grant of the bot of that right for that person', () => {
  it("an admin's revoke of one ends the other: revoked by that revoke, no checks, no 'not visible', nothing shown as applied", async () => {
    const { core, a, b } = await twoGrantsInPlace();
    const before = story(core, a.id, b.id).length;
    await core.engine.revokeNow(a.id, 'u-admin');
    await core.engine.idle();
    const revokedAt = core.clock.now();

    expect(await core.engine.get(a.id)).toMatchObject({ state: 'revoked', revokedBy: 'u-admin', revokedAt, removalEffectiveBy: revokedAt + HOUR });
    const ended = await core.engine.get(b.id);
    expect(ended).toMatchObject({ state: 'revoked', revokedBy: 'u-admin', revokedAt });
    expect(ended?.removalEffectiveBy).toBeUndefined();
    const trail = await core.trail('u-admin', { requestId: b.id });
    expect(trail.at(-1)).toMatchObject({ actorId: 'u-admin', action: 'revoked', from: 'applied', to: 'revoked', detail: `by ${a.id}` });

    // What the admins ask shows the removal once (A's), never B as applied.
    const access = await core.engine.whoHasAccess('u-admin', 's-invoices');
    expect(access.propagating.map((p) => `${p.requestId}:${p.kind}`)).toEqual([`${a.id}:revoke`]);
    const zoeAccess = await core.engine.whatCanAccess('u-admin', 'u-zoe');
    expect(zoeAccess.propagating.map((p) => `${p.requestId}:${p.kind}`)).toEqual([`${a.id}:revoke`]);
    expect(await core.engine.requestsOf('u-kwame')).toMatchObject([{ id: b.id, state: 'revoked' }]);

    // A day later: the removal confirmed quietly, no check of B ever said "not visible".
    await core.advance(DAY);
    expect(story(core, a.id, b.id).slice(before)).toEqual(['A:revoked', 'B:revoked']);
    expect(core.events.ofType('not_yet_visible')).toEqual([]);
    expect(await core.permissions.check(facturen, zoe, 'FullAccess')).toBe(false);
    expect((await core.engine.whatCanAccess('u-admin', 'u-zoe')).holdings.filter((h) => h.targetId === 's-invoices')).toEqual([]);
    expect(await core.store.work.size()).toBe(0);
  });

  it('the late check of a grant whose right another request removed since (left applied by an older version) ends it revoked, without alerting', async () => {
    const { core, a, b } = await twoGrantsInPlace();
    // What a version before this one left: A revoked by the admin with its removal tracked, B untouched.
    await core.permissions.revoke(facturen, zoe, 'FullAccess');
    const revokedAt = core.clock.now();
    await core.engine.repo.change(a.id, (r) => {
      r.revokedAt = revokedAt;
      r.revokedBy = 'u-admin';
      r.removalEffectiveBy = revokedAt + HOUR;
      r.nextCheckAt = r.removalEffectiveBy;
      r.rechecks = 0;
      return moveTo(r, 'revoked', 'u-admin', 'revoked', { type: 'revoked', rights: r.rights });
    });
    expect((await core.engine.get(b.id))?.state).toBe('applied');
    const before = story(core, a.id, b.id).length;

    // B's window ends 50 minutes on: its check finds the right gone, and why.
    await core.advance(50 * MINUTE - 1);
    expect((await core.engine.get(b.id))?.state).toBe('applied');
    await core.advance(1);
    expect(await core.engine.get(b.id)).toMatchObject({ state: 'revoked', revokedBy: 'u-admin', revokedAt });
    const last = (await core.trail('u-admin', { requestId: b.id })).at(-1);
    expect(last).toMatchObject({ actorId: 'system', action: 'revoked', from: 'applied', to: 'revoked', outcome: 'ok', detail: `by ${a.id}` });
    await core.advance(DAY);
    expect(story(core, a.id, b.id).slice(before)).toEqual(['A:revoked', 'B:revoked']);
    expect(core.events.ofType('not_yet_visible')).toEqual([]);
    expect(await core.store.work.size()).toBe(0);
  });

  it('a grant applied after a removal is checked as usual: its right is there', async () => {
    const { core, a, b } = await twoGrantsInPlace();
    await core.engine.revokeNow(a.id, 'u-admin');
    await core.engine.idle();
    await core.advance(2 * HOUR);
    // Asked again after the removal: applied anew and in effect, not ended by the earlier removal.
    const c = await approved(core, fullAccess({ requesterId: 'u-kwame' }));
    await core.advance(HOUR);
    expect((await core.engine.get(c.id))?.state).toBe('effective');
    expect((await core.engine.get(b.id))?.state).toBe('revoked');
  });
});

/**
 * Kwame asks for Zoë's standing Full Access (B), Liam for two weeks of it (A), before either is
 * approved (a request made once one is in place is answered "already held" at once). A is
 * approved and applied first, then B, which lasts longer, is applied beside it.
 */
async function timeBoundThenStanding() {
  const core = await coreHarness();
  open.push(core);
  const asked = await core.engine.submit(fullAccess({ requesterId: 'u-kwame' }));
  if (asked.outcome !== 'created') throw new Error(`expected created, got ${asked.outcome}`);
  const a = await approved(core, fullAccess({ duration: 'P14D' }));
  await core.advance(MINUTE);
  const b = asked.request;
  await core.engine.decide(b.id, 'u-daan', 'approve');
  await core.engine.idle();
  expect((await core.engine.get(b.id))?.state).toBe('applied');
  await core.advance(HOUR);
  expect((await core.engine.get(a.id))?.state).toBe('effective');
  expect((await core.engine.get(b.id))?.state).toBe('effective');
  return { core, a, b };
}

describe('a time-bound grant ending beside a longer grant of the same right', () => {
  it('ends as planned without removing the right: the standing grant stays in effect, nothing is checked or alerted', async () => {
    const { core, a, b } = await timeBoundThenStanding();
    const endsAt = (await core.engine.get(a.id))!.endsAt!;
    const before = story(core, a.id, b.id).length;
    await core.advance(endsAt - core.clock.now());

    const ended = await core.engine.get(a.id);
    expect(ended).toMatchObject({ state: 'revoked', revokedBy: 'system', revokedAt: endsAt, rightKeptBy: b.id });
    expect(ended?.removalEffectiveBy).toBeUndefined();
    expect((await core.trail('u-admin', { requestId: a.id })).at(-1)).toMatchObject({
      actorId: 'system',
      action: 'ended_kept',
      from: 'effective',
      to: 'revoked',
      detail: `right stays through ${b.id}`,
    });
    expect((await core.engine.get(b.id))?.state).toBe('effective');
    expect(await core.permissions.check(facturen, zoe, 'FullAccess')).toBe(true);

    // A day later: still there, B untouched, nothing shown as removed, no timer left.
    await core.advance(DAY);
    // No "ends tomorrow" the day before (the right stays), then "ended"; B's people hear nothing.
    expect(story(core, a.id, b.id).slice(before)).toEqual(['A:revoked']);
    expect(await core.permissions.check(facturen, zoe, 'FullAccess')).toBe(true);
    expect((await core.engine.get(b.id))?.state).toBe('effective');
    expect((await core.engine.whoHasAccess('u-admin', 's-invoices')).propagating).toEqual([]);
    expect(core.events.ofType('removal_not_visible')).toEqual([]);
    expect(await core.store.work.size()).toBe(0);
  });

  it("an admin's revoke of the standing grant still removes the right and ends the time-bound one too", async () => {
    const { core, a, b } = await timeBoundThenStanding();
    await core.engine.revokeNow(b.id, 'u-admin');
    await core.engine.idle();
    expect(await core.engine.get(b.id)).toMatchObject({ state: 'revoked', revokedBy: 'u-admin' });
    expect(await core.engine.get(a.id)).toMatchObject({ state: 'revoked', revokedBy: 'u-admin' });
    expect((await core.engine.get(a.id))?.rightKeptBy).toBeUndefined();
    await core.advance(DAY);
    expect(await core.permissions.check(facturen, zoe, 'FullAccess')).toBe(false);
  });

  it("an admin's revoke of the time-bound grant still removes the right and ends the standing one too", async () => {
    const { core, a, b } = await timeBoundThenStanding();
    await core.engine.revokeNow(a.id, 'u-admin');
    await core.engine.idle();
    expect(await core.engine.get(a.id)).toMatchObject({ state: 'revoked', revokedBy: 'u-admin' });
    expect((await core.engine.get(a.id))?.rightKeptBy).toBeUndefined();
    expect(await core.engine.get(b.id)).toMatchObject({ state: 'revoked', revokedBy: 'u-admin' });
    await core.advance(DAY);
    expect(await core.permissions.check(facturen, zoe, 'FullAccess')).toBe(false);
  });
});
