import { afterEach, describe, expect, it } from 'vitest';
import type { Audience } from '../../src/conversation/types.js';
import { Names } from '../../src/conversation/wording/names.js';
import { approvalView, summaryView } from '../../src/conversation/wording/views.js';
import type { SubmitInput } from '../../src/domain/engine-api.js';
import { coreHarness, DAY, HOUR, type CoreHarness } from '../helpers/core.js';

/**
 * SPEC section 1: on a group a delegate holds Send As or Send on Behalf, not both; applying the one
 * removes the other. A time-bound grant that replaces the other right does not give it back when it
 * ends (the bot never restores a right silently), so the approver and the requester are told so
 * before anyone approves. Sample directory: Emma owns Training; Priya is a member.
 */

const en: Audience = { lang: 'en', timeZone: 'Europe/Amsterdam' };
const nl: Audience = { lang: 'nl', timeZone: 'Europe/Amsterdam' };
const target = { id: 'g-training', kind: 'group' as const, mail: 'training@northwind.example' };
const priya = { id: 'u-priya', mail: 'priya.r@northwind.example' };
const grant = (overrides: Partial<SubmitInput> = {}): SubmitInput => ({
  requesterId: 'u-liam',
  kind: 'grant',
  granteeId: 'u-priya',
  targetId: 'g-training',
  right: 'SendAs',
  language: 'en',
  ...overrides,
});

let core: CoreHarness | undefined;
afterEach(async () => {
  await core?.close();
  core = undefined;
});

async function created(input: SubmitInput) {
  const outcome = await core!.engine.submit(input);
  if (outcome.outcome !== 'created') throw new Error(`expected created, got ${outcome.outcome}`);
  await core!.engine.idle();
  return outcome.request;
}

async function approved(requestId: string) {
  await core!.engine.decide(requestId, 'u-emma', 'approve');
  await core!.engine.idle();
}

/** Every warning line of the approval card and the requester's summary. */
async function warnings(request: Parameters<typeof approvalView>[0], audience: Audience): Promise<string[][]> {
  const names = new Names(core!.directory);
  return [(await approvalView(request, names, audience)).warnings, (await summaryView(request, names, audience)).warnings];
}

describe('a time-bound grant replacing the other group right', () => {
  it('ends with neither right (nothing is restored), and both cards said so before approval (en, nl)', async () => {
    core = await coreHarness();
    const standing = await created(grant());
    await approved(standing.id);
    await core.advance(HOUR);
    expect(await core.permissions.check(target, priya, 'SendAs')).toBe(true);

    const timeBound = await created(grant({ right: 'SendOnBehalf', duration: 'P3D' }));
    const [approvalEn, summaryEn] = await warnings(timeBound, en);
    const said =
      '⚠ Replacement: Priya Raghunathan holds Send As on this group; a delegate can have Send As or Send on Behalf, not both, so approving removes Send As. ' +
      'It does not come back when this time-limited grant ends or is revoked: Priya Raghunathan then has neither.';
    expect(approvalEn).toContain(said);
    expect(summaryEn).toContain(said);
    const [approvalNl, summaryNl] = await warnings(timeBound, nl);
    for (const lines of [approvalNl, summaryNl]) {
      expect(lines).toContainEqual(expect.stringContaining('Het komt niet terug als deze tijdelijke toegang afloopt of wordt ingetrokken: Priya Raghunathan heeft dan geen van beide.'));
    }

    await approved(timeBound.id);
    await core.advance(HOUR);
    expect(await core.permissions.check(target, priya, 'SendAs')).toBe(false);
    // Still said on the card once applied: the end is now a date, the warning stays true.
    expect((await warnings((await core.engine.get(timeBound.id))!, en))[1]).toContain(said);

    await core.advance(3 * DAY);
    expect((await core.engine.get(timeBound.id))?.state).toBe('revoked');
    // Past the removal's propagation window: Send on Behalf is gone, and Send As did not come back.
    await core.advance(HOUR);
    expect(await core.permissions.check(target, priya, 'SendOnBehalf')).toBe(false);
    expect(await core.permissions.check(target, priya, 'SendAs')).toBe(false);
  });

  it('a standing replacement keeps the plain warning (the right it removes is gone for good either way)', async () => {
    core = await coreHarness();
    const standing = await created(grant());
    await approved(standing.id);
    await core.advance(HOUR);
    const forGood = await created(grant({ right: 'SendOnBehalf' }));
    const [approval, summary] = await warnings(forGood, en);
    for (const lines of [approval, summary]) {
      expect(lines).toContain('⚠ Replacement: Priya Raghunathan holds Send As on this group; a delegate can have Send As or Send on Behalf, not both, so approving removes Send As.');
    }
  });
});
