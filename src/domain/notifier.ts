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
  | { type: 'not_yet_visible'; request: PermissionRequest; finalCheck: boolean }
  | { type: 'failed'; request: PermissionRequest }
  | { type: 'expired'; request: PermissionRequest }
  | { type: 'revoked'; request: PermissionRequest; rights: Right[] }
  | { type: 'approver_reminder'; request: PermissionRequest }
  | { type: 'revoke_reminder'; request: PermissionRequest };

export interface Notifier {
  /** Must not throw for delivery problems it can log; the engine logs and moves on if it does. */
  notify(event: EngineEvent): Promise<void>;
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
