import { isBotError } from './domain/errors.js';
import type { Logger } from './domain/logger.js';

/** A started long-lived process, and how to stop it. */
export interface Running {
  /** Stops gracefully: stop taking work, finish or hand back what runs, release resources. */
  stop(): Promise<void>;
  /** How long `stop` may take before the process exits anyway (SHUTDOWN_TIMEOUT), in ms. */
  shutdownTimeoutMs: number;
  /** The process's log; `flush` (pino's) writes out what it holds, calling back when done or failed. */
  logger: Logger & { flush?: (done: (error?: Error) => void) => void };
}

/** How long exiting waits for the log to be written out (ms) before it exits all the same. */
const LOG_FLUSH_MS = 2_000;

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
      // pino writes stdout asynchronously and flushes what it still holds synchronously on exit;
      // that synchronous flush (sonic-boom's flushSync) retries a write to a closed pipe (EPIPE:
      // logs piped to `head`, or to a log shipper that died) forever, so `process.exit` would never
      // return. An asynchronous flush first meets the EPIPE as an error event, which pino takes as
      // "stdout is gone" and stops writing; then exiting finds nothing left to flush.
      const exit = (code: number) => {
        process.exitCode = code;
        const now = () => process.exit(code);
        setTimeout(now, LOG_FLUSH_MS);
        try {
          if (logger.flush) logger.flush(() => now());
          else now();
        } catch {
          now();
        }
      };
      const shutdown = (signal: NodeJS.Signals) => {
        if (stopping) return logger.info({ signal }, 'already shutting down');
        stopping = true;
        // Armed before anything else, and never cleared: whatever happens after (a log that cannot
        // be written, a stop that hangs), the process ends by the deadline.
        setTimeout(() => {
          logger.error({ timeoutMs: shutdownTimeoutMs }, 'shutdown deadline passed: exiting with work still running (it is taken over once its lease lapses)');
          exit(1);
        }, shutdownTimeoutMs);
        logger.info({ signal, timeoutMs: shutdownTimeoutMs }, 'shutting down');
        stop().then(
          () => {
            logger.info({}, 'stopped');
            exit(0);
          },
          (error: unknown) => {
            logger.error({ err: error instanceof Error ? error.message : String(error) }, 'shutdown failed');
            exit(1);
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
