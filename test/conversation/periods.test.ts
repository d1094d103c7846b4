import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/conversation/types.js';
import { readFileSync } from 'node:fs';
import { FileDirectory, parseDirectoryFile } from '../../src/directory/file-directory.js';
import { CONTOSO, conversationHarness, wordsOf, type ConversationHarness } from './harness.js';

/** The Contoso fixture with no language set for `userId` in the directory. */
function withoutLanguage(userId: string): FileDirectory {
  const file = parseDirectoryFile(JSON.parse(readFileSync(CONTOSO, 'utf8')));
  for (const user of file.users) if (user.id === userId) delete user.preferredLanguage;
  return new FileDirectory(file);
}
import { PEOPLE, SCRIPT_TIME_ZONE, TARGETS } from './scripts/spec-conversations.js';

let h: ConversationHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function choiceOf(replies: Reply[]): Reply & { kind: 'choice' } {
  expect(replies.map((r) => r.kind)).toEqual(['choice']);
  const choice = replies[0]!;
  if (choice.kind !== 'choice') throw new Error('no choice');
  return choice;
}

/** How a grant ends, as the requester's client reads it (the clock: Monday 23 November 2026, Amsterdam). */
describe('the end of a grant', () => {
  it('reads a numeric date in the client locale: en-US month first, nl-NL day first', async () => {
    h = await conversationHarness();
    const us = await h.say('alex', 'give Megan send as on Training until 1/2', 'en-US');
    expect(us.map((r) => r.kind)).toEqual(['summary']);
    const nl = await h.say('adele', 'geef Megan verzenden als op Training tot 1-2', 'nl-NL');
    expect(nl.map((r) => r.kind)).toEqual(['summary']);
    expect((await h.app.engine.requestsOf(PEOPLE.alex.id)).map((r) => r.until)).toEqual(['2027-01-02']);
    expect((await h.app.engine.requestsOf(PEOPLE.adele.id)).map((r) => r.until)).toEqual(['2027-02-01']);
  });

  it('with no client locale, reads a numeric date in the requester\'s directory language (en-US: month first)', async () => {
    h = await conversationHarness();
    const done = await h.conversation.handleText({ userId: PEOPLE.alex.id, channel: 'test', timeZone: SCRIPT_TIME_ZONE, text: 'give Megan send as on Training until 1/2' });
    expect(done.map((r) => r.kind)).toEqual(['summary']);
    expect((await h.app.engine.requestsOf(PEOPLE.alex.id)).map((r) => r.until)).toEqual(['2027-01-02']);
  });

  it('asks which date is meant when neither the client nor the directory gives a locale and both readings are dates, then uses the one picked', async () => {
    h = await conversationHarness({ directory: withoutLanguage(PEOPLE.alex.id) });
    // A client that reports no locale, for someone with no language in the directory.
    const asked = await h.conversation.handleText({ userId: PEOPLE.alex.id, channel: 'test', timeZone: SCRIPT_TIME_ZONE, text: 'give Megan send as on Training until 1/2' });
    const choice = choiceOf(asked);
    expect(choice.slot).toBe('period');
    expect(choice.question).toBe('Which end date do you mean: Monday, 1 February 2027 or Saturday, 2 January 2027?');
    expect(choice.options.map((o) => o.label)).toEqual(['Until Monday, 1 February 2027 (inclusive)', 'Until Saturday, 2 January 2027 (inclusive)']);
    expect(await h.app.engine.requestsOf(PEOPLE.alex.id)).toEqual([]);

    const done = await h.click('alex', 'choose', { draftId: choice.draftId, step: choice.step, pick: 1 });
    expect(done.map((r) => r.kind)).toEqual(['notice', 'summary']);
    expect((await h.app.engine.requestsOf(PEOPLE.alex.id)).map((r) => [r.granteeId, r.targetId, r.rights, r.duration ?? null, r.until])).toEqual([
      [PEOPLE.megan.id, TARGETS.training, ['SendAs'], null, '2027-01-02'],
    ]);
  });

  it('asks, in English, whether the period or the end date is meant when a message gives both; nothing is requested before', async () => {
    h = await conversationHarness();
    const choice = choiceOf(await h.say('alex', 'give Megan send-as on Training for 2 weeks until Friday'));
    expect(choice.question).toBe('You gave both a period (14 days) and an end date (Friday, 27 November 2026). Which one should the access follow?');
    expect(choice.options.map((o) => o.label)).toEqual(['For 14 days', 'Until Friday, 27 November 2026 (inclusive)']);
    expect(await h.app.engine.requestsOf(PEOPLE.alex.id)).toEqual([]);

    const done = await h.click('alex', 'choose', { draftId: choice.draftId, step: choice.step, pick: 0 });
    expect(done.map((r) => r.kind)).toEqual(['notice', 'summary']);
    expect(wordsOf(done[0]!)).toContain('For 14 days');
    const [request] = await h.app.engine.requestsOf(PEOPLE.alex.id);
    expect([request?.duration, request?.until ?? null]).toEqual(['P14D', null]);
  });

  it('asks the same in Dutch, naming both, and takes the end date when that is picked', async () => {
    h = await conversationHarness();
    const choice = choiceOf(await h.say('adele', 'geef Megan verzenden als op Training voor twee weken tot vrijdag'));
    expect(choice.title).toBe('Maak een keuze');
    expect(choice.question).toBe('Je noemde zowel een periode (14 dagen) als een einddatum (vrijdag 27 november 2026). Welke van de twee moet de toegang volgen?');
    expect(choice.options.map((o) => o.label)).toEqual(['Voor 14 dagen', 'Tot en met vrijdag 27 november 2026']);
    expect(await h.app.engine.requestsOf(PEOPLE.adele.id)).toEqual([]);

    const done = await h.click('adele', 'choose', { draftId: choice.draftId, step: choice.step, pick: 1 });
    expect(done.map((r) => r.kind)).toEqual(['notice', 'summary']);
    const [request] = await h.app.engine.requestsOf(PEOPLE.adele.id);
    expect([request?.duration ?? null, request?.until]).toEqual([null, '2026-11-27']);
  });

  it('starts over on a typed answer to the question rather than read it as a name', async () => {
    h = await conversationHarness();
    choiceOf(await h.say('alex', 'give Megan send-as on Training for 2 weeks until Friday'));
    const next = await h.say('alex', 'Megan');
    expect(next.map((r) => r.kind)).not.toContain('summary');
    expect(await h.app.engine.requestsOf(PEOPLE.alex.id)).toEqual([]);
  });
});

/** "tomorrow" and "until Friday" count from the requester's own date, the day their zone ends it in. */
describe('relative days in the requester\'s zone', () => {
  const ask = (zone: string, text: string, offset?: number) =>
    h!.conversation.handleText({ userId: PEOPLE.alex.id, channel: 'test', locale: 'en-GB', timeZone: zone, text, ...(offset !== undefined ? { utcOffsetMinutes: offset } : {}) });
  const untils = async () => (await h!.app.engine.requestsOf(PEOPLE.alex.id)).map((r) => r.until).sort();

  it('at UTC+14, already Tuesday there while Monday in UTC, reads today, tomorrow, the day after and Friday from Tuesday', async () => {
    h = await conversationHarness();
    // Mon 7 Dec 2026 20:30 UTC: Tue 8 Dec 10:30 in Pacific/Kiritimati. A client offset of 0 does not overrule the zone.
    h.clock.set(Date.parse('2026-12-07T20:30:00Z'));
    const today = await ask('Pacific/Kiritimati', 'give Megan send as on Training for today', 0);
    expect(today.map((r) => r.kind)).toEqual(['summary']);
    expect(wordsOf(today[0]!)).toContain('Tuesday, 8 December');
    const after = await ask('Pacific/Kiritimati', 'give Isaiah send as on Training until the day after tomorrow');
    expect(wordsOf(after[0]!)).toContain('Thursday, 10 December');
    await ask('Pacific/Kiritimati', 'give Jan Smit send as on Training until tomorrow');
    await ask('Pacific/Kiritimati', 'give Miriam send as on Training until Friday');
    expect(await untils()).toEqual(['2026-12-08', '2026-12-09', '2026-12-10', '2026-12-11']);
  });

  it('at UTC-10, still Monday there while Tuesday in UTC, reads tomorrow as Tuesday', async () => {
    h = await conversationHarness();
    h.clock.set(Date.parse('2026-12-08T05:00:00Z'));
    const replies = await ask('Pacific/Honolulu', 'give Megan send as on Training until tomorrow');
    expect(wordsOf(replies[0]!)).toContain('Tuesday, 8 December');
    expect(await untils()).toEqual(['2026-12-08']);
  });

  it('with only a client offset (UTC+1 just after midnight), reads today from the offset\'s date', async () => {
    h = await conversationHarness();
    h.clock.set(Date.parse('2026-12-07T23:30:00Z'));
    await h.conversation.handleText({ userId: PEOPLE.alex.id, channel: 'test', locale: 'en-GB', utcOffsetMinutes: 60, text: 'give Megan send as on Training until tomorrow' });
    expect(await untils()).toEqual(['2026-12-09']);
  });
});
