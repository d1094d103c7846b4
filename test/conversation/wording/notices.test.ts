import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../src/conversation/messaging.js';
import { Names } from '../../../src/conversation/wording/names.js';
import { asSentence, outboundReply, revokedLine } from '../../../src/conversation/wording/notices.js';
import type { Lang } from '../../../src/conversation/types.js';
import type { PermissionRequest } from '../../../src/domain/request.js';
import { loadDirectoryFile } from '../../../src/directory/file-directory.js';
import { CONTOSO } from '../harness.js';
import { PEOPLE, TARGETS } from '../scripts/spec-conversations.js';

const END = Date.parse('2026-12-11T23:00:00Z'); // midnight in Amsterdam: the end of Friday 11 December
const words = { grantee: 'Pradeep Gupta', target: 'Info' };
const grant = (over: Partial<PermissionRequest>) => ({ kind: 'grant', rights: ['FullAccess'], endsAt: END, ...over }) as PermissionRequest;

describe('the post-back of a grant that ended', () => {
  it('says a time-bound grant ended as planned, with its end, in English and Dutch', () => {
    const ended = grant({ revokedBy: 'system', revokedAt: END + 2_000 });
    expect(revokedLine(ended, ['FullAccess'], words, { lang: 'en', timeZone: 'Europe/Amsterdam' })).toBe(
      'Ended as planned: Full Access (read and manage) for Pradeep Gupta on Info (it ended on Friday, 11 December 2026 at 24:00). Outlook can take a while to catch up.',
    );
    expect(revokedLine(ended, ['FullAccess'], words, { lang: 'nl', timeZone: 'Europe/Amsterdam' })).toMatch(/^Verlopen zoals gepland: .* van Pradeep Gupta op Info \(het eindigde op vrijdag 11 december 2026 om 24:00\)\. Het kan even duren voordat Outlook dat ziet\.$/);
  });

  it('says "Revoked" when someone ended it before its end date', () => {
    const byAdmin = grant({ revokedBy: 'u-admin', revokedAt: END - 86_400_000 });
    expect(revokedLine(byAdmin, ['FullAccess'], words, { lang: 'en' })).toBe('Revoked: Full Access (read and manage) for Pradeep Gupta on Info.');
    const byRequest = grant({ revokedBy: 'system', revokedAt: END - 1 });
    expect(revokedLine(byRequest, ['FullAccess'], words, { lang: 'en' })).toMatch(/^Revoked: /);
  });
});

const directory = loadDirectoryFile(CONTOSO);

/** Isaiah's Full Access on Support, as a grant or a removal, in the state the post-back is about. */
function onSupport(over: Partial<PermissionRequest>): PermissionRequest {
  return {
    id: 'REQ-7K2F9',
    version: 5,
    kind: 'grant',
    state: 'effective',
    requesterId: PEOPLE.alex.id,
    granteeId: PEOPLE.isaiah.id,
    targetId: TARGETS.support,
    targetKind: 'shared',
    rights: ['FullAccess'],
    autoMapping: true,
    language: 'en',
    approverIds: [PEOPLE.miriam.id],
    warnings: [],
    createdAt: 0,
    updatedAt: 0,
    attempts: 1,
    ...over,
  } as PermissionRequest;
}

/** The lines of the post-back `event` about `request`, as `role` reads it in `lang`. */
async function postBack(request: PermissionRequest, event: OutboundMessage['notice']['event'], lang: Lang, role: OutboundMessage['role'] = 'requester'): Promise<string[]> {
  const message: OutboundMessage = { id: `${request.id}:1:x`, recipientId: request.requesterId, role, notice: { event }, request };
  const reply = await outboundReply(message, new Names(directory), { lang, timeZone: 'Europe/Amsterdam' });
  if (reply?.kind !== 'notice') throw new Error(`not a notice: ${JSON.stringify(reply)}`);
  return reply.view.lines;
}

describe('the post-back when a change is in effect', () => {
  it('a removal was checked to be gone, not "in place", in English and Dutch', async () => {
    const removal = onSupport({ kind: 'revoke' });
    expect(await postBack(removal, 'effective', 'en')).toEqual(['In effect: remove Full Access (read and manage) from Isaiah Langer on Support. I checked that it is gone.']);
    expect(await postBack(removal, 'effective', 'nl')).toEqual(['Van kracht: Volledige toegang (Lezen en beheren) van Isaiah Langer op Support intrekken. Ik heb gecontroleerd dat het recht weg is.']);
  });

  it('a grant was checked to be in place', async () => {
    const lines = await postBack(onSupport({}), 'effective', 'en');
    expect(lines[0]).toBe('In effect: Full Access (read and manage) for Isaiah Langer on Support. I checked that it is in place.');
    expect((await postBack(onSupport({}), 'effective', 'nl'))[0]).toMatch(/\. Ik heb gecontroleerd dat het recht is ingesteld\.$/);
  });
});

describe('the post-back of a failed apply', () => {
  const failed = (message: string) => onSupport({ state: 'failed', failure: { code: 'permission_service_unavailable', message, at: 0 } });

  it('ends the service\'s message as a sentence before "An admin can retry it", in English and Dutch', async () => {
    expect(await postBack(failed('The permission service failed (503)'), 'failed', 'en')).toEqual([
      'Could not apply: Full Access (read and manage) for Isaiah Langer on Support. The permission service failed (503). An admin can retry it.',
    ]);
    expect((await postBack(failed('The permission service failed (503)'), 'failed', 'nl'))[0]).toMatch(
      /^Toepassen mislukt: .*Isaiah Langer op Support\. The permission service failed \(503\)\. Een beheerder kan het opnieuw proberen\.$/,
    );
  });

  it('adds no second full stop to a message that ends one, and says no empty sentence', async () => {
    expect(await postBack(failed('The mailbox is on litigation hold.'), 'failed', 'en')).toEqual([
      'Could not apply: Full Access (read and manage) for Isaiah Langer on Support. The mailbox is on litigation hold. An admin can retry it.',
    ]);
    expect(await postBack(failed('  '), 'failed', 'en')).toEqual(['Could not apply: Full Access (read and manage) for Isaiah Langer on Support. An admin can retry it.']);
    expect((await postBack(failed(''), 'failed', 'nl'))[0]).toMatch(/^Toepassen mislukt: .*Support\. Een beheerder kan het opnieuw proberen\.$/);
  });

  it("the admin's notice ends the message as a sentence too", async () => {
    expect(await postBack(failed('The permission service failed (503)'), 'failed', 'en', 'admin')).toEqual([
      'Applying failed: Full Access (read and manage) for Isaiah Langer on Support (REQ-7K2F9). The permission service failed (503).',
    ]);
    expect(await postBack(failed(''), 'failed', 'en', 'admin')).toEqual(['Applying failed: Full Access (read and manage) for Isaiah Langer on Support (REQ-7K2F9).']);
  });

  it('asSentence: a full stop unless one of . ! ? … ends it (also before a closing quote or bracket)', () => {
    expect(['Busy', 'Busy.', 'Busy!', 'Really?', 'Wait…', '"Quota exceeded."', '(see log.)', ' Spaces ', ''].map(asSentence)).toEqual([
      'Busy.',
      'Busy.',
      'Busy!',
      'Really?',
      'Wait…',
      '"Quota exceeded."',
      '(see log.)',
      'Spaces.',
      '',
    ]);
  });
});
