import type { Directory, MailTarget } from '../directory/directory.js';

/**
 * Who approves a request (SPEC section 3): a user mailbox's owner and the owner's manager; a
 * shared mailbox's or group's owners. Never the requester, never the grantee. When nobody is
 * left, the bot admins (again minus requester and grantee).
 */
export async function approversFor(
  directory: Directory,
  target: MailTarget,
  requesterId: string,
  granteeId: string,
  admins: string[],
): Promise<string[]> {
  const candidates = [...(await directory.ownersOf(target.id))];
  if (target.kind === 'user') {
    const manager = await directory.managerOf(target.id);
    if (manager) candidates.push(manager.id);
  }
  const allowed = (id: string) => id !== requesterId && id !== granteeId;
  const approvers = [...new Set(candidates.filter(allowed))];
  return approvers.length ? approvers : [...new Set(admins.filter(allowed))];
}
