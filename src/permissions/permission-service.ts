import type { Right, TargetKind } from '../domain/rights.js';

/** A target as the permission service needs it: its id, kind and primary address. */
export interface PermissionTarget {
  id: string;
  kind: TargetKind;
  /** Primary SMTP address; what Exchange is called with. */
  mail: string;
}

/** A trustee (the person receiving a right). */
export interface PermissionTrustee {
  id: string;
  mail: string;
}

export interface GrantOptions {
  /** Full Access only: add the mailbox to the trustee's Outlook (default true). */
  autoMapping?: boolean;
}

/** What a grant or revoke did. Every operation is idempotent and says whether it changed anything. */
export interface ChangeResult {
  /** `false` when the right was already present (grant) or already absent (revoke). */
  changed: boolean;
  /** Rights removed as a side effect: granting Send As on a group removes Send on Behalf and vice versa. */
  replaced: Right[];
  /** Warnings the backend returned (Exchange `@adminapi.warnings`), for the audit log. */
  warnings: string[];
}

/** One delegate holding one right on one target. */
export interface Delegation {
  targetId: string;
  trusteeId: string;
  right: Right;
}

/**
 * The shared permission service: reads and changes Exchange Online mailbox rights.
 *
 * Implementations: `simulated` (default, in the store), `exchange` (Exchange Online admin API)
 * and `remote` (HTTP client of `npm run permission-service`). All pass the contract suite in
 * `test/permissions/permission-service-contract.ts`.
 *
 * Semantics (those of Exchange Online):
 * - `FullAccess` exists only on user and shared mailboxes: on a group every call throws
 *   `BotError('invalid_request')`.
 * - On a group Send As and Send on Behalf are exclusive: granting one removes the other
 *   (reported in `ChangeResult.replaced`). Guests cannot receive group rights (`invalid_request`).
 * - Granting a right already present or revoking one already absent succeeds with `changed: false`.
 * - Changes propagate: `check`/`listDelegates` may not see a change for up to the propagation
 *   window (60 minutes in Exchange Online). `grant`/`revoke` return once the backend accepted it.
 * - Failures throw `BotError`: `permission_service_unavailable` for transient faults (timeouts,
 *   429, 5xx) after the implementation's own retries, with `details.retryAfterMs` when the backend
 *   said when to come back; `permission_service_rejected` for a refusal that retrying cannot fix.
 * - Names and addresses travel only as structured parameters, never spliced into a command.
 */
export interface PermissionService {
  grant(target: PermissionTarget, trustee: PermissionTrustee, right: Right, options?: GrantOptions): Promise<ChangeResult>;
  revoke(target: PermissionTarget, trustee: PermissionTrustee, right: Right): Promise<ChangeResult>;
  /** Who holds rights on `target`, optionally only `right`. Inherited, deny and SELF entries are left out. */
  listDelegates(target: PermissionTarget, right?: Right): Promise<Delegation[]>;
  /** Every right `trustee` holds on the given targets (Exchange cannot list "everything a user holds" cheaply). */
  listHoldings(trustee: PermissionTrustee, candidates: PermissionTarget[]): Promise<Delegation[]>;
  /** Whether `trustee` holds `right` on `target` as the service sees it now (after propagation). */
  check(target: PermissionTarget, trustee: PermissionTrustee, right: Right): Promise<boolean>;
}
