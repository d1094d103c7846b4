import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/conversation/types.js';
import { approvalView, Names } from '../../src/conversation/wording/index.js';
import { FileDirectory, parseDirectoryFile } from '../../src/directory/file-directory.js';
import { CONTOSO, conversationHarness, type ConversationHarness } from './harness.js';

let h: ConversationHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const GUEST = { id: '0a1e00ff-aaaa-4bbb-8ccc-0000000000ff', displayName: 'Gina Guest', mail: 'gina@fabrikam.example', preferredLanguage: 'en-US', guest: true };

/** The Contoso fixture with a guest account in it. */
function withGuest(): FileDirectory {
  const file = parseDirectoryFile(JSON.parse(readFileSync(CONTOSO, 'utf8')));
  file.users.push(GUEST as (typeof file.users)[number]);
  return new FileDirectory(file);
}

const warningsOf = (replies: Reply[]) => replies.flatMap((r) => (r.kind === 'summary' ? r.view.warnings : []));

describe('a guest as the trustee of a mailbox right', () => {
  it('is asked for as any person, and the summary and the approver\'s card say a guest (outside the organisation) would get it, in each reader\'s language', async () => {
    h = await conversationHarness({ directory: withGuest() });
    const replies = await h.say('alex', 'give Gina Guest full access to Support');
    const [request] = await h.app.engine.requestsOf('0a1e0001-aaaa-4bbb-8ccc-000000000001');
    expect(request).toMatchObject({ granteeId: GUEST.id, state: 'pending', warnings: [{ code: 'guest_trustee' }] });
    expect(warningsOf(replies)).toEqual(['⚠ Gina Guest is a guest account: someone from outside the organisation would get this access.']);
    const card = await approvalView(request!, new Names(h.app.directory), { lang: 'nl' });
    expect(card.warnings).toEqual(['⚠ Gina Guest is een gastaccount: iemand van buiten de organisatie krijgt deze toegang.']);

    const dutch = await h.say('alex', 'geef Gina Guest verzenden als op Support');
    expect(warningsOf(dutch)).toEqual(['⚠ Gina Guest is een gastaccount: iemand van buiten de organisatie krijgt deze toegang.']);
  });

  it('is still refused group rights outright, as before, and is offered no choice of group rights they could never get', async () => {
    h = await conversationHarness({ directory: withGuest() });
    await h.say('alex', 'give Gina Guest send as on Training');
    expect(await h.app.engine.requestsOf('0a1e0001-aaaa-4bbb-8ccc-000000000001')).toEqual([]);
    const asked = await h.say('alex', 'give Gina Guest access to Training');
    expect(asked.map((r) => r.kind)).toEqual(['refusal']);
    expect(asked[0]).toMatchObject({ code: 'guest_not_allowed', text: 'Gina Guest is a guest; guests cannot receive Send As or Send on Behalf on a group such as Training.' });
    expect(await h.app.engine.requestsOf('0a1e0001-aaaa-4bbb-8ccc-000000000001')).toEqual([]);
  });

  it('cannot use the bot as the one asking (as a Slack guest cannot): requests and questions are refused, nothing changes', async () => {
    h = await conversationHarness({ directory: withGuest() });
    const guest = { userId: GUEST.id, channel: 'teams', locale: 'en-US' };
    const asked = await h.conversation.handleText({ ...guest, text: 'give me full access to Support' });
    expect(asked).toEqual([expect.objectContaining({ kind: 'refusal', code: 'guest_requester', text: 'Guest accounts cannot use this bot; nothing was changed. Please ask a colleague with a full account, or your admin.' })]);
    const query = await h.conversation.handleText({ ...guest, text: 'wie heeft toegang tot Support?', locale: 'nl-NL' });
    expect(query).toEqual([expect.objectContaining({ code: 'guest_requester', text: 'Gastaccounts kunnen deze bot niet gebruiken; er is niets veranderd. Vraag een collega met een volledig account, of je beheerder.' })]);
    expect(await h.app.engine.requestsOf(GUEST.id)).toEqual([]);
  });
});
