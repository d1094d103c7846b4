import pino from 'pino';
import type { Config } from './config.js';
import type { Directory } from './directory/directory.js';
import { loadDirectoryFile } from './directory/file-directory.js';
import { systemClock, type Clock } from './domain/clock.js';
import { RequestEngine } from './domain/engine.js';
import { createGraphDirectory } from './directory/graph-directory.js';
import type { Logger } from './domain/logger.js';
import type { EngineEvent, Notifier } from './domain/notifier.js';
import type { PermissionService } from './permissions/permission-service.js';
import { createExchangePermissionService } from './permissions/exchange.js';
import { createRemotePermissionService } from './permissions/remote.js';
import { SimulatedPermissionService } from './permissions/simulated.js';
import { Scheduler } from './scheduler/scheduler.js';
import { openStore } from './store/index.js';
import type { VersionedStore } from './store/versioned-store.js';

/** Forwards engine events to whichever channel notifier is attached (the channel is built after the core). */
export class NotifierSlot implements Notifier {
  private targets: Notifier[] = [];
  attach(notifier: Notifier): void {
    this.targets.push(notifier);
  }
  async notify(event: EngineEvent): Promise<void> {
    for (const target of this.targets) await target.notify(event);
  }
}

export interface App {
  config: Config;
  logger: Logger & pino.Logger;
  clock: Clock;
  directory: Directory;
  store: VersionedStore;
  permissions: PermissionService;
  scheduler: Scheduler;
  engine: RequestEngine;
  notifiers: NotifierSlot;
  /** Starts the timer loop and delivers what a previous run left undelivered. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface AppOverrides {
  clock?: Clock;
  logger?: pino.Logger;
  directory?: Directory;
  permissions?: PermissionService;
  store?: VersionedStore;
  sleep?: (ms: number) => Promise<void>;
}

/** The directory named by DIRECTORY. */
export async function loadDirectory(config: Config): Promise<Directory> {
  if (config.DIRECTORY.kind === 'file') return loadDirectoryFile(config.DIRECTORY.path);
  return createGraphDirectory(config);
}

/** The permission service named by PERMISSION_SERVICE. */
export function createPermissionService(
  config: Config,
  deps: { store: VersionedStore; directory: Directory; clock: Clock },
): PermissionService {
  switch (config.PERMISSION_SERVICE.kind) {
    case 'simulated':
      return new SimulatedPermissionService({ ...deps, visibilityDelayMs: config.SIMULATED_VISIBILITY_DELAY });
    case 'exchange':
      return createExchangePermissionService(config, { clock: deps.clock });
    case 'remote':
      return createRemotePermissionService(config);
  }
}

/** Builds the channel-neutral core from the configuration: directory, store, permission service, engine, timers. */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = (overrides.logger ?? pino({ level: config.LOG_LEVEL })) as App['logger'];
  const clock = overrides.clock ?? systemClock;
  const directory = overrides.directory ?? (await loadDirectory(config));
  const store = overrides.store ?? (await openStore(config.STORE, (message, error) => logger.warn({ err: error?.message }, message)));
  const permissions = overrides.permissions ?? createPermissionService(config, { store, directory, clock });
  const scheduler = new Scheduler({ store, clock, logger });
  const notifiers = new NotifierSlot();
  const engine = new RequestEngine({
    store,
    directory,
    permissions,
    clock,
    notifier: notifiers,
    scheduler,
    logger,
    propagationWindowMs: config.PROPAGATION_WINDOW,
    requestExpiryMs: config.REQUEST_EXPIRY,
    approverReminderMs: config.APPROVER_REMINDER,
    ...(config.BOT_ADMINS ? { admins: config.BOT_ADMINS } : {}),
    groupMembershipPolicy: config.GROUP_MEMBERSHIP_POLICY,
  });
  return {
    config,
    logger,
    clock,
    directory,
    store,
    permissions,
    scheduler,
    engine,
    notifiers,
    async start() {
      await engine.recover();
      scheduler.start();
    },
    async close() {
      await scheduler.stop();
      await engine.idle().catch(() => undefined);
      await store.close();
    },
  };
}
