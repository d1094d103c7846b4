import pino from 'pino';

/**
 * The processes' log destination: standard output, written synchronously (pino's
 * `destination({ sync: true })`), one JSON line per entry.
 *
 * Why not pino's default (asynchronous writes, flushed synchronously on exit): when whatever reads
 * the log has gone (`npm start | head`, a log shipper that died), that exit-time flush (sonic-boom's
 * `flushSync`) retries the write to the closed pipe forever, so SIGTERM never ends the process. A
 * synchronous write meets the EPIPE at once, and pino then stops writing (its broken-pipe filter);
 * the process goes on, and stops when told. A log line costs one `write` on the event loop.
 */
export function stdoutLog(): pino.DestinationStream {
  return pino.destination({ dest: 1, sync: true });
}
