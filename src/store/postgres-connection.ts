import type pg from 'pg';
import { BotError } from '../domain/errors.js';
import { StoreHealth, type StoreOutageLog } from './store-health.js';
import { settlesWithin } from './settles-within.js';

/**
 * Longest wait for a connection: opening one (the start, or a call's), and a call waiting for a
 * free one in a full pool. A server that does not answer fails the call instead of holding it.
 */
export const CONNECT_TIMEOUT_MS = 5_000;
/**
 * PostgreSQL cancels a statement of the store that runs longer (every one is short; one stuck
 * behind a lock fails, rolled back, and its caller retries). Migrations lift it for their own
 * transaction.
 */
export const STATEMENT_TIMEOUT_MS = 10_000;
/**
 * Longest wait for a statement's reply, on the client. Longer than `STATEMENT_TIMEOUT_MS`, so a
 * server that is there always answers first (its cancel is definite: rolled back); only a silent
 * connection (a network cut, a paused server), which TCP alone notices after many minutes, reaches it.
 */
export const QUERY_TIMEOUT_MS = STATEMENT_TIMEOUT_MS + 2_000;
/**
 * Longest wait, when the store closes, for its connections to say goodbye (and for statements in
 * flight to finish); then their sockets are destroyed, so closing during a network cut finishes.
 */
export const CLOSE_TIMEOUT_MS = 5_000;

/**
 * SQLSTATEs of a server that is going, not there yet, full or ending the session: admin_shutdown,
 * crash_shutdown, cannot_connect_now (starting up, shutting down, in recovery), idle_session_timeout,
 * and too_many_connections (`max_connections`, or the role's or the database's `CONNECTION LIMIT`,
 * reached: a new connection is refused until others close, as when the server is away).
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '57P05', '53300']);
/** node-postgres's own errors (no code) when the connection, not the statement, failed. */
const CONNECTION_MESSAGES = [
  /^Connection terminated\b/, // "... unexpectedly", "... due to connection timeout"
  /^timeout exceeded when trying to connect$/, // waiting for a free connection of the pool
  /^timeout expired$/, // a client's own connect timeout
  /^Query read timeout$/, // `query_timeout`
  /^Client has encountered a connection error and is not queryable$/,
];

/**
 * Whether `error` means PostgreSQL could not be reached or could not serve (the connection failed,
 * the server shut down or is starting), rather than refusing the statement.
 */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    // SQLSTATE class 08: connection exceptions.
    if (code.startsWith('08') || UNAVAILABLE_STATES.has(code)) return true;
    if (/^E[A-Z]+$/.test(code)) return true; // ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT...
  }
  return CONNECTION_MESSAGES.some((pattern) => pattern.test(error.message));
}

/**
 * Closes a `pg.Client`'s socket at once, without the goodbye `end()` sends and waits on: a silent
 * connection (a network cut) never answers it, and its socket would stay open (holding the process)
 * until TCP gives up, many minutes later. The client then emits 'end' (and fails a query in flight
 * with "Connection terminated unexpectedly"). node-postgres has no public call for this; its own
 * `end()` does the same through `connection.stream` when a query is active.
 */
export function destroyConnection(client: pg.Client): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/**
 * `client.end()`, given at most `deadlineMs` (milliseconds) to finish; after that the socket is
 * destroyed (`destroyConnection`). Resolves either way, never rejects.
 */
export async function endWithin(client: pg.Client, deadlineMs: number): Promise<void> {
  if (!(await settlesWithin(client.end(), deadlineMs))) destroyConnection(client);
}

/** `host:port/database` of a connection URL, for messages (never its password). */
export function postgresAddress(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

/** Whether a statement changes anything, so a lost reply leaves its outcome unknown. */
export type StatementKind = 'read' | 'write';

/**
 * Every statement of the store, through one pooled connection at a time, with the outage handling
 * the Redis store has: a failure of the connection rejects with `store_unavailable` (retryable)
 * and the outage is logged once when it starts and once when PostgreSQL answers again
 * (`StoreHealth`). Nothing is sent again here.
 *
 * `details.outcome` says whether a change may have been made: `'not_sent'` when no connection could
 * be had (the statement never left) or the statement only reads; `'unknown'` when a write was sent
 * and its reply lost (a COMMIT that landed, or not): the caller reads the state and decides, as
 * its compare-and-set makes safe.
 */
export class PostgresCalls {
  /** Set when an idle connection's loss was told; a call answered re-arms it. */
  private idleLossTold = false;
  /** Every connection the pool opened and has not yet finished ending, so `end` can destroy them. */
  private readonly clients = new Set<pg.Client>();
  private allRemoved: (() => void) | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly health: StoreHealth,
    private readonly warn: (message: string, error?: Error) => void,
    private readonly queryTimeoutMs = QUERY_TIMEOUT_MS,
  ) {
    // An idle pooled connection the server (or the network) ends emits here; the pool drops it and
    // opens another when needed. An outage ends all of them at once: told once, until a call is
    // answered again, not per connection.
    pool.on('error', (error) => {
      if (this.idleLossTold) return;
      this.idleLossTold = true;
      warn('PostgreSQL connection lost (the pool opens another)', error);
    });
    pool.on('connect', (client) => this.clients.add(client));
    // Emitted once the pool's `client.end()` finished: that socket is closed.
    pool.on('remove', (client) => {
      this.clients.delete(client);
      if (this.clients.size === 0) this.allRemoved?.();
    });
  }

  /**
   * Ends the pool: waits up to `deadlineMs` (milliseconds) for statements in flight and for every
   * connection's goodbye, then destroys the sockets still open (a silent connection answers
   * neither), which fails a statement still waiting with `store_unavailable`. Resolves within about
   * twice `deadlineMs`, never rejects.
   */
  async end(deadlineMs: number = CLOSE_TIMEOUT_MS): Promise<void> {
    const removed = new Promise<void>((resolve) => {
      this.allRemoved = resolve;
      if (this.clients.size === 0) resolve();
    });
    const ended = this.pool.end().catch(() => {});
    if (await settlesWithin(Promise.all([ended, removed]), deadlineMs)) return;
    for (const client of this.clients) destroyConnection(client);
    // Destroyed, a checked-out connection fails its statement and is released, which lets the pool end.
    await settlesWithin(ended, deadlineMs);
  }

  /** Runs one statement (one transaction) and answers its result. */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(kind: StatementKind, text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.failed(error, 'not_sent');
    }
    // A connection lost while checked out also emits 'error' (the statement fails with it); with no
    // listener that event would end the process.
    const ignore = () => {};
    client.on('error', ignore);
    try {
      const result = await client.query<R>({ text, values, query_timeout: this.queryTimeoutMs } as pg.QueryConfig);
      client.release();
      this.answered();
      return result;
    } catch (error) {
      // A failed connection is dropped, not handed to the next call (pg's own `pool.query` does the same for any error).
      // One that went silent is destroyed first: the goodbye the pool sends would never be answered.
      if (isUnavailable(error)) destroyConnection(client);
      client.release(error as Error);
      if (!isUnavailable(error)) this.answered(); // PostgreSQL answered, with a refusal: it is there.
      throw this.failed(error, kind === 'write' ? 'unknown' : 'not_sent');
    } finally {
      client.removeListener('error', ignore);
    }
  }

  private answered(): void {
    this.idleLossTold = false;
    this.health.back();
  }

  private failed(error: unknown, outcome: 'unknown' | 'not_sent'): unknown {
    if (!isUnavailable(error)) return error;
    this.health.lost(error);
    const reason = (error as Error).message || (error as Error).constructor.name;
    return new BotError('store_unavailable', `${this.health.server} is unavailable: ${reason}`, { cause: error, details: { outcome } });
  }
}


/** A `StoreHealth` for PostgreSQL at `url`. */
export function postgresHealth(url: string, log: StoreOutageLog, now?: () => number): StoreHealth {
  return new StoreHealth(`PostgreSQL at ${postgresAddress(url)}`, log, 'each call connecting again', now);
}
