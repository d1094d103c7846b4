import { describe, expect, it } from 'vitest';
import { indexesFor, timersFor, trackingRemoval } from '../../src/domain/request.js';
import { storedRequest } from '../helpers/old-store.js';

const SETTINGS = { approverReminderMs: 86_400_000, requestExpiryMs: 7 * 86_400_000, maxRechecks: 3 };
const T0 = Date.parse('2026-11-01T08:00:00Z');
const HOUR = 3_600_000;
const propagating = (r: ReturnType<typeof storedRequest>) => Object.keys(indexesFor(r)).filter((name) => name.startsWith('req:propagating-'));

describe('timers and indexes of a change the service does not show yet', () => {
  it('an applied request checks through the quick rechecks, then slowly once the admins were told, and stops after the last check', () => {
    const applied = storedRequest(1, { state: 'applied', appliedAt: T0, effectiveBy: T0 + HOUR, nextCheckAt: T0 + HOUR });
    expect(timersFor(applied, SETTINGS)).toEqual({ postback: T0 + HOUR });
    const late = { ...applied, rechecks: 4, unconfirmedAt: T0 + 90 * 60_000, checksUntil: T0 + 24 * HOUR, nextCheckAt: T0 + 150 * 60_000 };
    expect(timersFor(late, SETTINGS)).toEqual({ postback: T0 + 150 * 60_000 });
    expect(propagating(late)).toEqual(['req:propagating-target:g-training', 'req:propagating-grantee:u-priya']);
    const ended = { ...late, nextCheckAt: undefined, checksEndedAt: T0 + 24 * HOUR };
    expect(timersFor(ended, SETTINGS)).toEqual({});
    expect(propagating(ended)).toEqual([]);
  });

  it('a request stored by a version without slow checks, after its final word, reads as it did then: no timer, still indexed', () => {
    // Upgrading changes nothing the store already holds: the diff of its next change sees the same before-state.
    const old = storedRequest(2, { state: 'applied', appliedAt: T0, effectiveBy: T0 + HOUR, rechecks: 4 });
    expect(timersFor(old, SETTINGS)).toEqual({});
    expect(propagating(old)).toEqual(['req:propagating-target:g-training', 'req:propagating-grantee:u-priya']);
  });

  it('a grant ended by its end date or an admin is tracked during its removal window; one revoked before that existed is not', () => {
    const ended = storedRequest(3, { state: 'revoked', revokedAt: T0, removalEffectiveBy: T0 + HOUR, nextCheckAt: T0 + HOUR });
    expect(trackingRemoval(ended)).toBe(true);
    expect(timersFor(ended, SETTINGS)).toEqual({ removal_check: T0 + HOUR });
    expect(propagating(ended)).toEqual(['req:propagating-target:g-training', 'req:propagating-grantee:u-priya']);
    const settled = { ...ended, removalSettledAt: T0 + HOUR, nextCheckAt: undefined };
    expect(timersFor(settled, SETTINGS)).toEqual({});
    expect(propagating(settled)).toEqual([]);
    // Still shown after the quick rechecks: tracked (timer and indexes) through the slow checks, until the last one.
    const late = { ...ended, rechecks: 4, removalUnconfirmedAt: T0 + 90 * 60_000, removalChecksUntil: T0 + 24 * HOUR, nextCheckAt: T0 + 150 * 60_000 };
    expect(timersFor(late, SETTINGS)).toEqual({ removal_check: T0 + 150 * 60_000 });
    expect(propagating(late)).toEqual(['req:propagating-target:g-training', 'req:propagating-grantee:u-priya']);
    const gaveUp = { ...late, nextCheckAt: undefined, removalChecksEndedAt: T0 + 24 * HOUR, removalSettledAt: T0 + 24 * HOUR };
    expect(timersFor(gaveUp, SETTINGS)).toEqual({});
    expect(propagating(gaveUp)).toEqual([]);
    // Revoked by an older version (or by a revoke request, which tracks the removal itself).
    const old = storedRequest(4, { state: 'revoked', revokedAt: T0 });
    expect(trackingRemoval(old)).toBe(false);
    expect(timersFor(old, SETTINGS)).toEqual({});
    expect(propagating(old)).toEqual([]);
  });
});
