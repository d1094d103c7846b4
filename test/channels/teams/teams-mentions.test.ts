import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TurnContext } from 'botbuilder';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_MENTIONS, TeamsMentionResolver } from '../../../src/channels/teams/mentions.js';
import { ManualClock } from '../../../src/domain/clock.js';
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

  it('guesses no namesake when Teams fails the lookup, and asks again once Teams answers', async () => {
    h = await start();
    const mention = mentionOf(megan);
    for (const [status, headers] of [[403, {}], [404, {}], [429, { 'retry-after': '0' }]] as const) {
      h.connector.failMemberLookups(status, headers);
      await say(`give ${mention.text} send-as on Training`, [mention]);
      expect(lastRead()).toContain('could not find "Megan Bowen"');
      expect(await requestsOfAlex()).toEqual([]);
    }
    // Each failed lookup was asked (and not kept): the next message asks Teams again.
    expect(h.connector.memberLookups.length).toBeGreaterThanOrEqual(3);
    expect(new Set(h.connector.requests.filter((r) => r.path.includes('/members/')).map((r) => r.status))).toEqual(new Set([403, 404, 429]));
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

describe('TeamsMentionResolver', () => {
  it('answers a mention as not found when Teams does not answer in time', async () => {
    const directory = { tenantId: TENANT, getUser: async () => undefined, findUserByMail: async () => undefined };
    const resolver = new TeamsMentionResolver({
      directory,
      clock: new ManualClock(),
      logger: pino({ level: 'silent' }),
      getMember: () => new Promise(() => undefined),
      deadlineMs: 20,
    });
    const mention = mentionOf(megan);
    const context = { activity: { text: `give ${mention.text} send-as on Training`, entities: [mention], recipient: { id: '28:bot' }, conversation: { id: 'a:1' } } } as unknown as TurnContext;
    const read = await resolver.read(context, 'the person you mentioned');
    expect(read).toEqual({ text: 'give Megan Bowen send-as on Training', mentions: [{ text: 'Megan Bowen' }] });
  });
});
