import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_BOT } from '../../fakes/slack-api-fake.js';
import { slackHarness, slackPeople, TRAINING, textOf, type SlackHarness } from './harness.js';

const { alex } = slackPeople;
/** Jan Smit: "Jan" alone is two people in the directory; the mention is one. */
const janSmit = { id: 'U0JANSMIT1', name: 'Jan Smit', email: 'jan.smit@contoso.example', locale: 'nl-NL', aad: '0a1e0007-aaaa-4bbb-8ccc-000000000007' };

let h: SlackHarness;
afterEach(async () => {
  await h?.close();
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
});
