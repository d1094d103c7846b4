import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/conversation/messaging.js';
import { planNotifications } from '../../src/conversation/notification-policy.js';
import type { Audience } from '../../src/conversation/types.js';
import { Names } from '../../src/conversation/wording/names.js';
import { outboundReply } from '../../src/conversation/wording/notices.js';
import { SAMPLE_DIRECTORY_PATH } from '../../src/config.js';
import { loadDirectoryFile } from '../../src/directory/file-directory.js';
import type { EngineEvent } from '../../src/domain/notifier.js';
import type { PermissionRequest } from '../../src/domain/request.js';
import { sampleRequest } from '../channels/teams/fixtures.js';

const REVOKED_AT = Date.parse('2026-11-23T10:00:00Z');
const ADMINS = ['u-admin', 'u-other-admin'];
const names = new Names(loadDirectoryFile(SAMPLE_DIRECTORY_PATH));
const en: Audience = { lang: 'en', timeZone: 'Europe/Amsterdam' };
const nl: Audience = { lang: 'nl', timeZone: 'Europe/Amsterdam' };

const revoked: PermissionRequest = sampleRequest({ state: 'revoked', decision: { verdict: 'approved', by: 'u-emma', at: REVOKED_AT - 3_600_000 }, revokedAt: REVOKED_AT, revokedBy: 'u-admin' });
const who = (event: EngineEvent) => planNotifications(event, ADMINS).messages.map((m) => `${m.recipientId}:${m.role}`);

async function words(event: EngineEvent, recipientId: string, audience = en): Promise<{ text: string; tone: string | undefined }> {
  const planned = planNotifications(event, ADMINS).messages.find((m) => m.recipientId === recipientId)!;
  const message: OutboundMessage = { id: 'm-1', recipientId, role: planned.role, notice: planned.notice, request: event.request };
  const reply = await outboundReply(message, names, audience);
  if (reply?.kind !== 'notice') throw new Error(`not a notice: ${JSON.stringify(reply)}`);
  return { text: reply.view.lines.join(' '), tone: reply.view.tone };
}

describe('an admin revoke: the admin hears it is done, as "I will confirm when it is done" promised', () => {
  it('tells the admin who revoked it directly, besides the requester and the grantee, in their language', async () => {
    const event: EngineEvent = { type: 'revoked', request: revoked, rights: ['SendAs'], askedBy: 'u-admin' };
    expect(who(event)).toEqual(['u-liam:requester', 'u-zoe:grantee', 'u-admin:decider']);
    expect(await words(event, 'u-admin')).toEqual({ text: 'Revoked req-1 as you asked: Send As for Zoë Dubois on Training.', tone: 'good' });
    expect((await words(event, 'u-admin', nl)).text).toBe('req-1 is ingetrokken zoals je vroeg: Verzenden als van Zoë Dubois op Training.');
    // The requester's post-back is unchanged.
    expect((await words(event, 'u-liam')).text).toBe('Revoked: Send As for Zoë Dubois on Training.');
  });

  it('tells them once when they are the requester or the grantee, or are told as an admin already', () => {
    expect(who({ type: 'revoked', request: revoked, rights: ['SendAs'], askedBy: 'u-liam' })).toEqual(['u-liam:requester', 'u-zoe:grantee']);
    expect(who({ type: 'revoked', request: revoked, rights: ['SendAs'], askedBy: 'u-zoe' })).toEqual(['u-liam:requester', 'u-zoe:grantee']);
    // A grant the admins were told Exchange did not show: they all hear it ended, the asker among them.
    const unconfirmed = { ...revoked, unconfirmedAt: REVOKED_AT - 60_000 };
    expect(who({ type: 'revoked', request: unconfirmed, rights: ['SendAs'], askedBy: 'u-admin' })).toEqual(['u-liam:requester', 'u-zoe:grantee', 'u-admin:admin', 'u-other-admin:admin']);
  });

  it('tells nobody else when the grant ended by its end date or a revoke request', () => {
    expect(who({ type: 'revoked', request: { ...revoked, revokedBy: 'system' }, rights: ['SendAs'] })).toEqual(['u-liam:requester', 'u-zoe:grantee']);
  });

  it('tells nobody twice when a revoke request ended it: its requester and grantee hear it from that request', () => {
    // Liam asked the grant, Kwame's removal ended it: Zoë (the grantee) hears the removal's own post-back.
    expect(who({ type: 'revoked', request: revoked, rights: ['SendAs'], heardThrough: ['u-kwame', 'u-zoe'] })).toEqual(['u-liam:requester']);
    // Liam asked both: nobody hears this one.
    expect(who({ type: 'revoked', request: revoked, rights: ['SendAs'], heardThrough: ['u-liam', 'u-zoe'] })).toEqual([]);
    expect(planNotifications({ type: 'revoked', request: revoked, rights: ['SendAs'], heardThrough: ['u-liam', 'u-zoe'] }, ADMINS).updateCopies).toBe(true);
  });
});

describe("a person's own words on a Teams card: shown as typed", () => {
  const rejected = sampleRequest({ state: 'rejected', decision: { verdict: 'rejected', by: 'u-emma', at: REVOKED_AT, reason: 'Niet nodig <b>echt</b> *niet*' } });
  it('an HTML tag in a reject reason is not backslash-escaped (cards render no HTML); Markdown marks still are (en, nl)', async () => {
    const event: EngineEvent = { type: 'decided', request: rejected };
    expect((await words(event, 'u-liam')).text).toBe('Rejected: Send As for Zoë Dubois on Training, by Emma Clarke. Reason: Niet nodig <b>echt</b> \\*niet\\*');
    expect((await words(event, 'u-liam', nl)).text).toContain('Niet nodig <b>echt</b> \\*niet\\*');
    // The state line of the cards and "my requests" likewise.
    const { stateLine } = await import('../../src/conversation/wording/requests.js');
    expect((await stateLine(rejected, names, en)).status).toMatch(/^Rejected by Emma Clarke at .*: Niet nodig <b>echt<\/b> \\\*niet\\\*$/);
    // A name keeps the full escape (it also goes into text messages).
    expect(names.escape('<b>Megan</b>')).toBe('\\<b\\>Megan\\</b\\>');
  });
});

describe('escapeMarkdown.prose', () => {
  it("breaks only Teams' mention tag among tags", async () => {
    const { escapeMarkdownProse } = await import('../../src/conversation/wording/escape.js');
    expect(escapeMarkdownProse('<at>Megan</at> <b>x</b> <atom')).toBe('\\<at\\>Megan\\</at\\> <b>x</b> <atom');
    expect(escapeMarkdownProse('a <at')).toBe('a \\<at');
  });
});
