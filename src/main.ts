import 'dotenv/config';
import restify from 'restify';
import { createApp } from './app.js';
import { hasBotCredentials, loadConfig } from './config.js';
import { isBotError } from './domain/errors.js';

// Entry point of `npm start`: configuration, directory and store are loaded before listening.
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.start();
  const server = restify.createServer({ name: 'mailbox-delegation-bot' });
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  const host = config.HOST ?? (hasBotCredentials(config) ? '0.0.0.0' : '127.0.0.1');
  server.listen(config.PORT, host, () => {
    app.logger.info({ url: server.url, directory: app.directory.tenantDomain }, 'listening');
  });
  const shutdown = async () => {
    server.close();
    await app.close();
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
