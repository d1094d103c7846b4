import type { Directory } from '../directory/directory.js';
import type { RequestEngineApi } from '../domain/engine-api.js';
import type { Escape, Reply } from './types.js';
import { Names } from './wording/names.js';
import { summaryView } from './wording/views.js';

/**
 * A reply as it should read when it is sent later than its turn: a requester's summary is
 * re-rendered from its request's current state (same language and time zone), every other reply
 * is sent as it was said. Resolves the reply to send.
 */
export type FreshenReply = (reply: Reply) => Promise<Reply>;

/**
 * `FreshenReply` for the replies a channel owes after an outage (`OwedReplies`): a summary may go
 * out minutes or hours after the turn, and meanwhile the request may have been approved, rejected
 * or cancelled. Such a late summary is not yet a copy of its request, so that change did not
 * update it; sent as stored it would say "waiting for approval" about a request already decided,
 * until the next change. A summary whose request is unchanged (same `version`) or gone is sent as
 * stored. Names are escaped with the channel's `escape`. Throws what the engine or the directory
 * throws (the caller then sends the reply as stored).
 */
export function freshSummaries(engine: Pick<RequestEngineApi, 'get'>, directory: Directory, escape: Escape): FreshenReply {
  return async (reply) => {
    if (reply.kind !== 'summary') return reply;
    const current = await engine.get(reply.request.id);
    if (!current || current.version === reply.request.version) return reply;
    return { ...reply, request: current, view: await summaryView(current, new Names(directory, escape), reply.audience) };
  };
}
