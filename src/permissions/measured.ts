import { isBotError } from '../domain/errors.js';
import type { Metrics, PermissionCallOutcome, PermissionOperation } from '../domain/metrics.js';
import type { PermissionService } from './permission-service.js';

/** Seconds from a monotonic source; `performance.now()` by default (wall-clock jumps would skew latencies). */
export type Stopwatch = () => number;
const monotonicSeconds: Stopwatch = () => performance.now() / 1000;

/** How a call ended, as the interface's coded errors say (see `PermissionService`). */
export function callOutcome(error: unknown): PermissionCallOutcome {
  if (isBotError(error, 'permission_service_unavailable')) return 'unavailable';
  if (isBotError(error, 'permission_service_rejected') || isBotError(error, 'invalid_request')) return 'rejected';
  return 'error';
}

const OPERATIONS: ReadonlySet<string> = new Set<PermissionOperation>(['grant', 'revoke', 'listDelegates', 'listHoldings', 'check']);

/**
 * The same `PermissionService`, reporting each call's duration and outcome to
 * `metrics.permissionCall`. Results and errors pass through unchanged; arguments (names,
 * addresses) never reach the metrics, only the operation's name.
 *
 * It is a view of the same object (a Proxy), not a copy: members beyond the interface (the
 * simulated service's fault injection, `instanceof`) stay reachable, and the service's calls to its
 * own methods are not counted twice.
 */
export function withCallMetrics<S extends PermissionService>(service: S, metrics: Metrics, now: Stopwatch = monotonicSeconds): S {
  const timed = async (operation: PermissionOperation, call: () => Promise<unknown>): Promise<unknown> => {
    const started = now();
    try {
      const result = await call();
      metrics.permissionCall(operation, 'ok', now() - started);
      return result;
    } catch (error) {
      metrics.permissionCall(operation, callOutcome(error), now() - started);
      throw error;
    }
  };
  return new Proxy(service, {
    get(target, property, receiver) {
      const member: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !OPERATIONS.has(property) || typeof member !== 'function') return member;
      return (...args: unknown[]) => timed(property as PermissionOperation, () => (member as (...a: unknown[]) => Promise<unknown>).apply(target, args));
    },
  });
}
