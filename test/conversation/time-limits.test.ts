import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/conversation/types.js';
import { conversationHarness, wordsOf, type ConversationHarness } from './harness.js';
import { PEOPLE } from './scripts/spec-conversations.js';

let h: ConversationHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function only(replies: Reply[]): Reply & { kind: 'refusal' } {
  expect(replies.map((r) => r.kind)).toEqual(['refusal']);
  return replies[0] as Reply & { kind: 'refusal' };
}

/** A grant with a time limit that cannot be used is answered about the time limit, and nothing is requested. */
describe('time limits out of range', () => {
  it('answers "for 0 days" and "for 1000 years" about the time limit, in English', async () => {
    h = await conversationHarness();
    const zero = only(await h.say('alex', 'give Megan send-as on Training for 0 days'));
    expect(zero).toMatchObject({ code: 'end_unread', details: { rule: 'zero' } });
    expect(wordsOf(zero)).toBe('A time limit must be longer than zero, and "0 days" is not; I did nothing. Ask again with a period such as "for 2 weeks" (at most a year), or with no end date.');
    const long = only(await h.say('alex', 'give Megan send-as on Training for 1000 years'));
    expect(long).toMatchObject({ code: 'too_long', details: { rule: 'too_long' } });
    expect(wordsOf(long)).toBe('A time-bound grant can last at most a year, and "1000 years" is longer; I did nothing. Ask again with a shorter period, or with no end date.');
    expect(wordsOf(only(await h.say('alex', 'give Megan send-as on Training for 1000 minutes')))).toBe(
      'I could not read "1000 minutes" as a time limit; I did nothing. Ask again with a period such as "for 2 weeks" (at most a year), an end date such as "until 31 December", or no end date.',
    );
    expect(wordsOf(only(await h.say('alex', 'give Megan send-as on Training until 2026-02-30')))).toBe(
      'I could not read the end date you gave as a date; I did nothing. Ask again with a date such as "until 31 December", a period such as "for 2 weeks" (at most a year), or no end date.',
    );
    expect(await h.app.engine.requestsOf(PEOPLE.alex.id)).toEqual([]);
  });

  it('answers the same in Dutch', async () => {
    h = await conversationHarness();
    expect(wordsOf(only(await h.say('adele', 'geef Megan verzenden als op Training voor 0 dagen')))).toBe(
      'Een tijdslimiet moet langer zijn dan nul, en "0 dagen" is dat niet; ik heb niets gedaan. Vraag het opnieuw met een periode zoals "voor 2 weken" (hoogstens een jaar), of zonder einddatum.',
    );
    expect(wordsOf(only(await h.say('adele', 'geef Megan verzenden als op Training voor 1000 jaar')))).toBe(
      'Een tijdelijk recht duurt hoogstens een jaar, en "1000 jaar" is langer; ik heb niets gedaan. Vraag het opnieuw met een kortere periode, of zonder einddatum.',
    );
    expect(wordsOf(only(await h.say('adele', 'geef Megan verzenden als op Training tot 31-02-2027')))).toBe(
      'Ik kon de einddatum die je gaf niet als datum lezen; ik heb niets gedaan. Vraag het opnieuw met een datum zoals "tot 31 december", een periode zoals "voor 2 weken" (hoogstens een jaar), of zonder einddatum.',
    );
    expect(await h.app.engine.requestsOf(PEOPLE.adele.id)).toEqual([]);
  });

  it('keeps the engine\'s answer for a period it reads but that is too long ("for 2 years")', async () => {
    h = await conversationHarness();
    const refusal = only(await h.say('alex', 'give Megan send-as on Training for 2 years'));
    expect(refusal.code).toBe('too_long');
    expect(wordsOf(refusal)).toBe('A time-bound grant for Megan Bowen on Training can last at most a year; give a shorter period, or no end date.');
  });
});

/** Time phrases without "until": an end the card shows, or a question about the end; never a grant without one. */
describe('time phrases', () => {
  it('keeps "for the weekend" and "tomorrow" as the end on the card', async () => {
    h = await conversationHarness();
    // Monday 23 November 2026, 09:00 in Amsterdam: the weekend ends on Sunday the 29th.
    const weekend = await h.say('alex', 'give Megan send-as on Training for the weekend');
    expect(weekend.map((r) => r.kind)).toEqual(['summary']);
    expect(wordsOf(weekend[0]!)).toContain('29 November 2026');
    expect(wordsOf(weekend[0]!)).not.toContain('no end date');
    const morgen = await h.say('adele', 'geef Megan verzenden als op Sales morgen');
    expect(morgen.map((r) => r.kind)).toEqual(['summary']);
    const requests = [...(await h.app.engine.requestsOf(PEOPLE.alex.id)), ...(await h.app.engine.requestsOf(PEOPLE.adele.id))];
    expect(requests.map((r) => [r.until, r.duration ?? null])).toEqual([['2026-11-29', null], ['2026-11-24', null]]);
  });

  it('asks again about a later start or an end without a length, and a request with an end then goes ahead (en)', async () => {
    h = await conversationHarness();
    const later = only(await h.say('alex', 'give Megan send-as on Training from Monday'));
    expect(later).toMatchObject({ code: 'end_unread', details: { rule: 'later_start' } });
    expect(wordsOf(later)).toBe(
      'I can only give access from now on, not from a later day ("from Monday"), so I did nothing. Ask again on that day, or ask now with an end, such as "until Friday" or "for 2 weeks".',
    );
    const starting = only(await h.say('alex', 'give Megan send-as on Training for 2 weeks starting Monday'));
    expect(starting).toMatchObject({ code: 'end_unread', details: { rule: 'later_start' } });
    const vague = only(await h.say('alex', 'give Megan send-as on Training while I am on holiday'));
    expect(vague).toMatchObject({ code: 'end_unread', details: { rule: 'vague' } });
    expect(wordsOf(vague)).toBe(
      // Not a question: the answer would be a new message ("until Friday" alone names no request).
      '"while I am on holiday" does not say when the access should end, so I did nothing. Ask again with a period such as "for 2 weeks" (at most a year), an end date such as "until 31 December", or without a time for access with no end date.',
    );
    expect(wordsOf(only(await h.say('alex', 'give Megan send-as on Training by Friday')))).toMatch(/^"by Friday" does not say when the access should end, so I did nothing\. .*or without a time for access with no end date\.$/);
    // A time word nothing read: asked about, not dropped.
    expect(wordsOf(only(await h.say('alex', 'give Megan send-as on Training Friday')))).toBe(
      'I could not read "Friday" as a time limit; I did nothing. Ask again with a period such as "for 2 weeks" (at most a year), an end date such as "until 31 December", or no end date.',
    );
    expect(await h.app.engine.requestsOf(PEOPLE.alex.id)).toEqual([]);
    expect((await h.say('alex', 'give Megan send-as on Training until Friday')).map((r) => r.kind)).toEqual(['summary']);
    expect((await h.app.engine.requestsOf(PEOPLE.alex.id)).map((r) => r.until)).toEqual(['2026-11-27']);
  });

  it('files a grant "until Friday next week" with next week\'s Friday on the card, and "until next Friday" with this week\'s (en, nl)', async () => {
    h = await conversationHarness();
    // Monday 23 November 2026 in Amsterdam: next week's Friday is 4 December, the coming Friday 27 November.
    const nl = await h.say('adele', 'ik heb verzenden namens Support nodig tot volgende week vrijdag');
    expect(nl.map((r) => r.kind)).toEqual(['summary']);
    expect(wordsOf(nl[0]!)).toContain('4 december 2026');
    const en = await h.say('alex', 'I need send on behalf of Support until Friday next week');
    expect(en.map((r) => r.kind)).toEqual(['summary']);
    expect(wordsOf(en[0]!)).toContain('4 December 2026');
    expect((await h.app.engine.requestsOf(PEOPLE.adele.id)).map((r) => [r.granteeId, r.until])).toEqual([[PEOPLE.adele.id, '2026-12-04']]);
    expect((await h.app.engine.requestsOf(PEOPLE.alex.id)).map((r) => [r.granteeId, r.until])).toEqual([[PEOPLE.alex.id, '2026-12-04']]);
    const next = await h.say('megan', 'I need send on behalf of Support until next Friday');
    expect(next.map((r) => r.kind)).toEqual(['summary']);
    expect((await h.app.engine.requestsOf(PEOPLE.megan.id)).map((r) => r.until)).toEqual(['2026-11-27']);
  });

  it('files a grant for "two weeks and three days" as 17 days, shown so on the card (en, nl)', async () => {
    h = await conversationHarness();
    const en = await h.say('alex', 'give Megan full access to Support for two weeks and three days');
    expect(en.map((r) => r.kind)).toEqual(['summary']);
    expect(wordsOf(en[0]!)).toContain('17 days');
    const nl = await h.say('adele', 'geef Megan verzenden als op Training voor twee weken en drie dagen');
    expect(nl.map((r) => r.kind)).toEqual(['summary']);
    expect(wordsOf(nl[0]!)).toContain('17 dagen');
    const requests = [...(await h.app.engine.requestsOf(PEOPLE.alex.id)), ...(await h.app.engine.requestsOf(PEOPLE.adele.id))];
    expect(requests.map((r) => r.duration)).toEqual(['P17D', 'P17D']);
  });

  it('files a grant whose "from" names where the mails came from, and still refuses "from Monday" as a later start (en, nl)', async () => {
    h = await conversationHarness();
    expect((await h.say('alex', 'give Megan full access to Support for mails from March')).map((r) => r.kind)).toEqual(['summary']);
    expect((await h.say('alex', "give Megan send-as on Training for the notes from Monday's meeting")).map((r) => r.kind)).toEqual(['summary']);
    expect((await h.say('adele', 'geef Megan volledige toegang tot Support voor de mails van maart')).map((r) => r.kind)).toEqual(['summary']);
    // Asked at the same moment: the order the engine lists them in is not what is tested.
    const requests = [...(await h.app.engine.requestsOf(PEOPLE.alex.id)), ...(await h.app.engine.requestsOf(PEOPLE.adele.id))];
    expect(requests.map((r) => [r.rights.join(), r.until ?? null, r.duration ?? null]).sort()).toEqual([
      ['FullAccess', null, null],
      ['FullAccess', null, null],
      ['SendAs', null, null],
    ]);
    expect(only(await h.say('alex', 'give Megan full access to Support from March 3'))).toMatchObject({ code: 'end_unread', details: { rule: 'later_start' } });
    expect(only(await h.say('adele', 'geef Megan volledige toegang tot Support vanaf maandag'))).toMatchObject({ code: 'end_unread', details: { rule: 'later_start' } });
  });

  it('asks the same in Dutch', async () => {
    h = await conversationHarness();
    expect(wordsOf(only(await h.say('adele', 'geef Megan verzenden als op Training vanaf maandag')))).toBe(
      'Ik kan alleen toegang geven vanaf nu, niet vanaf een latere dag ("vanaf maandag"), dus ik heb niets gedaan. Vraag het op die dag opnieuw, of vraag het nu met een einde, zoals "tot vrijdag" of "voor 2 weken".',
    );
    expect(wordsOf(only(await h.say('adele', 'geef Megan verzenden als op Training tot ik terug ben')))).toBe(
      '"tot ik terug ben" zegt niet wanneer de toegang moet eindigen, dus ik heb niets gedaan. Vraag het opnieuw met een periode zoals "voor 2 weken" (hoogstens een jaar), een einddatum zoals "tot 31 december", of zonder tijd voor toegang zonder einddatum.',
    );
    expect(await h.app.engine.requestsOf(PEOPLE.adele.id)).toEqual([]);
  });
});

/** A removal is now and for good: one asked for later, or for a while, is answered and nothing is requested. */
describe('time phrases in a removal', () => {
  it('does not remove now what was asked for a later day or for a while, and removes at once when asked now (en)', async () => {
    h = await conversationHarness();
    const later = only(await h.say('miriam', "remove Isaiah's full access to Support from Monday"));
    expect(later).toMatchObject({ code: 'end_unread', details: { rule: 'later_removal' } });
    expect(wordsOf(later)).toBe(
      'I can only remove access now, not from a later day ("from Monday"), so I did nothing. Ask again on that day, or ask for the access with an end date next time.',
    );
    expect(only(await h.say('miriam', 'take away Isaiah\'s access to Support on Friday'))).toMatchObject({ details: { rule: 'later_removal' } });
    expect(only(await h.say('miriam', 'remove Isaiah from Support next week'))).toMatchObject({ details: { rule: 'later_removal' } });
    const awhile = only(await h.say('miriam', "remove Isaiah's full access to Support for 2 weeks"));
    expect(awhile).toMatchObject({ code: 'end_unread', details: { rule: 'temporary_removal' } });
    expect(wordsOf(awhile)).toBe(
      'I can only remove access for good, not for a while ("for 2 weeks"), so I did nothing. To remove it now for good, ask again without "for 2 weeks"; to have it back later, ask for it again then.',
    );
    expect(await h.app.engine.requestsOf(PEOPLE.miriam.id)).toEqual([]);
    const now = await h.say('miriam', "remove Isaiah's full access to Support now");
    expect(now.map((r) => r.kind)).not.toContain('refusal');
    expect((await h.app.engine.requestsOf(PEOPLE.miriam.id)).map((r) => [r.kind, r.granteeId])).toEqual([['revoke', PEOPLE.isaiah.id]]);
  });

  it('answers the same in Dutch, and "vandaag" still removes at once', async () => {
    h = await conversationHarness();
    expect(wordsOf(only(await h.say('adele', "haal Alex's verzenden namens op Training vanaf maandag weg")))).toBe(
      'Ik kan toegang alleen nu verwijderen, niet vanaf een latere dag ("vanaf maandag"), dus ik heb niets gedaan. Vraag het op die dag opnieuw, of vraag de toegang de volgende keer aan met een einddatum.',
    );
    expect(wordsOf(only(await h.say('adele', "haal Alex's verzenden namens op Training tot vrijdag weg")))).toBe(
      'Ik kan toegang alleen voorgoed verwijderen, niet voor een tijd ("tot vrijdag"), dus ik heb niets gedaan. Vraag het opnieuw zonder "tot vrijdag" om het nu voorgoed te verwijderen; wil je het later terug, vraag het dan opnieuw aan.',
    );
    expect(await h.app.engine.requestsOf(PEOPLE.adele.id)).toEqual([]);
    const today = await h.say('adele', "haal Alex's verzenden namens op Training vandaag weg");
    expect(today.map((r) => r.kind)).not.toContain('refusal');
    expect((await h.app.engine.requestsOf(PEOPLE.adele.id)).map((r) => [r.kind, r.granteeId, r.rights])).toEqual([['revoke', PEOPLE.alex.id, ['SendOnBehalf']]]);
  });
});
