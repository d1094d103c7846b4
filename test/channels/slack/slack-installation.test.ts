import { afterEach, describe, expect, it } from 'vitest';
import { slackHarness, slackPeople, textOf, TRAINING, type SlackHarness } from './harness.js';

const { alex, megan, adele, janJansen } = slackPeople;

/** The words of a refusal that may pass (429, 5xx, a transient code): "try again". */
const TRY_AGAIN = /try again in a moment|Probeer het zo nog eens/;
const BLOCKED = "look people up in this Slack workspace right now because of a problem with the app's installation";
const BLOCKED_NL = 'in deze Slack-werkruimte nu niemand opzoeken door een probleem met de installatie van de app';
const ERROR = 50;

let h: SlackHarness;
afterEach(async () => {
  await h?.close();
});

/** The harness with `people` already known to the bot (their own `users.info` answered and kept), so a scripted failure hits the lookup wanted. */
async function started(...people: Array<(typeof slackPeople)[keyof typeof slackPeople]>) {
  h = await slackHarness();
  for (const person of people) await h.dm(person, 'help');
}

/** What `person` read since `before` messages in their DM. */
const readSince = (person: (typeof slackPeople)[keyof typeof slackPeople], before: number) => h.inbox(person).slice(before).map(textOf).join(' ');
const errors = () => h.logs.filter((l) => l.level === ERROR);

describe("Slack: a mention Slack refuses to look up because of the app's installation is told as such, not as 'try again'", () => {
  for (const code of ['missing_scope', 'not_allowed_token_type', 'invalid_auth', 'token_revoked', 'account_inactive']) {
    it(`users.info ${code} on a mention: "cannot look people up, the administrator has been notified", nothing created, one error for the operator`, async () => {
      await started(alex);
      h.fake.failNext('users.info', code);
      const before = h.inbox(alex).length;
      await h.dm(alex, `give <@${megan.id}> send-as on Training`);
      const answer = readSince(alex, before);
      expect(answer).toContain('I could not check who you mentioned');
      expect(answer).toContain(BLOCKED);
      expect(answer).toContain("The bot's administrator has been notified");
      expect(answer).toContain('nothing was changed');
      expect(answer).not.toMatch(TRY_AGAIN);
      expect(answer).not.toContain('could not find');
      expect(await h.app.engine.requestsOf(alex.aad)).toEqual([]);
      // The operator reads one error naming the code; the turn itself only warns.
      expect(errors()).toHaveLength(1);
      expect(errors()[0]).toMatchObject({ method: 'users.info', slackError: code });
      expect(h.logs.some((l) => l.level < ERROR && /installation for mention lookups; message refused/.test(l.msg))).toBe(true);

      // Fixed: the same message is read.
      await h.dm(alex, `give <@${megan.id}> send-as on Training`);
      expect((await h.app.engine.requestsOf(alex.aad)).map((r) => [r.granteeId, r.targetId, r.state])).toEqual([[megan.aad, TRAINING, 'pending']]);
      expect(h.fake.violations).toEqual([]);
    });
  }

  it('users:read taken from the app: every mention is refused with the same words, the operator reads one error naming the scope, and it works once granted again', async () => {
    await started(alex, janJansen);
    h.fake.removeScope('users:read');
    await h.dm(alex, `give <@${megan.id}> send-as on Training`);
    expect(textOf(h.inbox(alex).at(-1))).toContain(BLOCKED);
    // The replies still go out (chat:write is there), which must not count as the scope being back.
    await h.dm(alex, `give <@${adele.id}> send-as on Training`);
    expect(textOf(h.inbox(alex).at(-1))).toContain(BLOCKED);
    // In the message's own language.
    await h.dm(janJansen, `geef <@${megan.id}> verzenden als op Training`);
    const dutch = textOf(h.inbox(janJansen).at(-1));
    expect(dutch).toContain(BLOCKED_NL);
    expect(dutch).toContain('De beheerder van de bot is op de hoogte gebracht');
    expect(dutch).not.toMatch(TRY_AGAIN);

    expect(errors()).toHaveLength(1);
    expect(errors()[0]).toMatchObject({ method: 'users.info', slackError: 'missing_scope', needed: 'users:read' });
    expect(errors()[0]!.msg).toMatch(/users:read.*reinstall.*SLACK_BOT_TOKEN/);
    expect(await h.app.engine.requestsOf(alex.aad)).toEqual([]);

    h.fake.grantScope('users:read');
    await h.dm(alex, `give <@${megan.id}> send-as on Training`);
    expect((await h.app.engine.requestsOf(alex.aad)).map((r) => r.granteeId)).toEqual([megan.aad]);
    expect(h.fake.violations).toEqual([]);
  });

  it('still says "try again" for what passes: ratelimited, internal_error, fatal_error, request_timeout, and logs no error', async () => {
    await started(alex);
    for (const code of ['ratelimited', 'internal_error', 'fatal_error', 'request_timeout']) {
      h.fake.failNext('users.info', code);
      const before = h.inbox(alex).length;
      await h.dm(alex, `give <@${megan.id}> send-as on Training`);
      const answer = readSince(alex, before);
      expect(answer).toMatch(TRY_AGAIN);
      expect(answer).not.toContain(BLOCKED);
    }
    expect(errors()).toEqual([]);
    expect(await h.app.engine.requestsOf(alex.aad)).toEqual([]);
  });
});

describe("Slack: a sender Slack refuses to look up because of the app's installation is told as such, not as 'try again'", () => {
  for (const code of ['missing_scope', 'not_allowed_token_type', 'invalid_auth', 'account_inactive']) {
    it(`users.info ${code} for the sender: "cannot look people up", in their message's language, nothing changed, one error`, async () => {
      h = await slackHarness();
      const dm = h.fake.openDmAsUser(megan.id);
      h.fake.failNext('users.info', code);
      await h.dm(megan, 'geef mij verzenden als op Training');
      const answer = h.inbox(megan).at(-1);
      expect(answer?.channel).toBe(dm);
      expect(textOf(answer)).toContain(BLOCKED_NL);
      expect(textOf(answer)).toContain('niets veranderd');
      expect(textOf(answer)).not.toMatch(TRY_AGAIN);
      expect(await h.app.engine.requestsOf(megan.aad)).toEqual([]);
      expect(errors()).toHaveLength(1);
      expect(errors()[0]).toMatchObject({ method: 'users.info', slackError: code });
      expect(h.logs.some((l) => l.level < ERROR && /installation for identity lookups/.test(l.msg))).toBe(true);

      // Fixed: the same person is read.
      await h.dm(megan, 'give me send-as on Training');
      expect((await h.app.engine.requestsOf(megan.aad)).map((r) => r.state)).toEqual(['pending']);
      expect(h.fake.violations).toEqual([]);
    });
  }

  it('in English for an English message, and with users:read gone every new sender is told so while the operator reads one error', async () => {
    h = await slackHarness();
    h.fake.removeScope('users:read');
    await h.dm(megan, 'give me send-as on Training');
    expect(textOf(h.inbox(megan).at(-1))).toContain(BLOCKED);
    expect(textOf(h.inbox(megan).at(-1))).toContain("ask your Slack admin to check the app's installation");
    await h.dm(alex, 'help');
    expect(textOf(h.inbox(alex).at(-1))).toContain(BLOCKED);
    expect(errors()).toHaveLength(1);
    expect(errors()[0]).toMatchObject({ slackError: 'missing_scope', needed: 'users:read' });
  });

  it('a revoked token: the person cannot even be told, and the operator reads one error for all of it', async () => {
    // Alex wrote before: the workspace (auth.test, asked at start in production) is known.
    await started(alex);
    h.fake.revokeToken();
    await h.dm(megan, 'give me send-as on Training');
    await h.dm(alex, `give <@${megan.id}> send-as on Training`);
    expect(h.inbox(megan)).toEqual([]);
    expect(errors()).toHaveLength(1);
    expect(errors()[0]).toMatchObject({ slackError: 'token_revoked' });
    expect(await h.app.engine.requestsOf(megan.aad)).toEqual([]);
  });

  it('still asks to try again when Slack fails in a way that passes (internal_error)', async () => {
    h = await slackHarness();
    h.fake.failNext('users.info', 'internal_error');
    await h.dm(megan, 'give me send-as on Training');
    expect(textOf(h.inbox(megan).at(-1))).toMatch(TRY_AGAIN);
    expect(errors()).toEqual([]);
  });
});
