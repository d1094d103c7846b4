import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { isBotError } from '../../src/domain/errors.js';
import { SimulatedPermissionService } from '../../src/permissions/simulated.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { contractFixture, permissionServiceContract } from './permission-service-contract.js';

const DELAY = 5 * 60_000;

function simulated(fixture = contractFixture(), clock = new ManualClock()) {
  const store = createMemoryStore();
  const service = new SimulatedPermissionService({ store, directory: fixture.directory, clock, visibilityDelayMs: DELAY });
  return { service, clock, store, fixture };
}

permissionServiceContract('simulated', async (fixture) => {
  const { service, clock } = simulated(fixture);
  return { service, settle: async () => void clock.advance(DELAY) };
});

describe('simulated permission service', () => {
  it('shows a change to readers only after the visibility delay', async () => {
    const { service, clock, fixture } = simulated();
    const { shared } = fixture.targets;
    await service.grant(shared, fixture.trustees.member, 'SendAs');
    expect(await service.check(shared, fixture.trustees.member, 'SendAs')).toBe(false);
    clock.advance(DELAY - 1);
    expect(await service.check(shared, fixture.trustees.member, 'SendAs')).toBe(false);
    clock.advance(1);
    expect(await service.check(shared, fixture.trustees.member, 'SendAs')).toBe(true);
  });

  it('meets injected faults in order: 429 with Retry-After, 5xx, timeout, then works', async () => {
    const { service, fixture } = simulated();
    const { shared } = fixture.targets;
    service.faults.push({ kind: 'throttle', retryAfterMs: 2_000 }, { kind: 'unavailable', status: 503 }, { kind: 'timeout' });
    const attempt = () => service.grant(shared, fixture.trustees.member, 'SendAs');
    await expect(attempt()).rejects.toSatisfy((e) => isBotError(e, 'permission_service_unavailable') && e.details.retryAfterMs === 2_000);
    await expect(attempt()).rejects.toSatisfy((e) => isBotError(e, 'permission_service_unavailable') && e.details.status === 503);
    await expect(attempt()).rejects.toSatisfy((e) => isBotError(e, 'permission_service_unavailable') && e.details.timeout === true);
    expect((await attempt()).changed).toBe(true);
  });

  it('keeps its rights in the store: a second instance over the same store sees them', async () => {
    const { service, clock, store, fixture } = simulated();
    await service.grant(fixture.targets.shared, fixture.trustees.member, 'SendAs');
    clock.advance(DELAY);
    const again = new SimulatedPermissionService({ store, directory: fixture.directory, clock, visibilityDelayMs: DELAY });
    expect(await again.check(fixture.targets.shared, fixture.trustees.member, 'SendAs')).toBe(true);
    // Re-seeding from the directory does not bring back a revoked initial right.
    await again.revoke(fixture.targets.shared, fixture.trustees.other, 'FullAccess');
    clock.advance(DELAY);
    const third = new SimulatedPermissionService({ store, directory: fixture.directory, clock, visibilityDelayMs: DELAY });
    expect(await third.check(fixture.targets.shared, fixture.trustees.other, 'FullAccess')).toBe(false);
  });

  it('answers "what can Y open" from its trustee index: a target enters on a grant and leaves once the revoke is visible', async () => {
    const { service, clock, store, fixture } = simulated();
    const { shared } = fixture.targets;
    const member = fixture.trustees.member;
    await service.grant(shared, member, 'SendAs');
    expect((await store.range(`sim:trustee:${member.id}`)).map((e) => e.member)).toEqual([shared.id]);
    clock.advance(DELAY);
    expect(await service.listHoldings(member, [shared])).toEqual([{ targetId: shared.id, trusteeId: member.id, right: 'SendAs' }]);
    // A target the caller did not ask about is not reported, even though it is indexed.
    expect(await service.listHoldings(member, [])).toEqual([]);
    await service.revoke(shared, member, 'SendAs');
    clock.advance(DELAY);
    expect(await service.listHoldings(member, [shared])).toEqual([]);
    // The next write to the target drops the gone entry, and the index with it.
    await service.grant(shared, fixture.trustees.other, 'SendAs');
    expect(await store.count(`sim:trustee:${member.id}`)).toBe(0);
  });
});
