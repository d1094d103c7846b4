import { describe, expect, it } from 'vitest';
import { revokedLine } from '../../../src/conversation/wording/notices.js';
import type { PermissionRequest } from '../../../src/domain/request.js';

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
