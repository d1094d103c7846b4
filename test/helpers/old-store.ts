import { indexesFor, type StoredRequest } from '../../src/domain/request.js';
import type { DurableStore } from '../../src/store/durable-store.js';

const T0 = Date.parse('2026-11-01T08:00:00Z');

/** A stored request (an effective grant of Send As on Training to Priya unless `overrides` say otherwise). */
export function storedRequest(n: number, overrides: Partial<StoredRequest> = {}): StoredRequest {
  return {
    id: `REQ-OLD${String(n).padStart(3, '0')}`,
    version: 1,
    kind: 'grant',
    state: 'effective',
    requesterId: 'u-liam',
    granteeId: 'u-priya',
    targetId: 'g-training',
    targetKind: 'group',
    rights: ['SendAs'],
    autoMapping: true,
    language: 'en',
    approverIds: ['u-emma'],
    warnings: [],
    // Some share a millisecond, so pages also turn within one score.
    createdAt: T0 + Math.floor(n / 2) * 1000,
    updatedAt: T0,
    attempts: 1,
    eventSeq: 0,
    rechecks: 0,
    ...overrides,
  };
}

/** A time-bound grant applied before `req:timebound-target` existed. */
export function oldTimeBound(n: number, overrides: Partial<StoredRequest> = {}): StoredRequest {
  return storedRequest(n, { duration: 'P14D', appliedAt: T0, endsAt: T0 + 14 * 86_400_000, ...overrides });
}

/**
 * Writes requests as a version before `req:timebound-target` did: the record and every index of
 * `indexesFor` but that one and those added after it (`req:group-held`, `req:held`).
 */
export async function writeAsBefore(store: DurableStore, requests: StoredRequest[]): Promise<void> {
  for (const r of requests) {
    const index = Object.entries(indexesFor(r))
      .filter(([name]) => !['req:timebound-target:', 'req:group-held:', 'req:held:'].some((newer) => name.startsWith(newer)))
      .map(([name, score]) => ({ index: name, member: r.id, score }));
    if (!(await store.commit({ records: [{ namespace: 'requests', key: r.id, expect: 'absent', value: r }], index }))) throw new Error(`${r.id} exists`);
  }
}

/** Every member of an index, oldest first. */
export async function membersOf(store: DurableStore, index: string): Promise<string[]> {
  const members: string[] = [];
  for (let page = await store.range(index, { order: 'asc', limit: 100 }); page.length; ) {
    members.push(...page.map((e) => e.member));
    page = page.length < 100 ? [] : await store.range(index, { order: 'asc', limit: 100, after: page.at(-1)! });
  }
  return members;
}
