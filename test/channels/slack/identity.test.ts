import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_TTL_MS, SlackIdentities, zoneOfIdentity, type SlackIdentity } from '../../../src/channels/slack/identity.js';
import { SlackWebApi } from '../../../src/channels/slack/web-api.js';
import { SlackWorkspace } from '../../../src/channels/slack/workspace.js';
import { loadDirectoryFile } from '../../../src/directory/file-directory.js';
import { ManualClock } from '../../../src/domain/clock.js';
import { FAKE_TEAM, SlackApiFake } from '../../fakes/slack-api-fake.js';
import { DIRECTORY } from './harness.js';

describe('Slack identity: the directory user whose mail is the profile email', () => {
  let fake: SlackApiFake;
  let identities: SlackIdentities;
  const clock = new ManualClock(Date.parse('2026-11-23T08:00:00Z'));

  beforeAll(async () => {
    fake = await new SlackApiFake().start();
    fake.addUser({ id: 'U0ADELE001', name: 'Adele Vance', email: 'AdeleV@Contoso.example', locale: 'nl-NL', tz: 'Europe/Brussels', tz_offset: 3600 });
    fake.addUser({ id: 'U0MEGAN001', name: 'Megan Bowen', email: 'meganb@contoso.example' });
    fake.addUser({ id: 'U0NOMAIL01', name: 'No Mail' });
    fake.addUser({ id: 'U0GUEST002', name: 'Single Channel', email: 'alexw@contoso.example', is_ultra_restricted: true });
    fake.addUser({ id: 'U0GRID0001', name: 'Grid Member', email: 'nestorw@contoso.example', team_id: 'T0SISTER01' });
    fake.addUser({ id: 'U0SOMEBOT1', name: 'Some Bot', email: 'miriamg@contoso.example', is_bot: true });
    const api = new SlackWebApi({ token: fake.token, apiUrl: fake.apiUrl });
    identities = new SlackIdentities({ api, directory: await loadDirectoryFile(DIRECTORY), workspace: new SlackWorkspace(api), clock });
  });
  afterAll(() => fake.close());

  it('maps the profile email (any case) to the directory user, with Slack locale, time zone and UTC offset', async () => {
    const outcome = await identities.resolve('U0ADELE001', FAKE_TEAM.id);
    expect(outcome).toMatchObject({ known: true, identity: { slackUserId: 'U0ADELE001', locale: 'nl-NL', timeZone: 'Europe/Brussels', utcOffsetMinutes: 60, user: { displayName: 'Adele Vance' } } });
    expect(fake.calls('users.info').at(-1)!.args).toEqual({ user: 'U0ADELE001', include_locale: 'true' });
  });

  it('asks Slack once per person within the TTL, and again after it (a deactivation shows then)', async () => {
    const before = fake.calls('users.info').length;
    await identities.resolve('U0MEGAN001', FAKE_TEAM.id);
    await identities.resolve('U0MEGAN001', FAKE_TEAM.id);
    expect(fake.calls('users.info').length).toBe(before + 1);
    fake.users.get('U0MEGAN001')!.deleted = true;
    clock.advance(IDENTITY_TTL_MS + 1);
    expect(await identities.resolve('U0MEGAN001', FAKE_TEAM.id)).toMatchObject({ known: false, refusal: 'deleted' });
    expect(fake.calls('users.info').length).toBe(before + 2);
  });

  it('refuses guests, bots, profiles without email, unknown users and other workspaces', async () => {
    expect(await identities.resolve('U0GUEST002', FAKE_TEAM.id)).toMatchObject({ known: false, refusal: 'guest' });
    expect(await identities.resolve('U0SOMEBOT1', FAKE_TEAM.id)).toMatchObject({ known: false, refusal: 'bot' });
    expect(await identities.resolve('U0NOMAIL01', FAKE_TEAM.id)).toMatchObject({ known: false, refusal: 'no_email', locale: 'en-US' });
    // users.info answers user_not_found: a user Slack does not know, not one of another workspace.
    expect(await identities.resolve('U0UNKNOWN1', FAKE_TEAM.id)).toMatchObject({ known: false, refusal: 'unknown_user' });
    fake.failNext('users.info', 'user_not_visible');
    expect(await identities.resolve('U0HIDDEN01', FAKE_TEAM.id)).toMatchObject({ known: false, refusal: 'other_workspace' });
    expect(await identities.resolve('U0GRID0001', FAKE_TEAM.id)).toMatchObject({ known: false, refusal: 'other_workspace' });
    const before = fake.calls('users.info').length;
    expect(await identities.resolve('U0ADELE001', 'T0OTHERORG')).toMatchObject({ known: false, refusal: 'other_workspace' });
    expect(fake.calls('users.info').length).toBe(before);
  });

  it('throws channel_unavailable while Slack cannot say who someone is', async () => {
    fake.httpNext('users.info', 503, undefined, 3);
    await expect(identities.resolve('U0NEWUSER1', FAKE_TEAM.id)).rejects.toMatchObject({ code: 'channel_unavailable' });
    expect(fake.violations).toEqual([]);
  });
});

describe('zoneOfIdentity: the zone a Slack user\'s cards and notices are written in', () => {
  const user = { id: 'u-1', displayName: 'Someone' } as SlackIdentity['user'];
  it('is the profile tz when known, else its tz_offset as a fixed offset, else the tz as given', () => {
    expect(zoneOfIdentity({ slackUserId: 'U1', user, timeZone: 'Europe/Brussels', utcOffsetMinutes: -300 })).toBe('Europe/Brussels');
    expect(zoneOfIdentity({ slackUserId: 'U1', user, timeZone: 'America/Nowhere_Newer', utcOffsetMinutes: -300 })).toBe('-05:00');
    expect(zoneOfIdentity({ slackUserId: 'U1', user, utcOffsetMinutes: 330 })).toBe('+05:30');
    expect(zoneOfIdentity({ slackUserId: 'U1', user, timeZone: 'America/Nowhere_Newer' })).toBe('America/Nowhere_Newer');
    expect(zoneOfIdentity({ slackUserId: 'U1', user })).toBeUndefined();
  });
});
