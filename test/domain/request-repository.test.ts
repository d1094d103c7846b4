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
});
