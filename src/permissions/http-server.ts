import { createHash, timingSafeEqual } from 'node:crypto';
import restify, { type Request, type Response, type Server } from 'restify';
import { listen } from '../http/listen.js';
import type { Config } from '../config.js';
import { BotError, isBotError } from '../domain/errors.js';
import { silentLogger, type Logger } from '../domain/logger.js';
import {
  API_PREFIX,
  checkBody,
  delegatesBody,
  grantBody,
  holdingsBody,
  parseBody,
  revokeBody,
  STATUS_BY_CODE,
  type ErrorBody,
} from './http-protocol.js';
import type { PermissionService } from './permission-service.js';

export type ServerLogger = Pick<Logger, 'info' | 'warn' | 'error'>;
const silent: ServerLogger = silentLogger;

export interface PermissionServiceServer {
  /** e.g. `http://127.0.0.1:3980` */
  url: string;
  server: Server;
  close(): Promise<void>;
}

export const MIN_TOKEN_LENGTH = 16;

/** Constant-time bearer check: both sides hashed first so lengths leak nothing either. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer ([^\s]+)$/.exec(header ?? '');
  const given = createHash('sha256').update(match?.[1] ?? '').digest();
  const wanted = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, wanted) && match !== null;
}

function errorBody(error: BotError): ErrorBody {
  return { error: { code: error.code, message: error.message, details: error.details } };
}

/**
 * `npm run permission-service`: the PermissionService operations over HTTP (JSON), for several bots
 * and scripts sharing one Exchange connection budget. Bearer token from PERMISSION_SERVICE_TOKEN;
 * binds 127.0.0.1 unless HOST says otherwise.
 */
export async function startPermissionServiceServer(config: Config, service: PermissionService, logger: ServerLogger = silent): Promise<PermissionServiceServer> {
  const token = config.PERMISSION_SERVICE_TOKEN;
  if (!token || token.length < MIN_TOKEN_LENGTH) {
    throw new BotError('config_invalid', `PERMISSION_SERVICE_TOKEN must be set (at least ${MIN_TOKEN_LENGTH} characters) to run the permission service`);
  }
  if (config.PERMISSION_SERVICE.kind === 'remote') {
    throw new BotError('config_invalid', 'PERMISSION_SERVICE is a URL: the permission service needs a real backend (exchange or simulated), not another service');
  }

  const server = restify.createServer({ name: 'permission-service', handleUncaughtExceptions: false });
  const send = (res: Response, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.header('content-type', 'application/json; charset=utf-8');
    for (const [name, value] of Object.entries(headers)) res.header(name, value);
    res.send(status, body);
  };
  const fail = (res: Response, error: BotError) => {
    const status = STATUS_BY_CODE[error.code] ?? 500;
    const retryAfterMs = error.details.retryAfterMs;
    send(res, status, errorBody(error), typeof retryAfterMs === 'number' ? { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) } : {});
  };

  // Authentication before the body is even read.
  server.pre((req: Request, res: Response, next: restify.Next) => {
    if (req.method === 'GET' && req.getPath() === '/healthz') return next();
    if (!bearerMatches(req.header('authorization'), token)) {
      logger.warn({ path: req.getPath(), remote: req.socket.remoteAddress }, 'permission service: refused an unauthenticated request');
      send(res, 401, { error: { code: 'unauthorized', message: 'A valid bearer token is required' } }, { 'www-authenticate': 'Bearer' });
      return next(false);
    }
    return next();
  });
  server.use(restify.plugins.bodyParser({ maxBodySize: 1024 * 1024, mapParams: false, rejectUnknown: true }));
  // restify's own errors (bad JSON, too large, wrong content type) in our error shape.
  server.on('restifyError', (_req: Request, _res: Response, err: Error & { statusCode?: number; toJSON?: () => unknown }, callback: () => void) => {
    const status = err.statusCode ?? 500;
    const code = status === 404 || status === 405 ? 'not_found' : status < 500 ? 'invalid_request' : 'permission_service_unavailable';
    const message = status === 415 ? `Send JSON (content-type: application/json), not ${err.message}` : status < 500 ? err.message : 'Internal error';
    const body = { error: { code, message } };
    err.toJSON = () => body;
    return callback();
  });

  const route = <T>(path: string, parse: (body: unknown) => T, run: (input: T) => Promise<unknown>) => {
    server.post(`${API_PREFIX}${path}`, async (req: Request, res: Response) => {
      const started = Date.now();
      try {
        const body: unknown = req.body ?? {};
        const result = await run(parse(body));
        send(res, 200, result);
        logger.info({ op: path, ms: Date.now() - started }, 'permission service call');
      } catch (error) {
        const botError = isBotError(error) ? error : new BotError('permission_service_unavailable', 'Internal error', { cause: error });
        if (!isBotError(error)) logger.error({ op: path, err: error }, 'permission service: unexpected error');
        else logger.warn({ op: path, code: botError.code, ms: Date.now() - started }, botError.message);
        fail(res, botError);
      }
    });
  };

  route('/grant', (b) => parseBody(grantBody, b), ({ target, trustee, right, options }) => service.grant(target, trustee, right, options));
  route('/revoke', (b) => parseBody(revokeBody, b), ({ target, trustee, right }) => service.revoke(target, trustee, right));
  route('/check', (b) => parseBody(checkBody, b), async ({ target, trustee, right }) => ({ held: await service.check(target, trustee, right) }));
  route('/delegates', (b) => parseBody(delegatesBody, b), async ({ target, right }) => ({ delegations: await service.listDelegates(target, right) }));
  route('/holdings', (b) => parseBody(holdingsBody, b), async ({ trustee, candidates }) => ({ delegations: await service.listHoldings(trustee, candidates) }));
  server.get('/healthz', async (_req: Request, res: Response) => send(res, 200, { status: 'ok' }));

  const host = config.HOST ?? '127.0.0.1';
  const port = await listen(server, config.PERMISSION_SERVICE_PORT, host, 'PERMISSION_SERVICE_PORT');
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url, backend: config.PERMISSION_SERVICE.kind }, 'permission service listening');
  return {
    url,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
