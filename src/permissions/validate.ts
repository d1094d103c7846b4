import { BotError } from '../domain/errors.js';
import { isRight, rightAppliesTo, type Right } from '../domain/rights.js';
import type { PermissionTarget, PermissionTrustee } from './permission-service.js';

/** A mail address as far as structure goes: no spaces or control characters, one @, a dotted domain. */
export const MAIL_ADDRESS = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u;
export const isMailAddress = (value: unknown): value is string => typeof value === 'string' && value.length <= 320 && MAIL_ADDRESS.test(value);

const TARGET_KINDS = new Set(['user', 'shared', 'group']);

/** Refuse malformed input before anything reaches a backend. */
export function validateTarget(target: PermissionTarget): void {
  if (!target || typeof target.id !== 'string' || !target.id || target.id.length > 256) throw new BotError('invalid_request', 'The target has no valid id');
  if (!TARGET_KINDS.has(target.kind)) throw new BotError('invalid_request', `Unknown target kind "${String(target.kind).slice(0, 40)}"`);
  if (!isMailAddress(target.mail)) throw new BotError('invalid_request', 'The target has no valid mail address');
}
export function validateTrustee(trustee: PermissionTrustee): void {
  if (!trustee || typeof trustee.id !== 'string' || !trustee.id || trustee.id.length > 256) throw new BotError('invalid_request', 'The trustee has no valid id');
  if (!isMailAddress(trustee.mail)) throw new BotError('invalid_request', 'The trustee has no valid mail address');
}
export function validateRight(right: unknown, target: PermissionTarget): asserts right is Right {
  if (!isRight(right)) throw new BotError('invalid_request', `Unknown right "${String(right).slice(0, 40)}"`);
  if (!rightAppliesTo(right, target.kind)) throw new BotError('invalid_request', `${right} cannot be granted on a group`);
}
