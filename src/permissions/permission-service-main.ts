import 'dotenv/config';
import pino from 'pino';
import { loadConfig, type Config } from '../config.js';
import type { Directory } from '../directory/directory.js';
import { loadDirectoryFile } from '../directory/file-directory.js';
import { createGraphDirectory } from '../directory/graph-directory.js';
import { systemClock } from '../domain/clock.js';
import { BotError, isBotError } from '../domain/errors.js';
import { openStore } from '../store/index.js';
import { createExchangePermissionService } from './exchange.js';
import { startPermissionServiceServer } from './http-server.js';
import type { PermissionService } from './permission-service.js';
import { SimulatedPermissionService } from './simulated.js';

/** The backend the shared service fronts: Exchange Online, or the simulated service on the configured store. */
async function backend(config: Config): Promise<{ service: PermissionService; close(): Promise<void> }> {
  const kind = config.PERMISSION_SERVICE.kind;
  if (kind === 'exchange') return { service: createExchangePermissionService(config), close: async () => {} };
  if (kind === 'simulated') {
    const directory: Directory = config.DIRECTORY.kind === 'file' ? loadDirectoryFile(config.DIRECTORY.path) : createGraphDirectory(config);
    const store = await openStore(config.STORE);
    const service = new SimulatedPermissionService({ store, directory, clock: systemClock, visibilityDelayMs: config.SIMULATED_VISIBILITY_DELAY });
    return { service, close: () => store.close() };
  }
  throw new BotError('config_invalid', 'PERMISSION_SERVICE is a URL: the permission service needs a real backend (exchange or simulated), not another service');
}

// `npm run permission-service`
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL });
  const { service, close } = await backend(config);
  const server = await startPermissionServiceServer(config, service, logger);
  const shutdown = async () => {
    await server.close();
    await close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(isBotError(error) ? `${error.code}: ${error.message}` : error);
  process.exit(1);
});
