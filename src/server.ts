import { pino, type Logger } from 'pino';
import { stdoutLog } from './observability/stdout-log.js';
import restify from 'restify';
import type { Config } from './config.js';
import { BotError } from './domain/errors.js';
import { InFlightRequests } from './http/in-flight.js';
import { listen } from './http/listen.js';
import { metricsRoute } from './http/metrics.js';
import { logOversizedBodies } from './http/oversized-body.js';
import { Readiness, readyzRoute } from './http/readyz.js';
import { shutdownGate } from './http/shutdown-gate.js';
import { TurnCounter } from './http/turn-metrics.js';
import type { PrometheusMetrics } from './observability/prometheus.js';

/**
 * A chat channel's HTTP side, as the server sees it: it adds its routes and says whether it
 * authenticates its callers. The server knows no channel beyond this (Teams: `src/channels/teams/mount.ts`).
 */
export interface ChannelMount {
  /** `teams`, `slack`: for logs. */
  readonly name: string;
  /** Whether the channel checks who calls it (credentials configured); with none that does, the server stays on loopback. */
  readonly authenticated: boolean;
  /** Adds the channel's routes (Teams: `POST /api/messages`). Called once, before listening. */
  mount(server: restify.Server): void;
  /** Releases what the channel holds (called after the server stopped listening). */
  close(): Promise<void>;
}

export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return pino({ level: config.LOG_LEVEL, base: { service: 'mailbox-delegation-bot' } }, stdoutLog());
}

export interface ServerOptions {
  channels: ChannelMount[];
  logger: Logger;
  port: number;
  /** Defaults to 127.0.0.1 when no channel authenticates its callers, 0.0.0.0 otherwise. */
  host?: string;
  /** Largest accepted request body. */
  maxBodyBytes?: number;
  /** `GET /readyz` and the 503 for new work once shutdown began. */
  /** `/readyz` and the shutdown gate; without it the server counts as ready while it runs (tests of one channel). */
  readiness?: Readiness;
  /** `GET /metrics` and the turn counters; without it neither is served. */
  metrics?: PrometheusMetrics;
}

export interface RunningServer {
  port: number;
  host: string;
  /** Waits for the requests being answered, then closes the listener. Turn readiness off first so no new work comes in. */
  close(): Promise<void>;
}

/**
 * restify 11 with `GET /healthz`, `GET /readyz`, `GET /metrics` and every channel's routes.
 * Malformed JSON gets 400, a body over `maxBodyBytes` 413 (logged at warn); once shutdown began, new work gets 503 (`shutdownGate`).
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { channels, logger } = options;
  const authenticated = channels.some((c) => c.authenticated);
  const open = channels.filter((c) => !c.authenticated);
  // `[::1]`, as URLs write an IPv6 address, is `::1` to the socket.
  const host = options.host?.trim().replace(/^\[(.*)\]$/, '$1') || (open.length === 0 && authenticated ? '0.0.0.0' : '127.0.0.1');
  // An endpoint that checks no one's identity may only be reached from this machine: anyone who
  // could reach it from the network could speak as any user, approvals included.
  if (open.length > 0 && !isLoopback(host)) {
    throw new BotError('config_invalid', `HOST: ${host} would serve ${open.map((c) => c.name).join(', ')} without authentication to the network; set its credentials (MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppTenantId) or leave HOST unset to listen on loopback only`, {
      details: { variable: 'HOST', host, unauthenticated: open.map((c) => c.name) },
    });
  }
  const server = restify.createServer({ name: 'mailbox-delegation-bot', handleUncaughtExceptions: false });
  const inFlight = new InFlightRequests(server.server);
  const readiness = options.readiness ?? new Readiness(async () => undefined);
  server.pre(shutdownGate(readiness));
  const maxBodyBytes = options.maxBodyBytes ?? 1_048_576;
  server.use(restify.plugins.bodyParser({ maxBodySize: maxBodyBytes, mapParams: false, rejectUnknown: true }));
  logOversizedBodies(server, logger, maxBodyBytes);
  server.on('after', (req: restify.Request, res: restify.Response) => {
    logger.info({ method: req.method, path: req.getPath(), status: res.statusCode, ms: Date.now() - req.time() }, 'http');
  });

  if (options.metrics) server.on('after', new TurnCounter(options.metrics).after);

  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  server.get('/readyz', readyzRoute(readiness));
  if (options.metrics) server.get('/metrics', metricsRoute(options.metrics));
  for (const channel of channels) channel.mount(server);

  const port = await listen(server, options.port, host, 'PORT');
  if (open.length > 0) {
    logger.warn({ host, port }, 'no channel credentials (MicrosoftAppId): authentication is off, listening on loopback only');
  }
  logger.info({ host, port, authenticated, channels: channels.map((c) => c.name) }, 'listening');
  return {
    port,
    host,
    // Running requests finish first; then the listener closes (Node also closes idle keep-alive connections).
    async close() {
      await inFlight.idle();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const channel of channels) await channel.close();
    },
  };
}

/**
 * Whether `host` is a loopback address: `localhost`, 127.0.0.0/8 or `::1` (also as `[::1]` and the
 * IPv4-mapped `::ffff:127.x.x.x`). `0.0.0.0`, `::` and every other address are reachable from elsewhere.
 */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(h);
}
