import type { Right, TargetKind } from './rights.js';

/**
 * Lifecycle (SPEC section 4):
 *   pending -> approved -> applying -> applied -> effective
 *   or ends rejected | cancelled | expired | failed | revoked.
 * `failed` may go back to `applying` when an admin retries; `applied`/`effective` time-bound grants
 * end `revoked` when their time is up (or an admin revokes them).
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
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export const TRANSITIONS: Record<RequestState, readonly RequestState[]> = {
  pending: ['approved', 'rejected', 'cancelled', 'expired'],
  approved: ['applying'],
  applying: ['applied', 'failed'],
  applied: ['effective', 'revoked'],
  effective: ['revoked'],
  failed: ['applying'],
  rejected: [],
  cancelled: [],
  expired: [],
  revoked: [],
};

export function canTransition(from: RequestState, to: RequestState): boolean {
  return TRANSITIONS[from].includes(to);
}

export const OPEN_STATES: readonly RequestState[] = ['pending', 'approved', 'applying'];
/** States with nothing left to happen. `failed` waits for an admin's retry, which schedules its own apply. */
export const TERMINAL_STATES: readonly RequestState[] = ['rejected', 'cancelled', 'expired', 'failed', 'revoked'];

export type RequestKind = 'grant' | 'revoke';

/** A warning shown on the approver card and in the requester's summary. */
export type PreflightWarning =
  | { code: 'replacement'; replaces: Right }
  | { code: 'not_a_member' }
  | { code: 'already_pending'; requestId: string };

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
  /** The requester's time zone, kept with `until`: the grant ends at midnight after that date there. */
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
  revokedAt?: number;
  revokedBy?: string;
  failure?: { code: string; message: string; at: number };
  /** Apply attempts so far (retries included). */
  attempts: number;
  /** Rights removed by a group replacement when applied. */
  replaced?: Right[];
}
