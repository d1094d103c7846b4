import 'dotenv/config';
import { loadConfig } from './config.js';
import { understand } from './language/understand.js';
import { launchBot } from './launch.js';
import { runProcess } from './run-process.js';

// Entry point of `npm start`: configuration, directory and store are loaded before listening.
runProcess(async () => {
  const config = loadConfig();
  const running = await launchBot(config, understand);
  running.app.logger.info({ port: running.port, host: running.server.host, tenant: running.app.directory.tenantDomain }, 'bot ready');
  return { stop: () => running.close(), shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT, logger: running.app.logger };
});
