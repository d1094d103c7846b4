import type { Next, Request, Response } from 'restify';
import type { Readiness } from './readyz.js';

/** What an orchestrator and a scraper still need while the process drains. */
const ALWAYS_ANSWERED = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Once shutdown began, new work (an activity, a Slack event) arriving on a connection that is
 * still open gets 503 with `Retry-After` and `Connection: close`: the Bot Framework and Slack
 * deliver it again, to an instance that is ready. Requests already running are not affected.
 */
export function shutdownGate(readiness: Readiness) {
  return (req: Request, res: Response, next: Next): void => {
    if (!readiness.shuttingDown || ALWAYS_ANSWERED.has(req.getPath())) return next();
    res.header('connection', 'close');
    res.header('retry-after', '5');
    res.send(503, { error: 'shutting_down', message: 'This instance is shutting down; try again.' });
    return next(false);
  };
}
