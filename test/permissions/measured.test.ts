import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { BotError, isBotError } from '../../src/domain/errors.js';
import { noopMetrics, type Metrics } from '../../src/domain/metrics.js';
import { withCallMetrics } from '../../src/permissions/measured.js';
import { SimulatedPermissionService } from '../../src/permissions/simulated.js';
import { PrometheusMetrics } from '../../src/observability/prometheus.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { labelValues, sampleValue } from '../helpers/prometheus-text.js';
import { contractFixture, permissionServiceContract } from './permission-service-contract.js';

const DELAY = 5 * 60_000;

function simulated(fixture = contractFixture(), clock = new ManualClock()) {
  return new SimulatedPermissionService({ store: createMemoryStore(), directory: fixture.directory, clock, visibilityDelayMs: DELAY });
}

// The decorator changes nothing a caller can see: the whole contract holds through it.
permissionServiceContract('simulated, with call metrics', async (fixture) => {
  const clock = new ManualClock();
  const service = withCallMetrics(simulated(fixture, clock), new PrometheusMetrics());
  return { service, settle: async () => void clock.advance(DELAY) };
});

/** A stopwatch that moves 0.25 s per reading, so each call lasts exactly 0.25 s. */
function steppingStopwatch(step = 0.25) {
  let now = 100;
  return () => (now += step) - step;
}

const calls = 'mailbox_bot_permission_service_call_duration_seconds';

describe('withCallMetrics', () => {
  it('records every operation with its duration and outcome, and passes results and errors through unchanged', async () => {
    const fixture = contractFixture();
    const inner = simulated(fixture);
    const metrics = new PrometheusMetrics();
    const service = withCallMetrics(inner, metrics, steppingStopwatch());
    const { shared, group } = fixture.targets;
    const { member } = fixture.trustees;

    expect((await service.grant(shared, member, 'FullAccess')).changed).toBe(true);
    expect(await service.check(shared, member, 'FullAccess')).toBe(false);
    await service.listDelegates(shared);
    await service.listHoldings(member, [shared]);

    inner.faults.push({ kind: 'unavailable', status: 503 }, { kind: 'reject', message: 'litigation hold' });
    await expect(service.revoke(shared, member, 'FullAccess')).rejects.toSatisfy((e) => isBotError(e, 'permission_service_unavailable'));
    await expect(service.revoke(shared, member, 'FullAccess')).rejects.toSatisfy((e) => isBotError(e, 'permission_service_rejected') && e.message === 'litigation hold');
    await expect(service.grant(group, member, 'FullAccess')).rejects.toSatisfy((e) => isBotError(e, 'invalid_request'));

    const text = (await metrics.exposition()).body;
    const count = (operation: string, outcome: string) => sampleValue(text, `${calls}_count`, { operation, outcome });
    expect(count('grant', 'ok')).toBe(1);
    expect(count('check', 'ok')).toBe(1);
    expect(count('listDelegates', 'ok')).toBe(1);
    expect(count('listHoldings', 'ok')).toBe(1);
    expect(count('revoke', 'unavailable')).toBe(1);
    expect(count('revoke', 'rejected')).toBe(1);
    expect(count('grant', 'rejected')).toBe(1);
    expect(sampleValue(text, `${calls}_sum`, { operation: 'grant', outcome: 'ok' })).toBe(0.25);
    // Only operation names and outcomes: never the mailbox or trustee the call was about.
    for (const value of labelValues(text)) {
      expect(value).not.toContain('@');
      expect([shared.id, member.id]).not.toContain(value);
    }
  });

  it('counts a failure that is not a coded error as "error"', async () => {
    const seen: [string, string, number][] = [];
    const recording: Metrics = { ...noopMetrics, permissionCall: (operation, outcome, seconds) => void seen.push([operation, outcome, seconds]) };
    const inner = simulated();
    inner.check = async () => {
      throw new TypeError('socket hang up');
    };
    const service = withCallMetrics(inner, recording, steppingStopwatch(1));
    const fixture = contractFixture();
    await expect(service.check(fixture.targets.shared, fixture.trustees.member, 'SendAs')).rejects.toThrow('socket hang up');
    expect(seen).toEqual([['check', 'error', 1]]);
  });

  it('is the same object to its callers: instanceof and the simulated service\'s fault injection still work', async () => {
    const inner = simulated();
    const service = withCallMetrics(inner, noopMetrics);
    expect(service).toBeInstanceOf(SimulatedPermissionService);
    service.faults.push({ kind: 'timeout' });
    expect(inner.faults).toHaveLength(1);
    const fixture = contractFixture();
    await expect(service.listDelegates(fixture.targets.shared)).rejects.toBeInstanceOf(BotError);
    expect(inner.faults).toHaveLength(0);
  });
});
