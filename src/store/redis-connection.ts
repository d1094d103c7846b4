import { BotError } from '../domain/errors.js';
import { StoreHealth, type StoreOutageLog } from './store-health.js';

/** A server that does not accept the connection within this fails the attempt (the start, or one reconnect). */
export const CONNECT_TIMEOUT_MS = 5_000;
/**
 * Longest wait for one store call's replies. Every call of the store is a few commands or one
 * short script, answered in milliseconds; one not answered by then is on a connection that went
 * silent (a network cut, a paused server), which TCP alone would notice only after many minutes.
 */
export const COMMAND_TIMEOUT_MS = 5_000;
/**
 * Longest wait, when the store closes, for replies still owed (node-redis's `close` waits for them);
 * then the sockets are cut, so closing during a network cut finishes.
 */
export const CLOSE_TIMEOUT_MS = 5_000;
/** Longest pause between two reconnect attempts while Redis is down. */
const MAX_RECONNECT_DELAY_MS = 5_000;

/**
 * Reconnects for as long as the store is open: never gives up (node-redis's own strategy gives up
 * after a socket timeout, which would close the client and make later calls reconnect inline).
 * Backs off from 100 ms to `MAX_RECONNECT_DELAY_MS`.
 */
export function reconnectDelay(retries: number): number {
  return Math.min(100 * 2 ** Math.min(retries, 10), MAX_RECONNECT_DELAY_MS);
}

/**
 * Cuts every socket of the clients given it, so they reconnect (`redisClientOptions`): used when a
 * call went unanswered, as the connection has then gone silent (a network cut without a reset, a
 * NAT or firewall that forgot the flow). Nothing tells node-redis otherwise: TCP notices only after
 * many minutes, and until then every call waits out its deadline instead of failing at once.
 *
 * node-redis (v5) has no public call to drop its socket and reconnect (its `pingInterval` PING
 * waits forever on a silent connection, and its `socketTimeout` never fires while commands are
 * being written). It hands its socket options to `net.createConnection`, whose `signal` option
 * destroys the socket when the signal fires 'abort'; node-redis then reconnects with its reconnect
 * strategy, as after any lost connection. An `AbortSignal` fires once, and the options are read
 * once per client, so this is a look-alike that fires again and again: Node reads `aborted`
 * (never true here: a socket made after a cut is not cut) and listens for 'abort' on each new
 * socket, removing its listener when the socket closes.
 */
export class SocketCutter extends EventTarget {
  readonly aborted = false;
  /** The latest cut's reason, as `AbortSignal.reason`: the `cause` of the socket's `AbortError`. */
  reason: unknown;

  /** Destroys every socket open or connecting now (an `AbortError` on each); later ones are untouched. */
  cut(reason?: unknown): void {
    this.reason = reason;
    this.dispatchEvent(new Event('abort'));
  }

  /** For the socket options' `signal`. */
  get signal(): AbortSignal {
    return this as unknown as AbortSignal;
  }
}

/**
 * The node-redis client options of the store's connections.
 *
 * `disableOfflineQueue`: while the connection is down, a command fails at once instead of waiting
 * in node-redis's offline queue until Redis is back (minutes, with the turn and `/metrics` held),
 * and a command in flight when the connection drops fails with it. Nothing is sent again by the
 * client, so a write is never applied twice behind its caller's back: the caller reads again and
 * decides (compare-and-set, or the whole commit script, which Redis runs all or nothing).
 */
export function redisClientOptions(url: string, cutter?: SocketCutter) {
  return {
    url,
    disableOfflineQueue: true,
    // `duplicate()` copies these: a client's subscriber connections are cut with it.
    socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: reconnectDelay, ...(cutter ? { signal: cutter.signal } : {}) },
  };
}

/** node-redis's errors that say the connection, not the command, failed (`@redis/client` errors). */
const CONNECTION_ERRORS = new Set([
  'ClientOfflineError',
  'ClientClosedError',
  'DisconnectsClientError',
  'SocketClosedUnexpectedlyError',
  'ConnectionTimeoutError',
  'SocketTimeoutError',
  'TimeoutError',
  'ReconnectStrategyError',
  'AbortError', // the socket cut by `SocketCutter`
]);
/** Replies of a server that cannot serve now (loading its data, stuck in a script, a replica without its primary). */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|READONLY)\b/;

/** Whether `error` means Redis could not be reached or could not serve, rather than refusing the command. */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (CONNECTION_ERRORS.has(error.constructor.name)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return true; // ECONNREFUSED, ECONNRESET, EPIPE...
  return error.constructor.name !== 'Error' && UNAVAILABLE_REPLY.test(error.message);
}

/** Hears the start and the end of an outage, once each. */
export type RedisOutageLog = StoreOutageLog;

/** What `RedisHealth` tells of a call left unanswered, so the store can drop that connection. */
export interface SilenceHandler {
  /** The connection a call starts on (node-redis's `socketEpoch`, which grows at each reconnect). */
  connection(): number;
  /** A call started on `connection` went unanswered within its deadline. */
  silent(connection: number): void;
}

/**
 * Whether the store's Redis is reachable (`StoreHealth`, logged once per outage), and the deadline
 * and error mapping of each call.
 */
export class RedisHealth extends StoreHealth {
  /**
   * @param silence told when a call goes unanswered (the connection went silent): the store cuts
   *   that connection there (`SocketCutter`), so the client reconnects and later calls fail at once
   *   (`outcome: 'not_sent'`) until Redis answers again, instead of each waiting out its deadline.
   */
  constructor(
    private readonly address: string,
    log: RedisOutageLog,
    now: () => number = Date.now,
    private readonly silence?: SilenceHandler,
  ) {
    super(`Redis at ${address}`, log, 'reconnecting in the background', now);
  }

  /**
   * Runs one store call with a deadline (`timeoutMs`). A failure of the connection, and a call not
   * answered in time, reject with `store_unavailable`; Redis's refusal of a command is passed on
   * as it is.
   *
   * A call that timed out may still have been applied: its commands were sent, and Redis may run
   * them when the connection revives (a script all or nothing). The error says so
   * (`details.outcome: 'unknown'`), and nothing is sent again: the caller reads the state and
   * decides, as its compare-and-set makes safe. The late reply, if any, is dropped. A timeout is
   * also told to `silence` (the store reconnects).
   */
  async call<T>(run: () => Promise<T>, timeoutMs = COMMAND_TIMEOUT_MS): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const connection = this.silence?.connection();
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new BotError('store_unavailable', `Redis at ${this.address} did not answer within ${timeoutMs} ms`, { details: { outcome: 'unknown' } });
        this.lost(error);
        reject(error);
        if (connection !== undefined) this.silence?.silent(connection);
      }, timeoutMs);
    });
    const running = run();
    // The late outcome of an abandoned call must not surface as an unhandled rejection.
    running.catch(() => {});
    try {
      const result = await Promise.race([running, timedOut]);
      this.back();
      return result;
    } catch (error) {
      if (error instanceof BotError || !isUnavailable(error)) {
        if (!(error instanceof BotError)) this.back(); // Redis answered (with a refusal): it is up.
        throw error;
      }
      this.lost(error);
      // Refused while offline: never sent. Failed with the connection: it may have run.
      const outcome = (error as Error).constructor.name === 'ClientOfflineError' ? 'not_sent' : 'unknown';
      throw new BotError('store_unavailable', `Redis at ${this.address} is unavailable: ${(error as Error).message || (error as Error).constructor.name}`, { cause: error, details: { outcome } });
    } finally {
      clearTimeout(timer);
    }
  }
}
