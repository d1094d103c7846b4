import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FileDirectory, parseDirectoryFile } from '../../src/directory/file-directory.js';
import type { Reply } from '../../src/conversation/types.js';
import { CONTOSO, conversationHarness, wordsOf, type ConversationHarness } from './harness.js';
import { PEOPLE, TARGETS } from './scripts/spec-conversations.js';

let h: ConversationHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// The harness starts on Monday 23 November 2026, 09:00 in Amsterdam (UTC+1); days are Amsterdam's.
const TUESDAY = Date.parse('2026-11-23T23:00:00Z');
const WEDNESDAY = Date.parse('2026-11-24T23:00:00Z');
const MONDAY = Date.parse('2026-11-22T23:00:00Z');
const NEXT_MONDAY = Date.parse('2026-11-29T23:00:00Z');

function only(replies: Reply[]): Reply {
  expect(replies).toHaveLength(1);
  return replies[0]!;
}

function page(reply: Reply): Reply & { kind: 'audit' } {
  if (reply.kind !== 'audit') throw new Error(`not an audit page: ${JSON.stringify(reply).slice(0, 300)}`);
  return reply;
}

/**
 * Monday: Alex asks Send As for Megan on Training (Adele approves; it is in effect by 11:01). Tuesday 10:00: Isaiah asks Send on
 * behalf on Support for six people, a minute apart, and Miriam approves them: more than a page today.
 */
async function mondayThenBusyTuesday(harness: ConversationHarness): Promise<void> {
  await harness.say('alex', 'give Megan send as on Training');
  const [monday] = await harness.app.engine.requestsOf(PEOPLE.alex.id);
  harness.clock.advance(MINUTE);
  await harness.click('adele', 'approve', { requestId: monday!.id });
  // Past the propagation window: its post-back ("effective") is Monday's too.
  harness.clock.advance(2 * HOUR);
  await harness.app.engine.idle();
  harness.clock.advance(23 * HOUR); // Tuesday 10:01
  for (const grantee of ['Megan', 'Patti', 'Jan Smit', 'Jan Jansen', 'Adele', 'Alex']) {
    await harness.say('isaiah', `give ${grantee} send on behalf of Support`);
    harness.clock.advance(MINUTE);
  }
  for (const request of await harness.app.engine.awaitingDecisionBy(PEOPLE.miriam.id)) await harness.click('miriam', 'approve', { requestId: request.id });
}

describe('audit questions in everyday words', () => {
  it('"what did the bot do today?": an admin sees every entry of today (in their zone), newest first, paged within today', async () => {
    h = await conversationHarness();
    await mondayThenBusyTuesday(h);
    const first = page(only(await h.say('nestor', 'what did the bot do today?')));
    expect(first.filter).toEqual({ since: TUESDAY, until: WEDNESDAY });
    expect(first.view.title).toBe('History of the bot, Tuesday, 24 November 2026');
    expect(first.view.lines).toHaveLength(10);
    const at = first.page.entries.map((e) => e.at);
    expect([...at].sort((a, b) => b - a)).toEqual(at);
    // The "older entries" button carries the period: every page stays within today, each entry once.
    expect(first.view.more?.data).toMatchObject({ since: String(TUESDAY), until: String(WEDNESDAY) });
    const seen = new Set(first.page.entries.map((e) => e.id));
    let last = page(only(await h.click('nestor', 'audit', first.view.more!.data)));
    for (;;) {
      expect(last.page.entries.length).toBeGreaterThan(0);
      for (const entry of last.page.entries) {
        expect(seen.has(entry.id)).toBe(false);
        expect(entry.at).toBeGreaterThanOrEqual(TUESDAY);
        seen.add(entry.id);
      }
      if (!last.page.next) break;
      last = page(only(await h.say('nestor', 'more')));
    }
    // Every entry of Tuesday was shown, none of Monday (Alex's request), and the last page offers no empty one after it.
    const all = (await h.app.engine.audit(PEOPLE.nestor.id, {}, { limit: 100 })).entries;
    expect(all.some((e) => e.at < TUESDAY)).toBe(true);
    expect([...seen].sort()).toEqual(all.filter((e) => e.at >= TUESDAY).map((e) => e.id).sort());
    expect(last.view.more).toBeUndefined();
    expect(wordsOf(only(await h.say('nestor', 'more')))).toBe('There are no older entries in the history of the bot, Tuesday, 24 November 2026; that was the last page.');
  });

  it('yesterday and this week are the periods said; with none, everything', async () => {
    h = await conversationHarness();
    await mondayThenBusyTuesday(h);
    const yesterday = page(only(await h.say('nestor', 'what did the bot do yesterday?')));
    expect(yesterday.filter).toEqual({ since: MONDAY, until: TUESDAY });
    expect(yesterday.page.entries.length).toBeGreaterThan(0);
    expect(yesterday.page.entries.every((e) => e.at >= MONDAY && e.at < TUESDAY && e.targetId === TARGETS.training)).toBe(true);
    expect(yesterday.view.more).toBeUndefined();
    const week = page(only(await h.say('nestor', 'what did the bot do this week')));
    expect(week.filter).toEqual({ since: MONDAY, until: NEXT_MONDAY });
    expect(week.view.title).toBe('History of the bot, Monday, 23 November 2026 – Sunday, 29 November 2026');
    const everything = page(only(await h.say('nestor', 'what has the bot done?')));
    expect(everything.filter).toEqual({});
    expect(everything.view.title).toBe('History of the bot');
    expect(everything.page.entries.map((e) => e.id)).toEqual(week.page.entries.map((e) => e.id));
    // Its "older entries" button pages everything too (a button naming nobody says so).
    expect(everything.view.more?.data).toEqual({ scope: 'all', before: everything.page.next });
    const older = page(only(await h.click('nestor', 'audit', everything.view.more!.data)));
    expect(older.filter).toEqual({});
    expect(older.page.entries.every((e) => e.at <= everything.page.entries.at(-1)!.at && !everything.page.entries.some((s) => s.id === e.id))).toBe(true);
    // Paged on to the end, it reaches Monday: no period limits it.
    let last = older;
    while (last.page.next) last = page(only(await h.say('nestor', 'more')));
    expect(last.page.entries.some((e) => e.at < TUESDAY)).toBe(true);
  });

  it('a named weekday is its most recent one (today when it is that day), last week the Monday-to-Sunday week before', async () => {
    h = await conversationHarness();
    await mondayThenBusyTuesday(h);
    const monday = page(only(await h.say('nestor', 'what did the bot do on Monday?')));
    expect(monday.filter).toEqual({ since: MONDAY, until: TUESDAY });
    expect(monday.view.title).toBe('History of the bot, Monday, 23 November 2026');
    expect(monday.page.entries.length).toBeGreaterThan(0);
    expect(monday.page.entries.every((e) => e.at >= MONDAY && e.at < TUESDAY)).toBe(true);
    // Today is Tuesday: "op dinsdag" is today.
    const dinsdag = page(only(await h.say('nestor', 'wat deed de bot op dinsdag?', 'nl-NL')));
    expect(dinsdag.filter).toEqual({ since: TUESDAY, until: WEDNESDAY });
    expect(dinsdag.view.title).toBe('Geschiedenis van de bot, dinsdag 24 november 2026');
    expect(page(only(await h.say('nestor', 'what happened on Support on Tuesday?'))).filter).toEqual({ targetId: TARGETS.support, since: TUESDAY, until: WEDNESDAY });
    // Nothing happened in the week before.
    const before = page(only(await h.say('nestor', 'what did the bot do last week?')));
    expect(before.filter).toEqual({ since: MONDAY - 7 * 24 * HOUR, until: MONDAY });
    expect(before.page.entries).toEqual([]);
    // A week on (Tuesday 1 December), that week is last week, and "Monday" is the Monday of this one.
    h.clock.advance(7 * 24 * HOUR);
    const lastWeek = page(only(await h.say('nestor', 'what did the bot do last week')));
    expect(lastWeek.filter).toEqual({ since: MONDAY, until: NEXT_MONDAY });
    expect(lastWeek.view.title).toBe('History of the bot, Monday, 23 November 2026 – Sunday, 29 November 2026');
    expect(lastWeek.page.entries.length).toBe(10);
    const vorigeWeek = page(only(await h.say('nestor', 'wat deed de bot vorige week?', 'nl-NL')));
    expect(vorigeWeek.filter).toEqual({ since: MONDAY, until: NEXT_MONDAY });
    expect(vorigeWeek.page.entries.map((e) => e.id)).toEqual(lastWeek.page.entries.map((e) => e.id));
    expect(page(only(await h.say('nestor', 'what did the bot do on Monday?'))).filter).toEqual({ since: NEXT_MONDAY, until: NEXT_MONDAY + 24 * HOUR });
    // "last Tuesday" on a Tuesday is the one a week back, with its history; "afgelopen maandag" the Monday before today.
    const lastTuesday = page(only(await h.say('nestor', 'what did the bot do last Tuesday?')));
    expect(lastTuesday.filter).toEqual({ since: TUESDAY, until: WEDNESDAY });
    expect(lastTuesday.page.entries.length).toBeGreaterThan(0);
    expect(page(only(await h.say('nestor', 'wat deed de bot afgelopen maandag?', 'nl-NL'))).filter).toEqual({ since: NEXT_MONDAY, until: NEXT_MONDAY + 24 * HOUR });
    // "Tuesday last week" / "vorige week vrijdag": that day of the Monday-to-Sunday week before this one.
    const tuesdayLastWeek = page(only(await h.say('nestor', 'what did the bot do on Tuesday last week?')));
    expect(tuesdayLastWeek.filter).toEqual({ since: TUESDAY, until: WEDNESDAY });
    expect(tuesdayLastWeek.page.entries.map((e) => e.id)).toEqual(lastTuesday.page.entries.map((e) => e.id));
    const FRIDAY = MONDAY + 4 * 24 * HOUR;
    const vrijdag = page(only(await h.say('nestor', 'wat heeft de bot vorige week vrijdag gedaan?', 'nl-NL')));
    expect(vrijdag.filter).toEqual({ since: FRIDAY, until: FRIDAY + 24 * HOUR });
    expect(vrijdag.view.title).toBe('Geschiedenis van de bot, vrijdag 27 november 2026');
    expect(page(only(await h.say('nestor', 'what happened on Support last week on Friday?'))).filter).toEqual({ targetId: TARGETS.support, since: FRIDAY, until: FRIDAY + 24 * HOUR });
  });

  it('for a person, and on a mailbox or group, in English and Dutch', async () => {
    h = await conversationHarness();
    await mondayThenBusyTuesday(h);
    const forMegan = page(only(await h.say('nestor', 'what did the bot do for Megan?')));
    expect(forMegan.filter).toEqual({ granteeId: PEOPLE.megan.id });
    expect(forMegan.view.title).toBe('History of Megan Bowen');
    // Megan's Monday request on Training and her Tuesday one on Support.
    expect(new Set(forMegan.page.entries.map((e) => e.targetId))).toEqual(new Set([TARGETS.training, TARGETS.support]));
    const meganToday = page(only(await h.say('nestor', 'what did the bot do for Megan today?')));
    expect(meganToday.filter).toEqual({ granteeId: PEOPLE.megan.id, since: TUESDAY, until: WEDNESDAY });
    expect(meganToday.page.entries.every((e) => e.targetId === TARGETS.support)).toBe(true);

    const support = page(only(await h.say('nestor', 'what happened on Support today?')));
    expect(support.filter).toEqual({ targetId: TARGETS.support, since: TUESDAY, until: WEDNESDAY });
    expect(support.page.entries.every((e) => e.targetId === TARGETS.support && e.at >= TUESDAY)).toBe(true);
    const trainingToday = page(only(await h.say('nestor', 'what happened on Training today?')));
    expect(trainingToday.page.entries).toEqual([]);
    // A period said: its empty page says so without "yet" (the period may be over).
    expect(trainingToday.view.empty).toBe('Nothing recorded in this period.');

    const nlAll = page(only(await h.say('nestor', 'wat heeft de bot vandaag gedaan?', 'nl-NL')));
    expect(nlAll.filter).toEqual({ since: TUESDAY, until: WEDNESDAY });
    expect(nlAll.view.title).toBe('Geschiedenis van de bot, dinsdag 24 november 2026');
    const nlPerson = page(only(await h.say('nestor', 'wat heeft de bot voor Megan gedaan?', 'nl-NL')));
    expect(nlPerson.filter).toEqual({ granteeId: PEOPLE.megan.id });
    const nlTarget = page(only(await h.say('nestor', 'wat is er met Support gebeurd?', 'nl-NL')));
    expect(nlTarget.filter).toEqual({ targetId: TARGETS.support });
    expect(nlTarget.view.title).toBe('Geschiedenis van Support');
  });

  it('a person on a mailbox or group: both apply, in English and Dutch, and its pages keep both', async () => {
    h = await conversationHarness();
    await mondayThenBusyTuesday(h);
    const megan = page(only(await h.say('nestor', 'what did the bot do for Megan on Support?')));
    expect(megan.filter).toEqual({ granteeId: PEOPLE.megan.id, targetId: TARGETS.support });
    expect(megan.view.title).toBe('History of Megan Bowen on Support');
    expect(megan.page.entries.length).toBeGreaterThan(0);
    expect(megan.page.entries.every((e) => e.targetId === TARGETS.support && e.granteeId === PEOPLE.megan.id)).toBe(true);
    // The other way round, and her Monday request on Training in Dutch.
    expect(page(only(await h.say('nestor', 'what happened on Support for Megan?'))).page.entries).toEqual(megan.page.entries);
    const training = page(only(await h.say('nestor', 'wat heeft de bot voor Megan bij Training gedaan?', 'nl-NL')));
    expect(training.filter).toEqual({ granteeId: PEOPLE.megan.id, targetId: TARGETS.training });
    expect(training.view.title).toBe('Geschiedenis van Megan Bowen op Training');
    expect(training.page.entries.length).toBeGreaterThan(0);
    expect(training.page.entries.every((e) => e.targetId === TARGETS.training)).toBe(true);
    // The participle before the names reads the same, and so does the English verb before them.
    const gedaan = page(only(await h.say('nestor', 'wat heeft de bot gedaan voor Megan bij Training?', 'nl-NL')));
    expect(gedaan.filter).toEqual(training.filter);
    expect(gedaan.page.entries).toEqual(training.page.entries);
    expect(page(only(await h.say('nestor', 'what has the bot done for Megan on Training?'))).page.entries).toEqual(training.page.entries);
    expect(page(only(await h.say('nestor', 'what did the bot do for Megan on Training today?'))).page.entries).toEqual([]);
    // Isaiah asked six times on Support: more than a page, and the button pages the same person on the same mailbox.
    const isaiah = page(only(await h.say('nestor', 'what did the bot do for Isaiah on Support?')));
    expect(isaiah.view.lines).toHaveLength(10);
    expect(isaiah.view.more?.data).toMatchObject({ granteeId: PEOPLE.isaiah.id, targetId: TARGETS.support });
    const older = page(only(await h.click('nestor', 'audit', isaiah.view.more!.data)));
    expect(older.filter).toEqual({ granteeId: PEOPLE.isaiah.id, targetId: TARGETS.support });
    expect(older.page.entries.length).toBeGreaterThan(0);
    expect(older.page.entries.every((e) => e.targetId === TARGETS.support && !isaiah.page.entries.some((s) => s.id === e.id))).toBe(true);
    // Support's history holds more than Isaiah's there: what Megan's name leaves out.
    const support = (await h.app.engine.audit(PEOPLE.nestor.id, { targetId: TARGETS.support }, { limit: 100 })).entries;
    expect(support.length).toBeGreaterThan(megan.page.entries.length);
  });

  it('a name two people share is a choice of people, picked by its button or typed back, in English and Dutch', async () => {
    // A second Megan Bowen, with a mail of her own.
    const raw = JSON.parse(readFileSync(CONTOSO, 'utf8'));
    const otherMegan = { id: '0a1e0099-aaaa-4bbb-8ccc-000000000099', displayName: 'Megan Bowen', mail: 'megan.bowen2@contoso.example' };
    raw.users.push(otherMegan);
    h = await conversationHarness({ directory: new FileDirectory(parseDirectoryFile(raw)) });
    // Monday: Alex asks Send on Behalf on Support for the first Megan, by her mail.
    await h.say('alex', 'give meganb@contoso.example send on behalf of Support');
    const choice = only(await h.say('nestor', 'what did the bot do for Megan Bowen today?'));
    if (choice.kind !== 'choice') throw new Error(`not a choice: ${JSON.stringify(choice).slice(0, 300)}`);
    expect(choice.question).toBe('Which person do you mean?');
    expect(choice.options.map((o) => o.label).sort()).toEqual(['Megan Bowen (megan.bowen2@contoso.example)', 'Megan Bowen (meganb@contoso.example)']);
    // Typed back as listed: that Megan's history today.
    const typed = page(only(await h.say('nestor', 'Megan Bowen (meganb@contoso.example)')));
    expect(typed.filter).toEqual({ granteeId: PEOPLE.megan.id, since: MONDAY, until: TUESDAY });
    expect(typed.page.entries.length).toBeGreaterThan(0);
    // The choice is settled: her name again is no answer to it.
    expect(only(await h.say('nestor', 'Megan Bowen (meganb@contoso.example)')).kind).not.toBe('audit');

    // In Dutch, picked with its button: the pick is confirmed, then the page.
    const keuze = only(await h.say('nestor', 'wat heeft de bot voor Megan Bowen gedaan?', 'nl-NL'));
    if (keuze.kind !== 'choice') throw new Error('not a choice');
    expect(keuze.question).toBe('Welke persoon bedoel je?');
    const other = keuze.options.find((o) => o.label.includes('megan.bowen2'))!;
    const [notice, picked] = await h.click('nestor', 'choose', { draftId: keuze.draftId, step: keuze.step, pick: other.pick }, 'nl-NL');
    expect(notice?.kind).toBe('notice');
    expect(page(picked!).filter).toEqual({ granteeId: otherMegan.id });
    // Namesakes are told apart by their mail in the title too.
    expect(page(picked!).view.title).toBe('Geschiedenis van Megan Bowen (megan.bowen2@contoso.example)');
    expect(page(picked!).page.entries).toEqual([]);

    // A person on a mailbox: the choice of people, then that one's history there; "the first one" picks by place.
    const onSupport = only(await h.say('nestor', 'what did the bot do for Megan Bowen on Support?'));
    if (onSupport.kind !== 'choice') throw new Error('not a choice');
    const first = onSupport.options[0]!.label.includes('meganb@') ? PEOPLE.megan.id : otherMegan.id;
    const there = page(only(await h.say('nestor', 'the first one')));
    expect(there.filter).toEqual({ granteeId: first, targetId: TARGETS.support });
  });

  it('"what did the bot revoke / remove ...?" is an audit question: it asks for nothing and files nothing, even for an admin', async () => {
    h = await conversationHarness();
    await mondayThenBusyTuesday(h);
    const before = (await h.app.engine.audit(PEOPLE.nestor.id, {}, { limit: 100 })).entries.length;
    const revoked = page(only(await h.say('nestor', 'what did the bot revoke on Support?')));
    expect(revoked.filter).toEqual({ targetId: TARGETS.support });
    expect(page(only(await h.say('nestor', 'what did the bot remove today?'))).filter).toEqual({ since: TUESDAY, until: WEDNESDAY });
    expect(page(only(await h.say('nestor', 'what did the bot remove today'))).filter).toEqual({ since: TUESDAY, until: WEDNESDAY });
    expect(page(only(await h.say('nestor', 'what did the bot remove from Support today?'))).filter).toEqual({ targetId: TARGETS.support, since: TUESDAY, until: WEDNESDAY });
    expect(page(only(await h.say('nestor', 'what has the bot granted to Megan?'))).filter).toEqual({ granteeId: PEOPLE.megan.id });
    expect(page(only(await h.say('nestor', 'wat heeft de bot vandaag bij Support ingetrokken?', 'nl-NL'))).filter).toEqual({ targetId: TARGETS.support, since: TUESDAY, until: WEDNESDAY });
    expect(page(only(await h.say('nestor', 'wat heeft de bot weggehaald?', 'nl-NL'))).filter).toEqual({});
    // What was approved or rejected: the same history.
    expect(page(only(await h.say('nestor', 'what did the bot approve today?'))).filter).toEqual({ since: TUESDAY, until: WEDNESDAY });
    expect(page(only(await h.say('nestor', 'what has the bot rejected on Support?'))).filter).toEqual({ targetId: TARGETS.support });
    expect(page(only(await h.say('nestor', 'wat heeft de bot vandaag goedgekeurd?', 'nl-NL'))).filter).toEqual({ since: TUESDAY, until: WEDNESDAY });
    expect(page(only(await h.say('nestor', 'wat heeft de bot afgewezen voor Megan', 'nl-NL'))).filter).toEqual({ granteeId: PEOPLE.megan.id });
    // No question for whom, no request, no new audit entry: nothing was asked for.
    expect(await h.app.engine.requestsOf(PEOPLE.nestor.id)).toEqual([]);
    expect((await h.app.engine.audit(PEOPLE.nestor.id, {}, { limit: 100 })).entries).toHaveLength(before);
    // "Megan" after it answers no open question: a name alone is no request either.
    await h.say('nestor', 'Megan');
    expect(await h.app.engine.requestsOf(PEOPLE.nestor.id)).toEqual([]);
  });

  it('"me" / "mij" is the asker: an admin reads their own history as a person; anyone else their own mailbox\'s', async () => {
    h = await conversationHarness();
    await mondayThenBusyTuesday(h);
    const mine = page(only(await h.say('nestor', 'what did the bot do for me?')));
    expect(mine.filter).toEqual({ granteeId: PEOPLE.nestor.id });
    expect(mine.view.title).toBe('History of Nestor Wilke');
    const mijn = page(only(await h.say('nestor', 'wat heeft de bot vandaag voor mij gedaan?', 'nl-NL')));
    expect(mijn.filter).toEqual({ granteeId: PEOPLE.nestor.id, since: TUESDAY, until: WEDNESDAY });
    // Megan is no admin: her own mailbox's history, which she owns, as "audit Megan" would give her.
    const megan = page(only(await h.say('megan', 'what did the bot do for me?')));
    expect(megan.filter).toEqual({ targetId: PEOPLE.megan.id });
  });

  it('an empty period says nothing was recorded in it, without "yet"; with no period "yet" stays', async () => {
    h = await conversationHarness();
    const yesterday = page(only(await h.say('nestor', 'what did the bot do yesterday?')));
    expect(yesterday.page.entries).toEqual([]);
    expect(yesterday.view.empty).toBe('Nothing recorded in this period.');
    const gisteren = page(only(await h.say('nestor', 'wat heeft de bot gisteren gedaan?', 'nl-NL')));
    expect(gisteren.view.empty).toBe('Niets vastgelegd in deze periode.');
    const training = page(only(await h.say('nestor', 'what happened on Training?')));
    expect(training.page.entries).toEqual([]);
    expect(training.view.empty).toBe('Nothing recorded yet.');
  });

  it('follows the rule of "audit": the whole log and a person are admins\' only, a mailbox its owner\'s too', async () => {
    h = await conversationHarness();
    await mondayThenBusyTuesday(h);
    for (const text of ['what did the bot do today?', 'what did the bot do for Megan?', 'what happened on Support?']) {
      const refused = only(await h.say('alex', text));
      expect(refused, text).toMatchObject({ kind: 'refusal', code: 'audit_not_allowed' });
      expect(wordsOf(refused)).toContain('Only admins can read this history');
    }
    expect(only(await h.say('adele', 'wat heeft de bot vandaag gedaan?', 'nl-NL'))).toMatchObject({ kind: 'refusal', code: 'audit_not_allowed' });
    // Miriam owns Support: what happened there is hers to read, as "audit Support" is.
    expect(page(only(await h.say('miriam', 'what happened on Support today?'))).filter).toEqual({ targetId: TARGETS.support, since: TUESDAY, until: WEDNESDAY });
    // A page of everything from a button is refused to a non-admin too.
    const first = page(only(await h.say('nestor', 'what did the bot do today?')));
    expect(only(await h.click('alex', 'audit', first.view.more!.data))).toMatchObject({ kind: 'refusal', code: 'audit_not_allowed' });
    expect(first.view.more!.data.scope).toBe('all');
    // A button naming nothing, or everything and someone, is no audit page.
    expect(only(await h.click('nestor', 'audit', { before: first.view.more!.data.before! }))).toMatchObject({ kind: 'refusal', code: 'bad_action' });
    expect(only(await h.click('nestor', 'audit', { scope: 'all', targetId: TARGETS.support, before: first.view.more!.data.before! }))).toMatchObject({ kind: 'refusal', code: 'bad_action' });
    // "audit" alone still asks whose history; "what happened to REQ-..." is still that request's status.
    expect(wordsOf(only(await h.say('nestor', 'audit')))).toContain('audit Support');
    const [request] = await h.app.engine.requestsOf(PEOPLE.alex.id);
    expect(only(await h.say('alex', `what happened to ${request!.id}?`))).toMatchObject({ kind: 'requests' });
  });
});
