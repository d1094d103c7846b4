import type { Directory } from '../directory/directory.js';
import type { Right } from '../domain/rights.js';
import type { PermissionService } from '../permissions/permission-service.js';

/**
 * `UnderstandOptions.rightsOn` backed by the permission service, so "remove Joni's send as on Sales"
 * is settled on the Joni who holds it now, not the one who held it when the directory was loaded.
 */
export function rightsOnFrom(
  directory: Directory,
  service: PermissionService,
): (targetId: string) => Promise<Array<{ trustee: string; right: Right }>> {
  return async (targetId) => {
    const target = await directory.getTarget(targetId);
    if (!target) return [];
    // An outage must not break understanding: without live rights the text alone decides, and an
    // unclear name stays ambiguous (the bot asks) rather than failing the turn.
    const delegates = await service.listDelegates({ id: target.id, kind: target.kind, mail: target.mail }).catch(() => []);
    return delegates.map((d) => ({ trustee: d.trusteeId, right: d.right }));
  };
}
