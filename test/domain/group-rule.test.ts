import { afterEach, describe, expect, it } from 'vitest';
import type { SubmitInput } from '../../src/domain/engine-api.js';
import { isBotError } from '../../src/domain/errors.js';
import type { DurableStore } from '../../src/store/durable-store.js';
import { coreHarness, DAY, HOUR, MINUTE, type CoreHarness } from '../helpers/core.js';
import { eachBackend } from '../helpers/store-backends.js';

// Sample directory: Emma owns Training (members Emma, Liam, Zoë, Priya, Jan Bakker); Priya holds
// nothing on it; Ines is the admin. On a group a delegate holds Send As or Send on Behalf, not both.
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

const backends = eachBackend();
const open: CoreHarness[] = [];
afterEach(async () => {
  for (const core of open.splice(0)) await core.close();
});

async function harness(store?: DurableStore): Promise<CoreHarness> {
  const core = await coreHarness({}, store ? { store } : {});
  open.push(core);
  return core;
}

async function created(core: CoreHarness, input: SubmitInput) {
  const outcome = await core.engine.submit(input);
  if (outcome.outcome !== 'created') throw new Error(`expected created, got ${outcome.outcome}`);
  await core.engine.idle();
  return outcome.request;
}

async function approve(core: CoreHarness, requestId: string) {
  await core.engine.decide(requestId, 'u-emma', 'approve');
  await core.engine.idle();
}

describe.each(backends)('group rule: Send As and Send on Behalf on one group for one person (%s)', (_name, openStore) => {
  it('both approved before either is applied: they apply one at a time, and the first, applied, ends replaced by the second; no "not visible" checks or escalation for it', async () => {
    const core = await harness(await openStore());
    const sendAs = await created(core, grant());
    const onBehalf = await created(core, grant({ right: 'SendOnBehalf' }));
    // The second one says it replaces the first, still pending.
    expect(onBehalf.warnings).toEqual([{ code: 'replacement', replaces: 'SendAs', requestId: sendAs.id }]);
    expect(sendAs.warnings).toEqual([]);

    // Both approved in the same millisecond: one applies, the other waits for it (the order of
    // approval, then of the ids, decides which).
    await core.engine.decide(sendAs.id, 'u-emma', 'approve');
    await core.engine.decide(onBehalf.id, 'u-emma', 'approve');
    await core.engine.idle();
    const states = await Promise.all([sendAs.id, onBehalf.id].map(async (id) => (await core.engine.get(id))!.state));
    expect([...states].sort()).toEqual(['applied', 'approved']);
    const [first, second] = states[0] === 'applied' ? [sendAs, onBehalf] : [onBehalf, sendAs];
    const appliedAt = core.clock.now();
    await core.advance(5_000);

    expect(await core.engine.get(second.id)).toMatchObject({ state: 'applied' });
    expect(await core.engine.get(first.id)).toMatchObject({ state: 'replaced', replacedBy: second.id, replacedAt: core.clock.now(), appliedAt });
    const replaced = core.events.ofType('replaced');
    expect(replaced.map((e) => [e.request.id, e.request.replacedBy])).toEqual([[first.id, second.id]]);

    // A day of checks later: the replaced grant was never checked, nobody was told it is not visible.
    await core.advance(DAY);
    expect((await core.engine.get(second.id))?.state).toBe('effective');
    expect((await core.engine.get(first.id))?.state).toBe('replaced');
    expect(core.events.ofType('not_yet_visible')).toEqual([]);
    expect(await core.store.work.size()).toBe(0);
    expect(await core.permissions.check(target, priya, second.rights[0]!)).toBe(true);
    expect(await core.permissions.check(target, priya, first.rights[0]!)).toBe(false);

    // What Priya can access and what the bot calls in flight agree: the second right only.
    const access = await core.engine.whatCanAccess('u-admin', 'u-priya');
    expect(access.holdings.find((h) => h.targetId === 'g-training')?.rights).toEqual(second.rights);
    expect(access.propagating).toEqual([]);

    const trail = await core.trail('u-admin', { requestId: first.id });
    expect(trail.map((e) => `${e.actorId}:${e.action}:${e.to ?? ''}`)).toEqual([
      'u-liam:created:pending',
      'u-emma:approved:approved',
      'system:applying:applying',
      'system:applied:applied',
      'u-emma:replaced:replaced',
    ]);
    expect(trail.at(-1)?.detail).toBe(`by ${second.id}`);
  });

  it('one approved and applied while the other is pending: the pending one is closed as replaced, and can no longer be approved', async () => {
    const core = await harness(await openStore());
    const sendAs = await created(core, grant());
    const onBehalf = await created(core, grant({ right: 'SendOnBehalf' }));
    await approve(core, sendAs.id);

    expect(await core.engine.get(sendAs.id)).toMatchObject({ state: 'applied' });
    expect(await core.engine.get(onBehalf.id)).toMatchObject({ state: 'replaced', replacedBy: sendAs.id });
    expect(core.events.ofType('replaced').map((e) => e.request.id)).toEqual([onBehalf.id]);
    expect(await core.engine.awaitingDecisionBy('u-emma')).toEqual([]);
    expect(await core.engine.requestsOf('u-liam', { openOnly: true })).toEqual([]);
    await expect(core.engine.decide(onBehalf.id, 'u-emma', 'approve')).rejects.toSatisfy((e) => isBotError(e, 'already_decided') && e.details.state === 'replaced');
    await expect(core.engine.cancel(onBehalf.id, 'u-liam')).rejects.toSatisfy((e) => isBotError(e, 'already_decided'));

    // Its reminder and expiry went with it; the first is in effect as applied.
    await core.advance(8 * DAY);
    expect(core.events.ofType('approver_reminder')).toEqual([]);
    expect(core.events.ofType('expired')).toEqual([]);
    expect(core.events.ofType('not_yet_visible')).toEqual([]);
    expect((await core.engine.get(sendAs.id))?.state).toBe('effective');
    expect(await core.permissions.check(target, priya, 'SendAs')).toBe(true);
    expect(await core.store.work.size()).toBe(0);
  });
});

describe('group rule: replacing what the bot granted', () => {
  it('an effective grant, for good or time-bound, is replaced too; the time-bound one no longer ends or reminds', async () => {
    const core = await harness();
    const forGood = await created(core, grant());
    await approve(core, forGood.id);
    await core.advance(HOUR);
    expect((await core.engine.get(forGood.id))?.state).toBe('effective');

    const timeBound = await created(core, grant({ right: 'SendOnBehalf', duration: 'P3D' }));
    // Held (in effect): the replacement warning of a right held, no request to name.
    expect(timeBound.warnings).toEqual([{ code: 'replacement', replaces: 'SendAs' }]);
    await approve(core, timeBound.id);
    expect(await core.engine.get(forGood.id)).toMatchObject({ state: 'replaced', replacedBy: timeBound.id });
    await core.advance(HOUR);
    expect((await core.engine.get(timeBound.id))?.state).toBe('effective');

    const back = await created(core, grant());
    await approve(core, back.id);
    expect(await core.engine.get(timeBound.id)).toMatchObject({ state: 'replaced', replacedBy: back.id });
    await core.advance(4 * DAY);
    // The replaced time-bound grant's end took nothing away: Send As stays.
    expect(core.events.ofType('revoke_reminder')).toEqual([]);
    expect(core.events.ofType('revoked')).toEqual([]);
    expect((await core.engine.get(back.id))?.state).toBe('effective');
    expect(await core.permissions.check(target, priya, 'SendAs')).toBe(true);
    expect(await core.store.work.size()).toBe(0);
  });

  it('leaves the same right, other people and mailboxes alone', async () => {
    const core = await harness();
    const other = await created(core, grant({ granteeId: 'u-zoe', right: 'SendAs' }));
    const samePerson = await created(core, grant({ right: 'SendAs' }));
    const sameRight = await created(core, grant({ right: 'SendOnBehalf' }));
    const onBehalf = await created(core, grant({ right: 'SendOnBehalf', requesterId: 'u-zoe' }));
    await approve(core, onBehalf.id);
    expect((await core.engine.get(other.id))?.state).toBe('pending');
    expect((await core.engine.get(samePerson.id))?.state).toBe('replaced');
    expect((await core.engine.get(sameRight.id))?.state).toBe('pending');
    // On a mailbox Send As and Send on Behalf go together.
    const onBehalfSupport = await created(core, grant({ targetId: 's-support', right: 'SendOnBehalf', granteeId: 'u-kwame' }));
    const sendAsSupport = await created(core, grant({ targetId: 's-support', right: 'SendAs', granteeId: 'u-kwame' }));
    expect(sendAsSupport.warnings.filter((w) => w.code === 'replacement')).toEqual([]);
    const approver = (await core.engine.get(onBehalfSupport.id))!.approverIds[0]!;
    await core.engine.decide(onBehalfSupport.id, approver, 'approve');
    await core.engine.idle();
    expect((await core.engine.get(onBehalfSupport.id))?.state).toBe('applied');
    expect((await core.engine.get(sendAsSupport.id))?.state).toBe('pending');
  });
});
