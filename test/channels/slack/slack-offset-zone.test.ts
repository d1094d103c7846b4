import { afterEach, describe, expect, it } from 'vitest';
import { slackHarness, slackPeople, textOf, type SlackHarness } from './harness.js';
import { UTC_WORD } from '../../helpers/utc-word.js';

const { alex } = slackPeople;

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A profile whose `tz` this runtime does not know (a zone newer than its time zone data): only `tz_offset` tells the clock. */
describe('Slack: a profile whose only usable zone is its tz_offset', () => {
  it('at -05:00, "until tomorrow" ends at midnight on that clock, and the summary says so without UTC', async () => {
    h = await slackHarness();
    Object.assign(h.fake.users.get(alex.id)!, { tz: 'America/Nowhere_Newer', tz_offset: -5 * 3600 });
    // Tuesday 8 December 03:00 UTC is Monday 22:00 at -05:00: tomorrow is Tuesday, ending at 05:00 UTC on the 9th.
    h.clock.set(Date.parse('2026-12-08T03:00:00Z'));
    await h.dm(alex, 'give Megan send-as on Training until tomorrow');
    const [request] = await h.app.engine.requestsOf(alex.aad);
    expect([request?.until, request?.untilTimeZone]).toEqual(['2026-12-08', '-05:00']);
    const summary = textOf(h.inbox(alex).at(-1));
    expect(summary).toContain('until the end of Tuesday, 8 December 2026');
    expect(summary).not.toMatch(UTC_WORD);
    await h.app.engine.decide(request!.id, request!.approverIds[0]!, 'approve');
    await h.settle();
    expect((await h.app.engine.get(request!.id))?.endsAt).toBe(Date.parse('2026-12-09T05:00:00Z'));
    // The summary's updates and the post-back once in effect are on the same clock.
    await h.advance(11 * 60_000);
    const summaryNow = h.fake.message(h.inbox(alex)[0]!.channel, h.inbox(alex)[0]!.ts)!;
    expect(summaryNow.versions.length).toBeGreaterThan(1);
    expect(textOf(summaryNow)).toContain('until the end of Tuesday, 8 December 2026');
    const inEffect = textOf(h.last(alex, 'It lasts'));
    expect(inEffect).toContain('It lasts until the end of Tuesday, 8 December 2026.');
    for (const message of h.inbox(alex)) expect(textOf(message)).not.toMatch(UTC_WORD);
  });
});
