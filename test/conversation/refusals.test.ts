import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { refusalFor } from '../../src/conversation/refusals.js';
import type { Reply } from '../../src/conversation/types.js';
import type { Names } from '../../src/conversation/wording/names.js';
import { t } from '../../src/conversation/wording/strings.js';
import { BotError } from '../../src/domain/errors.js';
import { FileDirectory, parseDirectoryFile } from '../../src/directory/file-directory.js';
import { CONTOSO, conversationHarness, type ConversationHarness } from './harness.js';
import { PEOPLE, TARGETS } from './scripts/spec-conversations.js';

/** Words that only English has: a Dutch refusal must contain none of them. */
const ENGLISH_ONLY = /\b(the|only|cannot|past|guest|request|member|nobody|approve|your)\b/i;

let h: ConversationHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function refusalOf(replies: Reply[]): Extract<Reply, { kind: 'refusal' }> {
  const refusal = replies.find((r) => r.kind === 'refusal');
  if (refusal?.kind !== 'refusal') throw new Error(`no refusal in ${JSON.stringify(replies).slice(0, 400)}`);
  return refusal;
}

/** Contoso with a guest account, Tom Guest. */
function withGuest(): FileDirectory {
  const raw = JSON.parse(readFileSync(CONTOSO, 'utf8'));
  raw.users.push({ id: 'guest-tom', displayName: 'Tom Guest', mail: 'tom@partner.example', guest: true });
  return new FileDirectory(parseDirectoryFile(raw));
}

/** Contoso with a shared mailbox owned by one person; optionally without bot admins. */
function withSharedMailbox(name: string, ownerId: string, options: { noAdmins?: boolean } = {}): FileDirectory {
  const raw = JSON.parse(readFileSync(CONTOSO, 'utf8'));
  raw.sharedMailboxes.push({ id: '5b0e0009-cccc-4ddd-8eee-000000000009', displayName: name, mail: `${name.toLowerCase()}@contoso.example`, owners: [ownerId] });
  if (options.noAdmins) raw.admins = [];
  return new FileDirectory(parseDirectoryFile(raw));
}

describe('refusals name the person and the mailbox or group, each with its own code, in the language asked', () => {
  it('a guest cannot get a right on a group', async () => {
    h = await conversationHarness({ directory: withGuest() });
    const en = refusalOf(await h.say('alex', 'give Tom Guest send as on Training'));
    expect(en.code).toBe('guest_not_allowed');
    expect(en.text).toContain('Tom Guest');
    expect(en.text).toContain('Training');
    expect(en.details).toMatchObject({ errorCode: 'guest_not_allowed', granteeId: 'guest-tom', targetId: TARGETS.training });
    const nl = refusalOf(await h.say('alex', 'geef Tom Guest verzenden als op Training'));
    expect(nl.code).toBe('guest_not_allowed');
    expect(nl.text).toContain('Tom Guest is een gast');
    expect(nl.text).toContain('Training');
    expect(await h.app.engine.requestsOf(PEOPLE.alex.id)).toEqual([]);
  });

  it('not a member, when the policy refuses', async () => {
    h = await conversationHarness({ env: { GROUP_MEMBERSHIP_POLICY: 'refuse' } });
    const en = refusalOf(await h.say('alex', 'give Isaiah send as on Training'));
    expect([en.code, en.text]).toEqual(['not_a_member', 'Isaiah Langer is not a member of Training; this organisation grants group rights only to members.']);
    const nl = refusalOf(await h.say('alex', 'geef Isaiah verzenden als op Training'));
    expect(nl.code).toBe('not_a_member');
    expect(nl.text).toContain('Isaiah Langer is geen lid van Training');
    expect(nl.text).not.toMatch(ENGLISH_ONLY);
  });

  it('an end date in the past', async () => {
    h = await conversationHarness();
    const en = refusalOf(await h.say('alex', 'give Megan send as on Training until 1 January 2020'));
    expect(en.code).toBe('end_in_past');
    expect(en.text).toContain('Megan Bowen');
    expect(en.text).toContain('Training');
    expect(en.details.rule).toBe('end_in_past');
    const nl = refusalOf(await h.say('alex', 'geef Megan verzenden als op Training tot 1 januari 2020'));
    expect(nl.code).toBe('end_in_past');
    expect(nl.text).toContain('in het verleden');
    expect(nl.text).not.toMatch(ENGLISH_ONLY);
    expect(await h.app.engine.requestsOf(PEOPLE.alex.id)).toEqual([]);
  });

  it('nobody can approve: said so, never "you can only cancel your own requests"', async () => {
    h = await conversationHarness();
    // Nestor is the only admin and has no manager: for his own mailbox nobody else is left to approve.
    const en = refusalOf(await h.say('nestor', 'give Miriam full access to Nestor'));
    expect(en.code).toBe('nobody_can_approve');
    expect(en.text).toContain('Miriam Graham');
    expect(en.text).toContain('Nestor Wilke');
    expect(en.text).not.toContain('cancel');
    // He is the admin: not told to ask one.
    expect(en.text).not.toContain('ask an admin');
    expect(en.text).toContain('Exchange admin center');
    expect(en.details).toMatchObject({ forSelf: false, requesterIsAdmin: true });
    const nl = refusalOf(await h.say('nestor', 'geef Miriam volledige toegang tot Nestor', 'nl-NL'));
    expect(nl.code).toBe('nobody_can_approve');
    expect(nl.text).toContain('Niemand anders kan deze aanvraag');
    expect(nl.text).toContain('Exchange-beheercentrum');
    expect(nl.text).not.toMatch(ENGLISH_ONLY);
  });

  it('nobody can approve the only admin\'s request for himself: "you" is not listed again as a third person', async () => {
    // Nestor, the only admin, owns Helpdesk (as Isaiah does in the sample directory).
    h = await conversationHarness({ directory: withSharedMailbox('Helpdesk', PEOPLE.nestor.id) });
    const en = refusalOf(await h.say('nestor', 'give me full access to Helpdesk'));
    expect(en.code).toBe('nobody_can_approve');
    expect(en.text).toBe(
      'Nobody else can approve your request on Helpdesk: there is no owner, manager or admin other than you, and nobody may approve their own request. You can make the change yourself in the Exchange admin center, or have another admin added to the bot to approve it.',
    );
    expect(en.details).toMatchObject({ forSelf: true, requesterIsAdmin: true });
    const nl = refusalOf(await h.say('nestor', 'geef mij volledige toegang tot Helpdesk', 'nl-NL'));
    expect(nl.code).toBe('nobody_can_approve');
    expect(nl.text).toContain('Niemand anders kan je aanvraag op Helpdesk goedkeuren');
    expect(nl.text).toContain('Exchange-beheercentrum');
    expect(nl.text).not.toContain('Nestor Wilke');
    expect(nl.text).not.toMatch(ENGLISH_ONLY);
    expect(await h.app.engine.requestsOf(PEOPLE.nestor.id)).toEqual([]);
  });

  it('nobody can approve a non-admin\'s request for herself when there is no admin: she is told to ask IT, and named once', async () => {
    const directory = withSharedMailbox('Helpdesk', PEOPLE.megan.id, { noAdmins: true });
    h = await conversationHarness({ directory });
    const en = refusalOf(await h.say('megan', 'give me send as on Helpdesk'));
    expect(en.code).toBe('nobody_can_approve');
    expect(en.text).toBe('Nobody can approve your request on Helpdesk: there is no owner, manager or admin other than you, and nobody may approve their own request. Please ask your IT department to make the change in the Exchange admin center, or to give Helpdesk an owner who can approve it.');
    const nl = refusalOf(await h.say('megan', 'geef mij verzenden als op Helpdesk', 'nl-NL'));
    expect(nl.text).toContain('Niemand kan je aanvraag op Helpdesk goedkeuren');
    expect(nl.text).not.toMatch(ENGLISH_ONLY);
  });

  it("cancelling someone else's request", async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send as on Training');
    const [request] = await h.app.engine.requestsOf(PEOPLE.alex.id);
    const refusal = refusalOf(await h.say('megan', `cancel ${request!.id}`));
    expect(refusal.code).toBe('not_yours');
    expect(refusal.text).toContain(request!.id);
    expect((await h.app.engine.get(request!.id))?.state).toBe('pending');
  });

  it("cancelling a request one has no part in is answered as an unknown id: it is not confirmed to exist (en, nl)", async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send as on Training');
    const [request] = await h.app.engine.requestsOf(PEOPLE.alex.id);
    for (const [words, locale, text] of [['cancel', 'en-US', 'I could not find that request.'], ['annuleer', 'nl-NL', 'Ik kon die aanvraag niet vinden.']] as const) {
      const unrelated = refusalOf(await h.say('isaiah', `${words} ${request!.id}`, locale));
      const unknown = refusalOf(await h.say('isaiah', `${words} REQ-ZZZZZZ`, locale));
      // The same reply, but for the id they typed.
      const typed = (r: typeof unrelated) => ({ ...r, details: { ...r.details, requestId: 'typed' } });
      expect(typed(unrelated)).toEqual(typed(unknown));
      expect(unrelated).toMatchObject({ code: 'not_found', text });
      expect(unrelated.text).not.toContain(request!.id);
      // A click with the id (a forged Cancel button) gets the same.
      expect(refusalOf(await h.click('isaiah', 'cancel', { requestId: request!.id }, locale))).toMatchObject({ code: 'not_found', text });
    }
    expect((await h.app.engine.get(request!.id))?.state).toBe('pending');
  });

  it('approving, rejecting or auditing a request one has no part in is answered as an unknown id (en, nl); its own people keep their answers', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send as on Training');
    const [request] = await h.app.engine.requestsOf(PEOPLE.alex.id);
    const typed = (r: ReturnType<typeof refusalOf>) => ({ ...r, details: { ...r.details, requestId: 'typed' } });
    for (const [locale, text, audit] of [['en-US', 'I could not find that request.', 'audit'], ['nl-NL', 'Ik kon die aanvraag niet vinden.', 'geschiedenis van']] as const) {
      for (const verb of ['approve', 'reject']) {
        const unrelated = refusalOf(await h.click('isaiah', verb, { requestId: request!.id }, locale));
        const unknown = refusalOf(await h.click('isaiah', verb, { requestId: 'REQ-ZZZZZZ' }, locale));
        expect(typed(unrelated)).toEqual(typed(unknown));
        expect(unrelated).toMatchObject({ code: 'not_found', text });
      }
      const unrelated = refusalOf(await h.say('isaiah', `${audit} ${request!.id}`, locale));
      const unknown = refusalOf(await h.say('isaiah', `${audit} REQ-ZZZZZZ`, locale));
      expect(typed(unrelated)).toEqual(typed(unknown));
      expect(unrelated).toMatchObject({ code: 'not_found', text });
    }
    // The requester and the grantee know the request: they still hear they cannot decide it or read its history.
    expect(refusalOf(await h.click('alex', 'approve', { requestId: request!.id }))).toMatchObject({ code: 'not_an_approver', text: 'You are not an approver of this request.' });
    expect(refusalOf(await h.click('megan', 'reject', { requestId: request!.id })).code).toBe('not_an_approver');
    expect(refusalOf(await h.say('alex', `audit ${request!.id}`)).code).toBe('audit_not_allowed');
    expect((await h.app.engine.get(request!.id))?.state).toBe('pending');
    // The unrelated clicks are on the record (refused), as an approver's wrong click is.
    const trail = await h.app.engine.audit(PEOPLE.nestor.id, { requestId: request!.id }, { limit: 100 });
    const entries = Array.isArray(trail) ? trail : trail.entries;
    expect(entries.filter((e) => e.actorId === PEOPLE.isaiah.id && e.outcome === 'refused').length).toBe(4);
  });

  it('an unknown person is said so and asked for', async () => {
    h = await conversationHarness();
    const replies = await h.say('alex', 'give Xyzzy send as on Training');
    expect(replies.map((r) => r.kind)).toEqual(['refusal', 'ask']);
    expect(refusalOf(replies)).toMatchObject({ code: 'unknown_person', text: 'I could not find "Xyzzy" in the directory.' });
  });

  it('a person the directory no longer knows when the request is made is named as not found, not as a request', async () => {
    const directory = new FileDirectory(parseDirectoryFile(JSON.parse(readFileSync(CONTOSO, 'utf8'))));
    // Megan is found by name, then gone by id: a directory that changed between the two reads.
    const changing = Object.assign(Object.create(directory) as FileDirectory, {
      getUser: async (id: string) => (id === PEOPLE.megan.id ? undefined : directory.getUser(id)),
    });
    h = await conversationHarness({ directory: changing });
    const refusal = refusalOf(await h.say('alex', 'give Megan send as on Training'));
    expect(refusal.code).toBe('unknown_person');
    expect(refusal.text).toContain(PEOPLE.megan.id);
  });

  it('tampered, foreign and unknown clicks change nothing', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send as on Training');
    const [request] = await h.app.engine.requestsOf(PEOPLE.alex.id);
    expect(refusalOf(await h.click('adele', 'approve', { requestId: { $ne: 1 } })).code).toBe('bad_action');
    expect(refusalOf(await h.click('adele', 'approve', { requestId: 'REQ-NOPE' })).code).toBe('not_found');
    expect(refusalOf(await h.click('megan', 'approve', { requestId: request!.id })).code).toBe('not_an_approver');
    expect(refusalOf(await h.click('adele', 'delete', { requestId: request!.id })).code).toBe('bad_action');
    expect(refusalOf(await h.click('alex', 'audit', { targetId: { $ne: 1 }, before: '1:a' })).code).toBe('bad_action');
    // A well-formed page of a person's history on a mailbox is still only an admin's to read.
    expect(refusalOf(await h.click('alex', 'audit', { targetId: 'x', granteeId: 'y', before: '1:a' })).code).toBe('audit_not_allowed');
    expect(refusalOf(await h.click('alex', 'choose', { draftId: 'nope', pick: 0 })).code).toBe('choice_expired');
    expect((await h.app.engine.get(request!.id))?.state).toBe('pending');
  });

  it('a pick that names none of an open choice\'s options says so and keeps the choice open (en, nl)', async () => {
    h = await conversationHarness();
    for (const [text, locale, words] of [
      ['give Jan send as on Sales', 'en-US', 'That is not one of the options. Pick one of the buttons above (Jan Jansen'],
      ['geef Jan verzenden als op Training', 'nl-NL', 'Dat is geen van de opties. Kies een van de knoppen hierboven (Jan Jansen'],
    ] as const) {
      const [choice] = await h.say('alex', text, locale);
      if (choice?.kind !== 'choice') throw new Error(`no choice: ${JSON.stringify(choice)}`);
      for (const pick of [7, -1, 2, '9', 'x']) {
        const refused = refusalOf(await h.click('alex', 'choose', { draftId: choice.draftId, step: choice.step, pick }, locale));
        expect(refused.code).toBe('not_an_option');
        expect(refused.text).toContain(words);
        expect(refused.text).toContain('Jan Smit');
      }
      expect(await h.app.engine.requestsOf(PEOPLE.alex.id)).toHaveLength(text.startsWith('give') ? 0 : 1);
      // Still open: a real pick goes on with the request.
      const done = await h.click('alex', 'choose', { draftId: choice.draftId, step: choice.step, pick: '1' }, locale);
      expect(done[0]?.kind).toBe('notice');
      expect(await h.app.engine.requestsOf(PEOPLE.alex.id)).toHaveLength(text.startsWith('give') ? 1 : 2);
      // Picked: the choice is closed now.
      expect(refusalOf(await h.click('alex', 'choose', { draftId: choice.draftId, step: choice.step, pick: 7 }, locale)).code).toBe('choice_expired');
    }
  });

  it('control characters and over-long text are refused before the language layer', async () => {
    h = await conversationHarness({
      understand: async () => {
        throw new Error('the language layer must not be reached');
      },
    });
    expect(refusalOf(await h.say('alex', 'give Megan\u0000 send as on Training')).code).toBe('control_chars');
    expect(refusalOf(await h.say('alex', 'x'.repeat(5000))).code).toBe('text_too_long');
    expect(refusalOf(await h.say('alex', 'x'.repeat(5000), 'nl-NL')).text).toContain('te lang');
  });
});

describe('refusals about a request in the wrong state say that state in words, in the language asked', () => {
  const MINUTE = 60_000;
  const NL = 'nl-NL';

  it('no longer pending: an expired request, to its requester and to a late approver', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send as on Training');
    const [request] = await h.app.engine.requestsOf(PEOPLE.alex.id);
    h.clock.advance(8 * 24 * 60 * MINUTE);
    await h.app.engine.idle();
    expect((await h.app.engine.get(request!.id))?.state).toBe('expired');
    const en = refusalOf(await h.click('alex', 'cancel', { requestId: request!.id }));
    expect([en.code, en.text]).toEqual(['not_pending', 'That request is no longer pending: it is expired.']);
    // Clicks speak the person's preferred language (Alex's is English); typed Dutch is answered in Dutch.
    const nl = refusalOf(await h.say('alex', `annuleer ${request!.id}`, NL));
    expect([nl.code, nl.text]).toEqual(['not_pending', 'Die aanvraag staat niet meer open: die is verlopen.']);
    // Adele (Dutch client) clicks Approve on the card a week later.
    const late = (await h.click('adele', 'approve', { requestId: request!.id }))[0];
    expect(late?.kind === 'approval' ? late.note : undefined).toBe('Die aanvraag staat niet meer open: die is verlopen.');
  });

  it('retry of a request in effect: "this one is in effect"', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send as on Training');
    const [request] = await h.app.engine.requestsOf(PEOPLE.alex.id);
    await h.click('adele', 'approve', { requestId: request!.id });
    h.clock.advance(10 * MINUTE);
    await h.app.engine.idle();
    expect((await h.app.engine.get(request!.id))?.state).toBe('effective');
    const en = refusalOf(await h.click('nestor', 'retry', { requestId: request!.id }));
    expect([en.code, en.text]).toEqual(['not_failed', 'Only a failed request can be retried; this one is in effect.']);
    const nl = refusalOf(await h.say('nestor', `probeer de aanvraag ${request!.id} opnieuw`, NL));
    expect(nl.text).toBe('Alleen een mislukte aanvraag kan opnieuw worden geprobeerd; deze is van kracht.');
    expect(nl.text).not.toMatch(ENGLISH_ONLY);
  });

  it('revoking a grant that is not applied yet says its state; revoking a removal request says it is one', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send as on Training');
    const [grant] = await h.app.engine.requestsOf(PEOPLE.alex.id);
    const pending = refusalOf(await h.click('nestor', 'revoke', { requestId: grant!.id }));
    expect([pending.code, pending.text]).toEqual(['not_revocable', 'Only an applied grant can be revoked directly; this request is waiting for approval.']);
    const pendingNl = refusalOf(await h.say('nestor', `trek ${grant!.id} in`, NL));
    expect(pendingNl.text).toBe('Alleen een toegepast recht kan direct worden ingetrokken; deze aanvraag is in afwachting van goedkeuring.');

    await h.click('adele', 'approve', { requestId: grant!.id });
    h.clock.advance(10 * MINUTE);
    await h.app.engine.idle();
    await h.say('alex', "remove Megan's send as on Training");
    const removal = (await h.app.engine.requestsOf(PEOPLE.alex.id)).find((r) => r.kind === 'revoke')!;
    await h.click('adele', 'approve', { requestId: removal.id });
    h.clock.advance(10 * MINUTE);
    await h.app.engine.idle();
    expect((await h.app.engine.get(removal.id))?.state).toBe('effective');
    const en = refusalOf(await h.click('nestor', 'revoke', { requestId: removal.id }));
    expect([en.code, en.text]).toEqual(['not_a_grant', `${removal.id} is a request to remove a right, not a grant, so there is nothing to revoke.`]);
    expect(en.details).toMatchObject({ rule: 'not_a_grant', state: 'effective', requestId: removal.id });
    const nl = refusalOf(await h.say('nestor', `trek ${removal.id} in`, NL));
    expect(nl.text).toBe(`${removal.id} is een aanvraag om een recht te verwijderen, geen toekenning, dus er valt niets in te trekken.`);
  });
});

describe('someone who is not in the directory', () => {
  const nobody = (text: string, locale = 'en-US') => h!.conversation.handleText({ userId: 'u-nobody', channel: 'test', locale, text });

  it('is told so, not "you have no requests" nor that their own id cannot be found, in English and Dutch', async () => {
    h = await conversationHarness();
    for (const text of ['my requests', 'give Megan send as on Training', 'who has access to Support?', 'help']) {
      const en = refusalOf(await nobody(text));
      expect([en.code, en.text], text).toEqual(['not_in_directory', "You are not in the organisation's directory, so I cannot act for you; nothing was changed. Please ask your admin."]);
      expect(en.text).not.toContain('u-nobody');
    }
    const nl = refusalOf(await nobody('mijn aanvragen', 'nl-NL'));
    expect([nl.code, nl.text]).toEqual(['not_in_directory', 'Je staat niet in de adreslijst van de organisatie, dus ik kan niet voor je handelen; er is niets veranderd. Vraag je beheerder.']);
    const click = refusalOf(await h.conversation.handleAction({ userId: 'u-nobody', channel: 'test', locale: 'nl-NL', verb: 'cancel', data: { requestId: 'REQ-7K2F9' } }));
    expect(click.code).toBe('not_in_directory');
    expect(click.text).toMatch(/^Je staat niet in de adreslijst/);
    expect(await h.app.engine.requestsOf('u-nobody')).toEqual([]);
  });

  it('a directory that cannot answer right now is not taken for "not in the directory"', async () => {
    h = await conversationHarness();
    const directory = h.app.directory;
    const getUser = directory.getUser.bind(directory);
    let down = true;
    directory.getUser = async (id: string) => {
      if (down && id === PEOPLE.alex.id) {
        down = false;
        throw new Error('directory down');
      }
      return getUser(id);
    };
    const replies = await h.say('alex', 'my requests');
    expect(replies.some((r) => r.kind === 'refusal' && r.code === 'not_in_directory')).toBe(false);
  });
});

describe('the store being unreachable', () => {
  it('is answered as such ("try again in a few minutes", never "nothing was changed"), in English and Dutch, and not logged as an error per turn', async () => {
    const errors: unknown[] = [];
    const log = { debug() {}, info() {}, warn() {}, error: (entry: object) => void errors.push(entry) };
    const down = new BotError('store_unavailable', 'Redis at 127.0.0.1:6379 is unavailable', { details: { outcome: 'unknown' } });
    const en = await refusalFor(down, { operation: 'submit' }, { escape: (text: string) => text } as unknown as Names, 'en', log);
    expect(en).toMatchObject({ kind: 'refusal', code: 'unavailable', details: { errorCode: 'store_unavailable' } });
    expect(en.text).toBe(t('en', 'reply.storeUnavailable'));
    expect(en.text).toMatch(/storage.*try again in a few minutes/);
    expect(en.text).not.toMatch(/nothing was changed|permission service/i);
    const nl = await refusalFor(down, { operation: 'decide' }, { escape: (text: string) => text } as unknown as Names, 'nl', log);
    expect(nl.text).toBe(t('nl', 'reply.storeUnavailable'));
    expect(nl.text).not.toMatch(ENGLISH_ONLY);
    expect(errors).toEqual([]);
  });
});
