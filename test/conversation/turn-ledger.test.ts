import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TurnLedger } from '../../src/conversation/turn-ledger.js';
import { ManualClock } from '../../src/domain/clock.js';
import { createSqliteStore } from '../../src/store/keyv-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';

const HOUR = 3_600_000;

describe('TurnLedger: one answer per message id', () => {
  it('the first claim of an id wins; the same id on another channel is another message', async () => {
    const ledger = new TurnLedger(createMemoryStore(), new ManualClock());
    expect(await ledger.claim('teams', 'act-1')).toBe(true);
    expect(await ledger.claim('teams', 'act-1')).toBe(false);
    expect(await ledger.claim('slack', 'act-1')).toBe(true);
    expect(await ledger.claim('teams', 'act-2')).toBe(true);
  });

  it('holds across instances on one store and across a restart on a SQLite file; concurrent claims give one winner', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
    try {
      const clock = new ManualClock();
      const file = join(dir, 'bot.sqlite');
      const store = createSqliteStore(file);
      const [a, b] = [new TurnLedger(store, clock), new TurnLedger(store, clock)];
      const wins = await Promise.all([a.claim('teams', 'act-9'), b.claim('teams', 'act-9'), a.claim('teams', 'act-9')]);
      expect(wins.filter(Boolean)).toHaveLength(1);
      await store.close();
      const reopened = createSqliteStore(file);
      expect(await new TurnLedger(reopened, clock).claim('teams', 'act-9')).toBe(false);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('forgets ids older than a day, and keeps the recent ones', async () => {
    const clock = new ManualClock();
    const store = createMemoryStore();
    const ledger = new TurnLedger(store, clock);
    await ledger.claim('teams', 'old');
    clock.advance(23 * HOUR);
    await ledger.claim('teams', 'recent');
    clock.advance(2 * HOUR);
    expect(await ledger.sweep()).toBe(1);
    expect(await ledger.claim('teams', 'old')).toBe(true);
    expect(await ledger.claim('teams', 'recent')).toBe(false);
  });
});
