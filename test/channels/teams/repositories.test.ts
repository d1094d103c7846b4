import { describe, expect, it } from 'vitest';
import { TeamsRepository, type CardCopy } from '../../../src/channels/teams/repositories.js';
import { ManualClock } from '../../../src/domain/clock.js';
import { createMemoryStore } from '../../../src/store/memory-store.js';

const copy = (userId: string, role: CardCopy['role'], activityId: string): CardCopy => ({
  userId,
  role,
  activityId,
  lang: 'en',
  reference: { conversation: { id: `a:${userId}` } as never, serviceUrl: 'http://127.0.0.1:1/' },
});

describe('TeamsRepository card copies', () => {
  it('keeps the summary and every approver copy written at the same moment', async () => {
    const repository = new TeamsRepository(createMemoryStore(), new ManualClock(0));
    await Promise.all([
      repository.addCardCopy('REQ-1', copy('requester', 'summary', 's1')),
      repository.addCardCopy('REQ-1', copy('owner-1', 'approver', 'a1')),
      repository.addCardCopy('REQ-1', copy('owner-2', 'approver', 'a2')),
      repository.addCardCopy('REQ-1', copy('owner-1', 'approver', 'a3')),
    ]);
    const copies = await repository.cardCopies('REQ-1');
    expect(copies.map((c) => c.activityId).sort()).toEqual(['a1', 'a2', 'a3', 's1']);
    expect(await repository.cardCopies('REQ-2')).toEqual([]);
  });

  it('reads records written before summaries had their own key', async () => {
    const store = createMemoryStore();
    await store.create('cards', 'REQ-1', [copy('requester', 'summary', 's1'), copy('owner-1', 'approver', 'a1')]);
    const repository = new TeamsRepository(store, new ManualClock(0));
    await repository.addCardCopy('REQ-1', copy('owner-1', 'approver', 'a2'));
    expect((await repository.cardCopies('REQ-1')).map((c) => c.activityId)).toEqual(['s1', 'a1', 'a2']);
  });
});
