import { afterEach, describe, expect, it } from 'vitest';
import { message, post } from '../../fakes/teams-activities.js';
import { people, teamsHarness, textOf, type TeamsHarness } from './harness.js';
import { UTC_WORD } from '../../helpers/utc-word.js';

const { alex } = people;

let h: TeamsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * A Teams message as a client posts it that reports no IANA zone (no `localTimezone`, no clientInfo
 * `timezone`) and only its clock through `localTimestamp`, at `offset` ("+01:00").
 */
function withOnlyOffset(text: string, now: number, offset: string) {
  const activity: Record<string, any> = message(alex, h!.ctx, text);
  delete activity.localTimezone;
  activity.entities = activity.entities.map(({ timezone: _zone, ...entity }: Record<string, unknown>) => entity);
  const sign = offset.startsWith('-') ? -1 : 1;
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  activity.localTimestamp = new Date(now + minutes * 60_000).toISOString().replace(/\.\d+Z$/, offset);
  return activity;
}

describe('Teams: a client that reports only its UTC offset', () => {
  for (const [offset, asked, until, endsAt, shown] of [
    // Monday 7 December 23:30 UTC is Tuesday 00:30 at +01:00: tomorrow is Wednesday, ending at 23:00 UTC.
    ['+01:00', '2026-12-07T23:30:00Z', '2026-12-09', '2026-12-09T23:00:00Z', 'until the end of Wednesday, 9 December 2026'],
    // Tuesday 8 December 03:00 UTC is Monday 22:00 at -05:00: tomorrow is Tuesday, ending at 05:00 UTC on the 9th.
    ['-05:00', '2026-12-08T03:00:00Z', '2026-12-08', '2026-12-09T05:00:00Z', 'until the end of Tuesday, 8 December 2026'],
  ] as const) {
    it(`at ${offset}, "until tomorrow" ends at midnight on that clock`, async () => {
      h = await teamsHarness();
      h.clock.set(Date.parse(asked));
      const response = await post(h.bot.port, withOnlyOffset('give Megan send-as on Training until tomorrow', h.clock.now(), offset));
      expect(response.status).toBe(200);
      await h.settle();
      const [request] = await h.bot.app.engine.requestsOf(alex.aad);
      expect([request?.until, request?.untilTimeZone]).toEqual([until, offset]);
      // The summary card shows the end on the requester's clock.
      const summary = textOf(h.inbox(alex).at(-1));
      expect(summary).toContain(shown);
      expect(summary).not.toMatch(UTC_WORD);
      await h.bot.app.engine.decide(request!.id, request!.approverIds[0]!, 'approve');
      await h.settle();
      expect((await h.bot.app.engine.get(request!.id))?.endsAt).toBe(Date.parse(endsAt));
      // The summary card's updates and the post-back once in effect are on the same clock.
      await h.advance(11 * 60_000);
      const summaryUpdates = h.connector.updates.filter((u) => u.activityId === h!.inbox(alex)[0]!.id);
      expect(summaryUpdates.length).toBeGreaterThan(0);
      expect(JSON.stringify(summaryUpdates.at(-1)!.activity)).toContain(shown);
      expect(textOf(h.inbox(alex).at(-1))).toContain(`It lasts ${shown}.`);
      for (const sent of [...h.inbox(alex), ...summaryUpdates]) expect(JSON.stringify(sent.activity)).not.toMatch(UTC_WORD);
    });
  }
});
