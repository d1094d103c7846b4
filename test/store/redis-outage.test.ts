import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BotError } from '../../src/domain/errors.js';
import { PrometheusMetrics } from '../../src/observability/prometheus.js';
import type { DurableStore } from '../../src/store/durable-store.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { outageLog, rejection } from '../helpers/outage-log.js';
import { startTcpCut, type TcpCut } from '../helpers/tcp-cut.js';
import { redisTestPrefixes } from './redis-test-prefix.js';

const prefixes = redisTestPrefixes();
afterAll(() => prefixes.dropAll());

const T0 = 1_800_000_000_000;

// The shared Redis is reached through a loopback proxy this test cuts; the server itself is never stopped.
describe('Redis store: an outage fails calls at once and is logged once', () => {
  let cut: TcpCut;
  const opened: DurableStore[] = [];
  afterEach(async () => {
    cut?.restore();
    for (const store of opened.splice(0)) await store.close();
    await cut?.close();
  });

  const open = async (options: { commandTimeoutMs?: number; closeTimeoutMs?: number } = {}) => {
    cut = await startTcpCut({ host: '127.0.0.1', port: 6379 });
    const outage = outageLog();
    const store = await createRedisStore(`redis://127.0.0.1:${cut.port}`, { keyPrefix: prefixes.next(), outage: outage.log, ...options });
    opened.push(store);
    return { store, outage };
  };

  it('Redis gone: reads, commits and the work queue reject with store_unavailable instead of waiting; it works again once back', { timeout: 30_000 }, async () => {
    const { store, outage } = await open();
    const value = { state: 'pending' };
    expect(await store.commit({ records: [{ namespace: 'requests', key: 'REQ-1', expect: 'absent', value }], schedule: [{ id: 'REQ-1:remind', kind: 'remind', dueAt: T0 }] })).toBe(true);

    const lost = outage.next('error');
    cut.refuse();
    await lost;
    // Before the fix each of these waited in the client's offline queue until Redis came back.
    for (const call of [
      store.get('requests', 'REQ-1'),
      store.put('requests', 'REQ-2', value),
      store.commit({ records: [{ namespace: 'requests', key: 'REQ-1', expect: 1, value: { state: 'approved' } }] }),
      store.range('by-person'),
      store.count('by-person'),
      store.work.claim({ owner: 'w1', now: T0, leaseMs: 1_000, limit: 5 }),
      store.work.size(),
    ]) {
      const error = await rejection(call);
      expect(error).toBeInstanceOf(BotError);
      expect((error as BotError).code).toBe('store_unavailable');
      expect((error as BotError).retryable).toBe(true);
    }
    const listing = rejection((async () => {
      for await (const _ of store.entries('requests')) void _;
    })());
    expect(await listing).toMatchObject({ code: 'store_unavailable' });

    // Scrapes answer without the store's number.
    const metrics = new PrometheusMetrics();
    metrics.pendingWork(async () => ({ all: await store.work.size() }));
    expect((await metrics.exposition()).body).not.toMatch(/pending_work\{/);

    // Many failed calls and reconnect attempts, one line.
    expect(outage.lines).toEqual([{ level: 'error', message: expect.stringContaining(`lost Redis at 127.0.0.1:${cut.port}`) }]);

    const back = outage.next('info');
    cut.restore();
    await back;
    expect(await store.get('requests', 'REQ-1')).toEqual({ version: 1, value });
    expect(await store.work.size()).toBe(1);
    expect(outage.lines.map((line) => line.level)).toEqual(['error', 'info']);
  });

  it('a silent connection: a call fails within the deadline, unsent again; its write lands once when the cut heals', { timeout: 30_000 }, async () => {
    const { store, outage } = await open({ commandTimeoutMs: 300 });
    expect(await store.create('requests', 'REQ-1', { n: 1 })).toBe(true);

    cut.blackhole();
    const error = await rejection(store.commit({ records: [{ namespace: 'requests', key: 'REQ-1', expect: 1, value: { n: 2 } }] }));
    expect(error).toMatchObject({ code: 'store_unavailable', details: { outcome: 'unknown' } });
    expect(await rejection(store.get('requests', 'REQ-1'))).toMatchObject({ code: 'store_unavailable' });
    const listing = (async () => {
      for await (const _ of store.entries('requests')) void _;
    })();
    expect(await rejection(listing)).toMatchObject({ code: 'store_unavailable' });
    expect(outage.lines.filter((line) => line.level === 'error')).toHaveLength(1);

    const back = outage.next('info');
    cut.restore();
    await back; // the client reconnected (the timed-out call cut its silent connection)
    // The held commit runs once, when its bytes get through on the old connection (the proxy
    // delivers them as TCP would once the cut heals): version 2, never 3.
    let after = await store.get<{ n: number }>('requests', 'REQ-1');
    while (after?.version === 1) after = await store.get<{ n: number }>('requests', 'REQ-1');
    expect(after).toEqual({ version: 2, value: { n: 2 } });
    expect(outage.lines.map((line) => line.level)).toEqual(['error', 'info']);
  });

  it('a call unanswered on a silent connection makes the client reconnect: later calls fail at once, unsent, and work once the cut heals', { timeout: 30_000 }, async () => {
    const { store, outage } = await open({ commandTimeoutMs: 300 });
    expect(await store.create('requests', 'REQ-1', { n: 1 })).toBe(true);

    cut.blackhole();
    expect(await rejection(store.get('requests', 'REQ-1'))).toMatchObject({ code: 'store_unavailable', details: { outcome: 'unknown' } });
    // The connection was dropped: the client is reconnecting (its attempts held unanswered by the
    // cut), so these are refused at once, never sent, instead of each waiting out the deadline.
    for (const call of [store.get('requests', 'REQ-1'), store.put('requests', 'REQ-2', { n: 1 }), store.work.size()]) {
      expect(await rejection(call)).toMatchObject({ code: 'store_unavailable', details: { outcome: 'not_sent' } });
    }
    expect(outage.lines.filter((line) => line.level === 'error')).toHaveLength(1);

    const back = outage.next('info');
    cut.restore();
    await back; // reconnected
    expect(await store.get('requests', 'REQ-1')).toEqual({ version: 1, value: { n: 1 } });
    expect(await store.get('requests', 'REQ-2')).toBeUndefined();
    expect(outage.lines.map((line) => line.level)).toEqual(['error', 'info']);
  });

  it('closing during a silent cut finishes, and fails the call still waiting for its reply', { timeout: 30_000 }, async () => {
    // The call's own deadline (60 s) is far beyond the test's: only close can end it.
    const { store } = await open({ commandTimeoutMs: 60_000, closeTimeoutMs: 200 });
    expect(await store.create('requests', 'REQ-1', { n: 1 })).toBe(true);

    cut.blackhole();
    const inFlight = rejection(store.get('requests', 'REQ-1'));
    await store.close();
    opened.splice(opened.indexOf(store), 1);
    expect(await inFlight).toMatchObject({ code: 'store_unavailable' });
  });

  it('the schedule channel subscribes again after an outage, and the store closes while Redis is away', { timeout: 30_000 }, async () => {
    const { store, outage } = await open();
    // Polls wait on the real subscriber connection (up to 10 s), not on a timing to assert.
    let woken = 0;
    let wake: () => void = () => {};
    const unsubscribe = store.work.subscribe?.(() => {
      woken++;
      wake();
    });
    const woke = () => new Promise<void>((resolve) => (wake = resolve));
    // The subscription is opened in the background: a commit that schedules wakes it once it is in place.
    let first = woke();
    for (let i = 0; woken === 0 && i < 100; i++) {
      await store.commit({ schedule: [{ id: `J-${i}`, kind: 'k', dueAt: T0 }] });
      await Promise.race([first, new Promise((resolve) => setTimeout(resolve, 50))]);
    }
    await first;

    const lost = outage.next('error');
    cut.refuse();
    await lost;
    const back = outage.next('info');
    cut.restore();
    await back;
    const before = woken;
    first = woke();
    for (let i = 0; woken === before && i < 200; i++) {
      await store.commit({ schedule: [{ id: `K-${i}`, kind: 'k', dueAt: T0 }] });
      await Promise.race([first, new Promise((resolve) => setTimeout(resolve, 50))]);
    }
    await first;
    expect(woken).toBeGreaterThan(before);
    unsubscribe?.();

    cut.refuse();
    await store.close();
    opened.splice(opened.indexOf(store), 1);
  });
});
