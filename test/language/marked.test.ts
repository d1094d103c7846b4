import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDirectoryFile } from '../../src/directory/file-directory.js';
import { understand, type UnderstandOptions } from '../../src/language/understand.js';

const directory = loadDirectoryFile(fileURLToPath(new URL('./fixtures/directory.json', import.meta.url)));
const options: UnderstandOptions = { directory, requesterId: 'u-emma', now: new Date('2026-11-23T08:00:00Z') };

describe('understand: people the channel marked (a Slack mention)', () => {
  it('takes the marked words as that directory user, where the name alone is two people', async () => {
    expect((await understand('give Jan send as on Sales', options)).grantee).toMatchObject({ status: 'ambiguous' });
    const u = await understand('give Jan send as on Sales', { ...options, mentions: [{ text: 'Jan', userId: 'u-jan-v' }] });
    expect(u).toMatchObject({ intent: 'grant', permission: 'SendAs', grantee: { status: 'resolved', id: 'u-jan-v' }, target: { status: 'resolved', id: 'g-sales' } });
  });

  it('reads a marked person the channel could not identify as unknown, never as a namesake', async () => {
    const u = await understand('give Zoë Dubois send as on Sales', { ...options, mentions: [{ text: 'Zoë Dubois' }] });
    expect(u.grantee).toEqual({ status: 'unknown', text: 'Zoë Dubois' });
  });

  it('coordinates marked people like typed names', async () => {
    const u = await understand('give Jan and Zoë Dubois send as on Sales', { ...options, mentions: [{ text: 'Jan', userId: 'u-jan-b' }, { text: 'Zoë Dubois', userId: 'u-zoe' }] });
    expect(u).toMatchObject({ intent: 'grant', permission: 'SendAs' });
    expect(u.grantees).toEqual([{ status: 'resolved', id: 'u-jan-b' }, { status: 'resolved', id: 'u-zoe' }]);
  });

  it('reads the words of a marked person as their name, never as a cue: a name like "Nobody Home" is no negation', async () => {
    const known = await understand('give Nobody Home send as on Sales', { ...options, mentions: [{ text: 'Nobody Home', userId: 'u-jan-v' }] });
    expect(known).toMatchObject({ intent: 'grant', permission: 'SendAs', grantee: { status: 'resolved', id: 'u-jan-v' }, target: { status: 'resolved', id: 'g-sales' } });
    const unknown = await understand('give Never Status send as on Sales', { ...options, mentions: [{ text: 'Never Status' }] });
    expect(unknown).toMatchObject({ intent: 'grant', permission: 'SendAs', grantee: { status: 'unknown', text: 'Never Status' } });
  });

  describe('marked people side by side, as Slack autocomplete writes them (only a space between)', () => {
    it('reads two known people as a list of grantees, one resolution each', async () => {
      const u = await understand('give Jan Zoë Dubois send as on Sales', { ...options, mentions: [{ text: 'Jan', userId: 'u-jan-v' }, { text: 'Zoë Dubois', userId: 'u-zoe' }] });
      expect(u).toMatchObject({ intent: 'grant', permission: 'SendAs', target: { status: 'resolved', id: 'g-sales' } });
      expect(u.grantees).toEqual([{ status: 'resolved', id: 'u-jan-v' }, { status: 'resolved', id: 'u-zoe' }]);
    });

    it('keeps a marked person the channel could not identify in the list, as unknown', async () => {
      const u = await understand('give Jan Zoë Outside send as on Sales', { ...options, mentions: [{ text: 'Jan', userId: 'u-jan-v' }, { text: 'Zoë Outside' }] });
      expect(u).toMatchObject({ intent: 'grant', permission: 'SendAs' });
      expect(u.grantees).toEqual([{ status: 'resolved', id: 'u-jan-v' }, { status: 'unknown', text: 'Zoë Outside' }]);
    });

    it('reads a long run of marked people, known and unknown, as one list in the order written', async () => {
      const people = ['Mark Visser', 'Iris Bakker', 'Mei Chen', 'Liam O\'Connor', 'Noor El Amrani'];
      const ids = ['u-mark', 'u-iris', 'u-mei', 'u-liam', 'u-noor'];
      const text = `give ${people.join(' ')} Sam Outsider send on behalf on Sales`;
      const u = await understand(text, { ...options, mentions: [...people.map((p, i) => ({ text: p, userId: ids[i] })), { text: 'Sam Outsider' }] });
      expect(u).toMatchObject({ intent: 'grant', permission: 'SendOnBehalf' });
      expect(u.grantees).toEqual([...ids.map((id) => ({ status: 'resolved', id })), { status: 'unknown', text: 'Sam Outsider' }]);
    });

    it('mixes with typed separators: "A B and C", "A, B C"', async () => {
      const mentions = [{ text: 'Jan', userId: 'u-jan-v' }, { text: 'Zoë Dubois', userId: 'u-zoe' }, { text: 'Mei Chen', userId: 'u-mei' }];
      const expected = [{ status: 'resolved', id: 'u-jan-v' }, { status: 'resolved', id: 'u-zoe' }, { status: 'resolved', id: 'u-mei' }];
      expect((await understand('give Jan Zoë Dubois and Mei Chen send as on Sales', { ...options, mentions })).grantees).toEqual(expected);
      expect((await understand('give Jan, Zoë Dubois Mei Chen send as on Sales', { ...options, mentions })).grantees).toEqual(expected);
    });

    it('leaves typed names side by side as one name: only marked people make a list', async () => {
      // "Daan Jansen" is one person, though "Daan" and "Jansen" are each a name of their own.
      const plain = await understand('give Daan Jansen send as on Sales', options);
      expect(plain.grantee).toEqual({ status: 'resolved', id: 'u-daan' });
      expect(plain.grantees).toBeUndefined();
      // A marked person beside a typed name is not read as a list either (the bot does not guess).
      const mixed = await understand('give Jan Mei Chen send as on Sales', { ...options, mentions: [{ text: 'Jan', userId: 'u-jan-v' }] });
      expect(mixed.grantees).toBeUndefined();
      expect(mixed.grantee).not.toEqual({ status: 'resolved', id: 'u-jan-v' });
    });
  });

  it('reads words two marked namesakes share as both of them (the bot asks), never silently as the first', async () => {
    // Both Jans shown as "Jan": which "Jan" is whom cannot be told from the words.
    const both = await understand('give Jan Jan send as on Sales', { ...options, mentions: [{ text: 'Jan', userId: 'u-jan-v' }, { text: 'Jan', userId: 'u-jan-b' }] });
    expect(both.grantees).toEqual([{ status: 'ambiguous', candidates: ['u-jan-v', 'u-jan-b'] }, { status: 'ambiguous', candidates: ['u-jan-v', 'u-jan-b'] }]);
    // One of them someone the bot does not serve (a guest with the same name): nobody it may act for.
    const guest = await understand('give Jan send as on Sales', { ...options, mentions: [{ text: 'Jan', userId: 'u-jan-v' }, { text: 'Jan' }] });
    expect(guest.grantee).toEqual({ status: 'unknown', text: 'Jan' });
  });
});
