import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../src/conversation/messaging.js';
import { formatEnd } from '../../../src/conversation/wording/format.js';
import { Names } from '../../../src/conversation/wording/names.js';
import { asSentence, outboundReply, revokedLine } from '../../../src/conversation/wording/notices.js';
import { endFact } from '../../../src/conversation/wording/requests.js';
import { holdingsView } from '../../../src/conversation/wording/access-views.js';
import { statusView } from '../../../src/conversation/wording/views.js';
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
      'Ended as planned: Full Access (read and manage) for Pradeep Gupta on Info (it ran until the end of Friday, 11 December 2026). Outlook can take a while to catch up.',
    );
    expect(revokedLine(ended, ['FullAccess'], words, { lang: 'nl', timeZone: 'Europe/Amsterdam' })).toMatch(/^Verlopen zoals gepland: .* van Pradeep Gupta op Info \(het liep tot en met vrijdag 11 december 2026\)\. Het kan even duren voordat Outlook dat ziet\.$/);
  });

  it('says the right stays when a longer grant kept it, naming that grant, in English and Dutch', () => {
    const kept = grant({ revokedBy: 'system', revokedAt: END, rightKeptBy: 'REQ-B7' });
    expect(revokedLine(kept, ['FullAccess'], words, { lang: 'en', timeZone: 'Europe/Amsterdam' }, 'REQ-B7')).toBe(
      'Ended as planned: Full Access (read and manage) for Pradeep Gupta on Info (it ran until the end of Friday, 11 December 2026). Pradeep Gupta keeps it through REQ-B7, which lasts longer, so nothing was removed.',
    );
    expect(revokedLine(kept, ['FullAccess'], words, { lang: 'nl', timeZone: 'Europe/Amsterdam' }, 'REQ-B7')).toMatch(/^Verlopen zoals gepland: .* van Pradeep Gupta op Info \(het liep tot en met vrijdag 11 december 2026\)\. Pradeep Gupta houdt het via REQ-B7, dat langer loopt, dus er is niets verwijderd\.$/);
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

describe('an end at midnight is the end of the day before, in every place an end is shown', () => {
  // 27 November 2026 ends at midnight in Amsterdam (23:00 UTC): a grant "until Friday".
  const FRIDAY_END = Date.parse('2026-11-27T23:00:00Z');
  const AMS = { timeZone: 'Europe/Amsterdam' };
  const timed = onSupport({ endsAt: FRIDAY_END });

  it('formatEnd: "until the end of Friday" / "tot en met vrijdag"; other ends as a moment; UTC said when the zone is unknown', () => {
    expect(formatEnd(FRIDAY_END, { lang: 'en', ...AMS })).toBe('until the end of Friday, 27 November 2026');
    expect(formatEnd(FRIDAY_END, { lang: 'nl', ...AMS })).toBe('tot en met vrijdag 27 november 2026');
    const afternoon = Date.parse('2026-11-28T13:05:00Z');
    expect(formatEnd(afternoon, { lang: 'en', ...AMS })).toBe('until Saturday, 28 November 2026 at 14:05');
    expect(formatEnd(afternoon, { lang: 'nl', ...AMS })).toBe('tot zaterdag 28 november 2026 om 14:05');
    expect(formatEnd(Date.parse('2026-11-28T00:00:00Z'), { lang: 'en' })).toBe('until the end of Friday, 27 November 2026 (UTC)');
    expect(formatEnd(afternoon, { lang: 'nl' })).toBe('tot zaterdag 28 november 2026 om 13:05 UTC');
  });

  it('the card fact, my requests and what someone can access', async () => {
    const names = new Names(directory);
    expect(endFact(timed, { lang: 'en', ...AMS }, names)).toEqual({ title: 'For how long', value: 'until the end of Friday, 27 November 2026' });
    expect(endFact(timed, { lang: 'nl', ...AMS }, names)).toEqual({ title: 'Duur', value: 'tot en met vrijdag 27 november 2026' });
    expect((await statusView([timed], [], names, { lang: 'en', ...AMS })).items[0]!.ends).toBe('Lasts until the end of Friday, 27 November 2026');
    expect((await statusView([timed], [], names, { lang: 'nl', ...AMS })).items[0]!.ends).toBe('Loopt tot en met vrijdag 27 november 2026');
    const timeBound = [{ requestId: 'REQ-1', granteeId: PEOPLE.isaiah.id, targetId: TARGETS.support, right: 'SendAs' as const, endsAt: FRIDAY_END }];
    const report = { trusteeId: PEOPLE.isaiah.id, holdings: [{ targetId: TARGETS.support, targetKind: 'shared' as const, displayName: 'Support', rights: ['SendAs' as const] }], propagating: [], timeBound };
    expect((await holdingsView(report, names, { lang: 'en', ...AMS })).rows[0]!.value).toBe('Send As: until the end of Friday, 27 November 2026');
    expect((await holdingsView(report, names, { lang: 'nl', ...AMS })).rows[0]!.value).toBe('Verzenden als: tot en met vrijdag 27 november 2026');
  });

  it('what someone can access: each right on a mailbox with its own end, a standing one "no end date"', async () => {
    const names = new Names(directory);
    const timeBound = [{ requestId: 'REQ-1', granteeId: PEOPLE.isaiah.id, targetId: TARGETS.support, right: 'SendOnBehalf' as const, endsAt: FRIDAY_END }];
    const holdings = [
      { targetId: TARGETS.support, targetKind: 'shared' as const, displayName: 'Support', rights: ['FullAccess' as const, 'SendOnBehalf' as const] },
      { targetId: TARGETS.training, targetKind: 'group' as const, displayName: 'Training', rights: ['SendAs' as const] },
    ];
    const report = { trusteeId: PEOPLE.isaiah.id, holdings, propagating: [], timeBound };
    expect((await holdingsView(report, names, { lang: 'en', ...AMS })).rows).toEqual([
      { title: 'Support (shared mailbox)', value: 'Full Access (read and manage): no end date; Send on Behalf: until the end of Friday, 27 November 2026' },
      { title: 'Training (Microsoft 365 group)', value: 'Send As' },
    ]);
    expect((await holdingsView(report, names, { lang: 'nl', ...AMS })).rows).toEqual([
      { title: 'Support (gedeeld postvak)', value: 'Volledige toegang (Lezen en beheren): geen einddatum; Verzenden namens: tot en met vrijdag 27 november 2026' },
      { title: 'Training (Microsoft 365-groep)', value: 'Verzenden als' },
    ]);
  });

  it('the post-backs: in effect, the reminder, ended as planned', async () => {
    const en = await postBack(timed, 'effective', 'en');
    expect(en.at(-1)).toBe('It lasts until the end of Friday, 27 November 2026.');
    expect((await postBack(timed, 'effective', 'nl')).at(-1)).toBe('Het recht loopt tot en met vrijdag 27 november 2026.');
    expect(await postBack(timed, 'revoke_reminder', 'en')).toEqual(['Reminder: Full Access (read and manage) for Isaiah Langer on Support lasts only until the end of Friday, 27 November 2026.']);
    expect((await postBack(timed, 'revoke_reminder', 'nl'))[0]).toMatch(/^Herinnering: .* loopt nog tot en met vrijdag 27 november 2026\.$/);
    for (const lang of ['en', 'nl'] as const) {
      for (const event of ['effective', 'revoke_reminder'] as const) expect((await postBack(timed, event, lang)).join(' ')).not.toContain('24:00');
    }
  });
});

describe('the post-back when the planned removal of a grant failed (it stays in place)', () => {
  const stuck = onSupport({ state: 'effective', failure: { code: 'permission_service_unavailable', message: 'The permission service failed (503)', at: 0 } });

  it('says the removal failed, not "could not apply", in English and Dutch', async () => {
    expect(await postBack(stuck, 'failed', 'en')).toEqual([
      'Could not remove as planned: Full Access (read and manage) for Isaiah Langer on Support. The permission service failed (503). It stays in place for now; an admin can remove it.',
    ]);
    expect((await postBack(stuck, 'failed', 'nl'))[0]).toMatch(
      /^Intrekken zoals gepland mislukt: .*Isaiah Langer op Support\. The permission service failed \(503\)\. Het recht blijft voorlopig staan; een beheerder kan het verwijderen\.$/,
    );
  });

  it('offers the admin "Revoke now", not a Retry that would be refused', async () => {
    const message: OutboundMessage = { id: 'x', recipientId: PEOPLE.nestor.id, role: 'admin', notice: { event: 'failed' }, request: stuck };
    const reply = await outboundReply(message, new Names(directory), { lang: 'en' });
    if (reply?.kind !== 'notice') throw new Error('not a notice');
    expect(reply.view.lines).toEqual([
      'Removing failed: Full Access (read and manage) for Isaiah Langer on Support (REQ-7K2F9) stays in place; revoke it again, or remove it in the admin center. The permission service failed (503).',
    ]);
    expect(reply.view.actions).toEqual([{ title: 'Revoke now', verb: 'revoke', data: { requestId: 'REQ-7K2F9' } }]);
    const failedApply = await outboundReply({ ...message, request: onSupport({ state: 'failed' }) }, new Names(directory), { lang: 'nl' });
    expect(failedApply?.kind === 'notice' ? failedApply.view.actions.map((a) => a.verb) : []).toEqual(['retry']);
  });
});
