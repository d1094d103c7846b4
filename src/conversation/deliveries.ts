import type { Clock } from '../domain/clock.js';
import { BotError, isBotError } from '../domain/errors.js';
import { silentLogger, type Logger } from '../domain/logger.js';
import { noopMetrics, type Metrics, type MetricsChannel } from '../domain/metrics.js';
import { NOTIFY_JOB, notifyJob, type EventOutbox, type NotifyPayload } from '../domain/event-outbox.js';
import type { EngineEvent, Notifier } from '../domain/notifier.js';
import { toEngineEvent } from '../domain/request-repository.js';
import type { PermissionRequest } from '../domain/request.js';
import { DELIVERY_RETRY, retryDelay, shouldRetry, type RetryPolicy } from '../domain/retry-policy.js';
import type { JobOutcome, Worker } from '../scheduler/worker.js';
import type { DurableStore, JobSpec } from '../store/durable-store.js';
import type { Job } from '../store/work-queue.js';
import type { MessagingChannel, OutboundMessage } from './messaging.js';
import { planNotifications } from './notification-policy.js';
import type { Presence } from './presence.js';

export const DELIVER_JOB = 'deliver';
/** One delivery run's deadline (ms): shorter than a job's lease, so a hung chat service never holds a slot past it. */
const DELIVERY_TIMEOUT_MS = 40_000;
export const UPDATE_COPIES_JOB = 'update_copies';
/** Tells the observers (tests' recorders) of one event; scheduled only while there are any. */
export const OBSERVE_JOB = 'observe';

export interface DeliveryOutboxOptions {
  /** The bot's admins as directory ids (the engine's `admins()`): some events escalate to them. */
  admins: () => Promise<string[]>;
  /** Others who hear every event, at least once. */
  observers?: () => readonly Notifier[];
}

/**
 * The chat channels' `EventOutbox`: each event's `deliver` jobs (one per message the
 * notification policy asks for) and its `update_copies` job, committed with the change that
 * raised the event, so the first message can go as soon as the commit is done.
 */
export function deliveryOutbox(options: DeliveryOutboxOptions): EventOutbox {
  return {
    async jobsFor(event, eventId, now) {
      const jobs = plan(event, eventId, await options.admins(), now);
      if (options.observers?.().length) jobs.push({ ...notifyJob(event, eventId, now), kind: OBSERVE_JOB });
      return jobs;
    },
  };
}

/** What deliveries need from the engine when a message cannot be delivered. */
export interface DeliveryEngine {
  admins(): Promise<string[]>;
  approverUnreachable(requestId: string, approverId: string): Promise<void>;
  deliveryFailed(requestId: string, recipientId: string, detail: string): Promise<void>;
}

export interface DeliveriesOptions {
  store: DurableStore;
  worker: Worker;
  clock: Clock;
  engine: DeliveryEngine;
  /** The chat channels; each person is reached on the one they last spoke to the bot on. */
  channels: () => readonly MessagingChannel[];
  presence: Presence;
  /** Others who hear every event (tests record them). */
  observers?: () => readonly Notifier[];
  logger?: Logger;
  metrics?: Metrics;
  retry?: RetryPolicy;
  random?: () => number;
}

interface DeliverPayload {
  message: OutboundMessage;
  /** When the message was first owed (epoch ms): the retry policy gives up 24 h after it. */
  queuedAt: number;
}

/**
 * Every message owed to a person as a durable job (SPEC section 4):
 * - the `deliveryOutbox` plans each event's jobs with the change that raised it: one `deliver`
 *   job per message the notification policy asks for, and one `update_copies` job;
 * - a `deliver` job sends one message on the recipient's channel, in order per request and
 *   recipient; a passing failure (Teams or Slack down, throttled) is retried with backoff
 *   through outages of up to 24 h, honouring Retry-After; a person who cannot be reached at all
 *   is reported to the engine, which finds someone who can act (the next approver, the admins);
 * - an `update_copies` job re-renders every copy of the request's cards on every channel.
 * At least once: after a crash a person may see an update twice, never lose one.
 */
export function registerDeliveries(options: DeliveriesOptions): void {
  const { store, worker, clock, engine } = options;
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics ?? noopMetrics;
  const policy = options.retry ?? DELIVERY_RETRY;

  /** Tells the observers of a job's event; returns the event. */
  async function observe(job: Job): Promise<EngineEvent> {
    const event = toEngineEvent(job.payload as NotifyPayload);
    for (const observer of options.observers?.() ?? []) await observer.notify(event, { eventId: job.id });
    return event;
  }

  worker.handle(OBSERVE_JOB, async (job) => {
    await observe(job);
  }, { timeoutMs: DELIVERY_TIMEOUT_MS });

  // An event committed without this outbox (by a version before it, still stored after an
  // upgrade): plan its deliveries now, as that version did.
  worker.handle(NOTIFY_JOB, async (job) => {
    const event = await observe(job);
    await store.commit({ schedule: plan(event, job.id, await engine.admins(), clock.now()) });
    worker.wake();
  }, { timeoutMs: DELIVERY_TIMEOUT_MS });

  worker.handle(DELIVER_JOB, async (job) => (options.channels().length ? deliver(job) : undefined), { timeoutMs: DELIVERY_TIMEOUT_MS });

  worker.handle(UPDATE_COPIES_JOB, async (job): Promise<JobOutcome> => {
    const { request, queuedAt } = job.payload as { request: PermissionRequest; queuedAt: number };
    for (const channel of options.channels()) {
      try {
        await channel.updateCopies(request);
      } catch (error) {
        const outcome = failed(job, error, queuedAt, channel.name as MetricsChannel);
        if (outcome) return outcome;
        logger.warn({ requestId: request.id, channel: channel.name, err: describe(error) }, 'card copies not updated');
      }
    }
  }, { timeoutMs: DELIVERY_TIMEOUT_MS });

  async function deliver(job: Job): Promise<JobOutcome> {
    const { message, queuedAt } = job.payload as DeliverPayload;
    let channel: MessagingChannel;
    try {
      channel = await channelFor(message.recipientId);
      await channel.send(message);
      return;
    } catch (error) {
      const name = channelName(error);
      if (!isBotError(error, 'recipient_unreachable')) {
        const outcome = failed(job, error, queuedAt, name);
        if (outcome) return outcome;
      } else {
        metrics.deliveryFailure(name, 'unreachable');
      }
      logger.warn({ requestId: message.request.id, recipientId: message.recipientId, event: message.notice.event, err: describe(error) }, 'message not delivered');
      await engine.deliveryFailed(message.request.id, message.recipientId, `${message.notice.event}: ${describe(error)}`);
      const approvalCard = message.role === 'approver';
      if (approvalCard && isBotError(error, 'recipient_unreachable')) await engine.approverUnreachable(message.request.id, message.recipientId);
    }
  }

  /** A retry when the failure may pass and the 24 h are not up; undefined when it is final. */
  function failed(job: Job, error: unknown, firstAt: number, channel: MetricsChannel): JobOutcome | undefined {
    const nextAt = clock.now() + retryDelay(job.attempts + 1, error, policy, options.random);
    if (!shouldRetry(error, nextAt, firstAt, policy)) {
      metrics.deliveryFailure(channel, 'gave_up');
      return undefined;
    }
    metrics.deliveryFailure(channel, isBotError(error) && error.retryAfterMs !== undefined ? 'throttled' : 'unavailable');
    return { retryAt: nextAt, error: describe(error) };
  }

  /** The channel where the person last spoke to the bot; else one that can open a chat with anyone. */
  async function channelFor(userId: string): Promise<MessagingChannel> {
    const channels = options.channels();
    const last = await options.presence.lastChannel(userId);
    const spokenOn = channels.find((c) => c.name === last);
    if (spokenOn) return spokenOn;
    let best: MessagingChannel | undefined;
    let bestSeen = Number.NEGATIVE_INFINITY;
    for (const channel of channels) {
      const seen = await channel.lastSeen(userId);
      if (seen !== undefined && seen > bestSeen) {
        best = channel;
        bestSeen = seen;
      }
    }
    best ??= channels.find((c) => c.opensChats);
    if (!best) throw new BotError('recipient_unreachable', 'No channel can reach this person', { details: { userId, reason: 'no_channel' } });
    return best;
  }
}

/** The deliver jobs and the update job one event asks for. Ids are stable, so a re-run of the notify job schedules the same jobs. */
function plan(event: EngineEvent, eventId: string, admins: string[], now: number): JobSpec[] {
  const { messages, updateCopies } = planNotifications(event, admins);
  const requestId = event.request.id;
  const jobs: JobSpec[] = messages.map((m) => {
    const message: OutboundMessage = { id: `${eventId}:${m.recipientId}:${m.role}`, request: event.request, ...m };
    const payload: DeliverPayload = { message, queuedAt: now };
    return { id: `${message.id}:deliver`, kind: DELIVER_JOB, dueAt: now, orderKey: `to:${requestId}:${m.recipientId}`, payload };
  });
  if (updateCopies) jobs.push({ id: `${eventId}:copies`, kind: UPDATE_COPIES_JOB, dueAt: now, orderKey: `copies:${requestId}`, payload: { request: event.request, queuedAt: now } });
  return jobs;
}

function channelName(error: unknown): MetricsChannel {
  const channel = isBotError(error) ? error.details.channel : undefined;
  return channel === 'slack' ? 'slack' : 'teams';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
