import type { JobSpec } from '../store/durable-store.js';
import type { EngineEvent } from './notifier.js';
import type { PermissionRequest } from './request.js';
import type { EventSpec } from './request-repository.js';

/** The job kind of an event with no outbox of its own: its handler decides what it means (see `RequestRepository`). */
export const NOTIFY_JOB = 'notify';

/**
 * The transactional outbox of engine events: turns an event into the durable jobs that carry it
 * to people, and those jobs are committed in the same step as the change that raised it (the
 * request, its audit entries, its timers). So a committed event always has its messages stored,
 * and no intermediate job has to be claimed, run and completed before the first message can go.
 *
 * The conversation layer implements it (who is told what is its business: `deliveries.ts`); the
 * domain only calls it.
 */
export interface EventOutbox {
  /**
   * The jobs for one event. `eventId` is stable (`REQ-1:event:3`) and `now` is the commit's time
   * (epoch ms). Job ids must derive from `eventId`, so that planning again after a lost
   * compare-and-set gives the same ids. Throwing aborts the change (nothing is written).
   */
  jobsFor(event: EngineEvent, eventId: string, now: number): Promise<JobSpec[]>;
}

/** An outbox with no channels: one `notify` job per event, in event order per request. */
export const notifyJobOutbox: EventOutbox = {
  async jobsFor(event, eventId, now) {
    return [notifyJob(event, eventId, now)];
  },
};

/** The payload of a `notify` job: the event without its request, and the request. */
export interface NotifyPayload {
  event: EventSpec;
  request: PermissionRequest;
}

/** A `notify` job for one event, ordered after the request's earlier events. */
export function notifyJob(event: EngineEvent, eventId: string, now: number): JobSpec {
  const { request, ...spec } = event as EngineEvent & EventSpec;
  const payload: NotifyPayload = { event: spec, request };
  return { id: eventId, kind: NOTIFY_JOB, dueAt: now, orderKey: `events:${request.id}`, payload };
}
