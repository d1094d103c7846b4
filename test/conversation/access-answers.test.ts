import { afterEach, describe, expect, it } from 'vitest';
import type { AccessRow, Reply } from '../../src/conversation/types.js';
import { accessLayout } from '../../src/channels/teams/views.js';
import { conversationHarness, type ConversationHarness } from './harness.js';
import { PEOPLE, type Person } from './scripts/spec-conversations.js';

const MINUTE = 60_000;

let h: ConversationHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The one access card `text` is answered with (who has access / what can X access). */
async function card(person: Person, text: string, locale?: string): Promise<Reply & { kind: 'access' | 'holdings' }> {
  const replies = await h!.say(person, text, locale);
  expect(replies.map((r) => r.kind)).toEqual([expect.stringMatching(/^(access|holdings)$/)]);
  return replies[0] as Reply & { kind: 'access' | 'holdings' };
}

function row(reply: Reply & { kind: 'access' | 'holdings' }, title: string): AccessRow | undefined {
  return reply.view.rows.find((r) => r.title === title);
}

/**
 * Isaiah holds Full Access on Support with no end date (the directory's permissions) and asks for
 * Send on Behalf on it until Friday; Miriam, Support's owner, approves. Returns the request id.
 */
async function sendOnBehalfUntilFriday(): Promise<string> {
  h = await conversationHarness();
  await h.say('isaiah', 'I need send on behalf of Support until Friday');
  const [request] = await h.app.engine.requestsOf(PEOPLE.isaiah.id);
  expect(request).toMatchObject({ rights: ['SendOnBehalf'], until: '2026-11-27' });
  await h.click('miriam', 'approve', { requestId: request!.id });
  expect((await h.app.engine.get(request!.id))?.state).toBe('applied');
  return request!.id;
}

describe('"what can X access?": each right with its own end', () => {
  it('a standing Full Access beside a Send on Behalf until Friday: the Full Access has no end date, in English and Dutch', async () => {
    await sendOnBehalfUntilFriday();
    h!.clock.advance(11 * MINUTE); // past the window: Exchange shows both rights
    await h!.app.engine.idle();

    const en = await card('nestor', 'what can Isaiah access?');
    expect(row(en, 'Support (shared mailbox)')?.value).toBe('Full Access (read and manage): no end date; Send on Behalf: until the end of Friday, 27 November 2026');
    const nl = await card('nestor', 'waar heeft Isaiah toegang toe?', 'nl-NL');
    expect(row(nl, 'Support (gedeeld postvak)')?.value).toBe('Volledige toegang (Lezen en beheren): geen einddatum; Verzenden namens: tot en met vrijdag 27 november 2026');
  });
});

describe('"who has access to X?": each holder with their own end', () => {
  it('Send on Behalf on Training until Thursday is shown with its end beside the standing holder, as "what can X access" shows it', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send on behalf on Training until Thursday');
    const [request] = await h.app.engine.requestsOf(PEOPLE.alex.id);
    expect(request).toMatchObject({ rights: ['SendOnBehalf'], until: '2026-11-26' });
    await h.click('adele', 'approve', { requestId: request!.id });
    h.clock.advance(11 * MINUTE);
    await h.app.engine.idle();

    const en = await card('nestor', 'who has access to Training?');
    expect(row(en, 'Send on Behalf')?.value).toBe('Alex Wilber: no end date; Megan Bowen: until the end of Thursday, 26 November 2026');
    expect(row(en, 'Send As')?.value).toBe('nobody');
    expect(row(await card('nestor', 'what can Megan access?'), 'Training (Microsoft 365 group)')?.value).toBe('Send on Behalf: until the end of Thursday, 26 November 2026');
    const nl = await card('adele', 'wie heeft toegang tot Training?');
    expect(row(nl, 'Verzenden namens')?.value).toBe('Alex Wilber: geen einddatum; Megan Bowen: tot en met donderdag 26 november 2026');
  });
});

describe('the "applied, effective by about" note stays until the bot confirms the right', () => {
  it('once Exchange lists the new holder (a minute in, the window is 10), both answers and my requests still say applied, effective by about 09:10', async () => {
    const id = await sendOnBehalfUntilFriday();
    h!.clock.advance(2 * MINUTE); // the simulated service shows it after a minute
    await h!.app.engine.idle();
    expect((await h!.app.engine.get(id))?.state).toBe('applied');

    const who = JSON.stringify((await card('miriam', 'who has access to Support?')).view.rows);
    expect(who).toContain('Isaiah Langer');
    expect(who).toContain('applied 09:00, effective by about 09:10');
    expect(JSON.stringify((await card('nestor', 'what can Isaiah access?')).view.rows)).toContain('applied 09:00, effective by about 09:10');
    expect(JSON.stringify((await card('nestor', 'waar heeft Isaiah toegang toe?', 'nl-NL')).view.rows)).toContain('toegepast om 09:00, van kracht rond 09:10');
    expect(JSON.stringify(await h!.say('isaiah', 'my requests'))).toContain('effective by about 09:10');

    // At the window's end the bot confirms it: in effect, and the note is gone.
    h!.clock.advance(9 * MINUTE);
    await h!.app.engine.idle();
    expect((await h!.app.engine.get(id))?.state).toBe('effective');
    expect(JSON.stringify((await card('miriam', 'who has access to Support?')).view.rows)).not.toContain('effective by about');
  });
});

/** Whether `text` holds a bracket inside a bracket: "Facturen (Full Access (read and manage))". */
const NESTED = /\([^()]*\(/;

describe('the access cards read plainly', () => {
  it('what can X access: a right still being added sits in its mailbox\'s row, with the kind, its end and its note; no empty subtitle', async () => {
    await sendOnBehalfUntilFriday();
    const en = await card('nestor', 'what can Isaiah access?');
    expect(en.view.rows).toEqual([
      {
        title: 'Support (shared mailbox)',
        value: 'Full Access (read and manage): no end date; Send on Behalf: until the end of Friday, 27 November 2026, applied 09:00, effective by about 09:10',
      },
    ]);
    expect(en.view.subtitle).toBe('');
    // The Teams card: the title only, no empty subtitle TextBlock.
    const body = accessLayout(en.view).body as { type: string; text?: string }[];
    expect(body.map((b) => b.type)).toEqual(['TextBlock', 'FactSet']);
    expect(body[0]!.text).toBe('What Isaiah Langer can access');
    const nl = await card('nestor', 'waar heeft Isaiah toegang toe?', 'nl-NL');
    expect(nl.view.rows).toEqual([
      {
        title: 'Support (gedeeld postvak)',
        value: 'Volledige toegang (Lezen en beheren): geen einddatum; Verzenden namens: tot en met vrijdag 27 november 2026, toegepast om 09:00, van kracht rond 09:10',
      },
    ]);
  });

  it('a right being removed: in its row, worded without brackets in brackets, in both answers (en, nl)', async () => {
    h = await conversationHarness();
    await h.say('nestor', "remove Isaiah's full access to Support");
    const revoke = (await h.app.engine.requestsOf(PEOPLE.nestor.id))[0]!;
    expect(revoke).toMatchObject({ kind: 'revoke', state: 'applied' });

    const what = await card('nestor', 'what can Isaiah access?');
    expect(what.view.rows).toEqual([{ title: 'Support (shared mailbox)', value: 'Full Access (read and manage): removed 09:00, gone by about 09:10' }]);
    const who = await card('nestor', 'who has access to Support?');
    expect(row(who, 'Full Access (read and manage)')?.value).toBe('Isaiah Langer: removed 09:00, gone by about 09:10');
    const nl = await card('nestor', 'waar heeft Isaiah toegang toe?', 'nl-NL');
    expect(nl.view.rows).toEqual([{ title: 'Support (gedeeld postvak)', value: 'Volledige toegang (Lezen en beheren): verwijderd om 09:00, niet meer van kracht rond 09:10' }]);
    for (const reply of [what, who, nl]) for (const r of reply.view.rows) expect(`${r.title} ${r.value}`).not.toMatch(NESTED);
  });

  it('a right being added on a mailbox or group the person had nothing on: its row names it with its kind', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send as on Training');
    const [request] = await h.app.engine.requestsOf(PEOPLE.alex.id);
    await h.click('adele', 'approve', { requestId: request!.id });
    expect((await card('nestor', 'what can Megan access?')).view.rows).toEqual([{ title: 'Training (Microsoft 365 group)', value: 'Send As: applied 09:00, effective by about 09:10' }]);
    expect((await card('nestor', 'waar heeft Megan toegang toe?', 'nl-NL')).view.rows).toEqual([{ title: 'Training (Microsoft 365-groep)', value: 'Verzenden als: toegepast om 09:00, van kracht rond 09:10' }]);
  });

  it('someone with no rights: the subtitle says so, and the card has no empty list', async () => {
    h = await conversationHarness();
    const none = await card('nestor', 'what can Megan access?');
    expect(none.view).toMatchObject({ rows: [], subtitle: 'No rights on any mailbox or group.' });
    const body = accessLayout(none.view).body as { type: string; text?: string }[];
    expect(body.map((b) => b.type)).toEqual(['TextBlock', 'TextBlock']);
    expect(body[1]!.text).toBe('No rights on any mailbox or group.');
  });
});

describe('"who has access to my mailbox?" for its owner', () => {
  it('is titled "your mailbox", with no admin center link for someone who is not an admin (en, nl)', async () => {
    h = await conversationHarness();
    const mine = await card('megan', 'who has access to my mailbox?');
    expect(mine.view).toMatchObject({ title: 'Who has access to your mailbox', adminUrl: '' });
    expect(accessLayout(mine.view).actions ?? []).toEqual([]);
    const dutch = await card('adele', 'wie heeft toegang tot mijn postvak?');
    expect(dutch.view).toMatchObject({ title: 'Wie heeft toegang tot je postvak', adminUrl: '' });
    // An owner of a shared mailbox is no admin either.
    expect((await card('miriam', 'who has access to Support?')).view).toMatchObject({ title: 'Who has access to Support', adminUrl: '' });
  });

  it('an admin asking about a person\'s mailbox: titled as that person\'s mailbox, with the admin center link', async () => {
    h = await conversationHarness();
    const megans = await card('nestor', "who has access to Megan's mailbox?");
    expect(megans.view.title).toBe("Who has access to Megan Bowen's mailbox");
    expect(megans.view.adminUrl).toMatch(/^https:\/\/admin\.exchange\.microsoft\.com\//);
    expect((await card('nestor', 'wie heeft toegang tot het postvak van Megan?', 'nl-NL')).view.title).toBe('Wie heeft toegang tot het postvak van Megan Bowen');
    expect((await card('nestor', 'who has access to Support?')).view).toMatchObject({ title: 'Who has access to Support', adminUrl: expect.stringMatching(/^https:/) });
  });
});
