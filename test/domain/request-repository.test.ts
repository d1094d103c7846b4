import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { cursorOf, parseCursor, RequestRepository } from '../../src/domain/request-repository.js';
import type { DurableStore } from '../../src/store/durable-store.js';
import { createSqliteStore } from '../../src/store/keyv-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';

describe('page cursors', () => {
  it('round-trip whole and fractional scores (the stores keep the clock number as it is)', () => {
    for (const entry of [
      { score: 1_764_000_000_000, member: 'aud-1' },
      { score: 1700.5, member: 'aud-0001700-5.x' },
      { score: 1700, member: '5.aud' },
      { score: 0, member: 'REQ-1' },
    ]) {
      expect(parseCursor(cursorOf(entry))).toEqual(entry);
    }
  });

  it('read the cursors of the version before (score.member, whole scores), which posted cards may carry', () => {
    expect(parseCursor('1764000000000.aud-1.x')).toEqual({ score: 1_764_000_000_000, member: 'aud-1.x' });
  });

  it('refuse what no page handed out', () => {
    for (const bad of ['abc', '.REQ-1', '12', '12.', 'x12.REQ-1', '1e3.REQ-1', '|REQ-1', '12|', 'x|REQ-1', '1e3|REQ-1']) {
      expect(() => parseCursor(bad), bad).toThrow(expect.objectContaining({ code: 'invalid_request' }));
    }
    expect(parseCursor(undefined)).toBeUndefined();
  });
});

const dir = mkdtempSync(join(tmpdir(), 'audit-span-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each([
  ['memory', () => createMemoryStore()],
  ['SQLite', () => createSqliteStore(join(dir, 'audit.sqlite'))],
] as const)('audit pages within a span (%s)', (_name, open: () => DurableStore) => {
  it('hold the entries with since <= at < until, newest first, paged, with no empty page after the last', async () => {
    const store = open();
    const clock = new ManualClock(1_000);
    const repo = new RequestRepository(store, clock, { approverReminderMs: 0, requestExpiryMs: 0, maxRechecks: 0 });
    // Two entries in each of the milliseconds 1000, 2000, ..., 6000.
    for (let at = 1_000; at <= 6_000; at += 1_000) {
      clock.set(at);
      for (const detail of ['a', 'b']) await repo.recordAlone({ requestId: '', targetId: 't-1', granteeId: '', actorId: 'u-1', action: 'created', outcome: 'refused', detail });
    }
    const read = async (options: { since?: number; until?: number; before?: string }) => {
      const pages: number[][] = [];
      let before = options.before;
      for (;;) {
        const page = await repo.auditPage('audit:target:t-1', { limit: 3, ...options, ...(before ? { before } : {}) });
        pages.push(page.entries.map((e) => e.at));
        if (!page.next) return pages;
        before = page.next;
      }
    };
    // [2000, 5000): 2000, 3000 and 4000, two each; 5000 is the end, left out.
    expect(await read({ since: 2_000, until: 5_000 })).toEqual([[4_000, 4_000, 3_000], [3_000, 2_000, 2_000]]);
    expect(await read({ since: 5_000 })).toEqual([[6_000, 6_000, 5_000], [5_000]]);
    expect(await read({ until: 2_000 })).toEqual([[1_000, 1_000]]);
    expect(await read({ since: 7_000, until: 8_000 })).toEqual([[]]);
    // A cursor above the span (a tampered button) starts at its end all the same.
    expect(await read({ since: 5_000, until: 6_000, before: '9000|x' })).toEqual([[5_000, 5_000]]);
    await store.close();
  });

  it('a person on one mailbox or group: only their entries there, paged, within a span', async () => {
    const store = open();
    const clock = new ManualClock(1_000);
    const repo = new RequestRepository(store, clock, { approverReminderMs: 0, requestExpiryMs: 0, maxRechecks: 0 });
    // The SQLite file is the test's above too: another person than its u-1.
    // Each millisecond 1000 ... 6000: u-5 on t-1, u-5 on t-2, and u-2 on t-1.
    for (let at = 1_000; at <= 6_000; at += 1_000) {
      clock.set(at);
      await repo.recordAlone({ requestId: '', targetId: 't-1', granteeId: 'u-5', actorId: 'u-9', action: 'created', outcome: 'refused' });
      await repo.recordAlone({ requestId: '', targetId: 't-2', granteeId: 'u-5', actorId: 'u-9', action: 'created', outcome: 'refused' });
      await repo.recordAlone({ requestId: '', targetId: 't-1', granteeId: 'u-2', actorId: 'u-9', action: 'created', outcome: 'refused' });
    }
    const read = async (options: { since?: number; until?: number }) => {
      const pages: Array<Array<[number, string, string]>> = [];
      let before: string | undefined;
      for (;;) {
        const page = await repo.auditPage('audit:person:u-5', { limit: 2, targetId: 't-1', ...options, ...(before ? { before } : {}) });
        pages.push(page.entries.map((e) => [e.at, e.granteeId, e.targetId]));
        if (!page.next) return pages;
        before = page.next;
      }
    };
    const on = (at: number): [number, string, string] => [at, 'u-5', 't-1'];
    expect(await read({})).toEqual([[on(6_000), on(5_000)], [on(4_000), on(3_000)], [on(2_000), on(1_000)]]);
    expect(await read({ since: 2_000, until: 5_000 })).toEqual([[on(4_000), on(3_000)], [on(2_000)]]);
    expect(await read({ since: 7_000 })).toEqual([[]]);
    await store.close();
  });
});

describe('an audit index filtered by a mailbox or group', () => {
  it('reads at most a thousand entries per page: a long stretch elsewhere gives a short page that continues', async () => {
    const store = createMemoryStore();
    const clock = new ManualClock(1_000);
    const repo = new RequestRepository(store, clock, { approverReminderMs: 0, requestExpiryMs: 0, maxRechecks: 0 });
    await repo.recordAlone({ requestId: '', targetId: 't-1', granteeId: 'u-1', actorId: 'u-9', action: 'created', outcome: 'refused' });
    for (let i = 0; i < 1_100; i++) {
      clock.advance(1);
      await repo.recordAlone({ requestId: '', targetId: 't-2', granteeId: 'u-1', actorId: 'u-9', action: 'created', outcome: 'refused' });
    }
    const first = await repo.auditPage('audit:person:u-1', { limit: 10, targetId: 't-1' });
    expect(first.entries).toEqual([]);
    expect(first.next).toBeDefined();
    const second = await repo.auditPage('audit:person:u-1', { limit: 10, targetId: 't-1', before: first.next! });
    expect(second.entries.map((e) => [e.at, e.targetId])).toEqual([[1_000, 't-1']]);
    expect(second.next).toBeUndefined();
    await store.close();
  });
});
