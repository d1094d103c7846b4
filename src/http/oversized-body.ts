import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';

/** What a request refused for its size is logged with (pino fields). Never the body. */
export interface OversizedBodyFields {
  status: 413;
  reason: 'too_large';
  /** The request's path, without its query, at most 256 characters. */
  path: string;
  /** The `Content-Length` the client declared, in bytes; absent for a chunked body or a header that is no number. */
  contentLength?: number;
  /** The largest body accepted, in bytes. */
  limitBytes: number;
}

/**
 * The log fields for a body over `limitBytes` (bytes), shared by every HTTP edge that refuses one
 * (the server's body parser for `/api/messages`, the Slack receiver for `/slack/events`), so an
 * operator finds both with one query.
 */
export function oversizedBodyFields(req: IncomingMessage, limitBytes: number): OversizedBodyFields {
  const path = (req.url ?? '').split('?')[0]!.slice(0, 256);
  const declared = req.headers['content-length'];
  const contentLength = typeof declared === 'string' && /^\d{1,15}$/.test(declared) ? Number(declared) : undefined;
  return { status: 413, reason: 'too_large', path, ...(contentLength !== undefined ? { contentLength } : {}), limitBytes };
}

/**
 * Logs, at warn, each request restify's body parser refuses with 413 (`PayloadTooLargeError`),
 * which restify answers without logging: without this line an operator sees only the access log's
 * status. `limitBytes` is the parser's `maxBodySize`.
 */
export function logOversizedBodies(server: Server, logger: Logger, limitBytes: number): void {
  server.on('PayloadTooLarge', (req: Request, _res: Response, _err: unknown, done: () => void) => {
    logger.warn(oversizedBodyFields(req, limitBytes), 'request refused: body too large');
    done();
  });
}
