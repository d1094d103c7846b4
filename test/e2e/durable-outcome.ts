import { expect } from 'vitest';
import type { AuditEntry } from '../../src/domain/engine-api.js';
import type { StoredRequest } from '../../src/domain/request.js';
import type { DurableStore } from '../../src/store/durable-store.js';
import type { FakeConnector } from '../fakes/fake-connector.js';
import { liamHears } from './mission-script.js';

/**
 * Waits, while the bots run, until the shared work queue is empty: the survivors have finished
 * everything, including what a killed instance held until its lease lapsed and the card updates
 * that follow the last post-back (hearing "In effect" does not mean those are done yet).
 */
export async function untilWorkDone(open: () => DurableStore | Promise<DurableStore>, timeoutMs = 120_000): Promise<void> {
  const store = await open();
  try {
    const end = Date.now() + timeoutMs;
    for (let left = await store.work.size(); left > 0; left = await store.work.size()) {
      if (Date.now() > end) throw new Error(`timed out waiting for the work queue to empty (${left} jobs left)`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await store.close();
  }
}

/**
 * After the bots are gone, on the store they shared (`open`): every request `i` of `requestIds` (ask `i` of the mission script) is in
 * effect, was applied exactly once (one `applied` entry in its audit trail), and Liam heard
 * "Approved", "Applied" and "In effect" at least once (twice at most, where a kill hit the send
 * itself: at least once, never lost); nothing is left in the work queue.
 */
export async function expectAppliedOnceAndTold(
  open: () => DurableStore | Promise<DurableStore>,
  requestIds: readonly string[],
  connector: FakeConnector,
): Promise<void> {
  const store = await open();
  try {
    for (const [i, id] of requestIds.entries()) {
      expect((await store.get<StoredRequest>('requests', id))!.value.state, `request ${i}`).toBe('effective');
      const trail: string[] = [];
      for (const { member } of await store.range(`audit:req:${id}`, { order: 'asc', limit: 100 })) {
        trail.push((await store.get<AuditEntry>('audit', member))!.value.action);
      }
      expect(trail.filter((a) => a === 'applied'), `request ${i}: ${trail.join(',')}`).toHaveLength(1);
      expect(trail.filter((a) => a === 'effective'), `request ${i}`).toHaveLength(1);
      for (const phrase of ['Approved: ', 'Applied: ', 'In effect: ']) {
        expect(liamHears(connector, phrase, i), `${phrase} for request ${i}`).toBeGreaterThanOrEqual(1);
        expect(liamHears(connector, phrase, i), `${phrase} for request ${i}`).toBeLessThanOrEqual(2);
      }
    }
    expect(await store.work.size()).toBe(0);
  } finally {
    await store.close();
  }
}
