import { afterEach, describe, expect, it } from 'vitest';
import { people, teamsHarness, textOf, type TeamsHarness } from '../channels/teams/harness.js';
import type { SentActivity } from '../fakes/fake-connector.js';
import type { TeamsUser } from '../fakes/teams-activities.js';

/**
 * A revoke request that ends a grant the bot applied: the grant's `revoked` event and the revoke
 * request's `applied` post-back come from one apply, and each person hears the removal once.
 */

const MINUTE = 60_000;
const { alex, megan, adele, isaiah, miriam, janJansen } = people;

let h: TeamsHarness;
afterEach(async () => {
  await h?.close();
});

/** The first line of each notice a person got (the card's first TextBlock after its header). */
function lines(sent: SentActivity[]): string[] {
  return sent.map((s) => {
    const body = (s.activity.attachments?.[0]?.content?.body ?? []) as { type: string; text?: string }[];
    return body.filter((b) => b.type === 'TextBlock').map((b) => b.text ?? '').find((t) => t !== 'Mailbox access' && t !== 'Toegang tot postvakken') ?? textOf(s);
  });
}

/** Lines that announce the removal itself (not its approval). */
const removalLines = (sent: SentActivity[]) => lines(sent).filter((line) => /^(Revoked|Done|Ingetrokken|Uitgevoerd)\b/.test(line));

/**
 * `requester` asks `grantee` send-as on `group`, `owner` approves, it takes effect; then Isaiah asks
 * `removal` and the owner approves it. Returns each person's inbox length before that approval.
 */
async function grantedThenRemoved(grantee: TeamsUser, owner: TeamsUser, grant: string, removal: string): Promise<Map<TeamsUser, number>> {
  h = await teamsHarness();
  for (const person of [alex, grantee, owner, isaiah]) await h.install(person);
  await h.say(alex, grant);
  const [granted] = await h.bot.app.engine.requestsOf(alex.aad);
  await h.click(owner, 'approve', { requestId: granted!.id }, h.inbox(owner).at(-1));
  await h.advance(10 * MINUTE);
  expect((await h.bot.app.engine.get(granted!.id))?.state).toBe('effective');

  await h.say(isaiah, removal);
  const [revoke] = await h.bot.app.engine.requestsOf(isaiah.aad);
  expect(revoke?.kind).toBe('revoke');
  const before = new Map([alex, grantee, isaiah].map((p) => [p, h.inbox(p).length]));
  await h.click(owner, 'approve', { requestId: revoke!.id }, h.inbox(owner).at(-1));
  await h.settle();
  expect((await h.bot.app.engine.get(granted!.id))?.state).toBe('revoked');
  expect((await h.bot.app.engine.get(revoke!.id))?.state).toBe('applied');
  return before;
}

describe('a revoke request ending a grant the bot applied', () => {
  it('the grantee hears one line: what was revoked, at whose request, by when (en)', async () => {
    const before = await grantedThenRemoved(megan, adele, 'give Megan send-as on Training', "remove Megan's send as on Training");
    expect(removalLines(h.inbox(megan).slice(before.get(megan)))).toEqual([
      expect.stringMatching(/^Revoked: Send As for Megan Bowen on Training, as Isaiah Langer asked\. Takes effect by about \d\d:\d\d\.$/),
    ]);
    // The removal's requester hears it done; the grant's requester, who did not ask for it, hears it revoked: once each.
    expect(removalLines(h.inbox(isaiah).slice(before.get(isaiah)))).toEqual([expect.stringMatching(/^Done: remove Send As from Megan Bowen on Training\. Takes effect by about \d\d:\d\d\.$/)]);
    expect(removalLines(h.inbox(alex).slice(before.get(alex)))).toEqual(['Revoked: Send As for Megan Bowen on Training.']);
    // The grant's card says who revoked it (the approver of the removal), as a decided card says who approved.
    await h.say(alex, 'my requests');
    expect(textOf(h.inbox(alex).at(-1))).toMatch(/Revoked by Adele Vance at \d+ Nov 2026 \d\d:\d\d/);
  });

  it('the grantee hears one line (nl)', async () => {
    const before = await grantedThenRemoved(janJansen, miriam, 'give Jan Jansen send-as on Sales', 'verwijder verzenden als van Jan Jansen op Sales');
    expect(removalLines(h.inbox(janJansen).slice(before.get(janJansen)))).toEqual([
      expect.stringMatching(/^Ingetrokken: Verzenden als van Jan Jansen op Sales, op verzoek van Isaiah Langer\. Van kracht rond \d\d:\d\d\.$/),
    ]);
    expect(removalLines(h.inbox(isaiah).slice(before.get(isaiah)))).toEqual([expect.stringMatching(/^Uitgevoerd: /)]);
    await h.say(alex, 'mijn aanvragen');
    expect(textOf(h.inbox(alex).at(-1))).toMatch(/Ingetrokken door Miriam Graham om \d+ nov 2026 \d\d:\d\d/);
  });
});
