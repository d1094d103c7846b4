import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/store/keyv-store.js';

const dir = mkdtempSync(join(tmpdir(), 'work-queue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = 1_800_000_000_000;

/** A worker process (sqlite-claim-process.ts) and its stdout, line by line. */
interface Worker {
  child: ChildProcess;
  lines: AsyncIterator<string>;
  exit: Promise<unknown[]>;
}

interface WorkerReport {
  claimed: string[];
  lost: number;
  retries: number;
}

function startWorkers(file: string, count: number): Worker[] {
  const script = fileURLToPath(new URL('./sqlite-claim-process.ts', import.meta.url));
  return Array.from({ length: count }, (_, i) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, file, `worker-${i}`, String(T0)], {
      cwd: join(dirname(script), '..', '..'),
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    return { child, lines: createInterface({ input: child.stdout })[Symbol.asyncIterator](), exit: once(child, 'exit') };
  });
}

describe('SQLite work queue across processes', () => {
  it('three OS processes claiming from one new file never lease one job twice, and together finish every job', async () => {
    const file = join(dir, 'claims.sqlite');
    // The workers open the new file first, at the same time: each creates or finds the schema.
    const workers = startWorkers(file, 3);
    try {
      for (const { lines } of workers) expect((await lines.next()).value).toBe('ready');
      const store = createSqliteStore(file);
      const ids = Array.from({ length: 600 }, (_, i) => `job-${i}`);
      await store.commit({
        records: [{ namespace: 'counters', key: 'done', expect: 'absent', value: 0 }],
        schedule: ids.map((id, i) => ({ id, kind: 'test', dueAt: T0 - i })),
      });
      for (const { child } of workers) child.stdin!.write('go\n');
      const reports = await Promise.all(workers.map(async ({ lines }) => JSON.parse((await lines.next()).value as string) as WorkerReport));
      expect((await Promise.all(workers.map(({ exit }) => exit))).map(([code]) => code)).toEqual([0, 0, 0]);

      const claimed = reports.flatMap((report) => report.claimed);
      expect(claimed).toHaveLength(ids.length);
      expect(new Set(claimed)).toEqual(new Set(ids));
      expect(reports.map((report) => report.lost)).toEqual([0, 0, 0]);
      expect(await store.get('counters', 'done')).toEqual({ version: 601, value: 600 });
      expect(await store.count('done')).toBe(600);
      expect(await store.work.size()).toBe(0);
      expect(await store.work.nextReadyAt()).toBeUndefined();
      await store.close();
    } finally {
      for (const { child } of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});

describe('SQLite work queue limits', () => {
  it('claims nothing for a limit below 1, as memory does (SQLite alone would read LIMIT -1 as no limit)', async () => {
    const store = createSqliteStore(join(dir, 'limits.sqlite'));
    await store.commit({ schedule: [{ id: 'a', kind: 'k', dueAt: T0 }] });
    for (const limit of [0, -1]) expect(await store.work.claim({ owner: 'w', now: T0, leaseMs: 1_000, limit })).toEqual([]);
    expect((await store.work.get('a'))?.lease).toBeUndefined();
    await store.close();
  });
});

describe('SQLite work queue across a restart', () => {
  it('keeps jobs, leases, attempts and the order of an order key when the file is closed and opened again', async () => {
    const file = join(dir, 'restart.sqlite');
    const before = createSqliteStore(file);
    await before.commit({
      schedule: [
        { id: 'running', kind: 'send', dueAt: T0, payload: { to: 'u-1' } },
        { id: 'first', kind: 'send', dueAt: T0 + 100, orderKey: 'REQ-1:u-2' },
      ],
    });
    const [running] = await before.work.claim({ owner: 'dead-process', now: T0, leaseMs: 60_000, limit: 1 });
    await before.close();

    const after = createSqliteStore(file);
    await after.commit({ schedule: [{ id: 'second', kind: 'send', dueAt: T0, orderKey: 'REQ-1:u-2' }] });
    expect(await after.work.get('running')).toMatchObject({ id: 'running', lease: { owner: 'dead-process', until: T0 + 60_000 } });
    // The second of the order waits for the first, though it is due earlier and came after a restart.
    const [first] = await after.work.claim({ owner: 'w', now: T0 + 100, leaseMs: 1_000, limit: 10 });
    expect(first?.id).toBe('first');
    expect(await after.work.nextReadyAt()).toBe(T0 + 1_100);
    expect(await after.work.complete(first!, 'w')).toBe(true);
    // The dead process's lease lapses; any live worker takes the job over.
    const taken = await after.work.claim({ owner: 'w', now: T0 + 60_000, leaseMs: 1_000, limit: 10 });
    expect(taken.map((j) => j.id)).toEqual(['second', 'running']);
    expect(taken[1]).toMatchObject({ seq: running!.seq, payload: { to: 'u-1' }, lease: { owner: 'w', until: T0 + 61_000 } });
    await after.close();
  });
});
