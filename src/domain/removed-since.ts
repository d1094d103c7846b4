import type { RequestRepository } from './request-repository.js';
import { trackingRemoval, type StoredRequest } from './request.js';

/** A removal of a grant's right made by another request of the bot: which request, when (epoch ms), and by whom. */
export interface LaterRemoval {
  requestId: string;
  at: number;
  by: string;
}

/**
 * The removal, by another request of the bot, of every right of `grant` for its grantee on its
 * target made since `grant` was applied, while that removal is still tracked: an admin's revoke or
 * the end date of a duplicate grant (`trackingRemoval`), or an applied revoke request still checked.
 * Exchange holds one right per person, so that removal took this grant's right too, and a check that
 * no longer finds it has found what was done on purpose, not a change that failed to show. A revoke
 * ends such grants as it is made (`endGrantsRevokedBy`); this finds one that was being applied then,
 * or was left `applied` by a version before that. Read from `req:propagating-target` (small: what
 * the bot changed on the target lately). Undefined for a revoke request, or when none is found.
 */
export async function removedSince(repo: RequestRepository, grant: StoredRequest): Promise<LaterRemoval | undefined> {
  if (grant.kind !== 'grant') return undefined;
  const since = grant.appliedAt ?? grant.updatedAt;
  for (const other of await repo.all(`req:propagating-target:${grant.targetId}`)) {
    if (other.id === grant.id || other.granteeId !== grant.granteeId) continue;
    if (!grant.rights.every((right) => other.rights.includes(right))) continue;
    if (other.kind === 'grant' && trackingRemoval(other) && (other.revokedAt ?? 0) >= since) {
      return { requestId: other.id, at: other.revokedAt!, by: other.revokedBy ?? 'system' };
    }
    if (other.kind === 'revoke' && other.state === 'applied' && (other.appliedAt ?? 0) >= since) {
      return { requestId: other.id, at: other.appliedAt!, by: other.decision?.by ?? 'system' };
    }
  }
  return undefined;
}
