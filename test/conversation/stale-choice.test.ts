import { afterEach, describe, expect, it } from 'vitest';
import { StoredDrafts } from '../../src/conversation/drafts.js';
import type { Reply } from '../../src/conversation/types.js';
import { conversationHarness, wordsOf, type ConversationHarness } from './harness.js';
import { PEOPLE } from './scripts/spec-conversations.js';

let h: ConversationHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function choiceIn(replies: Reply[]) {
  const choice = replies.find((r) => r.kind === 'choice');
  if (choice?.kind !== 'choice') throw new Error(`no choice in ${JSON.stringify(replies.map(wordsOf))}`);
  return choice;
}

function refusalCode(replies: Reply[]): string | undefined {
  expect(replies).toHaveLength(1);
  return replies[0]?.kind === 'refusal' ? replies[0].code : undefined;
}

const requestsOfAlex = async () => (await h!.app.engine.requestsOf(PEOPLE.alex.id)).map((r) => ({ grantee: r.granteeId, target: r.targetId, rights: r.rights }));

/**
 * The tester's sequence: "Did you mean Jan Jansen or Jan Smit?" for the grantee, answered by typing;
 * then "Which mailbox or group do you mean?" with the same two names. The first card's buttons are
 * still on screen, with the same draft and the same picks.
 */
async function twoCards() {
  const grantee = choiceIn(await h!.say('alex', "give Jann full access to Jan's mailbox"));
  expect(grantee.slot).toBe('grantee');
  const target = choiceIn(await h!.say('alex', 'Jan Jansen'));
  expect(target.slot).toBe('target');
  expect(target.draftId).toBe(grantee.draftId);
  expect(target.options.map((o) => o.label)).toEqual(grantee.options.map((o) => o.label));
  expect(target.step).not.toBe(grantee.step);
  return { grantee, target };
}

describe('a click on a choice that is no longer the open question', () => {
  it('a click on the first card is refused as a choice no longer open and creates no request; the open card still works', async () => {
    h = await conversationHarness();
    const { grantee, target } = await twoCards();
    // "Jan Smit" clicked on the grantee card: it never showed the mailbox question.
    const stale = await h.click('alex', 'choose', { draftId: grantee.draftId, step: grantee.step, pick: 1 });
    expect(refusalCode(stale)).toBe('choice_expired');
    expect(wordsOf(stale[0]!)).toBe('That choice is no longer open; please send your request again.');
    expect(await requestsOfAlex()).toEqual([]);
    // Nothing changed: the mailbox question is still open, and its own button answers it.
    const current = await h.click('alex', 'choose', { draftId: target.draftId, step: target.step, pick: 1 });
    expect(current.map((r) => r.kind)).toEqual(['notice', 'summary']);
    expect(await requestsOfAlex()).toEqual([{ grantee: await idOf('Jan Jansen'), target: await idOf('Jan Smit'), rights: ['FullAccess'] }]);
  });

  it('a typed answer still answers the open question after a stale click', async () => {
    h = await conversationHarness();
    const { grantee } = await twoCards();
    expect(refusalCode(await h.click('alex', 'choose', { draftId: grantee.draftId, step: grantee.step, pick: 0 }))).toBe('choice_expired');
    expect((await h.say('alex', 'the second one')).map((r) => r.kind)).toEqual(['summary']);
    expect(await requestsOfAlex()).toEqual([{ grantee: await idOf('Jan Jansen'), target: await idOf('Jan Smit'), rights: ['FullAccess'] }]);
  });

  it('refuses a tampered or missing step and changes nothing', async () => {
    h = await conversationHarness();
    const { target } = await twoCards();
    for (const step of [target.step + 1, target.step - 1, 0, -1, String(target.step + 7), `${target.step}x`, '', null, { $ne: 1 }, undefined]) {
      const data = step === undefined ? { draftId: target.draftId, pick: 0 } : { draftId: target.draftId, step, pick: 0 };
      expect(refusalCode(await h.click('alex', 'choose', data)), JSON.stringify(step)).toBe('choice_expired');
    }
    expect(await requestsOfAlex()).toEqual([]);
    // The step as the Teams card sends it (a string) is the open question's.
    expect((await h.click('alex', 'choose', { draftId: target.draftId, step: String(target.step), pick: 1 })).map((r) => r.kind)).toEqual(['notice', 'summary']);
    expect(await requestsOfAlex()).toEqual([{ grantee: await idOf('Jan Jansen'), target: await idOf('Jan Smit'), rights: ['FullAccess'] }]);
  });

  it('a draft saved before steps existed refuses every click (it cannot tell which card), and a typed answer still completes it', async () => {
    h = await conversationHarness();
    const drafts = new StoredDrafts(h.app.store);
    const { target } = await twoCards();
    const { step: _dropped, ...legacy } = (await drafts.draft(PEOPLE.alex.id))!;
    await drafts.saveDraft(legacy);
    expect(refusalCode(await h.click('alex', 'choose', { draftId: target.draftId, pick: 1 }))).toBe('choice_expired');
    expect(refusalCode(await h.click('alex', 'choose', { draftId: target.draftId, step: target.step, pick: 1 }))).toBe('choice_expired');
    expect(await requestsOfAlex()).toEqual([]);
    expect((await h.say('alex', 'Jan Smit')).map((r) => r.kind)).toEqual(['summary']);
    expect(await requestsOfAlex()).toEqual([{ grantee: await idOf('Jan Jansen'), target: await idOf('Jan Smit'), rights: ['FullAccess'] }]);
  });
});

/** The directory id of a person (their mailbox has the same id). */
async function idOf(displayName: string): Promise<string> {
  const found = await h!.app.directory.findUsers(displayName);
  const id = found?.find((u) => u.displayName === displayName)?.id;
  if (!id) throw new Error(`no ${displayName} in the directory`);
  return id;
}
