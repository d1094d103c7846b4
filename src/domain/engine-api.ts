import type { Right, TargetKind } from './rights.js';
import type { PermissionRequest, RequestKind } from './request.js';

/** What a channel submits once the language layer resolved every slot. */
export interface SubmitInput {
  requesterId: string;
  kind: RequestKind;
  granteeId: string;
  targetId: string;
  /** `null` for a revoke means every right the grantee holds on the target. A grant needs a right. */
  right: Right | null;
  /** ISO 8601 duration (P14D, PT8H, P1M) of a time-bound grant. */
  duration?: string | null;
  /** End date YYYY-MM-DD of a time-bound grant. */
  until?: string | null;
  /**
   * The requester's time zone: an IANA name ("Europe/Amsterdam"), or the fixed UTC offset their client
   * reported when that is all ("+01:00", `isTimeZone`): `until` ends at midnight there. UTC when absent or unknown.
   */
  timeZone?: string | null;
  reason?: string;
  autoMapping?: boolean;
  language: 'en' | 'nl';
}

export type SubmitOutcome =
  /** A new pending request; approvers were notified (`approval_needed`). */
  | { outcome: 'created'; request: PermissionRequest }
  /** The grantee already holds the right (grant) or holds none of the rights (revoke): no approval round. */
  | {
      outcome: 'already_held';
      right: Right;
      granteeId: string;
      targetId: string;
      /** Set when the bot applied the right within the propagation window: the service may not show it yet (epoch ms). */
      propagating?: { requestId: string; appliedAt: number; effectiveBy: number };
      /** Set when the right held is a time-bound grant the bot applied: when it ends (epoch ms), so the asker is told. */
      endsAt?: number;
    }
  | {
      outcome: 'nothing_to_revoke';
      granteeId: string;
      targetId: string;
      /** Set when the bot removed the right(s) within the propagation window: the service may still show them (epoch ms). */
      propagating?: { requestId: string; appliedAt: number; effectiveBy: number };
    }
  /** The same request is already open; nothing new was created. */
  | { outcome: 'duplicate'; request: PermissionRequest };

/**
 * A right the bot has applied (or removed) whose propagation window has not passed yet: the
 * service may not show it, but every answer about the mailbox or the person does
 * ("applied 09:00, effective by about 10:00"). Times are epoch ms.
 */
export interface PropagatingRight {
  requestId: string;
  /** `grant`: being added; `revoke`: being removed. */
  kind: RequestKind;
  granteeId: string;
  targetId: string;
  right: Right;
  appliedAt: number;
  effectiveBy: number;
  /**
   * The window and the quick rechecks passed without the service showing it (a removal: still
   * showing the right): when the admins were told (the bot still checks, more slowly). Epoch ms.
   */
  unconfirmedAt?: number;
}

/**
 * A right the bot granted until an end (a time-bound grant in place): its timed revoke removes it
 * at `endsAt` (epoch ms). One entry per right of the grant.
 */
export interface TimeBoundRight {
  requestId: string;
  granteeId: string;
  targetId: string;
  right: Right;
  endsAt: number;
}

/** Rights on one target, grouped by right (for "who has access to X"). */
export interface TargetAccessReport {
  target: { id: string; kind: TargetKind; displayName: string; mail: string };
  /** What the permission service shows. */
  holders: Record<Right, string[]>;
  /** What the bot applied and the service may not show yet. */
  propagating: PropagatingRight[];
  /** The rights on this target that end on their own; any other right has no end date. */
  timeBound?: TimeBoundRight[];
}

/** Rights one person holds (for "what can Y access"). */
export interface TrusteeAccessReport {
  trusteeId: string;
  holdings: { targetId: string; targetKind: TargetKind; displayName: string; rights: Right[] }[];
  propagating: PropagatingRight[];
  /** The rights of this person that end on their own, on any target; any other right has no end date. */
  timeBound?: TimeBoundRight[];
}

/** A page of a list: at most `limit` items, continuing after the cursor `before` of an earlier page's `next`. */
export interface Page {
  limit?: number;
  before?: string;
}

/**
 * Which history to read: one request's, one mailbox's or group's, or one person's (grantee, requester
 * or actor); a person and a mailbox or group: that person's entries on it ("for Liam on Support");
 * none of them: the whole log. `since` / `until` (epoch ms) keep the entries with `since <= at < until`
 * ("what did the bot do today").
 */
export interface AuditFilter {
  requestId?: string;
  targetId?: string;
  granteeId?: string;
  since?: number;
  until?: number;
}

/** Audit entries, newest first (the export: oldest first); `next` continues when there are more. */
export interface AuditPage {
  entries: AuditEntry[];
  next?: string;
}

/**
 * Every action the bot writes to the audit log: the engine's state changes and timers, the refused
 * actions it records, and what the channels report back (an unreachable approver, an undelivered
 * message). Writers take an `AuditAction`, so an action written anywhere is on this list, and the
 * wording (`src/conversation/wording/views.ts`) must phrase each one: a new action without words
 * fails the type check. Stored entries may still hold other actions (from a newer version).
 */
export const AUDIT_ACTIONS = [
  'created',
  'approved',
  'rejected',
  'cancelled',
  'expired',
  'approver_reminder',
  'approver_unreachable',
  'delivery_failed',
  'applying',
  'apply_resumed',
  'apply_retry_scheduled',
  'retry_requested',
  'applied',
  'recheck_scheduled',
  'not_yet_visible',
  'late_check_scheduled',
  'checks_ended',
  'effective',
  'failed',
  'revoke_reminder',
  'revoke_requested',
  'revoke_failed',
  'revoked',
  'replaced',
  'already_held',
  'ended_kept',
  'removal_recheck_scheduled',
  'removal_still_shown',
  'removal_late_check_scheduled',
  'removal_confirmed',
  'removal_not_visible',
  'decide',
  'query_target',
  'query_trustee',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  id: string;
  at: number;
  requestId: string;
  targetId: string;
  granteeId: string;
  actorId: string; // a user id, or "system" for timers
  /** One of `AUDIT_ACTIONS` when this version wrote it; read as any string (a newer version may add actions). */
  action: string;
  from?: string;
  to?: string;
  outcome: 'ok' | 'refused' | 'error';
  detail?: string;
}

/**
 * The channel-neutral core. Every method decides authorisation from `actorId` (the authenticated
 * identity: Teams `from.aadObjectId`) and the stored request, never from card data.
 * Errors are `BotError`s: invalid_request, not_found, not_an_approver, not_allowed, already_decided
 * (details: verdict, by, at, state), guest_not_allowed, not_a_member, permission_service_unavailable.
 */
export interface RequestEngineApi {
  submit(input: SubmitInput): Promise<SubmitOutcome>;
  /** First decision wins; a later one throws `already_decided` with who decided and when. */
  decide(requestId: string, actorId: string, verdict: 'approve' | 'reject', reason?: string): Promise<PermissionRequest>;
  /** The requester (or an admin) cancels a pending request. */
  cancel(requestId: string, actorId: string): Promise<PermissionRequest>;
  /** An admin retries a failed apply. */
  retry(requestId: string, actorId: string): Promise<PermissionRequest>;
  /** An admin ends a time-bound or standing grant made by the bot now. */
  revokeNow(requestId: string, actorId: string): Promise<PermissionRequest>;
  get(requestId: string): Promise<PermissionRequest | undefined>;
  /** Requests the user asked for, newest first, a page at a time (default 20). */
  requestsOf(userId: string, options?: Page & { openOnly?: boolean }): Promise<PermissionRequest[]>;
  /** Requests waiting for the user's decision, newest first, a page at a time (default 50); uncapped. */
  awaitingDecisionBy(userId: string, options?: Page): Promise<PermissionRequest[]>;
  /** Admins, and the owners of that mailbox or group. */
  whoHasAccess(actorId: string, targetId: string): Promise<TargetAccessReport>;
  /** Admins only. */
  whatCanAccess(actorId: string, trusteeId: string): Promise<TrusteeAccessReport>;
  /** Admins; owners for their own mailbox or group. Newest first, paged. */
  audit(actorId: string, filter: AuditFilter, page?: Page): Promise<AuditPage>;
  isAdmin(userId: string): Promise<boolean>;
  /** Who would approve a request of this requester and grantee on this target. */
  approversFor(targetId: string, requesterId: string, granteeId: string): Promise<string[]>;
}
