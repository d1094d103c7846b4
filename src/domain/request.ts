import type { Right, TargetKind } from './rights.js';

/**
 * Lifecycle (SPEC section 4):
 *   pending -> approved -> applying -> applied -> effective
 *   or ends rejected | cancelled | expired | failed | revoked | replaced | already_held.
 * `failed` may go back to `applying` when an admin retries; `applied`/`effective` time-bound grants
 * end `revoked` when their time is up (or an admin revokes them). On a group, a grant of Send As or
 * Send on Behalf that is applied ends the bot's requests for the other right for the same person
 * (pending, applied or effective) as `replaced`: a delegate holds one of the two, never both.
 * A grant approved (or about to be applied) while another grant of the bot gives the same person the
 * same right on the same target for at least as long, applied since it was asked for, ends
 * `already_held` instead: nothing is applied twice (SPEC section 1, "Already held", as a new request
 * is answered). A time-bound grant whose end comes while a longer one of the same right stands
 * beside it ends `revoked` with `rightKeptBy`, and the right stays in Exchange.
 */
export const REQUEST_STATES = [
  'pending',
  'approved',
  'applying',
  'applied',
  'effective',
  'rejected',
  'cancelled',
  'expired',
  'failed',
  'revoked',
  'replaced',
  'already_held',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export const TRANSITIONS: Record<RequestState, readonly RequestState[]> = {
  pending: ['approved', 'rejected', 'cancelled', 'expired', 'replaced', 'already_held'],
  approved: ['applying', 'already_held'],
  applying: ['applied', 'failed', 'already_held'],
  applied: ['effective', 'revoked', 'replaced'],
  effective: ['revoked', 'replaced'],
  failed: ['applying'],
  rejected: [],
  cancelled: [],
  expired: [],
  revoked: [],
  replaced: [],
  already_held: [],
};

export function canTransition(from: RequestState, to: RequestState): boolean {
  return TRANSITIONS[from].includes(to);
}

export const OPEN_STATES: readonly RequestState[] = ['pending', 'approved', 'applying'];
/** The states of a grant whose right the bot counts as in place, in the order a grant moves through them: applied (its window may still run), then effective. */
export const IN_PLACE_STATES: readonly RequestState[] = ['applied', 'effective'];
/** States with nothing left to happen. `failed` waits for an admin's retry, which schedules its own apply. */
export const TERMINAL_STATES: readonly RequestState[] = ['rejected', 'cancelled', 'expired', 'failed', 'revoked', 'replaced', 'already_held'];

export type RequestKind = 'grant' | 'revoke';

/** A warning shown on the approver card and in the requester's summary. */
export type PreflightWarning =
  /**
   * On a group, the grantee holds the other of Send As / Send on Behalf, or (`requestId`) the bot
   * has an open request for it: approving this one replaces that right, or closes that request.
   */
  | { code: 'replacement'; replaces: Right; requestId?: string }
  | { code: 'not_a_member' }
  | { code: 'already_pending'; requestId: string }
  /** The trustee is a guest account (`guest: true` in the directory): someone outside the organisation would read or send as this mailbox. */
  | { code: 'guest_trustee' };

export interface Decision {
  verdict: 'approved' | 'rejected';
  by: string;
  at: number;
  reason?: string;
}

/** A request as stored. Times are epoch milliseconds. */
export interface PermissionRequest {
  id: string;
  /** Incremented by every stored change; the compare-and-set token. */
  version: number;
  kind: RequestKind;
  state: RequestState;
  requesterId: string;
  granteeId: string;
  targetId: string;
  targetKind: TargetKind;
  /** One right for a grant; one or more for a revoke (a revoke with no right named means all held). */
  rights: Right[];
  /** Full Access only; false when the request said "without automapping". */
  autoMapping: boolean;
  /** ISO 8601 duration of a time-bound grant (P14D, PT8H, P1M), if any. */
  duration?: string;
  /** End of a time-bound grant (epoch ms), computed at apply time from `duration` or the end date. */
  endsAt?: number;
  /** End date as asked (YYYY-MM-DD), if any. */
  until?: string;
  /**
   * The requester's time zone, kept with `until`: the grant ends at midnight after that date there. An
   * IANA name, or a fixed offset "+01:00" for a requester whose client reported only that; absent: UTC.
   */
  untilTimeZone?: string;
  reason?: string;
  language: 'en' | 'nl';
  approverIds: string[];
  warnings: PreflightWarning[];
  createdAt: number;
  updatedAt: number;
  decision?: Decision;
  cancelledBy?: string;
  appliedAt?: number;
  /** When the propagation window closes ("effective by about HH:MM"). */
  effectiveBy?: number;
  effectiveAt?: number;
  /**
   * `applied`: the window and its quick rechecks passed without Exchange showing the change, so the
   * admins were told then (epoch ms). The bot keeps checking, more slowly, until `checksUntil`.
   */
  unconfirmedAt?: number;
  /** With `unconfirmedAt`: when the slow checks stop (epoch ms; the apply plus the late-check limit). */
  checksUntil?: number;
  /**
   * `applied`: the last check found the change still not shown and the bot stopped checking (epoch
   * ms). The request stays `applied` (the service accepted the change; only its visibility is in
   * doubt) but no longer counts as propagating.
   */
  checksEndedAt?: number;
  revokedAt?: number;
  /**
   * A grant ended by its own end date or by an admin's direct revoke: when that removal's
   * propagation window closes (epoch ms). Until the service no longer shows the right (or the
   * rechecks are spent, `removalSettledAt`), every answer about the mailbox or the person says
   * "removed HH:MM, gone by about HH:MM", as for an approved revoke request.
   */
  removalEffectiveBy?: number;
  /** When the bot stopped tracking that removal (epoch ms): the right was gone, or the last check still found it. */
  removalSettledAt?: number;
  /**
   * A tracked removal (`removalEffectiveBy`) the service still showed after its window and quick
   * rechecks: when the admins were told (epoch ms). The removal was made; only Exchange still shows
   * the right. The bot keeps checking, more slowly, until `removalChecksUntil`.
   */
  removalUnconfirmedAt?: number;
  /** With `removalUnconfirmedAt`: when the slow checks of the removal stop (epoch ms; the removal plus the late-check limit). */
  removalChecksUntil?: number;
  /** The last slow check still found the removed right shown, and the bot stopped checking (epoch ms; `removalSettledAt` is set too). */
  removalChecksEndedAt?: number;
  revokedBy?: string;
  failure?: { code: string; message: string; at: number };
  /** Apply attempts so far (retries included). */
  attempts: number;
  /** Rights removed by a group replacement when applied. */
  replaced?: Right[];
  /**
   * `replaced`: the request whose grant of the other right on the group (Send As / Send on Behalf)
   * was applied and so replaced this one, and when (epoch ms).
   */
  replacedBy?: string;
  replacedAt?: number;
  /**
   * `already_held`: the grant of the bot, applied after this request was asked for, that gives the
   * grantee its right already (its id), when this one was closed for it (epoch ms), and, when that
   * grant is time-bound, when it ends (epoch ms): the requester is told, as a new request would be.
   */
  heldBy?: string;
  heldAt?: number;
  heldUntil?: number;
  /**
   * `revoked` by its own end date while another grant of the bot, lasting longer, gave the grantee
   * the same right (its id): the right stayed in Exchange, and no removal is tracked.
   */
  rightKeptBy?: string;
}

/**
 * A request as the engine stores it: the public request plus what the lifecycle needs to derive
 * its work (`timersFor`). The audit trail lives in its own records (`audit-log.ts`).
 */
export interface StoredRequest extends PermissionRequest {
  /** Events raised so far; each event's delivery job id carries its number. */
  eventSeq: number;
  /** Post-back checks that found the right not yet visible. */
  rechecks: number;
  /**
   * `applied`: when the post-back checks (the window's end, then each recheck, then each slow
   * check); `revoked` with `removalEffectiveBy`: when the removal is checked.
   */
  nextCheckAt?: number;
  /** `approved`/`applying`: when the next apply attempt runs (set by a retry after a transient failure). */
  nextAttemptAt?: number;
  /** When the approvers' reminder went out; none is due after that. */
  remindedAt?: number;
  /** When the "ends tomorrow" reminder went out. */
  revokeRemindedAt?: number;
  /** An admin asked to end the grant now (`revokeNow`). */
  revokeRequestedBy?: string;
  revokeRequestedAt?: number;
  /** Approvers the approval card could not reach (never installed the app, blocked the bot). */
  unreachableApprovers?: string[];
}

/** The durable timers a request can hold; at most one of each kind. */
export const TIMER_KINDS = ['apply', 'postback', 'approver_reminder', 'expire', 'revoke_reminder', 'timed_revoke', 'removal_check'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

/** Settings `timersFor` reads (milliseconds). */
export interface LifecycleSettings {
  approverReminderMs: number;
  requestExpiryMs: number;
  /** Checks after the window before the bot tells the admins of a right not yet visible. */
  maxRechecks: number;
}

/**
 * Whether an `applied` request still has checks to come: the window's end and the quick rechecks,
 * then (once the admins were told, `unconfirmedAt`) the slow checks until `checksUntil`. A request
 * stored before the slow checks existed that had its final word (`rechecks` past the limit, no
 * `unconfirmedAt`: `lacksLateChecks`) has none, as it had then, so its timers read the same before and
 * after an upgrade; the start-up backfill then gives it its slow checks in a change of its own.
 */
export function stillChecking(r: StoredRequest, settings: Pick<LifecycleSettings, 'maxRechecks'>): boolean {
  return r.state === 'applied' && r.checksEndedAt === undefined && (r.rechecks <= settings.maxRechecks || r.unconfirmedAt !== undefined);
}

/** A grant whose right is in place (`IN_PLACE_STATES`): a revoke or its own end removes it. */
export function grantInPlace(r: Pick<PermissionRequest, 'kind' | 'state'>): boolean {
  return r.kind === 'grant' && IN_PLACE_STATES.includes(r.state);
}

/** A grant in place that ends on its own (`endsAt`, epoch ms): what `req:timebound-target` lists. */
export function timeBoundInPlace<R extends Pick<PermissionRequest, 'kind' | 'state' | 'endsAt'>>(r: R): r is R & { endsAt: number } {
  return grantInPlace(r) && r.endsAt !== undefined;
}

/** A grant its own end date ended (revoked by the system at or after `endsAt`), not an admin's or a revoke request's removal. */
export function endedAsPlanned(r: Pick<PermissionRequest, 'kind' | 'endsAt' | 'revokedAt' | 'revokedBy'>): boolean {
  return r.kind === 'grant' && r.revokedBy === 'system' && r.endsAt !== undefined && (r.revokedAt ?? 0) >= r.endsAt;
}

/**
 * An `applied` request that had its final "not visible" word from a version before the slow
 * checks (`rechecks` past the limit, no `unconfirmedAt`, no `checksEndedAt`): no timer, and shown
 * "effective by" a time gone by, until the one-time backfill (`late-check-backfill.ts`) gives it its
 * slow checks.
 */
export function lacksLateChecks(r: StoredRequest, settings: Pick<LifecycleSettings, 'maxRechecks'>): boolean {
  return r.state === 'applied' && r.checksEndedAt === undefined && r.unconfirmedAt === undefined && r.rechecks > settings.maxRechecks;
}

/**
 * Whether a grant that ended on its own or by an admin's direct revoke is in its removal's
 * propagation window (shown "removed HH:MM, gone by about HH:MM"; its `removal_check` timer runs),
 * or past it with the admins told that Exchange still shows the right (`removalUnconfirmedAt`;
 * the slow checks run until `removalChecksUntil`). Requests stored before removals were tracked
 * have no `removalEffectiveBy`: never.
 */
export function trackingRemoval(r: PermissionRequest): boolean {
  return r.kind === 'grant' && r.state === 'revoked' && r.removalEffectiveBy !== undefined && r.removalSettledAt === undefined;
}

const DAY_MS = 86_400_000;

/**
 * The timers a request needs in its current state, as `kind -> due time (epoch ms)`. Pure: the
 * engine diffs `timersFor(before)` against `timersFor(after)` in the same commit as every
 * transition, so a state never exists without its timers, and nothing has to be repaired after a
 * restart.
 * - pending: the approvers' reminder (once, when it comes before the expiry) and the expiry;
 * - approved, applying: the apply, now or at the next attempt after a transient failure;
 * - applied: the post-back at the window's end (then each recheck, then each slow check), while
 *   checks remain (`stillChecking`);
 * - applied, effective, time-bound: the "ends tomorrow" reminder and the revoke at the end, or at
 *   once when an admin asked to end it now;
 * - revoked, a grant whose removal the bot tracks (`trackingRemoval`): the removal's check at the
 *   end of its window (then each recheck, then each slow check).
 */
export function timersFor(r: StoredRequest, settings: LifecycleSettings): Partial<Record<TimerKind, number>> {
  const timers: Partial<Record<TimerKind, number>> = {};
  switch (r.state) {
    case 'pending': {
      const reminderAt = r.createdAt + settings.approverReminderMs;
      const expiresAt = r.createdAt + settings.requestExpiryMs;
      if (r.remindedAt === undefined && reminderAt < expiresAt) timers.approver_reminder = reminderAt;
      timers.expire = expiresAt;
      break;
    }
    case 'approved':
    case 'applying':
      timers.apply = r.nextAttemptAt ?? r.decision?.at ?? r.updatedAt;
      break;
    case 'applied':
    case 'effective':
      if (stillChecking(r, settings)) timers.postback = r.nextCheckAt ?? r.effectiveBy ?? r.updatedAt;
      if (r.kind === 'grant' && (r.endsAt !== undefined || r.revokeRequestedAt !== undefined)) {
        timers.timed_revoke = Math.min(r.endsAt ?? Number.POSITIVE_INFINITY, r.revokeRequestedAt ?? Number.POSITIVE_INFINITY);
        if (r.endsAt !== undefined && r.revokeRemindedAt === undefined && r.revokeRequestedAt === undefined && r.endsAt - DAY_MS > (r.appliedAt ?? 0)) {
          timers.revoke_reminder = r.endsAt - DAY_MS;
        }
      }
      break;
    case 'revoked':
      if (trackingRemoval(r)) timers.removal_check = r.nextCheckAt ?? r.removalEffectiveBy!;
      break;
    default:
      break;
  }
  return timers;
}

/**
 * The sorted indexes a request belongs to in its current state, as `index name -> score`
 * (the score is its creation time, so every list reads newest first). Like `timersFor`, diffed
 * on every transition and written in the same commit.
 */
export function indexesFor(r: PermissionRequest): Record<string, number> {
  const at = r.createdAt;
  // No index of every request: nothing reads one (the whole history is the audit log's `audit:all`).
  const indexes: Record<string, number> = {
    [`req:state:${r.state}`]: at,
    [`req:requester:${r.requesterId}`]: at,
  };
  if (OPEN_STATES.includes(r.state)) {
    indexes[`req:open:${r.granteeId}|${r.targetId}`] = at;
    indexes[`req:requester-open:${r.requesterId}`] = at;
  }
  if (r.state === 'pending') for (const approver of r.approverIds) indexes[`req:awaiting:${approver}`] = at;
  // Changes the service may not show yet: applied ones while the bot still checks them (one it
  // gave up on is no longer counted as in place), and grants ended by their end date or an
  // admin's revoke during their removal's window. An upgraded store holds no entry for a grant
  // revoked before removals were tracked, and `indexesFor` gives it none (no `removalEffectiveBy`),
  // so the diff of its next change has nothing to remove.
  if ((r.state === 'applied' && r.checksEndedAt === undefined) || trackingRemoval(r)) {
    indexes[`req:propagating-target:${r.targetId}`] = at;
    indexes[`req:propagating-grantee:${r.granteeId}`] = at;
  }
  // Time-bound grants still in place: a revoke of the same right ends them with their timers,
  // which would otherwise remove the right again at their end, even after it was granted anew.
  if (timeBoundInPlace(r)) {
    indexes[`req:timebound-target:${r.targetId}`] = at;
  }
  // Grants in place, per person and target: a revoke of the same right ends them (`revoked`), also
  // once they are effective and no longer propagating. Grants applied by a version before this index
  // have no entry (a later change diffs `indexesFor` and adds none) until the one-time backfill of
  // the first start on such a store adds it (`held-backfill.ts`).
  if (grantInPlace(r)) {
    indexes[`req:held:${r.granteeId}|${r.targetId}`] = at;
  }
  // Grants in place on a group, per person: applying the other of Send As / Send on Behalf for the
  // same person replaces them (`replaced`), also once they are effective and no longer propagating.
  // Backfilled with `req:held` for grants applied by a version before it (`held-backfill.ts`).
  if (r.targetKind === 'group' && grantInPlace(r)) {
    indexes[`req:group-held:${r.granteeId}|${r.targetId}`] = at;
  }
  return indexes;
}
