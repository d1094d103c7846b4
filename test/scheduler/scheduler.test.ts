import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { Scheduler, type TimerRecord } from '../../src/scheduler/scheduler.js';
import { createMemoryStore } from '../../src/store/memory-store.js';

function setup() {
  const clock = new ManualClock(1_000_000);
  const store = createMemoryStore();
  const runs: string[] = [];
  const make = () => {
    const scheduler = new Scheduler({ store, clock, leaseMs: 60_000 });
    scheduler.handle('postback', async (t: TimerRecord) => void runs.push(`${scheduler.instanceId}:${t.id}`));
    return scheduler;
  };
  return { clock, store, runs, make };
}

describe('durable scheduler', () => {
  it('runs a timer when due, once', async () => {
    const { clock, runs, make } = setup();
    const scheduler = make();
    await scheduler.schedule('postback', 'REQ-1', clock.now() + 1_000);
    expect(await scheduler.runDue()).toBe(0);
    clock.advance(1_000);
    expect(await scheduler.runDue()).toBe(1);
    expect(await scheduler.runDue()).toBe(0);
    expect(runs).toHaveLength(1);
    expect(await scheduler.pending()).toEqual([]);
  });

  it('scheduling the same timer twice keeps one', async () => {
    const { clock, make } = setup();
    const scheduler = make();
    await scheduler.schedule('postback', 'REQ-1', clock.now() + 5);
    await scheduler.schedule('postback', 'REQ-1', clock.now() + 10);
    expect(await scheduler.pending()).toHaveLength(1);
  });

  it('two schedulers on one store run a due timer exactly once', async () => {
    const { clock, runs, make } = setup();
    const a = make();
    const b = make();
    for (let i = 0; i < 20; i++) await a.schedule('postback', `REQ-${i}`, clock.now());
    await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
    expect(runs).toHaveLength(20);
    expect(new Set(runs.map((r) => r.split(':').slice(1).join(':'))).size).toBe(20);
  });

  it('cancel removes the named timers of one request only', async () => {
    const { clock, make } = setup();
    const scheduler = make();
    await scheduler.schedule('postback', 'REQ-1', clock.now() + 1_000);
    await scheduler.schedule('postback', 'REQ-2', clock.now() + 1_000);
    await scheduler.cancel('REQ-1', ['postback', 'expire']);
    expect((await scheduler.pending()).map((t) => t.requestId)).toEqual(['REQ-2']);
  });

  it('picks up timers another process scheduled: at their due time, or within the rescan interval', async () => {
    const { clock, runs, make } = setup();
    const worker = make();
    const other = make();
    await worker.runDue(); // first scan: nothing yet
    await other.schedule('postback', 'REQ-later', clock.now() + 60_000);
    await other.schedule('postback', 'REQ-now', clock.now());
    expect(await worker.runDue()).toBe(0); // scanned a moment ago and nothing it knew of is due
    clock.advance(30_000);
    expect(await worker.runDue()).toBe(1); // the rescan finds REQ-now
    clock.advance(30_000);
    expect(await worker.runDue()).toBe(1); // REQ-later, at its due time
    expect(runs.map((r) => r.split(':')[1])).toEqual(['REQ-now', 'REQ-later']);
  });

  it('an overdue timer runs on the first pass after a restart', async () => {
    const { clock, runs, make } = setup();
    await make().schedule('postback', 'REQ-1', clock.now() + 1_000);
    clock.advance(3_600_000); // the process was down for an hour
    expect(await make().runDue()).toBe(1);
    expect(runs).toHaveLength(1);
  });

  it('a handler that throws keeps its timer and retries with backoff', async () => {
    const { clock, store } = setup();
    const scheduler = new Scheduler({ store, clock });
    let calls = 0;
    scheduler.handle('expire', async () => {
      calls++;
      if (calls === 1) throw new Error('store hiccup');
    });
    await scheduler.schedule('expire', 'REQ-1', clock.now());
    await scheduler.runDue();
    const [kept] = await scheduler.pending();
    expect(kept).toMatchObject({ failures: 1, dueAt: clock.now() + 2_000 });
    clock.advance(2_000);
    await scheduler.runDue();
    expect(calls).toBe(2);
    expect(await scheduler.pending()).toEqual([]);
  });

  it('start() polls in real time and stop() ends it', async () => {
    const { clock, runs } = setup();
    const scheduler = new Scheduler({ store: createMemoryStore(), clock, pollMs: 5 });
    scheduler.handle('postback', async () => void runs.push('ran'));
    scheduler.start();
    await scheduler.schedule('postback', 'REQ-1', clock.now());
    for (let i = 0; i < 100 && runs.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    await scheduler.stop();
    expect(runs).toEqual(['ran']);
  });
});
