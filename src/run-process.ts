import { isBotError } from './domain/errors.js';
import type { Logger } from './domain/logger.js';

/** A started long-lived process, and how to stop it. */
export interface Running {
  /** Stops gracefully: stop taking work, finish or hand back what runs, release resources. */
  stop(): Promise<void>;
  /** How long `stop` may take before the process exits anyway (SHUTDOWN_TIMEOUT), in ms. */
  shutdownTimeoutMs: number;
  /** The process's log, written synchronously (`stdoutLog`): nothing is left to flush at exit. */
  logger: Logger;
}

/**
 * Runs a long-lived process (`npm start`, `npm run permission-service`).
 *
 * - A failed start (a bad configuration, a port in use, a directory file that breaks the format)
 *   prints one line, the coded message naming the variable or entry, and exits 1.
 * - SIGTERM or SIGINT stops it once: `stop()` runs (its first, synchronous step must turn readyz
 *   to 503), then the process exits 0; if `stop()` has not finished within `shutdownTimeoutMs`
 *   it exits 1 with the work still running, whose leases then lapse and another instance takes
 *   it over. Repeated signals are ignored (`npm start` forwards a Ctrl-C the child also gets).
 */
export function runProcess(start: () => Promise<Running>): void {
  start()
    .then(({ stop, shutdownTimeoutMs, logger }) => {
      let stopping = false;
      const shutdown = (signal: NodeJS.Signals) => {
        if (stopping) return logger.info({ signal }, 'already shutting down');
        stopping = true;
        // Armed before anything else, and never cleared: whatever happens after (a log that cannot
        // be written, a stop that hangs), the process ends by the deadline.
        setTimeout(() => {
          logger.error({ timeoutMs: shutdownTimeoutMs }, 'shutdown deadline passed: exiting with work still running (it is taken over once its lease lapses)');
          process.exit(1);
        }, shutdownTimeoutMs);
        logger.info({ signal, timeoutMs: shutdownTimeoutMs }, 'shutting down');
        stop().then(
          () => {
            logger.info({}, 'stopped');
            process.exit(0);
          },
          (error: unknown) => {
            logger.error({ err: error instanceof Error ? error.message : String(error) }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    })
    .catch((error: unknown) => {
      console.error(isBotError(error) ? `${error.code}: ${error.message}` : error);
      process.exit(1);
    });
}
