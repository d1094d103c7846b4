import { describe, expect, it } from 'vitest';
import { SEEN_PRECISION_MS, SlackRepository, type SlackCopy } from '../../../src/channels/slack/repository.js';
import { ManualClock } from '../../../src/domain/clock.js';
import { createMemoryStore } from '../../../src/store/memory-store.js';

const copy = (n: number): SlackCopy => ({ userId: `u-${n}`, role: 'approver', channel: `D00000000${n}`, ts: `1763884800.00000${n}`, lang: 'en' });

describe('SlackRepository', () => {
  it('keeps every copy posted in parallel, also when the caller read an older record', async () => {
    const repository = new SlackRepository(createMemoryStore(), new ManualClock());
    await repository.addCopy('REQ-1', copy(0));
    const stale = await repository.copiesRecord('REQ-1');
    await Promise.all([1, 2, 3, 4].map((n) => repository.addCopy('REQ-1', copy(n), n === 1 ? stale : undefined)));
    await repository.addCopy('REQ-1', copy(5), stale);
    expect((await repository.copies('REQ-1')).map((c) => c.userId).sort()).toEqual(['u-0', 'u-1', 'u-2', 'u-3', 'u-4', 'u-5']);
  });

  it('records when a person last spoke in Slack, to the minute, and a change of Slack account at once', async () => {
    const clock = new ManualClock();
    const store = createMemoryStore();
    const repository = new SlackRepository(store, clock);
    const start = clock.now();
    await repository.recordSeen('u-alex', 'U0ALEX0001');
    clock.advance(SEEN_PRECISION_MS - 1);
    await repository.recordSeen('u-alex', 'U0ALEX0001');
    expect(await repository.lastSeen('u-alex')).toBe(start);
    clock.advance(1);
    await repository.recordSeen('u-alex', 'U0ALEX0001');
    expect(await repository.lastSeen('u-alex')).toBe(start + SEEN_PRECISION_MS);
    clock.advance(1000);
    await repository.recordSeen('u-alex', 'U0ALEXNEW1');
    expect(await repository.lastSeen('u-alex')).toBe(clock.now());
    // Another instance (its own repository on the same store) reads what this one wrote.
    expect(await new SlackRepository(store, clock).lastSeen('u-alex')).toBe(clock.now());
    expect(await repository.lastSeen('u-nobody')).toBeUndefined();
  });
});
