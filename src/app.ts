import { stdoutLog } from './observability/stdout-log.js';
import pino from 'pino';
import { checkBotAdmins } from './bot-admins.js';
import { simulatedVisibilityDelay, type Config } from './config.js';
import type { Directory } from './directory/directory.js';
import { loadDirectoryFile } from './directory/file-directory.js';
import { systemClock, type Clock } from './domain/clock.js';
import { RequestEngine } from './domain/engine.js';
import { createGraphDirectory } from './directory/graph-directory.js';
import type { Logger } from './domain/logger.js';
import type { Notifier } from './domain/notifier.js';
import type { PermissionService } from './permissions/permission-service.js';
import { createExchangePermissionService } from './permissions/exchange.js';
import { withCallMetrics } from './permissions/measured.js';
import { createRemotePermissionService } from './permissions/remote.js';
import { SimulatedPermissionService } from './permissions/simulated.js';
import { deliveryOutbox, registerDeliveries } from './conversation/deliveries.js';
import type { MessagingChannel } from './conversation/messaging.js';
import { Presence } from './conversation/presence.js';
import { noopMetrics, type Metrics } from './domain/metrics.js';
import { scheduleHeldBackfill } from './domain/held-backfill.js';
import { scheduleLateCheckBackfill } from './domain/late-check-backfill.js';
import { scheduleTimeboundBackfill } from './domain/timebound-backfill-job.js';
import { Worker } from './scheduler/worker.js';
import { openStore } from './store/index.js';
import { storeTenantMismatch } from './store-tenant.js';
import type { DurableStore } from './store/durable-store.js';

/**
 * Who hears engine events besides the channels' deliveries (tests record them here), and the
 * chat channels deliveries use (each channel is built after the core and attaches itself).
 */
export class NotifierSlot {
  readonly observers: Notifier[] = [];
  readonly channels: MessagingChannel[] = [];
  attach(notifier: Notifier): void {
    this.observers.push(notifier);
  }
  attachChannel(channel: MessagingChannel): void {
    this.channels.push(channel);
  }
}

export interface App {
  config: Config;
  logger: Logger & pino.Logger;
  clock: Clock;
  directory: Directory;
  store: DurableStore;
  permissions: PermissionService;
  worker: Worker;
  engine: RequestEngine;
  notifiers: NotifierSlot;
  presence: Presence;
  /** Operators' counters (`GET /metrics`); `noopMetrics` unless the caller passed one. */
  metrics: Metrics;
  /** A cheap read of the store (`GET /readyz`): resolves when the store answers, rejects or hangs when it does not. */
  probe(): Promise<void>;
  /**
   * Starts running durable work (timers and deliveries); nothing to repair first. On a store no
   * start has seen since req:timebound-target existed, first schedules its one-time backfill (one
   * read, or a few, and one commit: `scheduleTimeboundBackfill`), which then runs as a job; likewise
   * the slow checks of requests told "not visible" before they existed (`scheduleLateCheckBackfill`),
   * and the grants in place left out of req:held / req:group-held (`scheduleHeldBackfill`).
   */
  start(): Promise<void>;
  /** Stops taking work, waits up to `deadlineMs` for running jobs, hands back the rest, closes the store. */
  close(deadlineMs?: number): Promise<void>;
}

export interface AppOverrides {
  clock?: Clock;
  logger?: pino.Logger;
  directory?: Directory;
  permissions?: PermissionService;
  store?: DurableStore;
  /** How outside calls wait between their in-process retries (the Bot Connector's; tests: at once). */
  sleep?: (ms: number) => Promise<void>;
  metrics?: Metrics;
  /** Worker settings (tests: short leases, low concurrency). */
  worker?: { leaseMs?: number; concurrency?: number; pollMs?: number };
  /** Engine settings tests change; `random` is the jitter of every backoff (engine, deliveries, worker). */
  engine?: { callTimeoutMs?: number; random?: () => number };
}

/** The directory named by DIRECTORY. */
export async function loadDirectory(config: Config): Promise<Directory> {
  if (config.DIRECTORY.kind === 'file') return loadDirectoryFile(config.DIRECTORY.path, 'DIRECTORY');
  return createGraphDirectory(config);
}

/** The permission service named by PERMISSION_SERVICE. */
export function createPermissionService(
  config: Config,
  deps: { store: DurableStore; directory: Directory; clock: Clock },
): PermissionService {
  switch (config.PERMISSION_SERVICE.kind) {
    case 'simulated':
      return new SimulatedPermissionService({ ...deps, visibilityDelayMs: simulatedVisibilityDelay(config) });
    case 'exchange':
      return createExchangePermissionService(config, { clock: deps.clock });
    case 'remote':
      return createRemotePermissionService(config);
  }
}

/** Builds the channel-neutral core from the configuration: directory, store, permission service, engine, timers. */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = (overrides.logger ?? pino({ level: config.LOG_LEVEL }, stdoutLog())) as App['logger'];
  const clock = overrides.clock ?? systemClock;
  const directory = overrides.directory ?? (await loadDirectory(config));
  await checkBotAdmins(config.BOT_ADMINS, directory, logger);
  const metrics = overrides.metrics ?? noopMetrics;
  const store =
    overrides.store ??
    (await openStore(config.STORE, {
      warn: (message, error) => logger.warn({ err: error?.message }, message),
      error: (message, error) => logger.error({ err: error?.message }, message),
      info: (message) => logger.info(message),
    }));
  const mismatch = await storeTenantMismatch(store, directory, 'bind', clock.now());
  if (mismatch) logger.error({ code: mismatch.code, ...mismatch.details }, mismatch.message);
  const permissions = withCallMetrics(overrides.permissions ?? createPermissionService(config, { store, directory, clock }), metrics);
  const worker = new Worker({
    queue: store.work,
    clock,
    logger,
    leaseMs: config.WORK_LEASE,
    ...overrides.worker,
    ...(overrides.engine?.random ? { random: overrides.engine.random } : {}),
    onRun: ({ kind, lateMs }) => metrics.timerLateness(kind, lateMs / 1000),
  });
  const notifiers = new NotifierSlot();
  const presence = new Presence(store);
  // The outbox asks the engine for its admins, once the engine exists (only when an event is committed).
  const outbox = deliveryOutbox({ admins: () => engine.admins(), observers: () => notifiers.observers });
  const engine: RequestEngine = new RequestEngine({
    store,
    outbox,
    directory,
    permissions,
    clock,
    worker,
    logger,
    metrics,
    ...overrides.engine,
    propagationWindowMs: config.PROPAGATION_WINDOW,
    requestExpiryMs: config.REQUEST_EXPIRY,
    approverReminderMs: config.APPROVER_REMINDER,
    lateCheckIntervalMs: config.LATE_CHECK_INTERVAL,
    lateCheckUntilMs: config.LATE_CHECK_UNTIL,
    ...(config.BOT_ADMINS ? { admins: config.BOT_ADMINS } : {}),
    groupMembershipPolicy: config.GROUP_MEMBERSHIP_POLICY,
  });
  // Pending durable work at each scrape: one count (an index lookup per backend, never a scan of requests).
  metrics.pendingWork(async () => ({ all: await store.work.size() }));
  registerDeliveries({
    store,
    worker,
    clock,
    engine,
    presence,
    channels: () => notifiers.channels,
    observers: () => notifiers.observers,
    logger,
    metrics,
    ...(overrides.engine?.random ? { random: overrides.engine.random } : {}),
  });
  return {
    config,
    logger,
    clock,
    directory,
    store,
    permissions,
    worker,
    engine,
    notifiers,
    presence,
    metrics,
    async probe() {
      await store.get('meta', 'readiness-probe');
    },
    async start() {
      // Once per store (a marker record): index the time-bound grants an older version left out
      // of req:timebound-target. A durable job, so the start does not wait for it.
      const backfill = await scheduleTimeboundBackfill(store, clock.now());
      if (backfill === 'scheduled') logger.info('req:timebound-target backfill scheduled (runs in the background, once per store)');
      // Likewise: the slow checks of requests an older version told "not visible" and left without a timer.
      const lateChecks = await scheduleLateCheckBackfill(store, clock.now());
      if (lateChecks === 'scheduled') logger.info('late-check backfill scheduled (runs in the background, once per store)');
      // Likewise: the grants in place an older version left out of req:held and req:group-held, which
      // a revoke of the same right (or, on a group, the other send right) would otherwise not end.
      const held = await scheduleHeldBackfill(store, clock.now());
      if (held === 'scheduled') logger.info('req:held backfill scheduled (runs in the background, once per store)');
      worker.start();
    },
    async close(deadlineMs = 10_000) {
      await worker.stop(deadlineMs);
      await store.close();
    },
  };
}
