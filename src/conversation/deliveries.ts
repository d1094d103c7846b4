import type { Clock } from '../domain/clock.js';
import { BotError, isBotError } from '../domain/errors.js';
import { silentLogger, type Logger } from '../domain/logger.js';
import { noopMetrics, type Metrics, type MetricsChannel } from '../domain/metrics.js';
import { NOTIFY_JOB, notifyJob, type EventOutbox, type NotifyPayload } from '../domain/event-outbox.js';
import type { EngineEvent, Notifier } from '../domain/notifier.js';
import { toEngineEvent } from '../domain/request-repository.js';
import type { PermissionRequest } from '../domain/request.js';
import { DELIVERY_RETRY, retryDelay, retryReason, shouldRetry, type RetryPolicy } from '../domain/retry-policy.js';
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
  /** The request as it is now: an approval card is rendered from it when it is finally sent. */
  get(requestId: string): Promise<PermissionRequest | undefined>;
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

interface UpdateCopiesPayload {
  /** The request as the event left it. */
  request: PermissionRequest;
  queuedAt: number;
  /** Render the request as it is when the job runs, not as `request` (a catch-up after a late approval card). */
  current?: boolean;
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
 * - an `update_copies` job re-renders every copy of the request's cards on every channel;
 * - an approval card asks for a decision, so it is rendered from the request as it is when it is
 *   sent (after an outage that may be hours after it was owed), and not sent at all once the
 *   request is no longer pending: the approver never saw it, there is nothing left to decide, and
 *   the requester already knows. A card sent while the request changed (its copy kept after the
 *   change's own `update_copies` job looked for copies) is caught up by one more such job.
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
    const { request: queued, queuedAt, current } = job.payload as UpdateCopiesPayload;
    // A catch-up after a late approval card: the request as it is now, so it never undoes a later job's rendering.
    const request = current ? ((await engine.get(queued.id)) ?? queued) : queued;
    for (const channel of options.channels()) {
      try {
        await channel.updateCopies(request);
      } catch (error) {
        const outcome = failed(job, error, queuedAt, metricsChannel(channel.name), { requestId: request.id });
        if (outcome) return outcome;
        logger.warn({ requestId: request.id, channel: channel.name, err: describe(error) }, 'card copies not updated');
      }
    }
  }, { timeoutMs: DELIVERY_TIMEOUT_MS });

  async function deliver(job: Job): Promise<JobOutcome> {
    const { message: owed, queuedAt } = job.payload as DeliverPayload;
    // Throws when the request cannot be read: the worker tries again (sending a card that may be stale would not be better).
    const message = owed.role === 'approver' ? await stillToDecide(owed) : owed;
    if (!message) return;
    let channel: MessagingChannel | undefined;
    try {
      channel = await channelFor(message.recipientId);
      await channel.send(message);
    } catch (error) {
      // The channel this delivery used, never one guessed from the error: a Slack-only bot's
      // failures must not be counted as Teams'. With no channel chosen (none can reach the
      // person), the first configured one stands for "this bot's chat".
      const name = metricsChannel(channel?.name ?? options.channels()[0]?.name);
      if (!isBotError(error, 'recipient_unreachable')) {
        const outcome = failed(job, error, queuedAt, name, { requestId: message.request.id, recipientId: message.recipientId, event: message.notice.event });
        if (outcome) return outcome;
      } else {
        metrics.deliveryFailure(name, 'unreachable');
      }
      logger.warn({ jobId: job.id, channel: name, requestId: message.request.id, recipientId: message.recipientId, event: message.notice.event, err: describe(error) }, 'message not delivered');
      await engine.deliveryFailed(message.request.id, message.recipientId, `${message.notice.event}: ${describe(error)}`);
      const approvalCard = message.role === 'approver';
      if (approvalCard && isBotError(error, 'recipient_unreachable')) await engine.approverUnreachable(message.request.id, message.recipientId);
      return;
    }
    if (message.role === 'approver') await catchUp(message, job.id);
  }

  /**
   * An owed approval card with the request as it is now; undefined when it is no longer pending, or
   * the recipient is no longer one of its approvers: nothing to send (the requester was told what
   * happened; the approver, who never saw the card, has nothing to decide).
   */
  async function stillToDecide(message: OutboundMessage): Promise<OutboundMessage | undefined> {
    const request = await engine.get(message.request.id);
    if (request?.state === 'pending' && request.approverIds.includes(message.recipientId)) return { ...message, request };
    logger.info({ requestId: message.request.id, recipientId: message.recipientId, state: request?.state ?? 'gone' }, 'approval card not sent: the request is no longer pending');
    return undefined;
  }

  /**
   * After an approval card is sent and its copy kept: when the request changed since the card was
   * rendered (a cancel, a decision by another approver, an expiry), that change's `update_copies`
   * job may have looked for copies before this one was kept. One more such job, reading the request
   * when it runs, brings every copy up to date. Never throws: the card is sent, and the job must not
   * send it again; a failure here is logged.
   */
  async function catchUp(sent: OutboundMessage, jobId: string): Promise<void> {
    try {
      const request = await engine.get(sent.request.id);
      if (!request || request.version === sent.request.version) return;
      const now = clock.now();
      const payload: UpdateCopiesPayload = { request, queuedAt: now, current: true };
      await store.commit({ schedule: [{ id: `${jobId}:catch-up`, kind: UPDATE_COPIES_JOB, dueAt: now, orderKey: `copies:${request.id}`, payload }] });
      worker.wake();
    } catch (error) {
      logger.error({ requestId: sent.request.id, recipientId: sent.recipientId, err: describe(error) }, 'approval card sent while its request changed, and its update could not be scheduled; it may show the request as it was');
    }
  }

  /**
   * A retry when the failure may pass and the 24 h are not up; undefined when it is final.
   * Each retried failure is counted and logged once (one warning per job per attempt: the
   * backoff grows to 15 min, so an outage cannot flood the log), so an operator sees an outage
   * as it happens rather than only the final "not delivered" a day later.
   */
  function failed(job: Job, error: unknown, firstAt: number, channel: MetricsChannel, about: Record<string, unknown>): JobOutcome | undefined {
    const attempt = job.attempts + 1;
    const nextAt = clock.now() + retryDelay(attempt, error, policy, options.random);
    if (!shouldRetry(error, nextAt, firstAt, policy)) {
      metrics.deliveryFailure(channel, 'gave_up');
      return undefined;
    }
    const reason = retryReason(error);
    metrics.deliveryFailure(channel, reason);
    logger.warn(
      { jobId: job.id, kind: job.kind, channel, reason, code: isBotError(error) ? error.code : undefined, attempt, nextTryAt: new Date(nextAt).toISOString(), ...about, err: describe(error) },
      'delivery failed; will retry',
    );
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
  if (updateCopies) {
    const payload: UpdateCopiesPayload = { request: event.request, queuedAt: now };
    jobs.push({ id: `${eventId}:copies`, kind: UPDATE_COPIES_JOB, dueAt: now, orderKey: `copies:${requestId}`, payload });
  }
  return jobs;
}

/** A channel's name as the metrics' channel label (`MessagingChannel.name` is 'teams' or 'slack'). */
function metricsChannel(name: string | undefined): MetricsChannel {
  return name === 'slack' ? 'slack' : 'teams';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
