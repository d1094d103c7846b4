import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { isDeadLeaseOwner, newLeaseOwner, processPlace } from '../../src/scheduler/lease-owner.js';
import { Worker } from '../../src/scheduler/worker.js';
import type { DurableStore } from '../../src/store/durable-store.js';
import type { Job } from '../../src/store/work-queue.js';
import { deadPid, liveProcess } from '../helpers/pids.js';

const T0 = 1_800_000_000_000;
const LEASE = 45_000;

/**
 * The contract of `WorkQueue.releaseDeadLeases` on the stores that have it (SQLite, memory): a
 * restart takes back at once the jobs a dead process on this host held, and never a live one's.
 * `reopen` closes the store and opens its data again, as a restarted process would (memory, which
 * only one process ever sees: the same store).
 */
export function deadLeaseContract(name: string, options: { open: () => Promise<DurableStore>; reopen: (store: DurableStore) => Promise<DurableStore> }): void {
  describe(`Dead leases after a restart: ${name}`, () => {
    const here = processPlace();
    let gone: number;
    let live: Awaited<ReturnType<typeof liveProcess>>;
    let store: DurableStore;
    const opened: DurableStore[] = [];
    const workers: Worker[] = [];
    beforeAll(async () => {
      gone = await deadPid();
      live = await liveProcess();
    });
    afterAll(() => live.stop());
    beforeEach(async () => {
      store = await options.open();
      opened.push(store);
    });
    afterEach(async () => {
      for (const w of workers.splice(0)) await w.stop(0);
      for (const s of opened.splice(0).reverse()) await s.close();
    });
    /** The owner id a worker of process `pid` on this host had (one per pid). */
    const owners = new Map<number, string>();
    const ownerOf = (pid: number) => {
      if (!owners.has(pid)) owners.set(pid, newLeaseOwner({ ...here, pid, thread: 0, life: 'EARLIERLIFE2' }));
      return owners.get(pid)!;
    };
    const leaseTo = async (s: DurableStore, owner: string, ...ids: string[]) => {
      await s.commit({ schedule: ids.map((id) => ({ id, kind: 'send', dueAt: T0 - 1_000, payload: { id } })) });
      const claimed: Job[] = [];
      for (const id of ids) claimed.push(...(await s.work.claim({ owner, now: T0, leaseMs: LEASE, limit: 1 })));
      expect(claimed.map((job) => job.id)).toEqual(ids);
      return claimed;
    };
    const restarted = async () => {
      const s = await options.reopen(store);
      if (s !== store) opened.splice(opened.indexOf(store), 1, s);
      return s;
    };

    it('hands back at once the jobs leased by a pid of this host that no longer runs, and no live pid\'s', async () => {
      const [deadJob] = await leaseTo(store, ownerOf(gone), 'dead-1');
      await leaseTo(store, ownerOf(live.pid), 'live-1');
      await leaseTo(store, 'wrk-OLDRELEASE23', 'old-1');
      const after = await restarted();
      const now = T0 + 5_000;

      const released = await after.work.releaseDeadLeases!({ now, withinMs: LEASE, isDead: (owner) => isDeadLeaseOwner(owner) });
      expect(released).toEqual(['dead-1']);
      expect(await after.work.get('dead-1')).toEqual({ ...deadJob, lease: undefined });
      const claimed = await after.work.claim({ owner: 'w', now, leaseMs: LEASE, limit: 10 });
      expect(claimed.map((job) => job.id)).toEqual(['dead-1']);
      // The live process keeps its lease, as does an owner id that names no process: both lapse as before.
      expect((await after.work.get('live-1'))?.lease?.owner).toBe(ownerOf(live.pid));
      expect((await after.work.get('old-1'))?.lease?.owner).toBe('wrk-OLDRELEASE23');
      expect(await after.work.claim({ owner: 'w', now: T0 + LEASE - 1, leaseMs: LEASE, limit: 10 })).toEqual([]);
      expect((await after.work.claim({ owner: 'w', now: T0 + LEASE, leaseMs: LEASE, limit: 10 })).map((job) => job.id).sort()).toEqual(['live-1', 'old-1']);
    });

    it('asks about each owner once, and looks only at leases ending within `withinMs`', async () => {
      await leaseTo(store, ownerOf(gone), 'a', 'b');
      const after = await restarted();
      const asked: string[] = [];
      const isDead = (owner: string) => (asked.push(owner), true);
      // The leases end at T0 + LEASE: past the window from T0 + 1 s with 30 s, in it with 45 s.
      expect(await after.work.releaseDeadLeases!({ now: T0 + 1_000, withinMs: 30_000, isDead })).toEqual([]);
      expect(asked).toEqual([]);
      expect((await after.work.releaseDeadLeases!({ now: T0 + 1_000, withinMs: LEASE, isDead })).sort()).toEqual(['a', 'b']);
      expect(asked).toEqual([ownerOf(gone)]);
    });

    it('a worker starting on the store runs the dead process\'s job at once, the live one\'s only when its lease lapses', async () => {
      await leaseTo(store, ownerOf(gone), 'dead-1');
      await leaseTo(store, ownerOf(live.pid), 'live-1');
      const after = await restarted();
      const clock = new ManualClock(T0 + 5_000);
      const w = new Worker({ queue: after.work, clock, leaseMs: LEASE, pollMs: 10 });
      workers.push(w);
      const ran: { id: string; lateMs: number }[] = [];
      w.handle('send', async (job) => {
        ran.push({ id: job.id, lateMs: clock.now() - job.dueAt });
      });
      w.start();
      await until(() => ran.length > 0);
      expect(ran).toEqual([{ id: 'dead-1', lateMs: 6_000 }]);
      expect(await after.work.get('dead-1')).toBeUndefined();
      // Polling on the injected clock: nothing more until the live process's lease ends.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(ran.map((r) => r.id)).toEqual(['dead-1']);
      clock.set(T0 + LEASE);
      w.wake();
      await until(() => ran.length > 1);
      expect(ran.map((r) => r.id)).toEqual(['dead-1', 'live-1']);
    });
  });
}

/** Waits in real time until `check` holds (the test's timeout bounds it). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}
