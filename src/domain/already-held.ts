import type { ChangeEffects, RequestRepository } from './request-repository.js';
import type { StoredRequest } from './request.js';
import { addIsoDuration, endOfDate } from './time.js';

/**
 * Two people may ask for the same right for the same person before either is approved ("give Zoë
 * full access to Facturen", then "give Zoë and Priya full access to Facturen"): the second carries
 * the `already_pending` warning, and both may be approved. Once the first is applied, the second
 * has nothing left to apply. As a new request for a right held is answered at once (SPEC section 1,
 * "Already held"), it then ends `already_held`: at its approval, or at its apply when both were
 * approved before either was applied. Applied a second time it would tell its people "Applied" for
 * nothing, and check, show and report a right of its own that a revoke of the first (which removes
 * the one right Exchange holds) would leave it claiming.
 */

/**
 * The bot's grant that already gives `request`'s grantee every right it asks for on its target for
 * at least as long (`holdsRightOf`, with `now` the approval or apply, epoch ms), or undefined. Only a grant applied since `request` was asked for counts: one in place before was
 * weighed by the request's own pre-flight (a right held is answered at once; one Exchange did not
 * show was asked for again on purpose). Only one the bot stands by: in effect, or applied and still
 * in its window and quick rechecks; one Exchange did not show by then (`unconfirmedAt`) is applied
 * again rather than taken on its word. Read from `req:held` (the grants in place per person and
 * target); a grant applied by a version before that index has its entry from the held backfill.
 */
export async function heldByAnother(repo: RequestRepository, request: StoredRequest, now: number): Promise<StoredRequest | undefined> {
  if (request.kind !== 'grant') return undefined;
  const grants = await repo.all(`req:held:${request.granteeId}|${request.targetId}`);
  return grants.find((grant) => holdsRightOf(grant, request, now));
}

/**
 * Whether `grant` gives what `request` asks, applied at `now` (epoch ms), for as long as it asks
 * (`heldByAnother`'s rule, also checked again inside the change). Only a grant that lasts at least
 * as long covers it: one with no end, or one that ends at or after the end `request` would get
 * (`endOnApply`); a request with no end is covered only by a grant with no end. Closed for a shorter
 * grant, the right this request's approver gave would go at that grant's end (its end date removes
 * the one right Exchange holds). Not one an admin asked to end now (`revokeRequestedAt`).
 */
export function holdsRightOf(grant: StoredRequest, request: StoredRequest, now: number): boolean {
  const standsBy = grant.state === 'effective' || (grant.state === 'applied' && grant.unconfirmedAt === undefined && grant.checksEndedAt === undefined);
  const end = endOnApply(request, now);
  const lasts = grant.revokeRequestedAt === undefined && (grant.endsAt === undefined || (end !== undefined && grant.endsAt >= end));
  return (
    grant.id !== request.id &&
    grant.kind === 'grant' &&
    request.kind === 'grant' &&
    grant.granteeId === request.granteeId &&
    grant.targetId === request.targetId &&
    request.rights.every((right) => grant.rights.includes(right)) &&
    standsBy &&
    lasts &&
    (grant.appliedAt ?? 0) >= request.createdAt
  );
}

/**
 * The end (epoch ms) a grant gets when it is applied at `at` (epoch ms): `at` plus its `duration`,
 * or the midnight after its `until` date in its `untilTimeZone`; undefined for a standing grant or a
 * revoke. The apply records it as `endsAt`.
 */
export function endOnApply(request: Pick<StoredRequest, 'kind' | 'duration' | 'until' | 'untilTimeZone'>, at: number): number | undefined {
  if (request.kind !== 'grant') return undefined;
  if (request.duration) return addIsoDuration(at, request.duration);
  if (request.until) return endOfDate(request.until, request.untilTimeZone);
  return undefined;
}

/**
 * Records on the draft that `holder` gives its right already (`heldBy`, `heldAt` = `now`, epoch ms,
 * and `heldUntil` when the holder is time-bound). The caller moves it to `already_held` with
 * `alreadyHeldEvent`'s event.
 */
export function markAlreadyHeld(draft: StoredRequest, holder: StoredRequest, now: number): void {
  draft.heldBy = holder.id;
  draft.heldAt = now;
  if (holder.endsAt !== undefined) draft.heldUntil = holder.endsAt;
  else delete draft.heldUntil;
  delete draft.nextAttemptAt;
}

/**
 * The event of a request closed `already_held`. `approvalTold`: the request was approved before (its
 * requester and grantee heard "Approved, applying it now"), so its grantee hears why nothing follows.
 */
export function alreadyHeldEvent(approvalTold: boolean): NonNullable<ChangeEffects['events']>[number] {
  return { type: 'already_held', approvalTold };
}
