/** The three Exchange Online mailbox rights the bot manages (SPEC section 1). */
export const RIGHTS = ['FullAccess', 'SendAs', 'SendOnBehalf'] as const;
export type Right = (typeof RIGHTS)[number];

/** What a right can be granted on. Full Access exists only on mailboxes, never on groups. */
export type TargetKind = 'user' | 'shared' | 'group';

export function isRight(value: unknown): value is Right {
  return typeof value === 'string' && (RIGHTS as readonly string[]).includes(value);
}

/** Whether Exchange Online supports `right` on a target of `kind`. */
export function rightAppliesTo(right: Right, kind: TargetKind): boolean {
  return !(right === 'FullAccess' && kind === 'group');
}

/**
 * On a Microsoft 365 group a delegate holds Send As or Send on Behalf, never both;
 * when both are configured Send As wins (seed: allow-members-to-send-as...).
 * Returns the right that granting `right` on a group replaces, if any.
 */
export function groupRightReplaced(right: Right, kind: TargetKind): Right | undefined {
  if (kind !== 'group') return undefined;
  if (right === 'SendAs') return 'SendOnBehalf';
  if (right === 'SendOnBehalf') return 'SendAs';
  return undefined;
}
