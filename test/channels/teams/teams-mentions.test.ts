import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TurnContext } from 'botbuilder';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { isMentionLookupBlocked, isMentionLookupUnavailable } from '../../../src/channels/mention-lookup.js';
import { MAX_MENTIONS, readTeamsMentions, TeamsMentionResolver } from '../../../src/channels/teams/mentions.js';
import type { DirectoryUser } from '../../../src/directory/directory.js';
import { loadDirectoryFile } from '../../../src/directory/file-directory.js';
import { ManualClock } from '../../../src/domain/clock.js';
import { BotError, isBotError } from '../../../src/domain/errors.js';
import { botMentionOf, mentionOf, messageWithMentions, personalConversationId, post, type TeamsUser } from '../../fakes/teams-activities.js';
import { cardOf, DIRECTORY, people, teamsHarness, TENANT, textOf, TRAINING, type TeamsHarness } from './harness.js';

const { alex, megan, adele, janSmit, janJansen } = people;
/** A second Megan Bowen, added to a copy of the fixture directory: "Megan Bowen" is then two people. */
const otherMegan = { aad: '0a1e0010-aaaa-4bbb-8ccc-000000000010', name: 'Megan Bowen', locale: 'en-US', mail: 'megan.bowen@contoso.example' };
const mails: Record<string, string> = {
  [alex.aad]: 'alexw@contoso.example',
  [megan.aad]: 'meganb@contoso.example',
  [adele.aad]: 'adelev@contoso.example',
  [janSmit.aad]: 'jan.smit@contoso.example',
  [janJansen.aad]: 'jan.jansen@contoso.example',
  [otherMegan.aad]: otherMegan.mail,
};
/** Someone Teams knows (another organisation's user in a shared chat) whom the directory does not. */
const zoe = { aad: '7e570001-ffff-4fff-8fff-000000000001', name: 'Zoë Outside' };
const FABRIKAM = '7e570000-ffff-4fff-8fff-00000000f00d';

let h: TeamsHarness;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The harness on the Contoso directory, or on a copy of it with `otherMegan` added; Teams knows the people it is told of. */
async function start(options: { namesakes?: boolean; members?: Array<Pick<TeamsUser, 'aad' | 'name'>> } = {}): Promise<TeamsHarness> {
  let env: Record<string, string> = {};
  if (options.namesakes) {
    dir = mkdtempSync(join(tmpdir(), 'teams-mentions-'));
    const fixture = JSON.parse(readFileSync(DIRECTORY, 'utf8'));
    fixture.users.push({ id: otherMegan.aad, displayName: otherMegan.name, mail: otherMegan.mail, managerId: '0a1e0005-aaaa-4bbb-8ccc-000000000005', preferredLanguage: 'en-US' });
    writeFileSync(join(dir, 'directory.json'), JSON.stringify(fixture));
    env = { DIRECTORY: `file:${join(dir, 'directory.json')}` };
  }
  const harness = await teamsHarness(env);
  for (const person of options.members ?? [alex, megan, adele, janSmit, janJansen, ...(options.namesakes ? [otherMegan] : [])]) {
    const mail = mails[person.aad];
    harness.connector.addMember({ id: `29:${person.aad}`, name: person.name, aadObjectId: person.aad, ...(mail ? { email: mail, userPrincipalName: mail } : {}), tenantId: TENANT });
  }
  await harness.install(alex);
  await harness.install(adele);
  return harness;
}

/** Alex writes `text` with these mention entities (in the personal chat unless `where` says otherwise). */
async function say(text: string, mentions: Parameters<typeof messageWithMentions>[3], where: Parameters<typeof messageWithMentions>[4] = {}) {
  const response = await post(h.bot.port, messageWithMentions(alex, h.ctx, text, mentions, where));
  expect(response.status).toBe(200);
  await h.settle();
}

const requestsOfAlex = () => h.bot.app.engine.requestsOf(alex.aad);
/** What Alex read in the last `n` messages of his chats. */
const lastRead = (n = 2) => h.inbox(alex).slice(-n).map(textOf).join(' ');

describe('Teams: a user @-mention is the directory user Teams says it is', () => {
  it('answers that the directory is unavailable when it fails while a mention is read, and does nothing (not "something went wrong")', async () => {
    const base = loadDirectoryFile(DIRECTORY);
    let down = false;
    // The file directory, failing on `getUser` while `down`, as a Graph directory in an outage does.
    const directory = new Proxy(base, {
      get(target, prop) {
        if (prop === 'getUser' && down) return async () => Promise.reject(new BotError('directory_unavailable', 'Graph answered 503'));
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    h = await teamsHarness({}, { app: { directory } });
    await h.install(alex);
    const mention = mentionOf(megan, { withAadObjectId: true });
    down = true;
    await say(`give ${mention.text} send-as on Training`, [mention]);
    down = false;
    expect(lastRead(1).trim()).toBe('The directory is unavailable right now; please try again in a few minutes.');
    expect(await requestsOfAlex()).toEqual([]);
    expect(h.logs.some((l) => /directory unavailable while reading mentions/.test(l.msg))).toBe(true);
  });

  it('takes the mentioned Megan Bowen, not her namesake, with no question asked (Teams asked for her account)', async () => {
    h = await start({ namesakes: true });
    // Written as a name, "Megan Bowen" is two people: the bot asks which.
    const before = h.inbox(alex).length;
    await h.say(alex, 'give Megan Bowen send-as on Training');
    expect(h.inbox(alex).slice(before).flatMap((s) => cardOf(s)?.actions?.map((a: any) => a.title) ?? []).sort()).toEqual([
      'Megan Bowen (megan.bowen@contoso.example)',
      'Megan Bowen (meganb@contoso.example)',
    ]);
    expect(await requestsOfAlex()).toEqual([]);

    // Mentioned, she is the one Teams named: the entity has no object id, so Teams is asked (GET member).
    const mention = mentionOf(otherMegan);
    const sent = h.inbox(alex).length;
    await say(`give ${mention.text} send-as on Training`, [mention]);
    const [request] = await requestsOfAlex();
    expect(request).toMatchObject({ granteeId: otherMegan.aad, targetId: TRAINING, rights: ['SendAs'], state: 'pending' });
    expect(h.inbox(alex).slice(sent).map(textOf).join(' ')).not.toContain('Which');
    expect(h.connector.memberLookups).toEqual([{ conversationId: personalConversationId(alex), memberId: `29:${otherMegan.aad}` }]);
    const lookup = h.connector.requests.find((r) => r.path.includes('/members/'))!;
    expect(lookup.method).toBe('GET');
    expect(lookup.status).toBe(200);
    expect(h.connector.rejected).toEqual([]);
  });

  it('makes one request per mentioned namesake (both called Megan Bowen), asking no "which"', async () => {
    h = await start({ namesakes: true });
    const sent = h.inbox(alex).length;
    const [one, two] = [mentionOf(megan), mentionOf(otherMegan)];
    await say(`give ${one.text} and ${two.text} send-as on Training`, [one, two]);
    const requests = await requestsOfAlex();
    expect(requests.map((r) => [r.granteeId, r.targetId, r.rights, r.state]).sort()).toEqual(
      [
        [megan.aad, TRAINING, ['SendAs'], 'pending'],
        [otherMegan.aad, TRAINING, ['SendAs'], 'pending'],
      ].sort(),
    );
    const answer = h.inbox(alex).slice(sent).map(textOf).join(' ');
    expect(answer).not.toContain('Which');
    expect(answer).toContain('one request per person');
  });

  it('reads each mention where it stands, through markup: the second tag of the same name is the second person', async () => {
    const users: Record<string, DirectoryUser> = {
      [`29:${megan.aad}`]: { id: megan.aad, displayName: 'Megan Bowen', mail: mails[megan.aad]! },
      [`29:${otherMegan.aad}`]: { id: otherMegan.aad, displayName: 'Megan Bowen', mail: otherMegan.mail },
    };
    const [one, two] = [mentionOf(otherMegan), mentionOf(megan)];
    // A typed "Megan Bowen" (written with an entity between the words) before both tags.
    const text = `<p>Megan&nbsp;Bowen said: give ${one.text}</p><p>and ${two.text} send-as on Training</p>`;
    const read = await readTeamsMentions({ text, entities: [one, two], recipient: { id: '28:bot', name: 'Mailbox access' } }, { resolve: async (m) => users[m.id], unnamed: 'the person you mentioned' });
    expect(read.text).toBe('Megan Bowen said: give Megan Bowen and Megan Bowen send-as on Training');
    expect(read.mentions).toEqual([
      { text: 'Megan Bowen', userId: otherMegan.aad, occurrences: [1] },
      { text: 'Megan Bowen', userId: megan.aad, occurrences: [2] },
    ]);
  });

  it('takes the object id Teams put in the mention without asking Teams, and a mention shortened to a first name', async () => {
    h = await start({ namesakes: true });
    await say(`give ${mentionOf(megan, { withAadObjectId: true }).text} send on behalf on Training`, [mentionOf(megan, { withAadObjectId: true })]);
    // "Jan" alone is Jan Jansen and Jan Smit; the mention, cut to "Jan" by its writer, is Jan Smit.
    const jan = mentionOf(janSmit, { shown: 'Jan', withAadObjectId: true });
    await say(`give ${jan.text} send on behalf on Training`, [jan]);
    expect((await requestsOfAlex()).map((r) => [r.granteeId, r.rights]).sort()).toEqual(
      [
        [megan.aad, ['SendOnBehalf']],
        [janSmit.aad, ['SendOnBehalf']],
      ].sort(),
    );
    expect(lastRead()).toContain('Jan Smit');
    expect(h.connector.memberLookups).toEqual([]);
  });

  it('finds the directory user by mail when Teams gives no object id, and asks Teams about a person once (per conversation, briefly)', async () => {
    h = await start({ members: [] });
    h.connector.addMember({ id: `29:${megan.aad}`, name: 'Megan Bowen', email: 'MeganB@contoso.example', tenantId: TENANT });
    const twice = mentionOf(megan);
    await say(`give ${twice.text} ${twice.text} send-as on Training`, [twice, twice]);
    await say(`give ${twice.text} send on behalf on Training`, [twice]);
    expect(h.connector.memberLookups).toHaveLength(1);
    expect((await requestsOfAlex()).map((r) => [r.granteeId, r.rights[0]]).sort()).toEqual(
      [
        [megan.aad, 'SendAs'],
        [megan.aad, 'SendOnBehalf'],
      ].sort(),
    );
  });

  it('answers a mention of someone the bot does not serve with "could not find", creating nothing, and never takes a namesake', async () => {
    h = await start();
    // Someone of another tenant, someone Teams knows whose object id the directory lacks (though the
    // mail is Megan's), a stranger called Megan Bowen whom Teams cannot find, a mention with no readable name.
    h.connector.addMember({ id: `29:${zoe.aad}`, name: zoe.name, aadObjectId: zoe.aad, email: 'zoe@fabrikam.example', tenantId: FABRIKAM });
    const impostor = { aad: '7e570002-ffff-4fff-8fff-000000000002', name: 'Meg Impostor' };
    h.connector.addMember({ id: `29:${impostor.aad}`, name: impostor.name, aadObjectId: impostor.aad, email: 'meganb@contoso.example', tenantId: TENANT });
    const stranger = { aad: '7e570003-ffff-4fff-8fff-000000000003', name: 'Megan Bowen' };
    const cases: Array<[ReturnType<typeof mentionOf>, string]> = [
      [mentionOf(zoe), 'Zoë Outside'],
      [mentionOf(impostor), 'Meg Impostor'],
      [mentionOf(stranger), 'Megan Bowen'],
      [mentionOf(stranger, { withAadObjectId: true }), 'Megan Bowen'],
      [{ ...mentionOf(stranger, { shown: '&lt;&gt;' }), mentioned: { id: `29:${stranger.aad}`, name: '' } }, 'the person you mentioned'],
    ];
    for (const [mention, shown] of cases) {
      await say(`give ${mention.text} send-as on Training`, [mention]);
      expect(lastRead()).toContain(`could not find "${shown}"`);
    }
    expect(await requestsOfAlex()).toEqual([]);
    expect(h.connector.rejected).toEqual([]);
  });

  it('guesses no namesake when Teams says the member is not there (404), and asks again once Teams answers', async () => {
    h = await start();
    const mention = mentionOf(megan);
    for (let i = 0; i < 2; i++) {
      h.connector.failMemberLookups(404);
      await say(`give ${mention.text} send-as on Training`, [mention]);
      expect(lastRead()).toContain('could not find "Megan Bowen"');
      expect(await requestsOfAlex()).toEqual([]);
    }
    // Each failed lookup was asked (and not kept): the next message asks Teams again.
    expect(h.connector.memberLookups.length).toBeGreaterThanOrEqual(2);
    expect(new Set(h.connector.requests.filter((r) => r.path.includes('/members/')).map((r) => r.status))).toEqual(new Set([404]));
    h.connector.failMemberLookups();
    await say(`give ${mention.text} send-as on Training`, [mention]);
    expect((await requestsOfAlex()).map((r) => r.granteeId)).toEqual([megan.aad]);
  });

  describe('people mentioned side by side', () => {
    it('makes one request per person for two known people (with or without a space between the tags)', async () => {
      h = await start();
      await say(`give ${mentionOf(megan).text} ${mentionOf(adele).text} send-as on Training`, [mentionOf(megan), mentionOf(adele)]);
      const requests = await requestsOfAlex();
      expect(requests.map((r) => [r.granteeId, r.targetId, r.rights, r.state]).sort()).toEqual(
        [
          [megan.aad, TRAINING, ['SendAs'], 'pending'],
          [adele.aad, TRAINING, ['SendAs'], 'pending'],
        ].sort(),
      );
      expect(h.inbox(alex).map(textOf).join(' ')).toContain('one request per person (Megan Bowen, Adele Vance)');

      await say(`give ${mentionOf(megan).text}${mentionOf(janSmit).text} send on behalf on Training`, [mentionOf(megan), mentionOf(janSmit)]);
      expect((await requestsOfAlex()).filter((r) => r.rights[0] === 'SendOnBehalf').map((r) => r.granteeId).sort()).toEqual([megan.aad, janSmit.aad].sort());
    });

    it('answers "could not find" for a person the bot does not serve, creating nothing for them and keeping the others', async () => {
      h = await start();
      await say(`give ${mentionOf(megan).text} ${mentionOf(zoe).text} send-as on Training`, [mentionOf(megan), mentionOf(zoe)]);
      expect(lastRead()).toContain('could not find "Zoë Outside"');
      expect(await requestsOfAlex()).toEqual([]);
    });

    it(`refuses a message naming more than ${MAX_MENTIONS} people whole: nobody is looked up, nothing is created`, async () => {
      h = await start();
      const others = Array.from({ length: 11 }, (_, i) => mentionOf({ aad: `7e57a000-ffff-4fff-8fff-0000000000${String(i).padStart(2, '0')}`, name: `Person ${i}` }));
      await say(`give ${[mentionOf(megan), ...others].map((m) => m.text).join(' ')} send on behalf on Training`, [mentionOf(megan), ...others]);
      expect(textOf(h.inbox(alex).at(-1))).toContain('You mentioned 12 people in one message; I can look up at most 10 at a time');
      expect(await requestsOfAlex()).toEqual([]);
      expect(h.connector.memberLookups).toEqual([]);
    });

    it(`reads exactly ${MAX_MENTIONS} people (the same person twice counts once)`, async () => {
      h = await start();
      const others = Array.from({ length: MAX_MENTIONS - 1 }, (_, i) => mentionOf({ aad: `7e57a000-ffff-4fff-8fff-0000000000${String(i).padStart(2, '0')}`, name: `Person ${i}` }));
      const all = [mentionOf(megan), ...others, mentionOf(megan)];
      await say(`give ${all.map((m) => m.text).join(' ')} send on behalf on Training`, all);
      const answer = lastRead();
      expect(answer).not.toContain('You mentioned');
      expect(answer).toContain('could not find "Person 0"');
      expect(h.connector.memberLookups).toHaveLength(MAX_MENTIONS);
      expect(await requestsOfAlex()).toEqual([]);
    });
  });

  it("ignores the bot's own mentions in a group chat and a team channel (asking the team's roster there), and answers in the personal chat", async () => {
    h = await start();
    const bot = botMentionOf(h.ctx);
    await say(`${bot.text} give ${mentionOf(megan).text} send-as on Training ${bot.text}`, [bot, mentionOf(megan), bot], { groupChat: '19:group-1@thread.v2' });
    await say(`${bot.text} give ${mentionOf(adele).text} send on behalf on Training`, [bot, mentionOf(adele)], { channel: '19:general@thread.tacv2', teamId: '19:team-1@thread.tacv2' });
    expect((await requestsOfAlex()).map((r) => [r.granteeId, r.rights[0]]).sort()).toEqual(
      [
        [megan.aad, 'SendAs'],
        [adele.aad, 'SendOnBehalf'],
      ].sort(),
    );
    expect(h.connector.memberLookups).toEqual([
      { conversationId: '19:group-1@thread.v2', memberId: `29:${megan.aad}` },
      { conversationId: '19:team-1@thread.tacv2', memberId: `29:${adele.aad}` },
    ]);
    expect(h.inbox(alex).map(textOf).join(' ')).not.toContain('Mailbox access');
    expect(h.connector.sentTo('19:group-1@thread.v2').map(textOf).join(' ')).toContain('personal chat');
    expect(h.connector.rejected).toEqual([]);
  });
});

describe('Teams: a mention Teams cannot look up right now refuses the whole message, and changes nothing', () => {
  const UNAVAILABLE = 'I could not check who you mentioned right now';
  const UNAVAILABLE_NL = 'Ik kon nu niet nagaan wie je noemde';
  const lookupStatuses = () => h.connector.requests.filter((r) => r.path.includes('/members/')).map((r) => r.status);

  /** `user` writes `text` with these mention entities in their personal chat. */
  async function sayAs(user: TeamsUser, text: string, mentions: Parameters<typeof messageWithMentions>[3]) {
    const response = await post(h.bot.port, messageWithMentions(user, h.ctx, text, mentions));
    expect(response.status).toBe(200);
    await h.settle();
  }

  for (const [what, status, headers] of [
    ['503 (Bot Connector failing)', 503, { 'retry-after': '0' }],
    ['429 with Retry-After (throttled)', 429, { 'retry-after': '0' }],
  ] as const) {
    it(`answers "could not check right now" on a ${what}, creates nothing, and reads the same message once Teams answers`, async () => {
      h = await start();
      const mention = mentionOf(megan);
      const text = `give ${mention.text} send-as on Training`;
      h.connector.failMemberLookups(status, headers);
      const before = h.inbox(alex).length;
      await say(text, [mention]);
      const answer = h.inbox(alex).slice(before).map(textOf).join(' ');
      expect(answer).toContain(UNAVAILABLE);
      expect(answer).toContain('nothing was changed');
      expect(answer).toContain("write the person's name instead of the @-mention");
      expect(answer).not.toContain('could not find');
      expect(await requestsOfAlex()).toEqual([]);
      expect(lookupStatuses().length).toBeGreaterThan(0);
      expect(lookupStatuses().every((s) => s === status)).toBe(true);
      expect(h.logs.some((l) => l.msg.includes('message refused') && l.status === status)).toBe(true);

      // The failure was not kept: the same message, sent again, asks Teams again and is read.
      h.connector.failMemberLookups();
      const lookups = h.connector.memberLookups.length;
      await say(text, [mention]);
      expect(h.connector.memberLookups.length).toBe(lookups + 1);
      expect((await requestsOfAlex()).map((r) => [r.granteeId, r.targetId, r.rights, r.state])).toEqual([[megan.aad, TRAINING, ['SendAs'], 'pending']]);
      expect(lastRead(1)).not.toContain(UNAVAILABLE);
    });
  }

  const BLOCKED = 'Teams is refusing to let me look people up right now';
  const BLOCKED_NL = 'Teams laat me nu niemand opzoeken';
  for (const [status, names] of [
    [401, /401\b.*Bot Framework credentials are wrong.*MicrosoftAppId.*MicrosoftAppPassword/],
    [403, /403 BotNotInConversationRoster.*MicrosoftAppId.*MicrosoftAppPassword/],
    [400, /400 BadArgument.*could not read the request/],
  ] as const) {
    it(`answers ${status} as "could not check, the administrator has been notified" (not "not found", not "try again"), with one error for the operator`, async () => {
      h = await start();
      const mention = mentionOf(megan);
      h.connector.failMemberLookups(status);
      const before = h.inbox(alex).length;
      await say(`give ${mention.text} send-as on Training`, [mention]);
      const answer = h.inbox(alex).slice(before).map(textOf).join(' ');
      expect(answer).toContain('I could not check who you mentioned');
      expect(answer).toContain(BLOCKED);
      expect(answer).toContain("the bot's administrator has been notified");
      expect(answer).toContain('nothing was changed');
      expect(answer).not.toContain('try again in a moment');
      expect(answer).not.toContain('could not find');
      expect(await requestsOfAlex()).toEqual([]);
      // A second message, and one in Dutch: the same words (in Dutch), still one error for the operator.
      await say(`geef ${mention.text} send as op Training`, [mention]);
      expect(lastRead(1)).toContain(BLOCKED_NL);
      expect(lastRead(1)).toContain('de beheerder van de bot is op de hoogte gebracht');
      expect(lastRead(1)).not.toContain('Probeer het zo nog eens');
      const errors = h.logs.filter((l) => l.level === 50);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.msg).toMatch(names);
      expect(errors[0]).toMatchObject({ status, memberId: `29:${megan.aad}` });
      expect(lookupStatuses()).toEqual([status, status]);
      expect(await requestsOfAlex()).toEqual([]);

      // Fixed (the credentials replaced): the same message is read.
      h.connector.failMemberLookups();
      await say(`give ${mention.text} send-as on Training`, [mention]);
      expect((await requestsOfAlex()).map((r) => [r.granteeId, r.targetId, r.rights, r.state])).toEqual([[megan.aad, TRAINING, ['SendAs'], 'pending']]);
      expect(h.connector.rejected).toEqual([]);
    });
  }

  it('still answers 404 MemberNotFoundInConversation as not found', async () => {
    h = await start();
    const mention = mentionOf(megan);
    h.connector.failMemberLookups(404);
    await say(`give ${mention.text} send-as on Training`, [mention]);
    expect(lastRead()).toContain('could not find "Megan Bowen"');
    expect(lastRead()).not.toContain(UNAVAILABLE);
    // Someone Teams does not know at all: the fake answers its own 404 MemberNotFoundInConversation.
    h.connector.failMemberLookups();
    const stranger = mentionOf({ aad: '7e570003-ffff-4fff-8fff-000000000003', name: 'Megan Bowen' });
    await say(`give ${stranger.text} send-as on Training`, [stranger]);
    expect(lastRead()).toContain('could not find "Megan Bowen"');
    expect(lookupStatuses()).toEqual([404, 404]);
    expect(await requestsOfAlex()).toEqual([]);
  });

  it('refuses a message whole when one person is known and another cannot be looked up: no request for the known one', async () => {
    h = await start();
    // Megan's mention carries her object id (no lookup); Adele's must be asked of Teams, which fails.
    const known = mentionOf(megan, { withAadObjectId: true });
    const asked = mentionOf(adele);
    h.connector.failMemberLookups(503, { 'retry-after': '0' });
    await say(`give ${known.text} ${asked.text} send-as on Training`, [known, asked]);
    expect(lastRead(1)).toContain(UNAVAILABLE);
    expect(lastRead(1)).not.toContain('Megan Bowen');
    expect(await requestsOfAlex()).toEqual([]);

    h.connector.failMemberLookups();
    await say(`give ${known.text} ${asked.text} send-as on Training`, [known, asked]);
    expect((await requestsOfAlex()).map((r) => r.granteeId).sort()).toEqual([megan.aad, adele.aad].sort());
  });

  it('keeps the question being asked: a draft waiting for "for whom?" survives the refused message', async () => {
    h = await start();
    await h.say(alex, 'give send-as on Training');
    expect(lastRead(1)).toContain('For whom');
    expect(await requestsOfAlex()).toEqual([]);
    h.connector.failMemberLookups(503, { 'retry-after': '0' });
    const mention = mentionOf(megan);
    await say(mention.text, [mention]);
    expect(lastRead(1)).toContain(UNAVAILABLE);
    expect(await requestsOfAlex()).toEqual([]);
    // Once Teams answers, the same answer completes the request asked about before.
    h.connector.failMemberLookups();
    await say(mention.text, [mention]);
    expect((await requestsOfAlex()).map((r) => [r.granteeId, r.targetId, r.rights])).toEqual([[megan.aad, TRAINING, ['SendAs']]]);
  });

  it('answers in Dutch for a Dutch message, and for an nl client when the message has no words to tell by', async () => {
    h = await start();
    h.connector.failMemberLookups(503, { 'retry-after': '0' });
    const mention = mentionOf(janJansen);
    // Alex's client is en-US, but he writes Dutch: answered as the conversation would, in Dutch.
    await say(`geef ${mention.text} send as op Training`, [mention]);
    expect(lastRead(1)).toContain(UNAVAILABLE_NL);
    expect(lastRead(1)).toContain('niets veranderd');
    // Adele's client is nl-NL and she writes only the mention.
    const before = h.inbox(adele).length;
    await sayAs(adele, mentionOf(megan).text, [mentionOf(megan)]);
    expect(h.inbox(adele).slice(before).map(textOf).join(' ')).toContain(UNAVAILABLE_NL);
    // English words from an nl client are answered in English; a name with "van" in it is no Dutch.
    const van = mentionOf({ aad: '7e570004-ffff-4fff-8fff-000000000004', name: 'Lisa van Dijk' });
    await sayAs(adele, `give ${van.text} send-as on Training`, [van]);
    expect(textOf(h.inbox(adele).at(-1))).toContain(UNAVAILABLE);
    expect(await requestsOfAlex()).toEqual([]);
    expect(await h.bot.app.engine.requestsOf(adele.aad)).toEqual([]);
  });

  it('answers a group chat message in the personal chat, pointing there from the group', async () => {
    h = await start();
    h.connector.failMemberLookups(503, { 'retry-after': '0' });
    const bot = botMentionOf(h.ctx);
    await say(`${bot.text} give ${mentionOf(megan).text} send-as on Training`, [bot, mentionOf(megan)], { groupChat: '19:group-1@thread.v2' });
    expect(lastRead(1)).toContain(UNAVAILABLE);
    expect(h.connector.sentTo('19:group-1@thread.v2').map(textOf).join(' ')).not.toContain(UNAVAILABLE);
    expect(h.connector.sentTo('19:group-1@thread.v2').map(textOf).join(' ')).toContain('personal chat');
    expect(await requestsOfAlex()).toEqual([]);
  });
});

describe('TeamsMentionResolver', () => {
  const directory = { tenantId: TENANT, getUser: async () => undefined, findUserByMail: async () => undefined };
  const mention = mentionOf(megan);
  const context = { activity: { text: `give ${mention.text} send-as on Training`, entities: [mention], recipient: { id: '28:bot' }, conversation: { id: 'a:1' } } } as unknown as TurnContext;
  /** A Bot Connector failure as botframework-connector throws it (a RestError with the HTTP status). */
  const restError = (statusCode?: number, code = 'ServiceError') => Object.assign(new Error(`answered ${statusCode}`), { name: 'RestError', statusCode, code });

  it('throws "not checked" (timeout, not "not found") when Teams does not answer in time', async () => {
    const resolver = new TeamsMentionResolver({
      directory,
      clock: new ManualClock(),
      logger: pino({ level: 'silent' }),
      getMember: () => new Promise(() => undefined),
      deadlineMs: 20,
    });
    const error = await resolver.read(context, 'the person you mentioned').then(() => undefined, (e: unknown) => e);
    expect(isMentionLookupUnavailable(error)).toBe(true);
    expect(error).toMatchObject({ code: 'timeout', details: { operation: 'mention_lookup', memberId: `29:${megan.aad}` } });
  });

  it('throws "not checked" for a failure that passes (5xx, 429, 408, network) and answers not found for 404, keeping neither', async () => {
    let failure: unknown;
    let calls = 0;
    const resolver = new TeamsMentionResolver({
      directory,
      clock: new ManualClock(),
      logger: pino({ level: 'silent' }),
      getMember: async () => {
        calls++;
        throw failure;
      },
    });
    for (const [error, status] of [
      [restError(500), 500],
      [restError(503), 503],
      [Object.assign(restError(429, 'Throttled'), { retryAfterMs: 2000 }), 429],
      [restError(408), 408],
      [restError(undefined, 'ECONNRESET'), undefined],
    ] as const) {
      failure = error;
      const thrown = await resolver.read(context, 'the person you mentioned').then(() => undefined, (e: unknown) => e);
      expect(isMentionLookupUnavailable(thrown)).toBe(true);
      expect(thrown).toMatchObject({ code: 'channel_unavailable', retryable: true, details: { operation: 'mention_lookup', memberId: `29:${megan.aad}` } });
      expect((thrown as BotError).details.status).toBe(status);
    }
    failure = Object.assign(restError(429, 'Throttled'), { retryAfterMs: 2000 });
    expect(await resolver.read(context, 'x').catch((e: BotError) => e.retryAfterMs)).toBe(2000);
    failure = restError(404, 'MemberNotFoundInConversation');
    expect(await resolver.read(context, 'the person you mentioned')).toEqual({ text: 'give Megan Bowen send-as on Training', mentions: [{ text: 'Megan Bowen', occurrences: [0] }] });
    // Every read asked Teams again: no failure was kept.
    expect(calls).toBe(7);
  });

  it('throws "not checked", blocked and not retryable, when Teams refuses the bot (401, 403, 400), logging an error once per change', async () => {
    let failure: unknown;
    const lines: Array<{ level: number; msg: string }> = [];
    const resolver = new TeamsMentionResolver({
      directory,
      clock: new ManualClock(),
      logger: pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) }),
      getMember: async () => {
        if (failure) throw failure;
        return { id: `29:${megan.aad}`, name: 'Megan Bowen' } as never;
      },
      // Every read asks Teams (an answer is not kept).
      ttlMs: 0,
    });
    const read = () => resolver.read(context, 'x').then(() => undefined, (e: unknown) => e);
    for (const [status, code] of [[401, undefined], [401, undefined], [403, 'BotNotInConversationRoster'], [400, 'BadArgument']] as const) {
      failure = restError(status, code);
      const thrown = await read();
      expect(isMentionLookupUnavailable(thrown)).toBe(true);
      expect(isMentionLookupBlocked(thrown)).toBe(true);
      expect(thrown).toMatchObject({ code: 'channel_unavailable', retryable: false, details: { operation: 'mention_lookup', status, blocked: true } });
    }
    expect(lines.filter((l) => l.level === 50).map((l) => /\((\d+)/.exec(l.msg)?.[1])).toEqual(['401', '403', '400']);
    // Answered again: a new refusal is an error again.
    failure = undefined;
    await read();
    failure = restError(400, 'BadArgument');
    await read();
    expect(lines.filter((l) => l.level === 50)).toHaveLength(4);
    // A failure that passes is not blocked.
    failure = restError(503);
    expect(isMentionLookupBlocked(await read())).toBe(false);
  });

  it('does not take a directory failure for "not checked": it propagates as it is', async () => {
    const resolver = new TeamsMentionResolver({
      directory: { ...directory, getUser: async () => Promise.reject(new BotError('directory_unavailable', 'down')) },
      clock: new ManualClock(),
      logger: pino({ level: 'silent' }),
    });
    const withId = mentionOf(megan, { withAadObjectId: true });
    const ctx = { activity: { ...context.activity, text: `give ${withId.text} send-as on Training`, entities: [withId] } } as unknown as TurnContext;
    const thrown = await resolver.read(ctx, 'x').then(() => undefined, (e: unknown) => e);
    expect(isBotError(thrown, 'directory_unavailable')).toBe(true);
    expect(isMentionLookupUnavailable(thrown)).toBe(false);
  });
});
