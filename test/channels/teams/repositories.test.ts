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

describe('TeamsRepository references', () => {
  it('keeps the locale and time zone Teams reported when a later save reports none (a chat the bot opened)', async () => {
    const repository = new TeamsRepository(createMemoryStore(), new ManualClock(0));
    const chat = (id: string) => ({ conversation: { id } as never, serviceUrl: 'http://127.0.0.1:1/' });
    await repository.saveReference('u1', chat('a:personal'), { locale: 'nl-NL', timeZone: 'Europe/Amsterdam' });
    await repository.saveReference('u1', chat('a:1to1'));
    expect(await repository.reference('u1')).toMatchObject({ reference: { conversation: { id: 'a:1to1' } }, locale: 'nl-NL', timeZone: 'Europe/Amsterdam' });
    // A newer report wins.
    await repository.saveReference('u1', chat('a:1to1'), { locale: 'en-US', timeZone: 'Asia/Tokyo' });
    expect(await repository.reference('u1')).toMatchObject({ locale: 'en-US', timeZone: 'Asia/Tokyo' });
    // Forgotten (uninstalled): nothing carried over.
    await repository.forgetReference('u1');
    await repository.saveReference('u1', chat('a:again'));
    expect((await repository.reference('u1'))?.timeZone).toBeUndefined();
  });

  it("a click's zone updates the saved chat, never replaces it, and saves nothing for someone never reached", async () => {
    const repository = new TeamsRepository(createMemoryStore(), new ManualClock(0));
    await repository.saveReference('u1', { conversation: { id: 'a:personal' } as never, serviceUrl: 'http://127.0.0.1:1/' });
    await repository.updateClient('u1', { locale: 'en-US', timeZone: 'Europe/Amsterdam' });
    expect(await repository.reference('u1')).toMatchObject({ reference: { conversation: { id: 'a:personal' } }, locale: 'en-US', timeZone: 'Europe/Amsterdam' });
    await repository.updateClient('u1', {});
    expect((await repository.reference('u1'))?.timeZone).toBe('Europe/Amsterdam');
    await repository.updateClient('u2', { timeZone: 'Europe/Amsterdam' });
    expect(await repository.reference('u2')).toBeUndefined();
  });
});

describe('TeamsRepository service URLs', () => {
  it("keeps each tenant's newest service URL in the store, read by another instance", async () => {
    const store = createMemoryStore();
    const clock = new ManualClock(0);
    const one = new TeamsRepository(store, clock);
    const other = new TeamsRepository(store, clock);
    expect(await one.serviceUrl('t1')).toBeUndefined();
    await one.noteServiceUrl('t1', 'https://smba.example/old/');
    await one.noteServiceUrl('t2', 'https://smba.example/t2/');
    expect(await other.serviceUrl('t1')).toBe('https://smba.example/old/');
    await one.noteServiceUrl('t1', 'https://smba.example/new/');
    expect(await one.serviceUrl('t1')).toBe('https://smba.example/new/');
    // The other instance trusts what it read for a minute, then asks the store again.
    clock.advance(60_000);
    expect(await other.serviceUrl('t1')).toBe('https://smba.example/new/');
    expect(await other.serviceUrl('t2')).toBe('https://smba.example/t2/');
  });
});
