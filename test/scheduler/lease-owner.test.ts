import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDeadLeaseOwner, newLeaseOwner, pidRuns, processPlace, type ProcessPlace } from '../../src/scheduler/lease-owner.js';
import { deadPid, liveProcess } from '../helpers/pids.js';

describe('lease owner ids', () => {
  const here = processPlace();
  let gone: number;
  let live: Awaited<ReturnType<typeof liveProcess>>;
  beforeAll(async () => {
    gone = await deadPid();
    live = await liveProcess();
  });
  afterAll(() => live.stop());
  /** An owner id another process at `place` would have made (its own random life). */
  const ownerOf = (pid: number, place: Partial<ProcessPlace> = {}) => newLeaseOwner({ ...here, life: 'ANOTHERLIFE2', thread: 0, pid, ...place });

  it('knows the place this process runs in (on Linux: host name, boot id and PID namespace)', () => {
    expect(here.place).toBeDefined();
    if (process.platform === 'linux') expect(here.place).toMatch(/^.+\/[0-9a-f-]{36}\/\d+$/);
    expect(newLeaseOwner()).toContain(`.${process.pid}.`);
    expect(newLeaseOwner()).not.toBe(newLeaseOwner());
  });

  it('judges dead an owner of this place whose pid no process has', () => {
    expect(pidRuns(gone)).toBe(false);
    expect(isDeadLeaseOwner(ownerOf(gone))).toBe(true);
  });

  it('never judges dead a pid that runs, this process, or an owner of another place or shape', () => {
    expect(isDeadLeaseOwner(ownerOf(live.pid))).toBe(false);
    expect(isDeadLeaseOwner(newLeaseOwner())).toBe(false);
    // Another host, or the same host name in another PID namespace (a container): its pids are not ours to read.
    expect(isDeadLeaseOwner(ownerOf(gone, { place: 'elsewhere' }))).toBe(false);
    expect(isDeadLeaseOwner(ownerOf(gone, { place: `${here.place}0` }))).toBe(false);
    expect(isDeadLeaseOwner(ownerOf(gone), { ...here, place: `${here.place}/other` })).toBe(false);
    // Older releases' ids and names in tests say nothing about a process.
    expect(isDeadLeaseOwner('wrk-7K2F9QABCDEF')).toBe(false);
    expect(isDeadLeaseOwner('dead-process')).toBe(false);
  });

  it('judges dead an earlier life of this very pid (a container restarted as the same pid), not another thread of it', () => {
    expect(isDeadLeaseOwner(ownerOf(process.pid, { thread: here.thread }))).toBe(true);
    expect(isDeadLeaseOwner(ownerOf(process.pid, { thread: here.thread + 1 }))).toBe(false);
    expect(isDeadLeaseOwner(ownerOf(process.pid, { thread: here.thread, life: here.life }))).toBe(false);
  });

  it('without a known place names none and judges nothing dead', () => {
    const nowhere = { ...here, place: undefined };
    expect(newLeaseOwner(nowhere)).toMatch(/^wrk-[2-9A-Z]{12}$/);
    expect(isDeadLeaseOwner(ownerOf(gone), nowhere)).toBe(false);
  });

  it('takes only ESRCH as "does not run": a pid it may not signal runs', () => {
    expect(pidRuns(process.pid)).toBe(true);
    expect(pidRuns(live.pid)).toBe(true);
    expect(pidRuns(1)).toBe(true); // init: EPERM unless root, and it runs either way
    expect(pidRuns(0)).toBe(true); // kill(0) would signal our group: never read as a pid
  });
});
