import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/conversation/messaging.js';
import type { Audience } from '../../src/conversation/types.js';
import { planNotifications } from '../../src/conversation/notification-policy.js';
import { Names } from '../../src/conversation/wording/names.js';
import { outboundReply } from '../../src/conversation/wording/notices.js';
import { stateLine } from '../../src/conversation/wording/requests.js';
import { accessView } from '../../src/conversation/wording/access-views.js';
import { SAMPLE_DIRECTORY_PATH } from '../../src/config.js';
import { loadDirectoryFile } from '../../src/directory/file-directory.js';
import type { EngineEvent } from '../../src/domain/notifier.js';
import type { PermissionRequest } from '../../src/domain/request.js';
import { sampleRequest } from '../channels/teams/fixtures.js';

// 09:00 in Amsterdam; the window was an hour, the admins were told at 10:30, the checks end at 09:00 the next day.
const APPLIED = Date.parse('2026-11-23T08:00:00Z');
const HOUR = 3_600_000;
const decided = { verdict: 'approved' as const, by: 'u-emma', at: APPLIED };
const unconfirmed = sampleRequest({
  state: 'applied',
  decision: decided,
  appliedAt: APPLIED,
  effectiveBy: APPLIED + HOUR,
  unconfirmedAt: APPLIED + 1.5 * HOUR,
  checksUntil: APPLIED + 24 * HOUR,
});
const gaveUp = { ...unconfirmed, checksEndedAt: APPLIED + 24 * HOUR };
const ADMINS = ['u-admin'];
const names = new Names(loadDirectoryFile(SAMPLE_DIRECTORY_PATH));
const en: Audience = { lang: 'en', timeZone: 'Europe/Amsterdam' };
const nl: Audience = { lang: 'nl', timeZone: 'Europe/Amsterdam' };

const who = (event: EngineEvent) => planNotifications(event, ADMINS).messages.map((m) => `${m.recipientId}:${m.role}`);

async function words(event: EngineEvent, recipientId: string, audience = en): Promise<string> {
  const planned = planNotifications(event, ADMINS).messages.find((m) => m.recipientId === recipientId)!;
  const message: OutboundMessage = { id: 'm-1', recipientId, role: planned.role, notice: planned.notice, request: event.request };
  const reply = await outboundReply(message, names, audience);
  return reply?.kind === 'notice' ? reply.view.lines.join(' ') : '';
}

describe('a change Exchange does not show after the window', () => {
  it('the quick recheck post-back goes to the requester and grantee only', () => {
    const event: EngineEvent = { type: 'not_yet_visible', request: sampleRequest({ state: 'applied' }), finalCheck: false, nextCheckAt: APPLIED + 70 * 60_000 };
    expect(who(event)).toEqual(['u-liam:requester', 'u-zoe:grantee']);
  });

  it('the final word really tells the admins, naming the request and what to check; the requester hears it is so', async () => {
    const event: EngineEvent = { type: 'not_yet_visible', request: unconfirmed, finalCheck: true, nextCheckAt: APPLIED + 2.5 * HOUR };
    expect(who(event)).toEqual(['u-liam:requester', 'u-zoe:grantee', 'u-admin:admin']);
    expect(planNotifications(event, ADMINS).updateCopies).toBe(true);
    expect(await words(event, 'u-liam')).toBe(
      'Send As for Zoë Dubois on Training was applied, but Exchange still does not show it after the propagation window. I will keep checking until 24 Nov 2026 09:00 and tell you when it is in effect. An admin has been told.',
    );
    expect(await words(event, 'u-admin')).toBe(
      'Not visible in Exchange: Send As for Zoë Dubois on Training (req-1) was applied at 23 Nov 2026 09:00, but Exchange still does not show it at 23 Nov 2026 10:30, after the propagation window. ' +
        'Please check in the Exchange admin center that Zoë Dubois has Send As on Training (training@northwind.example), and apply it again if it is missing. ' +
        'I will keep checking until 24 Nov 2026 09:00 and tell you when Exchange shows it.',
    );
    expect(await words(event, 'u-admin', nl)).toMatch(/^Niet zichtbaar in Exchange: .*\(req-1\) is om 23 nov 2026 09:00 toegepast.* Controleer in het Exchange-beheercentrum of Zoë Dubois Verzenden als heeft op Training .* Ik blijf het controleren tot 24 nov 2026 09:00/);
  });

  it('for a removal the admins are asked to check that the right is gone', async () => {
    const removal = { ...unconfirmed, kind: 'revoke' as const };
    const event: EngineEvent = { type: 'not_yet_visible', request: removal, finalCheck: true, nextCheckAt: APPLIED + 2.5 * HOUR };
    expect(await words(event, 'u-admin')).toContain('Please check in the Exchange admin center that Zoë Dubois no longer has Send As on Training (training@northwind.example), and remove it if it is still there.');
    expect(await words(event, 'u-admin', nl)).toContain('Controleer in het Exchange-beheercentrum of Zoë Dubois Verzenden als niet meer heeft op Training');
  });

  it('for a removal request everyone hears the removal is made but Exchange still shows the right (en, nl), not "remove ... was applied"', async () => {
    const removal = { ...unconfirmed, kind: 'revoke' as const };
    const quick: EngineEvent = { type: 'not_yet_visible', request: { ...removal, unconfirmedAt: undefined, checksUntil: undefined }, finalCheck: false, nextCheckAt: APPLIED + 70 * 60_000 };
    expect(await words(quick, 'u-zoe')).toBe('The removal of Send As from Zoë Dubois on Training is made, but Exchange still shows the right. I will check again at 10:10.');
    expect(await words(quick, 'u-liam', nl)).toBe('Het verwijderen van Verzenden als voor Zoë Dubois op Training is uitgevoerd, maar Exchange laat het recht nog zien. Ik controleer het om 10:10 opnieuw.');
    const final: EngineEvent = { type: 'not_yet_visible', request: removal, finalCheck: true, nextCheckAt: APPLIED + 2.5 * HOUR };
    expect(await words(final, 'u-liam')).toBe(
      'The removal of Send As from Zoë Dubois on Training is made, but Exchange still shows the right after the propagation window. I will keep checking until 24 Nov 2026 09:00 and tell you when it is gone. An admin has been told.',
    );
    expect(await words(final, 'u-zoe', nl)).toMatch(/^Het verwijderen van Verzenden als voor Zoë Dubois op Training is uitgevoerd, maar Exchange laat het recht na de wachttijd nog steeds zien\. Ik blijf het controleren tot 24 nov 2026 09:00 en laat het je weten zodra het weg is\./);
    expect(await words(final, 'u-admin')).toBe(
      'Still shown in Exchange (req-1): the removal of Send As from Zoë Dubois on Training was made at 23 Nov 2026 09:00, but Exchange still shows the right at 23 Nov 2026 10:30, after the propagation window. ' +
        'Please check in the Exchange admin center that Zoë Dubois no longer has Send As on Training (training@northwind.example), and remove it if it is still there. ' +
        'I will keep checking until 24 Nov 2026 09:00 and tell you when it is gone.',
    );
    expect(await words(final, 'u-admin', nl)).toMatch(/^Nog steeds zichtbaar in Exchange \(req-1\): het verwijderen van Verzenden als voor Zoë Dubois op Training is om 23 nov 2026 09:00 uitgevoerd/);
    const ended: EngineEvent = { type: 'not_yet_visible', request: { ...removal, checksEndedAt: APPLIED + 24 * HOUR }, finalCheck: true, gaveUp: true };
    expect(await words(ended, 'u-zoe')).toBe(
      'The removal of Send As from Zoë Dubois on Training was made at 23 Nov 2026 09:00, but Exchange still showed the right at 24 Nov 2026 09:00. I have stopped checking. An admin has been told.',
    );
    expect(await words(ended, 'u-admin')).toMatch(/^Still shown in Exchange \(req-1\): the removal of Send As .* I have stopped checking\. Please check .* no longer has Send As/);
    expect(await words(ended, 'u-liam', nl)).toMatch(/^Het verwijderen van .* liet het recht om 24 nov 2026 09:00 nog steeds zien\. Ik controleer het niet meer\./);
  });

  it('does not claim an admin was told when the bot has none', async () => {
    const event: EngineEvent = { type: 'not_yet_visible', request: unconfirmed, finalCheck: true, nextCheckAt: APPLIED + 2.5 * HOUR };
    const planned = planNotifications(event, []).messages;
    expect(planned.map((m) => m.role)).toEqual(['requester', 'grantee']);
    const reply = await outboundReply({ id: 'm', ...planned[0]!, request: unconfirmed }, names, en);
    expect(reply?.kind === 'notice' ? reply.view.lines.join(' ') : '').not.toContain('admin');
  });

  it('after the last check: everyone hears the bot stopped checking', async () => {
    const event: EngineEvent = { type: 'not_yet_visible', request: gaveUp, finalCheck: true, gaveUp: true };
    expect(who(event)).toEqual(['u-liam:requester', 'u-zoe:grantee', 'u-admin:admin']);
    expect(await words(event, 'u-zoe')).toBe(
      'Send As for Zoë Dubois on Training was applied at 23 Nov 2026 09:00, but Exchange still did not show it at 24 Nov 2026 09:00. I have stopped checking. An admin has been told.',
    );
    expect(await words(event, 'u-admin')).toMatch(/^Still not visible in Exchange: Send As for Zoë Dubois on Training \(req-1\) .* I have stopped checking\. Please check in the Exchange admin center that Zoë Dubois has Send As on Training/);
    expect(await words(event, 'u-liam', nl)).toMatch(/liet het om 24 nov 2026 09:00 nog steeds niet zien\. Ik controleer het niet meer\. Een beheerder is ingelicht\.$/);
  });

  it('when it shows after all: "In effect" to the requester and grantee, and the admins are told nothing is left to check', async () => {
    const effective: PermissionRequest = { ...unconfirmed, state: 'effective', effectiveAt: APPLIED + 5.5 * HOUR };
    const event: EngineEvent = { type: 'effective', request: effective };
    expect(who(event)).toEqual(['u-liam:requester', 'u-zoe:grantee', 'u-admin:admin']);
    expect(await words(event, 'u-liam')).toMatch(/^In effect: Send As for Zoë Dubois on Training\./);
    expect(await words(event, 'u-admin')).toBe('In effect after all: Send As for Zoë Dubois on Training (req-1). Exchange shows it since 23 Nov 2026 14:30; nothing left to check.');
    // A right in effect within its window concerns no admin.
    expect(who({ type: 'effective', request: { ...effective, unconfirmedAt: undefined } } as EngineEvent)).toEqual(['u-liam:requester', 'u-zoe:grantee']);
  });

  it('when such a grant ends (its end date, a revoke), the admins told to look for it hear it ended, so nobody applies it again', async () => {
    const ended: PermissionRequest = { ...unconfirmed, state: 'revoked', revokedAt: APPLIED + 3 * HOUR, revokedBy: 'system' };
    const event: EngineEvent = { type: 'revoked', request: ended, rights: ['SendAs'] };
    expect(who(event)).toEqual(['u-liam:requester', 'u-zoe:grantee', 'u-admin:admin']);
    // Not the failure notice with Retry (a revoked grant fell through to it): nothing is left to apply.
    expect(await words(event, 'u-admin')).toBe(
      'Revoked: Send As for Zoë Dubois on Training (req-1), which Exchange did not show, has been revoked or has ended. Nothing left to check or apply again.',
    );
    expect(await words(event, 'u-admin', nl)).toBe(
      'Ingetrokken: Verzenden als voor Zoë Dubois op Training (req-1), dat Exchange niet liet zien, is ingetrokken of afgelopen. Er hoeft niets meer gecontroleerd of opnieuw toegepast te worden.',
    );
    // A grant that was seen in place concerns no admin when it ends.
    expect(who({ ...event, request: { ...ended, unconfirmedAt: undefined } } as EngineEvent)).toEqual(['u-liam:requester', 'u-zoe:grantee']);
  });

  it('when such a grant is replaced by the other group right, the admins told hear it is gone on purpose, with nothing to apply again', async () => {
    const replaced: PermissionRequest = { ...unconfirmed, state: 'replaced', replacedBy: 'REQ-NEXT01', replacedAt: APPLIED + 3 * HOUR };
    const event: EngineEvent = { type: 'replaced', request: replaced };
    expect(who(event)).toEqual(['u-liam:requester', 'u-zoe:grantee', 'u-admin:admin']);
    expect(planNotifications(event, ADMINS).updateCopies).toBe(true);
    expect(await words(event, 'u-admin')).toBe(
      'Replaced: Send As for Zoë Dubois on Training (req-1) was replaced by REQ-NEXT01, which gave Send on Behalf; a group delegate holds one of the two. The right is gone on purpose: nothing left to check or apply again.',
    );
    expect(await words(event, 'u-zoe', nl)).toBe(
      'Vervangen: Verzenden als voor Zoë Dubois op Training is vervangen door REQ-NEXT01, die Zoë Dubois Verzenden namens gaf op Training. Een gemachtigde van een groep kan Verzenden als of Verzenden namens hebben, niet allebei; dit recht is dus verwijderd.',
    );
    expect((await stateLine(replaced, names, en)).status).toBe('Approved by Emma Clarke at 23 Nov 2026 09:00; replaced at 23 Nov 2026 12:00 by REQ-NEXT01 (Send on Behalf)');
    // One seen in place concerns no admin.
    expect(who({ type: 'replaced', request: { ...replaced, unconfirmedAt: undefined } })).toEqual(['u-liam:requester', 'u-zoe:grantee']);
  });

  it('"my requests" and the cards say what is so, not "effective by" a time gone by', async () => {
    expect((await stateLine(unconfirmed, names, en)).status).toBe(
      'Approved by Emma Clarke at 23 Nov 2026 09:00; applied, but Exchange did not show it by 23 Nov 2026 10:30; an admin was told; checking again until 24 Nov 2026 09:00',
    );
    expect((await stateLine(gaveUp, names, en)).status).toBe('Approved by Emma Clarke at 23 Nov 2026 09:00; applied, but Exchange did not show it by 24 Nov 2026 09:00; an admin was told; no longer checking');
    expect((await stateLine(gaveUp, names, nl)).status).toMatch(/^Goedgekeurd door Emma Clarke .* toegepast, maar Exchange liet het om 24 nov 2026 09:00 nog niet zien; een beheerder is ingelicht; ik controleer het niet meer$/);
  });

  it('"who has access" lists it as applied but not shown, and a removal as "removed, gone by about"', async () => {
    const view = await accessView(
      {
        target: { id: 'g-training', kind: 'group', displayName: 'Training', mail: 'training@northwind.example' },
        holders: { FullAccess: [], SendAs: ['u-priya'], SendOnBehalf: [] },
        propagating: [
          { requestId: 'req-1', kind: 'grant', granteeId: 'u-zoe', targetId: 'g-training', right: 'SendAs', appliedAt: APPLIED, effectiveBy: APPLIED + HOUR, unconfirmedAt: APPLIED + 1.5 * HOUR },
          { requestId: 'req-2', kind: 'revoke', granteeId: 'u-priya', targetId: 'g-training', right: 'SendAs', appliedAt: APPLIED, effectiveBy: APPLIED + HOUR },
        ],
      },
      names,
      en,
    );
    // In the Send As row, beside the holders: no row of its own, no brackets in brackets.
    expect(view.rows).toEqual([
      { title: 'Send As', value: 'Priya Raghunathan: removed 09:00, gone by about 10:00; Zoë Dubois: applied 09:00, but Exchange did not show it by 10:30 and an admin was told' },
      { title: 'Send on Behalf', value: 'nobody' },
    ]);
  });
});

describe('a removal Exchange still shows after its window (an ended grant, an admin revoke)', () => {
  // Revoked by the admin at 12:00 Amsterdam; still shown at 13:30, when everyone was told; the checks end at 12:00 the next day.
  const REVOKED = APPLIED + 3 * HOUR;
  const stillShown: PermissionRequest = {
    ...unconfirmed,
    unconfirmedAt: undefined,
    checksUntil: undefined,
    state: 'revoked',
    effectiveAt: APPLIED + HOUR,
    revokedAt: REVOKED,
    revokedBy: 'u-admin',
    removalEffectiveBy: REVOKED + HOUR,
    removalUnconfirmedAt: REVOKED + 1.5 * HOUR,
    removalChecksUntil: REVOKED + 24 * HOUR,
  };
  const neverGone: PermissionRequest = { ...stillShown, removalChecksEndedAt: REVOKED + 24 * HOUR, removalSettledAt: REVOKED + 24 * HOUR };
  const goneAfterAll: PermissionRequest = { ...stillShown, removalSettledAt: REVOKED + 5.5 * HOUR };

  it('the admins are really told, with what to check; the requester and grantee hear the removal was made but Exchange still shows it', async () => {
    const event: EngineEvent = { type: 'removal_not_visible', request: stillShown, nextCheckAt: REVOKED + 2.5 * HOUR };
    expect(who(event)).toEqual(['u-liam:requester', 'u-zoe:grantee', 'u-admin:admin']);
    expect(planNotifications(event, ADMINS).updateCopies).toBe(true);
    expect(await words(event, 'u-liam')).toBe(
      'Send As for Zoë Dubois on Training was removed at 23 Nov 2026 12:00, but Exchange still shows it after the propagation window. I will keep checking until 24 Nov 2026 12:00 and tell you when it is gone. An admin has been told.',
    );
    expect(await words(event, 'u-admin')).toBe(
      'Still in Exchange after its removal: Send As for Zoë Dubois on Training (req-1) was removed at 23 Nov 2026 12:00, but Exchange still shows it at 23 Nov 2026 13:30, after the propagation window. ' +
        'Please check in the Exchange admin center that Zoë Dubois no longer has Send As on Training (training@northwind.example), and remove it if it is still there. ' +
        'I will keep checking until 24 Nov 2026 12:00 and tell you when it is gone.',
    );
    expect(await words(event, 'u-admin', nl)).toMatch(
      /^Nog in Exchange na het verwijderen: .*\(req-1\) is om 23 nov 2026 12:00 verwijderd, maar Exchange laat het om 23 nov 2026 13:30, na de wachttijd, nog steeds zien\. Controleer in het Exchange-beheercentrum of Zoë Dubois Verzenden als niet meer heeft op Training .* Ik blijf het controleren tot 24 nov 2026 12:00 en laat het je weten zodra het weg is\.$/,
    );
    expect(await words(event, 'u-zoe', nl)).toMatch(/is om 23 nov 2026 12:00 verwijderd, maar Exchange laat het na de wachttijd nog steeds zien\. .* Een beheerder is ingelicht\.$/);
  });

  it('does not claim an admin was told when the bot has none', async () => {
    const event: EngineEvent = { type: 'removal_not_visible', request: stillShown, nextCheckAt: REVOKED + 2.5 * HOUR };
    const planned = planNotifications(event, []).messages;
    expect(planned.map((m) => m.role)).toEqual(['requester', 'grantee']);
    const reply = await outboundReply({ id: 'm', ...planned[0]!, request: stillShown }, names, en);
    expect(reply?.kind === 'notice' ? reply.view.lines.join(' ') : '').not.toContain('admin');
  });

  it('after the last check: everyone hears the bot stopped checking', async () => {
    const event: EngineEvent = { type: 'removal_not_visible', request: neverGone, gaveUp: true };
    expect(who(event)).toEqual(['u-liam:requester', 'u-zoe:grantee', 'u-admin:admin']);
    expect(await words(event, 'u-liam')).toBe(
      'Send As for Zoë Dubois on Training was removed at 23 Nov 2026 12:00, but Exchange still showed it at 24 Nov 2026 12:00. I have stopped checking. An admin has been told.',
    );
    expect(await words(event, 'u-admin')).toMatch(/^Still in Exchange after its removal: .* \(req-1\) .* I have stopped checking\. Please check in the Exchange admin center that Zoë Dubois no longer has Send As on Training/);
    expect(await words(event, 'u-liam', nl)).toMatch(/liet het om 24 nov 2026 12:00 nog steeds zien\. Ik controleer het niet meer\. Een beheerder is ingelicht\.$/);
  });

  it('when Exchange drops it after all: everyone told hears it is gone', async () => {
    const event: EngineEvent = { type: 'removal_confirmed', request: goneAfterAll };
    expect(who(event)).toEqual(['u-liam:requester', 'u-zoe:grantee', 'u-admin:admin']);
    expect(await words(event, 'u-zoe')).toBe('Gone after all: Send As for Zoë Dubois on Training. Exchange no longer shows it (checked 23 Nov 2026 17:30).');
    expect(await words(event, 'u-admin')).toBe('Gone after all: Send As for Zoë Dubois on Training (req-1). Exchange no longer shows it (checked 23 Nov 2026 17:30); nothing left to check.');
    expect(await words(event, 'u-admin', nl)).toMatch(/^Toch weg: .* \(req-1\)\. Exchange laat het niet meer zien \(gecontroleerd om 23 nov 2026 17:30\)/);
  });

  it('"my requests" and the cards say Exchange still showed it, and whether the bot still checks; plain "Revoked" once it is gone', async () => {
    expect((await stateLine(stillShown, names, en)).status).toBe(
      'Revoked by Ines Admin at 23 Nov 2026 12:00; Exchange still showed it at 23 Nov 2026 13:30; an admin was told; checking again until 24 Nov 2026 12:00',
    );
    expect((await stateLine(neverGone, names, en)).status).toBe('Revoked by Ines Admin at 23 Nov 2026 12:00; Exchange still showed it at 24 Nov 2026 12:00; an admin was told; no longer checking');
    expect((await stateLine(neverGone, names, nl)).status).toBe('Ingetrokken door Ines Admin om 23 nov 2026 12:00; Exchange liet het om 24 nov 2026 12:00 nog steeds zien; een beheerder is ingelicht; ik controleer het niet meer');
    expect((await stateLine(goneAfterAll, names, en)).status).toBe('Revoked by Ines Admin at 23 Nov 2026 12:00');
    expect((await stateLine(goneAfterAll, names, nl)).status).toBe('Ingetrokken door Ines Admin om 23 nov 2026 12:00');
    // A removal nobody is named for (found by a later check, by 'system'): when only.
    expect((await stateLine({ ...goneAfterAll, revokedBy: 'system' }, names, en)).status).toBe('Revoked at 23 Nov 2026 12:00');
  });

  it('a grant its own end date ended says "Ended as planned", not "Revoked", on the cards and in "my requests"', async () => {
    const ended: PermissionRequest = { ...unconfirmed, state: 'revoked', endsAt: APPLIED + 24 * HOUR, revokedAt: APPLIED + 24 * HOUR, revokedBy: 'system' };
    expect((await stateLine(ended, names, en)).status).toBe('Ended as planned at 24 Nov 2026 09:00');
    expect((await stateLine(ended, names, nl)).status).toBe('Verlopen zoals gepland om 24 nov 2026 09:00');
    // An admin's removal before its end is still "Revoked".
    expect((await stateLine({ ...ended, revokedBy: 'u-admin', revokedAt: APPLIED + 3 * HOUR }, names, en)).status).toBe('Revoked by Ines Admin at 23 Nov 2026 12:00');
  });

  it('"who has access" lists it as removed but still shown, not "gone by about" a time gone by', async () => {
    const view = await accessView(
      {
        target: { id: 'g-training', kind: 'group', displayName: 'Training', mail: 'training@northwind.example' },
        holders: { FullAccess: [], SendAs: ['u-zoe'], SendOnBehalf: [] },
        propagating: [{ requestId: 'req-1', kind: 'revoke', granteeId: 'u-zoe', targetId: 'g-training', right: 'SendAs', appliedAt: REVOKED, effectiveBy: REVOKED + HOUR, unconfirmedAt: REVOKED + 1.5 * HOUR }],
      },
      names,
      nl,
    );
    expect(view.rows[0]).toEqual({ title: 'Verzenden als', value: 'Zoë Dubois: verwijderd om 12:00, maar Exchange liet het om 13:30 nog steeds zien en een beheerder is ingelicht' });
  });
});
