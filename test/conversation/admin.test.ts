import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/conversation/types.js';
import type { SimulatedPermissionService } from '../../src/permissions/simulated.js';
import { FileDirectory, parseDirectoryFile } from '../../src/directory/file-directory.js';
import { CONTOSO, conversationHarness, wordsOf, type ConversationHarness } from './harness.js';
import { PEOPLE, TARGETS } from './scripts/spec-conversations.js';

const TRAINING_ID = TARGETS.training;

let h: ConversationHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const MINUTE = 60_000;

async function failedRequest(harness: ConversationHarness): Promise<string> {
  await harness.say('alex', 'give Megan send as on Training');
  const [request] = await harness.app.engine.requestsOf(PEOPLE.alex.id);
  (harness.app.permissions as SimulatedPermissionService).faults.push({ kind: 'reject', message: 'The mailbox is on litigation hold' });
  await harness.click('adele', 'approve', { requestId: request!.id });
  expect((await harness.app.engine.get(request!.id))?.state).toBe('failed');
  return request!.id;
}

function only(replies: Reply[]): Reply {
  expect(replies).toHaveLength(1);
  return replies[0]!;
}

describe('admin actions in chat', () => {
  it('"retry REQ-..." is an admin\'s retry, refused to others, in words or with the button', async () => {
    h = await conversationHarness();
    const id = await failedRequest(h);
    expect(only(await h.say('alex', `retry ${id}`))).toMatchObject({ kind: 'refusal', code: 'admin_only_retry' });
    expect((await h.app.engine.get(id))?.state).toBe('failed');
    expect(only(await h.say('nestor', `retry ${id}`))).toEqual({ kind: 'text', text: `Retrying ${id} now.` });
    expect((await h.app.engine.get(id))?.state).toBe('applied');
    const again = only(await h.click('nestor', 'retry', { requestId: id }));
    expect(again).toMatchObject({ kind: 'refusal', code: 'not_failed', details: { state: 'applied' } });
    expect(wordsOf(again)).toBe('Only a failed request can be retried; this one is applied.');
  });

  it('"revoke REQ-..." ends an applied grant for admins only', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send as on Training');
    const [request] = await h.app.engine.requestsOf(PEOPLE.alex.id);
    await h.click('adele', 'approve', { requestId: request!.id });
    h.clock.advance(10 * MINUTE);
    await h.app.engine.idle();
    expect(only(await h.say('alex', `revoke ${request!.id}`))).toMatchObject({ kind: 'refusal', code: 'admin_only_revoke' });
    expect(wordsOf(only(await h.say('nestor', `revoke ${request!.id}`)))).toContain(`Revoking ${request!.id} now`);
    await h.app.engine.idle();
    expect((await h.app.engine.get(request!.id))?.state).toBe('revoked');
  });
});

describe('audit in chat', () => {
  it('an admin reads a request, a mailbox or group, or a person, newest first', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send as on Training');
    const [request] = await h.app.engine.requestsOf(PEOPLE.alex.id);
    h.clock.advance(MINUTE);
    await h.click('adele', 'approve', { requestId: request!.id });

    const byId = only(await h.say('nestor', `audit ${request!.id}`));
    if (byId.kind !== 'audit') throw new Error(`not an audit page: ${byId.kind}`);
    expect(byId.filter).toEqual({ requestId: request!.id });
    const actions = byId.page.entries.map((e) => e.action);
    expect(actions.at(-1)).toBe('created');
    expect(actions.indexOf('approved')).toBeLessThan(actions.indexOf('created'));
    expect(byId.view.title).toBe(`History of ${request!.id}`);
    expect(byId.view.lines.at(-1)!.text).toBe(`Alex Wilber: requested Send As for Megan Bowen on Training (${request!.id})`);
    expect(byId.view.lines.some((l) => l.text.startsWith('Adele Vance: approved'))).toBe(true);

    const byTarget = only(await h.say('nestor', 'audit Training'));
    expect(byTarget).toMatchObject({ kind: 'audit', filter: { targetId: request!.targetId } });
    const byPerson = only(await h.say('nestor', 'geschiedenis van Megan'));
    expect(byPerson).toMatchObject({ kind: 'audit', filter: { granteeId: PEOPLE.megan.id } });
    expect(wordsOf(byPerson)).toContain('Geschiedenis van Megan Bowen');
  });

  it('is refused to people who may not read it, and asks what when nothing is named', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send as on Training');
    const [request] = await h.app.engine.requestsOf(PEOPLE.alex.id);
    expect(only(await h.say('alex', `audit ${request!.id}`))).toMatchObject({ kind: 'refusal', code: 'audit_not_allowed' });
    expect(wordsOf(only(await h.say('nestor', 'audit')))).toContain('audit Support');
    expect(only(await h.say('nestor', 'audit Xyzzy'))).toMatchObject({ kind: 'refusal', code: 'unknown_target' });
  });

  it("an owner reads their own mailbox's history and its requests' (a person owns their own mailbox), nothing else", async () => {
    h = await conversationHarness();
    // Alex asks Full Access on Megan's mailbox; Megan (its owner) approves.
    await h.say('alex', "give Isaiah full access to Megan's mailbox");
    const [onMegan] = await h.app.engine.requestsOf(PEOPLE.alex.id);
    expect(onMegan!.targetId).toBe(PEOPLE.megan.id);
    h.clock.advance(MINUTE);
    await h.click('megan', 'approve', { requestId: onMegan!.id });
    await h.say('alex', 'give Megan send as on Training');
    const onTraining = (await h.app.engine.requestsOf(PEOPLE.alex.id)).find((r) => r.targetId !== PEOPLE.megan.id)!;

    const mine = only(await h.say('megan', 'audit my mailbox'));
    if (mine.kind !== 'audit') throw new Error(`not an audit page: ${JSON.stringify(mine)}`);
    expect(mine.filter).toEqual({ targetId: PEOPLE.megan.id });
    expect(mine.page.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['created', 'approved']));
    expect(mine.page.entries.every((e) => e.targetId === PEOPLE.megan.id)).toBe(true);
    const nl = only(await h.say('megan', 'geschiedenis van mijn postvak', 'nl-NL'));
    expect(nl).toMatchObject({ kind: 'audit', filter: { targetId: PEOPLE.megan.id } });
    expect(wordsOf(nl)).toContain('Geschiedenis van Megan Bowen');

    const byId = only(await h.say('megan', `audit ${onMegan!.id}`));
    expect(byId).toMatchObject({ kind: 'audit', filter: { requestId: onMegan!.id } });
    expect(wordsOf(byId)).toContain('Megan Bowen: approved');

    // A request on another target, another mailbox, a person's history, the whole log: admins only.
    const refused = only(await h.say('megan', `audit ${onTraining.id}`));
    expect(refused).toMatchObject({ kind: 'refusal', code: 'audit_not_allowed' });
    expect(wordsOf(refused)).toContain('Only admins can read this history');
    expect(wordsOf(only(await h.say('megan', `geschiedenis van ${onTraining.id}`, 'nl-NL')))).toContain('Alleen beheerders kunnen deze geschiedenis lezen');
    expect(only(await h.say('megan', 'audit Alex'))).toMatchObject({ kind: 'refusal', code: 'audit_not_allowed' });
    // An id that names no request: not found (as a request she has no part in would be), not "admins only".
    expect(only(await h.say('megan', 'audit REQ-ZZZZZ'))).toMatchObject({ kind: 'refusal', code: 'not_found' });
    expect(only(await h.click('megan', 'audit', { granteeId: PEOPLE.megan.id, before: '~' }))).toMatchObject({ kind: 'refusal', code: 'audit_not_allowed' });
    // Megan's manager approves requests on her mailbox but does not own it.
    expect(only(await h.say('miriam', `audit ${onMegan!.id}`))).toMatchObject({ kind: 'refusal', code: 'audit_not_allowed' });
    // Miriam owns Support: its history is hers to read.
    expect(only(await h.say('miriam', 'audit Support'))).toMatchObject({ kind: 'audit', filter: { targetId: expect.any(String) } });
    // Admins still read a person's history.
    expect(only(await h.say('nestor', 'audit Megan'))).toMatchObject({ kind: 'audit', filter: { granteeId: PEOPLE.megan.id } });
  });

  it('pages: ten entries at a time, the button gives the older ones, none twice', async () => {
    h = await conversationHarness();
    for (const grantee of ['Megan', 'Patti', 'Jan Smit', 'Jan Jansen', 'Adele', 'Alex']) {
      await h.say('isaiah', `give ${grantee} send on behalf of Support`);
      h.clock.advance(MINUTE);
    }
    for (const request of await h.app.engine.awaitingDecisionBy(PEOPLE.miriam.id)) await h.click('miriam', 'approve', { requestId: request.id });
    const first = only(await h.say('nestor', 'audit Support'));
    if (first.kind !== 'audit') throw new Error('not an audit page');
    expect(first.view.lines).toHaveLength(10);
    expect(first.view.more?.data).toMatchObject({ targetId: first.filter.targetId });
    const at = first.page.entries.map((e) => e.at);
    expect([...at].sort((a, b) => b - a)).toEqual(at);
    const second = only(await h.click('nestor', 'audit', first.view.more!.data));
    if (second.kind !== 'audit') throw new Error('not an audit page');
    const seen = new Set(first.page.entries.map((e) => e.id));
    expect(second.page.entries.length).toBeGreaterThan(0);
    expect(second.page.entries.every((e) => !seen.has(e.id) && e.at <= at.at(-1)!)).toBe(true);
    // The same page again for someone who may not read it: refused.
    expect(only(await h.click('alex', 'audit', first.view.more!.data))).toMatchObject({ kind: 'refusal', code: 'audit_not_allowed' });
  });
});

describe('tampered audit buttons', () => {
  it('an unknown mailbox or group, person or request is refused; "nothing recorded" is for real ones', async () => {
    h = await conversationHarness();
    const target = only(await h.click('nestor', 'audit', { targetId: 'nope', before: '1|x' }));
    expect(target).toMatchObject({ kind: 'refusal', code: 'unknown_target', details: { targetId: 'nope' } });
    expect(wordsOf(target)).toBe('I could not find a mailbox or group called "nope".');
    expect(only(await h.click('nestor', 'audit', { granteeId: 'u-nope', before: '1|x' }))).toMatchObject({ kind: 'refusal', code: 'unknown_person' });
    const request = only(await h.say('nestor', 'audit REQ-ZZZZZ'));
    expect([request.kind, wordsOf(request)]).toEqual(['refusal', 'I could not find that request.']);
    // A real mailbox with no history yet.
    const real = only(await h.say('nestor', 'audit Sales'));
    expect(real.kind).toBe('audit');
    expect(real.kind === 'audit' ? [real.view.title, real.view.lines, real.view.empty] : []).toEqual(['History of Sales', [], 'Nothing recorded yet.']);
    // Who may not read it learns nothing about what exists.
    expect(only(await h.click('alex', 'audit', { targetId: 'nope', before: '1|x' }))).toMatchObject({ kind: 'refusal', code: 'audit_not_allowed' });
  });

  it('a tampered page cursor: the link is no longer valid, in English and Dutch', async () => {
    h = await conversationHarness();
    const en = only(await h.click('nestor', 'audit', { targetId: TRAINING_ID, before: 'garbage' }));
    expect(en).toMatchObject({ kind: 'refusal', code: 'page_expired', details: { rule: 'bad_cursor' } });
    expect(wordsOf(en)).toBe('That link to older entries is no longer valid. Ask for the history again to get a new one; nothing was changed.');
    // Nestor with a Dutch client and preference.
    await h.close();
    const raw = JSON.parse(readFileSync(CONTOSO, 'utf8'));
    raw.users.find((u: { id: string }) => u.id === PEOPLE.nestor.id).preferredLanguage = 'nl-NL';
    h = await conversationHarness({ directory: new FileDirectory(parseDirectoryFile(raw)) });
    const nl = only(await h.click('nestor', 'audit', { targetId: TRAINING_ID, before: 'garbage' }, 'nl-NL'));
    expect(wordsOf(nl)).toBe('Die link naar oudere regels is niet meer geldig. Vraag de geschiedenis opnieuw op voor een nieuwe; er is niets veranderd.');
  });
});
