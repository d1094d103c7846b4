import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/conversation/types.js';
import type { PermissionRequest } from '../../src/domain/request.js';
import { createSqliteStore } from '../../src/store/keyv-store.js';
import { conversationHarness, wordsOf, type ConversationHarness } from './harness.js';
import { PEOPLE } from './scripts/spec-conversations.js';
import { UTC_WORD } from '../helpers/utc-word.js';

let h: ConversationHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Alex asks, with what their client reported about its clock: an IANA zone, a UTC offset, both or neither. */
function ask(text: string, client: { timeZone?: string; utcOffsetMinutes?: number }, locale = 'en-GB'): Promise<Reply[]> {
  return h!.conversation.handleText({ userId: PEOPLE.alex.id, channel: 'test', locale, text, ...client });
}

/** Approves `request` as its first approver and lets the engine apply it; the request as it then is. */
async function approved(request: PermissionRequest): Promise<PermissionRequest> {
  await h!.app.engine.decide(request.id, request.approverIds[0]!, 'approve');
  await h!.app.engine.idle();
  return (await h!.app.engine.get(request.id))!;
}

async function onlyRequest(): Promise<PermissionRequest> {
  const requests = await h!.app.engine.requestsOf(PEOPLE.alex.id);
  expect(requests).toHaveLength(1);
  return requests[0]!;
}

/**
 * A person whose client reports only its UTC offset (Teams' `localTimestamp` without `localTimezone`,
 * Slack's `tz_offset` without a `tz` this runtime knows): the day "until tomorrow" names is theirs, and
 * so is the midnight it ends at.
 */
describe('an "until" date for a requester with only a client offset', () => {
  it('at +01:00, "until tomorrow" ends at midnight +01:00, and the card says so without UTC', async () => {
    h = await conversationHarness();
    // Monday 7 December 2026, 23:30 UTC: already Tuesday 00:30 at +01:00, so tomorrow is Wednesday.
    h.clock.set(Date.parse('2026-12-07T23:30:00Z'));
    const replies = await ask('give Megan send as on Training until tomorrow', { utcOffsetMinutes: 60 });
    expect(replies.map((r) => r.kind)).toEqual(['summary']);
    expect(wordsOf(replies[0]!)).toContain('until the end of Wednesday, 9 December 2026');
    expect(wordsOf(replies[0]!)).not.toMatch(UTC_WORD);
    const request = await onlyRequest();
    expect([request.until, request.untilTimeZone]).toEqual(['2026-12-09', '+01:00']);
    expect((await approved(request)).endsAt).toBe(Date.parse('2026-12-09T23:00:00Z'));
  });

  it('at -05:00, "until tomorrow" ends at midnight -05:00', async () => {
    h = await conversationHarness();
    // Tuesday 8 December 2026, 03:00 UTC: still Monday 22:00 at -05:00, so tomorrow is Tuesday.
    h.clock.set(Date.parse('2026-12-08T03:00:00Z'));
    await ask('give Megan send as on Training until tomorrow', { utcOffsetMinutes: -300 });
    const request = await onlyRequest();
    expect([request.until, request.untilTimeZone]).toEqual(['2026-12-08', '-05:00']);
    expect((await approved(request)).endsAt).toBe(Date.parse('2026-12-09T05:00:00Z'));
  });

  it('in Dutch, "tot vrijdag" at +01:00 ends at midnight after Friday there', async () => {
    h = await conversationHarness();
    h.clock.set(Date.parse('2026-12-07T12:00:00Z'));
    const replies = await h.conversation.handleText({ userId: PEOPLE.adele.id, channel: 'test', locale: 'nl-NL', utcOffsetMinutes: 60, text: 'geef Megan verzenden als op Training tot vrijdag' });
    expect(wordsOf(replies[0]!)).toContain('tot en met vrijdag 11 december 2026');
    const [request] = await h.app.engine.requestsOf(PEOPLE.adele.id);
    expect([request?.until, request?.untilTimeZone]).toEqual(['2026-12-11', '+01:00']);
    expect((await approved(request!)).endsAt).toBe(Date.parse('2026-12-11T23:00:00Z'));
  });

  it('a known IANA zone goes before the offset; an unknown zone with no offset ends at UTC midnight, as before', async () => {
    h = await conversationHarness();
    h.clock.set(Date.parse('2026-12-07T12:00:00Z'));
    await ask('give Megan send as on Training until tomorrow', { timeZone: 'Europe/Amsterdam', utcOffsetMinutes: -300 });
    await ask('give Isaiah send as on Training until tomorrow', { timeZone: 'Mars/Olympus_Mons' });
    const requests = await h.app.engine.requestsOf(PEOPLE.alex.id);
    const byGrantee = new Map(requests.map((r) => [r.granteeId, r]));
    const amsterdam = byGrantee.get(PEOPLE.megan.id)!;
    const unknown = requests.find((r) => r.granteeId !== PEOPLE.megan.id)!;
    expect([amsterdam.until, amsterdam.untilTimeZone]).toEqual(['2026-12-08', 'Europe/Amsterdam']);
    expect([unknown.until, unknown.untilTimeZone]).toEqual(['2026-12-08', undefined]);
    expect((await approved(amsterdam)).endsAt).toBe(Date.parse('2026-12-08T23:00:00Z'));
    expect((await approved(unknown)).endsAt).toBe(Date.parse('2026-12-09T00:00:00Z'));
  });

  it('an offset zone, an IANA zone and no zone each survive a SQLite store round trip and end as asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'offset-zone-'));
    try {
      const file = join(dir, 'bot.sqlite');
      const at = Date.parse('2026-12-07T12:00:00Z');
      h = await conversationHarness({ store: createSqliteStore(file) });
      h.clock.set(at);
      await ask('give Megan send as on Training until tomorrow', { utcOffsetMinutes: 60 });
      await ask('give Isaiah send as on Training until tomorrow', { timeZone: 'Europe/Amsterdam' });
      await ask('give Miriam send as on Training until tomorrow', {});
      const asked = new Map((await h.app.engine.requestsOf(PEOPLE.alex.id)).map((r) => [r.id, r]));
      expect([...asked.values()].map((r) => r.untilTimeZone ?? null).sort()).toEqual(['+01:00', 'Europe/Amsterdam', null]);
      await h.close();

      h = await conversationHarness({ store: createSqliteStore(file) });
      h.clock.set(at + 60_000);
      const ends = new Map<string | null, number | undefined>();
      for (const request of await h.app.engine.requestsOf(PEOPLE.alex.id)) {
        expect(request.untilTimeZone).toBe(asked.get(request.id)!.untilTimeZone);
        ends.set(request.untilTimeZone ?? null, (await approved(request)).endsAt);
      }
      expect(Object.fromEntries(ends)).toEqual({
        '+01:00': Date.parse('2026-12-08T23:00:00Z'),
        'Europe/Amsterdam': Date.parse('2026-12-08T23:00:00Z'),
        null: Date.parse('2026-12-09T00:00:00Z'),
      });
    } finally {
      await h?.close();
      h = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
