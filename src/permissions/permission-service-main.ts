import 'dotenv/config';
import { stdoutLog } from '../observability/stdout-log.js';
import pino from 'pino';
import { loadConfig, type Config } from '../config.js';
import { createPermissionService, loadDirectory } from '../app.js';
import { systemClock } from '../domain/clock.js';
import { BotError } from '../domain/errors.js';
import { runProcess } from '../run-process.js';
import { openStore } from '../store/index.js';
import { storeTenantMismatch } from '../store-tenant.js';
import { startPermissionServiceServer } from './http-server.js';
import type { PermissionService } from './permission-service.js';

/** The backend the shared service fronts: Exchange Online, or the simulated service on the configured store. */
async function backend(config: Config): Promise<{ service: PermissionService; close(): Promise<void> }> {
  if (config.PERMISSION_SERVICE.kind === 'remote') {
    throw new BotError('config_invalid', 'PERMISSION_SERVICE is a URL: the permission service needs a real backend (exchange or simulated), not another service');
  }
  const directory = await loadDirectory(config);
  const store = await openStore(config.STORE);
  const mismatch = await storeTenantMismatch(store, directory, 'bind', systemClock.now());
  if (mismatch) pino({ level: config.LOG_LEVEL }, stdoutLog()).error({ code: mismatch.code, ...mismatch.details }, mismatch.message);
  return { service: createPermissionService(config, { store, directory, clock: systemClock }), close: () => store.close() };
}

// `npm run permission-service`
runProcess(async () => {
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL }, stdoutLog());
  const { service, close } = await backend(config);
  const server = await startPermissionServiceServer(config, service, logger);
  return {
    async stop() {
      await server.close();
      await close();
    },
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT,
    logger,
  };
});
