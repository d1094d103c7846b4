import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FileDirectory, loadDirectoryFile, parseDirectoryFile } from '../../src/directory/file-directory.js';
import { markedAfter, markSlot, placeMarked, wordsAppearances, withoutMarkSlots } from '../../src/language/marked.js';
import { tokenize } from '../../src/language/tokens.js';
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

  it('reads the language from the words around a marked person, never from their name or the stand-in for it', async () => {
    // A stand-in in the person's client language ("the person you mentioned") in a Dutch message.
    const standIn = await understand('the person you mentioned geef Lotte volledige toegang tot Sales', { ...options, language: 'en', mentions: [{ text: 'the person you mentioned' }] });
    expect(standIn.language).toBe('nl');
    const dutchName = await understand('de persoon die je noemde give Lotte full access to Sales', { ...options, language: 'nl', mentions: [{ text: 'de persoon die je noemde' }] });
    expect(dutchName.language).toBe('en');
    // Unmarked, those words are words of the message.
    expect((await understand('the person you mentioned geef Lotte volledige toegang tot Sales', { ...options, language: 'en' })).language).toBe('en');
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

  it('reads words two marked namesakes share as both of them when the channel gives no places (the bot asks), never silently as the first', async () => {
    // Both Jans shown as "Jan": which "Jan" is whom cannot be told from the words.
    const both = await understand('give Jan Jan send as on Sales', { ...options, mentions: [{ text: 'Jan', userId: 'u-jan-v' }, { text: 'Jan', userId: 'u-jan-b' }] });
    expect(both.grantees).toEqual([{ status: 'ambiguous', candidates: ['u-jan-v', 'u-jan-b'] }, { status: 'ambiguous', candidates: ['u-jan-v', 'u-jan-b'] }]);
    // One of them someone the bot does not serve (a guest with the same name): nobody it may act for.
    const guest = await understand('give Jan send as on Sales', { ...options, mentions: [{ text: 'Jan', userId: 'u-jan-v' }, { text: 'Jan' }] });
    expect(guest.grantee).toEqual({ status: 'unknown', text: 'Jan' });
  });
});

/**
 * A directory where the name alone cannot tell people apart: two people called exactly "Megan Bowen"
 * (different ids and mail), and a person called "Sales" beside the group Sales.
 */
const namesakes = new FileDirectory(
  parseDirectoryFile({
    tenant: { id: 't-1', domain: 'contoso.example' },
    users: [
      { id: 'u-alex', displayName: 'Alex Wilber', mail: 'alexw@contoso.example' },
      { id: 'u-megan-1', displayName: 'Megan Bowen', mail: 'meganb@contoso.example' },
      { id: 'u-megan-2', displayName: 'Megan Bowen', mail: 'megan.bowen@contoso.example' },
      { id: 'u-megan-s', displayName: 'Megan Smith', mail: 'megans@contoso.example' },
      { id: 'u-sales', displayName: 'Sales', mail: 'sales.rep@contoso.example' },
      { id: 'u-admin', displayName: 'Ada Admin', mail: 'admin@contoso.example' },
    ],
    groups: [
      { id: 'g-training', displayName: 'Training', mail: 'training@contoso.example', owners: ['u-alex'], members: ['u-alex'] },
      { id: 'g-sales', displayName: 'Sales', mail: 'sales@contoso.example', owners: ['u-alex'], members: ['u-alex'] },
    ],
    admins: ['u-admin'],
  }),
);
const at = { directory: namesakes, requesterId: 'u-admin', now: new Date('2026-11-23T08:00:00Z') } satisfies UnderstandOptions;
const meganOne = { text: 'Megan Bowen', userId: 'u-megan-1' };
const meganTwo = { text: 'Megan Bowen', userId: 'u-megan-2' };
const salesPerson = { text: 'Sales', userId: 'u-sales' };

describe('understand: where the channel marked each person (MarkedMention.occurrences)', () => {
  it('tells two marked namesakes apart by where each stands: one grantee each, no question', async () => {
    for (const text of ['give Megan Bowen and Megan Bowen send-as on Training', 'give Megan Bowen Megan Bowen send-as on Training']) {
      const u = await understand(text, { ...at, mentions: [{ ...meganOne, occurrences: [0] }, { ...meganTwo, occurrences: [1] }] });
      expect(u, text).toMatchObject({ intent: 'grant', permission: 'SendAs', target: { status: 'resolved', id: 'g-training' } });
      expect(u.grantees, text).toEqual([{ status: 'resolved', id: 'u-megan-1' }, { status: 'resolved', id: 'u-megan-2' }]);
    }
    // Namesakes by first name only ("which Megan?" when typed) are each the person marked.
    const u = await understand('give Megan Bowen and Megan Smith send-as on Training', { ...at, mentions: [{ ...meganOne, occurrences: [0] }, { text: 'Megan Smith', userId: 'u-megan-s', occurrences: [0] }] });
    expect(u.grantees).toEqual([{ status: 'resolved', id: 'u-megan-1' }, { status: 'resolved', id: 'u-megan-s' }]);
  });

  it('gives each marked namesake the role of the place they stand in', async () => {
    const u = await understand("give Megan Bowen full access to Megan Bowen's mailbox", { ...at, mentions: [{ ...meganTwo, occurrences: [0] }, { ...meganOne, occurrences: [1] }] });
    expect(u).toMatchObject({ intent: 'grant', permission: 'FullAccess', grantee: { status: 'resolved', id: 'u-megan-2' }, target: { status: 'resolved', id: 'u-megan-1' } });
  });

  it('reads a typed name beside a marked person of the same name as typed: the marked person is the grantee, the group the target', async () => {
    const cases = ['give Sales send-as on Sales', 'Sales needs send-as on Sales', 'give Sales full access to Sales', 'geef Sales verzenden als op Sales', 'give send-as on Sales to Sales'];
    for (const text of cases) {
      const place = text.startsWith('give send-as') ? 1 : 0;
      const u = await understand(text, { ...at, mentions: [{ ...salesPerson, occurrences: [place] }] });
      expect(u, text).toMatchObject({ intent: 'grant', grantee: { status: 'resolved', id: 'u-sales' }, target: { status: 'resolved', id: 'g-sales' } });
    }
    // Typed, "Sales" after "on" is the person or the group: the bot asks (unchanged).
    expect((await understand('give Sales send-as on Sales', at)).target).toEqual({ status: 'ambiguous', candidates: ['u-sales', 'g-sales'] });
  });

  it('takes a marked person as the target mailbox only where nothing else can be: "give Megan send-as on @Alex"', async () => {
    const own = await understand('give Megan Smith send-as on Alex Wilber', { ...at, mentions: [{ text: 'Alex Wilber', userId: 'u-alex', occurrences: [0] }] });
    expect(own).toMatchObject({ intent: 'grant', grantee: { status: 'resolved', id: 'u-megan-s' }, target: { status: 'resolved', id: 'u-alex' } });
    const marked = await understand('give Megan Smith send-as on Sales', { ...at, mentions: [{ ...salesPerson, occurrences: [0] }] });
    expect(marked.target).toEqual({ status: 'resolved', id: 'u-sales' });
  });

  it('counts a marked person\'s place in the whole message, reason included', async () => {
    const u = await understand('give Sales send-as on Sales because Sales asked', { ...at, mentions: [{ ...salesPerson, occurrences: [0] }] });
    expect(u).toMatchObject({ intent: 'grant', grantee: { status: 'resolved', id: 'u-sales' }, target: { status: 'resolved', id: 'g-sales' }, reason: 'Sales asked' });
    // The two Megans, the second one in the reason: the first place is Megan One, and nobody else is read.
    const v = await understand('give Megan Bowen send-as on Training because Megan Bowen asked', { ...at, mentions: [{ ...meganOne, occurrences: [0] }, { ...meganTwo, occurrences: [1] }] });
    expect(v).toMatchObject({ intent: 'grant', grantee: { status: 'resolved', id: 'u-megan-1' } });
  });

  it('falls back to every appearance being every mark (the bot asks) when the places do not fit the text', async () => {
    // A place past the last appearance of the words.
    const past = await understand('give Megan Bowen Megan Bowen send-as on Training', { ...at, mentions: [{ ...meganOne, occurrences: [0] }, { ...meganTwo, occurrences: [2] }] });
    const both = { status: 'ambiguous', candidates: ['u-megan-1', 'u-megan-2'] };
    expect(past.grantees).toEqual([both, both]);
    // Counted by the channel in text that cleaning here changes (markup with words inside): not trusted.
    const changed = await understand('give Sales send-as on Sales <style>Sales</style>', { ...at, mentions: [{ ...salesPerson, occurrences: [0] }] });
    expect(changed).toMatchObject({ grantee: { status: 'resolved', id: 'u-sales' }, target: { status: 'resolved', id: 'u-sales' } });
  });
});

describe('placeMarked: where a channel marked each person, counted in the final text', () => {
  it('fills the slots and counts typed appearances of the same words before them', () => {
    expect(placeMarked(`give ${markSlot(0)} send-as on Sales`, ['Sales'])).toEqual({ text: 'give Sales send-as on Sales', occurrences: [[0]] });
    expect(placeMarked(`give Sales send-as on ${markSlot(0)}`, ['Sales'])).toEqual({ text: 'give Sales send-as on Sales', occurrences: [[1]] });
    expect(placeMarked(`give ${markSlot(0)} ${markSlot(1)} and ${markSlot(0)} x`, ['Megan Bowen', 'Megan Bowen']).occurrences).toEqual([[0, 2], [1]]);
  });

  it('puts a space between a marked name and a letter against it, and leaves a person with no slot unplaced', () => {
    expect(placeMarked(`give${markSlot(0)}'s mailbox`, ['Megan Bowen'])).toEqual({ text: "give Megan Bowen's mailbox", occurrences: [[0]] });
    expect(placeMarked(`x${markSlot(0)}y`, ['Jan', 'Zoë']).occurrences).toEqual([[0], undefined]);
  });

  it('moves the places past a prefix the conversation puts before a typed answer', () => {
    const marks = [{ text: 'Give', userId: 'u-give', occurrences: [0] }, { text: 'Sales', userId: 'u-sales', occurrences: [0] }, { text: 'Nobody' }];
    expect(markedAfter('give ', marks)).toEqual([{ text: 'Give', userId: 'u-give', occurrences: [1] }, marks[1], marks[2]]);
  });

  it('counts as findMarked does (left to right, never overlapping), and nothing typed passes for a slot', () => {
    expect(wordsAppearances(tokenize('Jan Jan Jan'), ['jan', 'jan'])).toEqual([0]);
    expect(withoutMarkSlots(`give ${markSlot(3)} access`)).toBe('give 3 access');
  });
});
