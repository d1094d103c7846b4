import { isBotError } from './domain/errors.js';

/**
 * Runs a long-lived process (`npm start`, `npm run permission-service`): `start` returns how to
 * stop. SIGINT/SIGTERM stop it once; a failed start (a bad configuration, a directory file that
 * breaks the format) prints the coded message, which names the variable or entry, and exits 1.
 */
export function runProcess(start: () => Promise<() => Promise<void>>): void {
  start()
    .then((stop) => {
      let stopping = false;
      const shutdown = async () => {
        if (stopping) return;
        stopping = true;
        await stop();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    })
    .catch((error: unknown) => {
      console.error(isBotError(error) ? `${error.code}: ${error.message}` : error);
      process.exit(1);
    });
}
