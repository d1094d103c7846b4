import { afterEach, describe, expect, it } from 'vitest';
import { freshSummaries } from '../../src/conversation/fresh-reply.js';
import type { Reply } from '../../src/conversation/types.js';
import { escapeMarkdown } from '../../src/conversation/wording/escape.js';
import { conversationHarness, type ConversationHarness } from './harness.js';

let h: ConversationHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

type Summary = Extract<Reply, { kind: 'summary' }>;

describe('freshSummaries: a summary sent after its turn reads as the request is now', () => {
  it("sends an unchanged request's summary as it was said, and re-renders one whose request changed since, in the same language", async () => {
    h = await conversationHarness();
    const replies = await h.say('alex', 'geef Megan verzenden als op Training');
    const summary = replies.find((r): r is Summary => r.kind === 'summary')!;
    expect(summary.view.status).toMatch(/goedkeuring/i);
    const freshen = freshSummaries(h.app.engine, h.app.directory, escapeMarkdown);

    expect(await freshen(summary)).toBe(summary);

    await h.say('alex', `annuleer ${summary.request.id}`);
    const fresh = (await freshen(summary)) as Summary;
    expect(fresh.request.state).toBe('cancelled');
    expect(fresh.view.status).toMatch(/Geannuleerd/);
    expect(fresh.view.requestId).toBe(summary.request.id);
    expect(fresh.audience).toEqual(summary.audience);
  });

  it('leaves every other reply, and a summary whose request is gone, as they were', async () => {
    h = await conversationHarness();
    const freshen = freshSummaries(h.app.engine, h.app.directory, escapeMarkdown);
    const text: Reply = { kind: 'text', text: 'hello' };
    expect(await freshen(text)).toBe(text);
    const summary = (await h.say('alex', 'give Megan send-as on Training')).find((r): r is Summary => r.kind === 'summary')!;
    const gone: Summary = { ...summary, request: { ...summary.request, id: 'REQ-NOSUCH' } };
    expect(await freshen(gone)).toBe(gone);
  });
});
