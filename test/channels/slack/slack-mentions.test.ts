import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_MENTIONS } from '../../../src/channels/slack/mentions.js';
import { FAKE_BOT } from '../../fakes/slack-api-fake.js';
import { DIRECTORY, slackHarness, slackPeople, TRAINING, textOf, type SlackHarness } from './harness.js';

const { alex } = slackPeople;
/** Jan Smit: "Jan" alone is two people in the directory; the mention is one. */
const janSmit = { id: 'U0JANSMIT1', name: 'Jan Smit', email: 'jan.smit@contoso.example', locale: 'nl-NL', aad: '0a1e0007-aaaa-4bbb-8ccc-000000000007' };

let h: SlackHarness;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function requestsOfAlex(h: SlackHarness) {
  return h.app.engine.requestsOf(alex.aad);
}

describe('Slack: a user mention is the directory user behind it', () => {
  it('makes the request for the mentioned person, identified by their Slack profile email', async () => {
    h = await slackHarness({}, { people: [...Object.values(slackPeople), janSmit] });
    await h.dm(alex, `give <@${janSmit.id}> send-as on Training`);
    const [request] = await requestsOfAlex(h);
    expect(request).toMatchObject({ granteeId: janSmit.aad, targetId: TRAINING, rights: ['SendAs'], state: 'pending' });
    expect(textOf(h.inbox(alex).at(-1))).toContain('Jan Smit');
    expect(textOf(h.inbox(alex).at(-1))).not.toContain(janSmit.id);
    expect(h.fake.violations).toEqual([]);
  });

  it('takes a labelled mention, a mention as the answer to "For whom?", and drops the app\'s own mention', async () => {
    h = await slackHarness({}, { people: [...Object.values(slackPeople), janSmit] });
    await h.dm(alex, 'give send-as on Training');
    expect(textOf(h.inbox(alex).at(-1))).toContain('For whom');
    await h.dm(alex, `<@${janSmit.id}|jan>`);
    expect((await requestsOfAlex(h)).map((r) => r.granteeId)).toEqual([janSmit.aad]);

    await h.mention(alex, `<@${FAKE_BOT.userId}> give <@${slackPeople.megan.id}> send on behalf on Training`);
    expect((await requestsOfAlex(h)).map((r) => r.granteeId).sort()).toEqual([janSmit.aad, slackPeople.megan.aad].sort());
    expect(h.fake.violations).toEqual([]);
  });

  it('answers a mention of someone the bot does not serve with "could not find", creating nothing, and never takes a namesake', async () => {
    h = await slackHarness();
    // A guest who shares Megan's name, someone outside the directory, someone of another workspace, a deactivated account.
    h.fake.addUser({ id: 'U0GUEST001', name: 'Megan Bowen', email: 'megan.bowen@fabrikam.example', is_restricted: true });
    h.fake.addUser({ id: 'U0ZOE00001', name: 'Zoë Outside', email: 'zoe@fabrikam.example' });
    h.fake.addUser({ id: 'U0EXTERN01', name: 'Ext Ernal', email: 'alexw@contoso.example', team_id: 'T0FABRIKAM' });
    h.fake.addUser({ id: 'U0GONE0001', name: 'Old Account', email: 'pattio@contoso.example', deleted: true });
    const cases: Array<[string, string]> = [
      ['U0GUEST001', 'Megan Bowen'],
      ['U0ZOE00001', 'Zoë Outside'],
      ['U0EXTERN01', 'Ext Ernal'],
      ['U0GONE0001', 'Old Account'],
      // Slack does not know the id at all: no name to show, and no id either.
      ['U0NOBODY99', 'the person you mentioned'],
    ];
    for (const [id, shown] of cases) {
      await h.dm(alex, `give <@${id}> send-as on Training`);
      const answer = h.inbox(alex).slice(-2).map(textOf).join(' ');
      expect(answer).toContain(`could not find "${shown}"`);
      expect(answer).not.toContain(id);
    }
    expect(await requestsOfAlex(h)).toEqual([]);
    expect(h.fake.violations).toEqual([]);
  });

  it('looks each mentioned person up once (the identity cache)', async () => {
    h = await slackHarness({}, { people: [...Object.values(slackPeople), janSmit] });
    await h.dm(alex, `give <@${janSmit.id}> send-as on Training`);
    await h.dm(alex, `give <@${janSmit.id}> send on behalf on Training`);
    expect(h.fake.calls('users.info').filter((c) => c.args.user === janSmit.id)).toHaveLength(1);
  });

  describe('people mentioned side by side, as Slack autocomplete writes them (only a space between)', () => {
    const { megan, adele } = slackPeople;

    it('makes one request per person for two known people', async () => {
      h = await slackHarness();
      await h.dm(alex, `give <@${megan.id}> <@${adele.id}> send-as on Training`);
      const requests = await requestsOfAlex(h);
      expect(requests.map((r) => [r.granteeId, r.targetId, r.rights, r.state]).sort()).toEqual(
        [[megan.aad, TRAINING, ['SendAs'], 'pending'], [adele.aad, TRAINING, ['SendAs'], 'pending']].sort(),
      );
      expect(h.inbox(alex).map(textOf).join(' ')).toContain('one request per person (Megan Bowen, Adele Vance)');
      expect(h.fake.violations).toEqual([]);
    });

    it('answers "could not find" for a person the bot does not serve, creating nothing for them and keeping the others', async () => {
      h = await slackHarness();
      h.fake.addUser({ id: 'U0ZOE00001', name: 'Zoë Outside', email: 'zoe@fabrikam.example' });
      await h.dm(alex, `give <@${megan.id}> <@U0ZOE00001> send-as on Training`);
      const answer = h.inbox(alex).slice(-2).map(textOf).join(' ');
      expect(answer).toContain('could not find "Zoë Outside"');
      expect(answer).toContain('For whom');
      expect(await requestsOfAlex(h)).toEqual([]);
      // Naming someone else instead of Zoë makes both requests: Megan was not dropped either.
      await h.dm(alex, `<@${adele.id}>`);
      expect((await requestsOfAlex(h)).map((r) => r.granteeId).sort()).toEqual([megan.aad, adele.aad].sort());
      expect(h.fake.violations).toEqual([]);
    });

    it(`refuses a message naming more than ${MAX_MENTIONS} people whole: nobody is looked up, nothing is created`, async () => {
      h = await slackHarness();
      const others = Array.from({ length: 12 }, (_, i) => h.fake.addUser({ id: `U0PERSON${String(i).padStart(2, '0')}`, name: `Person ${i}`, email: `person${i}@fabrikam.example` }).id);
      await h.dm(alex, `give <@${megan.id}> ${others.map((id) => `<@${id}>`).join(' ')} send on behalf on Training`);
      const answer = textOf(h.inbox(alex).at(-1));
      expect(answer).toContain('You mentioned 13 people in one message; I can look up at most 10 at a time');
      expect(answer).toContain('nothing was changed');
      expect(await requestsOfAlex(h)).toEqual([]);
      expect(h.fake.calls('users.info').filter((c) => c.args.user !== alex.id)).toEqual([]);
      expect(h.fake.violations).toEqual([]);
    });

    it(`reads exactly ${MAX_MENTIONS} people (the same person twice counts once)`, async () => {
      h = await slackHarness();
      const others = Array.from({ length: MAX_MENTIONS - 1 }, (_, i) => h.fake.addUser({ id: `U0PERSON${String(i).padStart(2, '0')}`, name: `Person ${i}`, email: `person${i}@fabrikam.example` }).id);
      await h.dm(alex, `give <@${megan.id}> ${others.map((id) => `<@${id}>`).join(' ')} <@${megan.id}> send on behalf on Training`);
      const answer = h.inbox(alex).slice(-2).map(textOf).join(' ');
      expect(answer).not.toContain('You mentioned');
      expect(answer).toContain('could not find "Person 0"');
      expect(h.fake.calls('users.info').filter((c) => c.args.user !== alex.id)).toHaveLength(MAX_MENTIONS);
      expect(await requestsOfAlex(h)).toEqual([]);
    });
  });

  describe('a mention Slack cannot look up right now refuses the whole message, and changes nothing', () => {
    const { megan, adele, janJansen } = slackPeople;
    const UNAVAILABLE = 'I could not check who you mentioned right now';
    const UNAVAILABLE_NL = 'Ik kon nu niet nagaan wie je noemde';
    const lookupsOf = (id: string) => h.fake.calls('users.info').filter((c) => c.args.user === id).length;

    /** The harness with `people` already known to the bot (their own `users.info` answered and kept), so a scripted failure hits the mention's lookup. */
    async function started(...people: Array<(typeof slackPeople)[keyof typeof slackPeople]>) {
      h = await slackHarness();
      for (const person of people) await h.dm(person, 'help');
    }

    for (const [what, script] of [
      ['HTTP 503 on every try', () => h.fake.httpNext('users.info', 503, undefined, 3)],
      ['429 with a Retry-After longer than a turn waits', () => h.fake.httpNext('users.info', 429, 30)],
      ['a transient error code (internal_error)', () => h.fake.failNext('users.info', 'internal_error')],
    ] as const) {
      it(`answers "could not check right now" on ${what}, creates nothing, and reads the same message once Slack answers`, async () => {
        await started(alex);
        script();
        const before = h.inbox(alex).length;
        await h.dm(alex, `give <@${megan.id}> send-as on Training`);
        const answer = h.inbox(alex).slice(before).map(textOf).join(' ');
        expect(answer).toContain(UNAVAILABLE);
        expect(answer).toContain('nothing was changed');
        expect(answer).not.toContain('could not find');
        expect(answer).not.toContain(megan.id);
        expect(await requestsOfAlex(h)).toEqual([]);
        expect(h.logs.some((l) => l.msg.includes('message refused'))).toBe(true);

        // The failure was not kept: the same message asks Slack again and is read.
        const asked = lookupsOf(megan.id);
        await h.dm(alex, `give <@${megan.id}> send-as on Training`);
        expect(lookupsOf(megan.id)).toBe(asked + 1);
        expect((await requestsOfAlex(h)).map((r) => [r.granteeId, r.targetId, r.rights, r.state])).toEqual([[megan.aad, TRAINING, ['SendAs'], 'pending']]);
        expect(textOf(h.inbox(alex).at(-1))).not.toContain(UNAVAILABLE);
        expect(h.fake.violations).toEqual([]);
      });
    }

    it('still answers user_not_found as not found', async () => {
      await started(alex);
      h.fake.failNext('users.info', 'user_not_found');
      await h.dm(alex, `give <@${megan.id}> send-as on Training`);
      const answer = h.inbox(alex).slice(-2).map(textOf).join(' ');
      expect(answer).toContain('could not find "the person you mentioned"');
      expect(answer).not.toContain(UNAVAILABLE);
      expect(await requestsOfAlex(h)).toEqual([]);
    });

    it('refuses a message whole when one person is known and another cannot be looked up: no request for the known one', async () => {
      // Megan wrote to the bot before: she is known without asking Slack; Adele must be asked, and Slack fails.
      await started(alex, megan);
      h.fake.httpNext('users.info', 429, 30);
      await h.dm(alex, `give <@${megan.id}> <@${adele.id}> send-as on Training`);
      expect(textOf(h.inbox(alex).at(-1))).toContain(UNAVAILABLE);
      expect(await requestsOfAlex(h)).toEqual([]);

      await h.dm(alex, `give <@${megan.id}> <@${adele.id}> send-as on Training`);
      expect((await requestsOfAlex(h)).map((r) => r.granteeId).sort()).toEqual([megan.aad, adele.aad].sort());
    });

    it('answers in Dutch for a Dutch message, and for an nl Slack user when the message has no words to tell by', async () => {
      await started(alex, janJansen);
      h.fake.failNext('users.info', 'internal_error');
      await h.dm(alex, `geef <@${megan.id}> send as op Training`);
      expect(textOf(h.inbox(alex).at(-1))).toContain(UNAVAILABLE_NL);
      h.fake.failNext('users.info', 'internal_error');
      await h.dm(janJansen, `<@${megan.id}>`);
      expect(textOf(h.inbox(janJansen).at(-1))).toContain(UNAVAILABLE_NL);
      expect(await requestsOfAlex(h)).toEqual([]);
      expect(await h.app.engine.requestsOf(janJansen.aad)).toEqual([]);
    });

    it('keeps the question being asked: a draft waiting for "For whom?" survives the refused message', async () => {
      await started(alex);
      await h.dm(alex, 'give send-as on Training');
      expect(textOf(h.inbox(alex).at(-1))).toContain('For whom');
      h.fake.failNext('users.info', 'internal_error');
      await h.dm(alex, `<@${megan.id}>`);
      expect(textOf(h.inbox(alex).at(-1))).toContain(UNAVAILABLE);
      await h.dm(alex, `<@${megan.id}>`);
      expect((await requestsOfAlex(h)).map((r) => [r.granteeId, r.targetId, r.rights])).toEqual([[megan.aad, TRAINING, ['SendAs']]]);
    });
  });
});

/** A second Megan Bowen (same display name, another id and mail), and a person called Sales beside the group Sales. */
const otherMegan = { id: 'U0MEGAN002', name: 'Megan Bowen', email: 'megan.bowen@contoso.example', locale: 'en-US', aad: '0a1e0010-aaaa-4bbb-8ccc-000000000010' };
const salesPerson = { id: 'U0SALES001', name: 'Sales', email: 'sales.desk@contoso.example', locale: 'en-US', aad: '0a1e0011-aaaa-4bbb-8ccc-000000000011' };
const SALES_GROUP = '9f0e0002-bbbb-4ccc-8ddd-000000000002';

/** The harness on a copy of the Contoso directory with `otherMegan` and `salesPerson` added, all of them in the workspace. */
async function withNamesakes(): Promise<SlackHarness> {
  dir = mkdtempSync(join(tmpdir(), 'slack-namesakes-'));
  const fixture = JSON.parse(readFileSync(DIRECTORY, 'utf8'));
  for (const person of [otherMegan, salesPerson]) {
    fixture.users.push({ id: person.aad, displayName: person.name, mail: person.email, managerId: '0a1e0005-aaaa-4bbb-8ccc-000000000005', preferredLanguage: 'en-US' });
  }
  writeFileSync(join(dir, 'directory.json'), JSON.stringify(fixture));
  return slackHarness({ DIRECTORY: `file:${join(dir, 'directory.json')}` }, { people: [...Object.values(slackPeople), otherMegan, salesPerson] });
}

describe('Slack: a mention is exactly that person, even where the name is someone else too', () => {
  const { megan } = slackPeople;

  it('makes one request per mentioned namesake (both called Megan Bowen), asking no "which"', async () => {
    h = await withNamesakes();
    // Typed, the name is two people: the bot asks.
    await h.dm(alex, 'give Megan Bowen send-as on Training');
    expect(textOf(h.inbox(alex).at(-1))).toContain('Which');
    const before = h.inbox(alex).length;
    await h.dm(alex, `give <@${megan.id}> and <@${otherMegan.id}> send-as on Training`);
    const requests = await requestsOfAlex(h);
    expect(requests.map((r) => [r.granteeId, r.targetId, r.rights, r.state]).sort()).toEqual(
      [[megan.aad, TRAINING, ['SendAs'], 'pending'], [otherMegan.aad, TRAINING, ['SendAs'], 'pending']].sort(),
    );
    const answer = h.inbox(alex).slice(before).map(textOf).join(' ');
    expect(answer).not.toContain('Which');
    expect(answer).toContain('one request per person');
    expect(h.fake.violations).toEqual([]);
  });

  it('takes a mentioned person called Sales as the grantee and the typed Sales as the group', async () => {
    h = await withNamesakes();
    const before = h.inbox(alex).length;
    await h.dm(alex, `give <@${salesPerson.id}> send-as on Sales`);
    const requests = await requestsOfAlex(h);
    expect(requests.map((r) => [r.granteeId, r.targetId, r.rights, r.state])).toEqual([[salesPerson.aad, SALES_GROUP, ['SendAs'], 'pending']]);
    expect(h.inbox(alex).slice(before).map(textOf).join(' ')).not.toContain('Which');
    expect(h.fake.violations).toEqual([]);
  });
});

describe('Slack: a mention in a channel is answered in the language of its words', () => {
  const NOT_FOUND_NL = 'Ik kon "Lote" niet vinden in de adreslijst.';
  const POINTER_NL = 'Ik heb je in een privébericht geantwoord.';

  it('answers a Dutch message in Dutch, in the DM and the thread, also when it starts with someone else\'s mention (not the app\'s own)', async () => {
    h = await slackHarness();
    // Alex's Slack is English; the words are Dutch. <@UBOT> is not the app (Slack knows no such person).
    for (const lead of ['<@UBOT> ', `<@${FAKE_BOT.userId}> `, '']) {
      const [inbox, thread] = [h.inbox(alex).length, h.fake.messages.filter((m) => m.channel === 'C0GENERAL1').length];
      await h.mention(alex, `${lead}geef Lote volledige toegang tot Suport`, 'C0GENERAL1');
      const answer = h.inbox(alex).slice(inbox).map(textOf);
      expect(answer[0], lead).toContain(NOT_FOUND_NL);
      expect(answer.join('\n'), lead).not.toMatch(/could not|For whom/);
      const pointer = h.fake.messages.filter((m) => m.channel === 'C0GENERAL1').slice(thread);
      expect(pointer.map(textOf), lead).toEqual([expect.stringContaining(POINTER_NL)]);
    }
    expect(await requestsOfAlex(h)).toEqual([]);
    expect(h.fake.violations).toEqual([]);
  });

  it('names a mentioned person Slack gives no name for in the language of the words, not of the Slack profile', async () => {
    h = await slackHarness();
    await h.mention(alex, 'geef <@UNOBODY01> volledige toegang tot Support', 'C0GENERAL1');
    const nl = textOf(h.inbox(alex).at(0));
    expect(nl).toContain('Ik kon "de persoon die je noemde" niet vinden');
    await h.mention(slackPeople.janJansen, 'give <@UNOBODY01> full access to Support', 'C0GENERAL1');
    expect(textOf(h.inbox(slackPeople.janJansen).at(0))).toContain('I could not find "the person you mentioned"');
  });
});
