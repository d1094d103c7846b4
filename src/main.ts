import 'dotenv/config';
import { launchTeamsBot } from './channels/teams/launch.js';
import { loadConfig } from './config.js';
import { isBotError } from './domain/errors.js';
import { understand } from './language/understand.js';

// Entry point of `npm start`: configuration, directory and store are loaded before listening.
async function main(): Promise<void> {
  const config = loadConfig();
  const running = await launchTeamsBot(config, understand);
  running.app.logger.info({ port: running.port, host: running.server.host, tenant: running.app.directory.tenantDomain }, 'bot ready');
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  // A bad configuration stops the start with a message that names the variable.
  console.error(isBotError(error) ? `${error.code}: ${error.message}` : error);
  process.exit(1);
});
