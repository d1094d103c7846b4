import type { Right } from './rights.js';
import type { PermissionRequest } from './request.js';

/**
 * Everything the engine tells the outside world. A channel (Teams today, Slack later) implements
 * `Notifier` and decides who gets which message or card update. Events carry the stored request
 * after the transition, so a channel never needs card data to know what happened.
 */
export type EngineEvent =
  | { type: 'approval_needed'; request: PermissionRequest }
  | { type: 'decided'; request: PermissionRequest }
  | { type: 'cancelled'; request: PermissionRequest }
  | { type: 'applied'; request: PermissionRequest }
  | { type: 'effective'; request: PermissionRequest }
  /**
   * The window passed and the service does not show the change yet; the bot checks again at
   * `nextCheckAt`, if set. `finalCheck`: the quick rechecks are spent and the admins are told (the
   * slow checks go on); `gaveUp`: that was the last check, the bot stopped checking.
   */
  | { type: 'not_yet_visible'; request: PermissionRequest; finalCheck: boolean; nextCheckAt?: number; gaveUp?: boolean }
  /**
   * A grant ended by its end date or an admin's revoke (`revoked`): the removal was made, but after
   * its window and quick rechecks Exchange still shows the right. The bot checks again at
   * `nextCheckAt`, if set; `gaveUp`: that was the last check, the bot stopped checking.
   */
  | { type: 'removal_not_visible'; request: PermissionRequest; nextCheckAt?: number; gaveUp?: boolean }
  /** Such a removal (`removal_not_visible` was told) that Exchange no longer shows after all. */
  | { type: 'removal_confirmed'; request: PermissionRequest }
  | { type: 'failed'; request: PermissionRequest }
  | { type: 'expired'; request: PermissionRequest }
  /**
   * A grant ended: by its end date, a revoke request, or an admin's direct revoke (`revokeNow`);
   * `askedBy`: that admin, who was told "I will confirm when it is done". `heardThrough`: ended by a
   * revoke request, whose own post-backs ("Done: remove ...") reach these people (its requester
   * and grantee) in the same apply; this event does not tell them again.
   */
  | { type: 'revoked'; request: PermissionRequest; rights: Right[]; askedBy?: string; heardThrough?: string[] }
  /**
   * On a group, the other of Send As / Send on Behalf was applied for the same person
   * (`request.replacedBy`): this request, pending, applied or effective, ends `replaced`.
   */
  | { type: 'replaced'; request: PermissionRequest }
  /**
   * Another grant of the bot, applied since this one was asked for, gives the grantee the same right
   * (`request.heldBy`): this one ends `already_held` at its approval, or at its apply when it had
   * been approved (`approvalTold`: its requester and grantee heard "Approved") before.
   */
  | { type: 'already_held'; request: PermissionRequest; approvalTold: boolean }
  | { type: 'approver_reminder'; request: PermissionRequest }
  | { type: 'revoke_reminder'; request: PermissionRequest }
  /** An approval card could not reach some approvers; `reachedInstead` have it (admins when nobody else was left). */
  | { type: 'approver_unreachable'; request: PermissionRequest; unreachable: string[]; reachedInstead: string[]; escalatedTo: string[] };

/** Where an event came from: its `notify` job's id (`REQ-1:event:3`), stable across retries. */
export interface EventContext {
  eventId: string;
}

/**
 * Hears every engine event once it is committed (from its durable `notify` job, so at least
 * once: after a crash an event may be heard again). Throwing makes the job retry.
 */
export interface Notifier {
  notify(event: EngineEvent, context?: EventContext): Promise<void>;
}

/** Collects events; handy for tests and for composing notifiers. */
export class RecordingNotifier implements Notifier {
  readonly events: EngineEvent[] = [];
  async notify(event: EngineEvent): Promise<void> {
    this.events.push(event);
  }
  ofType<T extends EngineEvent['type']>(type: T): Extract<EngineEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
  }
}
