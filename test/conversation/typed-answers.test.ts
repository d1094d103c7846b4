import { afterEach, describe, expect, it } from 'vitest';
import { StoredDrafts } from '../../src/conversation/drafts.js';
import type { Reply } from '../../src/conversation/types.js';
import { conversationHarness, wordsOf, type ConversationHarness } from './harness.js';
import { PEOPLE, TARGETS, type Person } from './scripts/spec-conversations.js';

let h: ConversationHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Each reply as `[kind] words`, so a test reads what the person reads. */
function read(replies: Reply[]): string[] {
  return replies.map((r) => `[${r.kind}] ${wordsOf(r)}`);
}

async function draftOf(person: Person) {
  return new StoredDrafts(h!.app.store).draft(PEOPLE[person].id);
}

/** The one request `person` asked for, as the engine stored it. */
async function onlyRequestOf(person: Person) {
  const requests = await h!.app.engine.requestsOf(PEOPLE[person].id);
  expect(requests).toHaveLength(1);
  const [request] = requests;
  return { rights: request!.rights, grantee: request!.granteeId, target: request!.targetId };
}

const ASK_GRANTEE = '[ask] For whom is this? Reply with a name.';
const ASK_GRANTEE_AGAIN = '[ask] For whom is this? Reply with a name, or say "cancel" to stop.';
const ASK_TARGET = '[ask] On which mailbox or group? Reply with its name.';
/** The question dropped by a stop word (not "cancel": no "say cancel again"). */
const STOPPED = '[text] OK, I stopped asking; nothing was requested. To cancel a request you already sent, say "cancel".';
const GESTOPT = '[text] Goed, ik vraag niet verder; er is niets aangevraagd. Wil je een aanvraag intrekken die je al had verstuurd, zeg dan "annuleer".';
const ASK_TARGET_AGAIN = '[ask] On which mailbox or group? Reply with its name, or say "cancel" to stop.';

describe('a choice answered by typing one of its options', () => {
  for (const typed of ['Send As', 'send-as', 'send as', 'SEND AS please']) {
    it(`takes "${typed}" typed at "Which right?" as the Send As button`, async () => {
      h = await conversationHarness();
      expect((await h.say('alex', 'give Megan access to Training')).map((r) => r.kind)).toEqual(['choice']);
      expect((await h.say('alex', typed)).map((r) => r.kind)).toEqual(['summary']);
      expect(await onlyRequestOf('alex')).toEqual({ rights: ['SendAs'], grantee: PEOPLE.megan.id, target: TARGETS.training });
      expect(await draftOf('alex')).toBeUndefined();
    });
  }

  it('takes "Send on Behalf" typed, and Dutch labels typed in Dutch ("verzenden als", "Verzenden namens")', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan access to Training');
    expect((await h.say('alex', 'Send on Behalf')).map((r) => r.kind)).toEqual(['summary']);
    expect((await h.app.engine.requestsOf(PEOPLE.alex.id)).map((r) => r.rights)).toEqual([['SendOnBehalf']]);

    const [choice] = await h.say('adele', 'geef Megan toegang tot Training');
    expect(choice?.kind === 'choice' ? choice.options.map((o) => o.label) : undefined).toEqual(['Verzenden als', 'Verzenden namens']);
    expect((await h.say('adele', 'verzenden als')).map((r) => r.kind)).toEqual(['summary']);
    await h.say('adele', 'geef Isaiah toegang tot Training');
    expect((await h.say('adele', 'Verzenden namens')).map((r) => r.kind)).toEqual(['summary']);
    // requestsOf gives no fixed order between requests made in the same instant.
    const made = (await h.app.engine.requestsOf(PEOPLE.adele.id)).map((r) => [r.granteeId, r.rights]);
    expect(made).toHaveLength(2);
    expect(made).toEqual(expect.arrayContaining([
      [PEOPLE.megan.id, ['SendAs']],
      [PEOPLE.isaiah.id, ['SendOnBehalf']],
    ]));
  });

  it('answers a typed right that is not offered with why, and keeps the choice open', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan access to Training');
    expect(read(await h.say('alex', 'full access'))).toEqual(['[text] Full Access exists only on mailboxes, not on groups. Choose Send As or Send on Behalf.']);
    expect((await draftOf('alex'))?.awaiting).toBe('permission');
    expect((await h.say('alex', 'send as')).map((r) => r.kind)).toEqual(['summary']);
  });

  it('points to the options when the typed answer is none of them (en, nl), and keeps the choice open', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan access to Training');
    expect(read(await h.say('alex', 'banana'))).toEqual([
      '[text] That is not one of the options. Pick one of the buttons above (Send As, Send on Behalf), or say "cancel" to stop.',
    ]);
    expect((await draftOf('alex'))?.awaiting).toBe('permission');
    expect((await h.say('alex', 'Send on Behalf')).map((r) => r.kind)).toEqual(['summary']);

    await h.say('adele', 'geef Megan toegang tot Training');
    expect(read(await h.say('adele', 'banaan'))).toEqual([
      '[text] Dat is geen van de opties. Kies een van de knoppen hierboven (Verzenden als, Verzenden namens), of zeg "annuleer" om te stoppen.',
    ]);
    expect((await draftOf('adele'))?.awaiting).toBe('permission');
  });

  it('still takes a new request, or "cancel", typed at a choice as such', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan access to Training');
    expect((await h.say('alex', 'give Megan send on behalf on Training')).map((r) => r.kind)).toEqual(['summary']);
    expect(await draftOf('alex')).toBeUndefined();
    await h.say('alex', 'give Alex access to Training');
    expect(read(await h.say('alex', 'cancel'))).toEqual([
      '[text] OK, I stopped asking; nothing was requested. To cancel a request you already sent, say "cancel" again.',
    ]);
    expect(await draftOf('alex')).toBeUndefined();
  });

  it('takes a person typed exactly as offered (display name, mail, or the whole option) at "Which person?"', async () => {
    h = await conversationHarness();
    for (const [typed, who] of [['Jan Smit', 'janSmit'], ['jan.jansen@contoso.example', 'janJansen'], ['Jan Smit (jan.smit@contoso.example)', 'janSmit']] as const) {
      const [choice] = await h.say('alex', 'give Jan send as on Training');
      expect(choice?.kind === 'choice' ? choice.options.map((o) => o.label) : undefined).toEqual(['Jan Jansen (jan.jansen@contoso.example)', 'Jan Smit (jan.smit@contoso.example)']);
      expect((await h.say('alex', typed)).map((r) => r.kind), typed).toContain('summary');
      const pending = (await h.app.engine.requestsOf(PEOPLE.alex.id)).filter((r) => r.state === 'pending');
      expect(pending.map((r) => r.granteeId), typed).toEqual([PEOPLE[who].id]);
      await h.say('alex', 'cancel');
    }
  });

  it('points to the people offered when the typed name is none of them, not "could not find" (en, nl)', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Jan send as on Training');
    expect(read(await h.say('alex', 'Pietje'))).toEqual([
      '[text] That is not one of the options. Pick one of the buttons above (Jan Jansen (jan.jansen@contoso.example), Jan Smit (jan.smit@contoso.example)), or say "cancel" to stop.',
    ]);
    expect((await draftOf('alex'))?.awaiting).toBe('grantee');
    expect((await h.say('alex', 'Jan Smit')).map((r) => r.kind)).toEqual(['summary']);

    await h.say('adele', 'geef Jan verzenden als op Training');
    expect(read(await h.say('adele', 'Pietje'))).toEqual([
      '[text] Dat is geen van de opties. Kies een van de knoppen hierboven (Jan Jansen (jan.jansen@contoso.example), Jan Smit (jan.smit@contoso.example)), of zeg "annuleer" om te stoppen.',
    ]);
  });
});

describe('a choice answered by typing the place of an option', () => {
  for (const [typed, who] of [['the first one', 'janJansen'], ['1', 'janJansen'], ['#2', 'janSmit'], ['the second', 'janSmit'], ['2nd one please', 'janSmit'], ['the last one', 'janSmit']] as const) {
    it(`takes "${typed}" at "Which person?" as that button`, async () => {
      h = await conversationHarness();
      await h.say('alex', 'give Jan send as on Training');
      expect((await h.say('alex', typed)).map((r) => r.kind)).toEqual(['summary']);
      expect(await onlyRequestOf('alex')).toEqual({ rights: ['SendAs'], grantee: PEOPLE[who].id, target: TARGETS.training });
    });
  }

  it('takes Dutch ordinals ("de eerste", "nummer 2", "de tweede") and numbers at a choice of rights', async () => {
    h = await conversationHarness();
    await h.say('adele', 'geef Jan verzenden als op Training');
    expect((await h.say('adele', 'de eerste')).map((r) => r.kind)).toEqual(['summary']);
    await h.say('adele', 'geef Megan toegang tot Training');
    expect((await h.say('adele', 'nummer 2')).map((r) => r.kind)).toEqual(['summary']);
    await h.say('alex', 'give Megan access to Training');
    expect((await h.say('alex', '1')).map((r) => r.kind)).toEqual(['summary']);
    const made = (await h.app.engine.requestsOf(PEOPLE.adele.id)).map((r) => [r.granteeId, r.rights]);
    expect(made).toEqual(expect.arrayContaining([[PEOPLE.janJansen.id, ['SendAs']], [PEOPLE.megan.id, ['SendOnBehalf']]]));
    expect(await onlyRequestOf('alex')).toEqual({ rights: ['SendAs'], grantee: PEOPLE.megan.id, target: TARGETS.training });
  });

  it('points to the buttons for a place there is no option at (en, nl), and keeps the choice open', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Jan send as on Training');
    for (const typed of ['3', 'the third one', '0']) {
      expect(read(await h.say('alex', typed)), typed).toEqual([
        '[text] That is not one of the options. Pick one of the buttons above (Jan Jansen (jan.jansen@contoso.example), Jan Smit (jan.smit@contoso.example)), or say "cancel" to stop.',
      ]);
      expect((await draftOf('alex'))?.awaiting, typed).toBe('grantee');
    }
    await h.say('adele', 'geef Megan toegang tot Training');
    expect(read(await h.say('adele', 'de derde'))).toEqual([
      '[text] Dat is geen van de opties. Kies een van de knoppen hierboven (Verzenden als, Verzenden namens), of zeg "annuleer" om te stoppen.',
    ]);
    expect((await h.say('adele', 'de tweede')).map((r) => r.kind)).toEqual(['summary']);
  });

  it('reads "1" with no choice open as before (no option to pick)', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give send as on Training');
    expect(read(await h.say('alex', '1'))[0]).not.toContain('summary');
    expect(await h.app.engine.requestsOf(PEOPLE.alex.id)).toEqual([]);
  });
});

describe('"For whom?" answered with a name and a few words around it', () => {
  for (const [person, typed] of [['alex', 'Megan needs it'], ['alex', 'Megan does'], ['alex', 'for Megan'], ['alex', 'it is for Megan Bowen'], ['adele', 'Megan heeft het nodig'], ['adele', 'voor Megan']] as const) {
    it(`takes "${typed}" as the answer`, async () => {
      h = await conversationHarness();
      const ask = person === 'alex' ? 'give send as on Training' : 'geef verzenden als op Training';
      expect((await h.say(person, ask)).map((r) => r.kind)).toEqual(['ask']);
      expect((await h.say(person, typed)).map((r) => r.kind)).toEqual(['summary']);
      expect(await onlyRequestOf(person)).toEqual({ rights: ['SendAs'], grantee: PEOPLE.megan.id, target: TARGETS.training });
    });
  }

  it('offers the namesakes when the name is several people ("Jan needs it")', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give send as on Training');
    const replies = await h.say('alex', 'Jan needs it');
    expect(replies.map((r) => r.kind)).toEqual(['choice']);
  });

  it('takes a whole new request after the question as that request, not as the answer', async () => {
    h = await conversationHarness();
    expect(read(await h.say('alex', 'give send as on Training'))).toEqual([ASK_GRANTEE]);
    expect((await h.say('alex', 'give Megan send on behalf on Sales')).map((r) => r.kind)).toEqual(['summary']);
    expect(await onlyRequestOf('alex')).toEqual({ rights: ['SendOnBehalf'], grantee: PEOPLE.megan.id, target: TARGETS.sales });
    expect(await draftOf('alex')).toBeUndefined();
  });

  it('reads "Megan needs it" with no question open as before (not understood), and never for a mailbox question', async () => {
    h = await conversationHarness();
    expect((await h.say('alex', 'Megan needs it')).map((r) => r.kind)).toEqual(['text']);
    expect(await h.app.engine.requestsOf(PEOPLE.alex.id)).toEqual([]);
    // "On which mailbox?" is not "who needs it?": a person with filler words is a new message there.
    expect(read(await h.say('alex', 'give Megan send as'))).toEqual([ASK_TARGET]);
    expect((await h.say('alex', 'Megan needs it')).map((r) => r.kind)).toEqual(['text']);
    expect(await h.app.engine.requestsOf(PEOPLE.alex.id)).toEqual([]);
  });
});

describe('an answer that is no name is never quoted by its first word', () => {
  it('drops the question for more ways of saying stop ("forget about it", "oh forget it", "just forget it", "vergeet het maar")', async () => {
    h = await conversationHarness();
    for (const words of ['forget about it', 'oh forget it', 'just forget it', 'forget it now']) {
      expect(read(await h.say('alex', 'give send as on Training'))).toEqual([ASK_GRANTEE]);
      expect(read(await h.say('alex', words)), words).toEqual([STOPPED]);
      expect(await draftOf('alex'), words).toBeUndefined();
    }
    await h.say('adele', 'geef verzenden als op Training');
    expect(read(await h.say('adele', 'vergeet het maar'))).toEqual([GESTOPT]);
  });

  it('says an answer of several words did not read as a name, quoting all of it (grantee and target questions, en and nl)', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give send as on Training');
    expect(read(await h.say('alex', 'somebody on Training'))).toEqual(['[refusal] I could not read "somebody on Training" as a name.', ASK_GRANTEE_AGAIN]);
    await h.say('alex', 'who has access to');
    expect(read(await h.say('alex', 'forget the whole thing'))).toEqual(['[refusal] I could not read "forget the whole thing" as a name.', ASK_TARGET_AGAIN]);
    await h.say('adele', 'geef verzenden als op Training');
    expect(read(await h.say('adele', 'vergeet dat nou'))).toEqual([
      '[refusal] Ik kon "vergeet dat nou" niet als naam lezen.',
      '[ask] Voor wie is dit? Antwoord met een naam, of zeg "annuleer" om te stoppen.',
    ]);
    // A name that is not in the directory is still said to be not found, as written.
    await h.say('alex', 'give send as on Training');
    expect(read(await h.say('alex', 'Pietje Puk.'))).toEqual(['[refusal] I could not find "Pietje Puk" in the directory.', ASK_GRANTEE_AGAIN]);
  });

  it('"forget it" with no question open says there is nothing to stop (en, nl)', async () => {
    h = await conversationHarness();
    expect(read(await h.say('nestor', 'forget it'))).toEqual([
      '[text] I was not asking you anything, so there is nothing to stop. To cancel a request you sent, say "cancel".',
    ]);
    expect(read(await h.say('adele', 'laat maar'))).toEqual([
      '[text] Ik had je niets gevraagd, dus er valt niets te stoppen. Wil je een verstuurde aanvraag intrekken, zeg dan "annuleer".',
    ]);
  });
});

describe('a stop said anywhere in a short answer stops asking, and nothing is requested', () => {
  for (const [ask, typed] of [
    ['give send on behalf on Support', 'Isaiah, forget it'],
    ['give send as on Training', 'Megan, stop'],
    ['give Jan send as on Training', 'Jan Smit, stop'],
    ['give send as on Training', 'Megan never mind'],
    ['give send as on Training', 'forget it on Training'],
  ] as const) {
    it(`stops at "${typed}" (after "${ask}")`, async () => {
      h = await conversationHarness();
      await h.say('alex', ask);
      expect(read(await h.say('alex', typed))).toEqual([STOPPED]);
      expect(await draftOf('alex')).toBeUndefined();
      expect(await h.app.engine.requestsOf(PEOPLE.alex.id)).toEqual([]);
    });
  }

  it('takes "stop Isaiah" at "For whom?" as stop, never as a removal that later answers complete', async () => {
    h = await conversationHarness();
    expect(read(await h.say('alex', 'give send as on Support'))).toEqual([ASK_GRANTEE]);
    expect(read(await h.say('alex', 'stop Isaiah'))).toEqual([STOPPED]);
    expect(await draftOf('alex')).toBeUndefined();
    expect((await h.say('alex', 'Support')).map((r) => r.kind)).toEqual(['text']);
    expect(await h.app.engine.requestsOf(PEOPLE.alex.id)).toEqual([]);
  });

  it('says so in Dutch ("Megan, laat maar"), and "cancel" itself still says "cancel" again', async () => {
    h = await conversationHarness();
    await h.say('adele', 'geef verzenden als op Training');
    expect(read(await h.say('adele', 'Megan, laat maar'))).toEqual([GESTOPT]);
    expect(await h.app.engine.requestsOf(PEOPLE.adele.id)).toEqual([]);
    await h.say('alex', 'give send as on Training');
    expect(read(await h.say('alex', 'cancel'))).toEqual([
      '[text] OK, I stopped asking; nothing was requested. To cancel a request you already sent, say "cancel" again.',
    ]);
  });

  it('still takes a whole removal that names whom and where as a new message ("stop Megan\'s send as on Training")', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan send as on Training');
    await h.say('alex', 'give send on behalf on Support');
    expect(read(await h.say('alex', "stop Megan's send as on Training"))).not.toEqual([STOPPED]);
  });
});

describe('a typed option with more words at a choice', () => {
  for (const typed of ['Send As, thanks', 'send as thank you', 'Send As, bedankt']) {
    it(`takes "${typed}" as the Send As button`, async () => {
      h = await conversationHarness();
      await h.say('alex', 'give Megan access to Training');
      expect((await h.say('alex', typed)).map((r) => r.kind)).toEqual(['summary']);
      expect(await onlyRequestOf('alex')).toEqual({ rights: ['SendAs'], grantee: PEOPLE.megan.id, target: TARGETS.training });
    });
  }

  for (const [typed, right, end] of [
    ['Send As for 2 weeks', 'SendAs', { duration: 'P14D', until: null }],
    ['Send As until Friday', 'SendAs', { duration: null, until: '2026-11-27' }],
    ['send on behalf for 3 days', 'SendOnBehalf', { duration: 'P3D', until: null }],
  ] as const) {
    it(`takes "${typed}" as that button and keeps the end`, async () => {
      h = await conversationHarness();
      await h.say('alex', 'give Megan access to Training');
      expect((await h.say('alex', typed)).map((r) => r.kind)).toEqual(['summary']);
      const [request] = await h.app.engine.requestsOf(PEOPLE.alex.id);
      expect({ rights: request?.rights, duration: request?.duration ?? null, until: request?.until ?? null }).toEqual({ rights: [right], ...end });
    });
  }

  it('takes "verzenden als voor 2 weken" in Dutch the same way', async () => {
    h = await conversationHarness();
    await h.say('adele', 'geef Megan toegang tot Training');
    expect((await h.say('adele', 'verzenden als voor 2 weken')).map((r) => r.kind)).toEqual(['summary']);
    const [request] = await h.app.engine.requestsOf(PEOPLE.adele.id);
    expect([request?.rights, request?.duration]).toEqual([['SendAs'], 'P14D']);
  });

  for (const typed of ['Send As, forget it', 'stop send as', 'send as, never mind']) {
    it(`stops at "${typed}": no new request asked for, nothing requested`, async () => {
      h = await conversationHarness();
      await h.say('alex', 'give Megan access to Training');
      expect(read(await h.say('alex', typed))).toEqual([STOPPED]);
      expect(await draftOf('alex')).toBeUndefined();
      expect(await h.app.engine.requestsOf(PEOPLE.alex.id)).toEqual([]);
    });
  }

  it('points to the buttons for anything else, keeping the choice open for "1" after it', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Megan access to Training');
    for (const typed of ['Send As for a while', 'Send As or maybe the other one', 'what is the difference?']) {
      expect(read(await h.say('alex', typed)), typed).toEqual([
        '[text] That is not one of the options. Pick one of the buttons above (Send As, Send on Behalf), or say "cancel" to stop.',
      ]);
      expect((await draftOf('alex'))?.awaiting, typed).toBe('permission');
    }
    expect((await h.say('alex', '1')).map((r) => r.kind)).toEqual(['summary']);
    expect(await onlyRequestOf('alex')).toEqual({ rights: ['SendAs'], grantee: PEOPLE.megan.id, target: TARGETS.training });
  });

  it('takes a person with an end at a choice of people ("Jan Smit for 2 weeks") or at "For whom?" ("Megan until Friday"), keeping the end', async () => {
    h = await conversationHarness();
    await h.say('alex', 'give Jan send as on Training');
    expect((await h.say('alex', 'Jan Smit for 2 weeks')).map((r) => r.kind)).toEqual(['summary']);
    await h.say('adele', 'give send as on Training');
    expect((await h.say('adele', 'Megan until Friday')).map((r) => r.kind)).toEqual(['summary']);
    const [jan] = await h.app.engine.requestsOf(PEOPLE.alex.id);
    const [megan] = await h.app.engine.requestsOf(PEOPLE.adele.id);
    expect([jan?.granteeId, jan?.duration]).toEqual([PEOPLE.janSmit.id, 'P14D']);
    expect([megan?.granteeId, megan?.until]).toEqual([PEOPLE.megan.id, '2026-11-27']);
  });
});
