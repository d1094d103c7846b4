import type { RequestRepository } from './request-repository.js';
import { grantInPlace, type StoredRequest } from './request.js';

/**
 * Exchange holds one right per person, whatever number of the bot's grants gave it. A time-bound
 * grant applied beside a longer one (a standing request approved after it: `holdsRightOf` does not
 * close a request for a shorter grant) must not take that right away at its own end: the longer
 * grant's approver gave it for longer. Its end then closes it without removing the right.
 */

/**
 * Another grant of the bot in place that gives `grant`'s grantee every right of `grant` on its
 * target for longer: no end, or an end after `grant`'s (`endsAt`, epoch ms). Not one an admin asked
 * to end now (`revokeRequestedAt`): its own removal comes. Undefined when none, or for a revoke.
 * Read from `req:held` (grants in place per person and target) and `req:propagating-target` (one a
 * version before that index applied, while it propagates), as a revoke finds the grants it ends.
 */
export async function outlastedBy(repo: RequestRepository, grant: StoredRequest): Promise<StoredRequest | undefined> {
  if (grant.kind !== 'grant' || grant.endsAt === undefined) return undefined;
  const candidates = [...(await repo.all(`req:held:${grant.granteeId}|${grant.targetId}`)), ...(await repo.all(`req:propagating-target:${grant.targetId}`))];
  return candidates.find(
    (other) =>
      other.id !== grant.id &&
      other.kind === 'grant' &&
      grantInPlace(other) &&
      other.granteeId === grant.granteeId &&
      other.targetId === grant.targetId &&
      grant.rights.every((right) => other.rights.includes(right)) &&
      other.revokeRequestedAt === undefined &&
      (other.endsAt === undefined || other.endsAt > grant.endsAt!),
  );
}
