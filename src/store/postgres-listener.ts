import pg, { type ClientConfig } from 'pg';
import { CLOSE_TIMEOUT_MS, CONNECT_TIMEOUT_MS, destroyConnection, endWithin, isUnavailable, QUERY_TIMEOUT_MS } from './postgres-connection.js';
import type { StoreHealth } from './store-health.js';

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;
/**
 * How often the listening connection is checked (`SELECT 1`). A connection that goes silent (a
 * network cut without a reset, a NAT that forgot it) delivers no notification and raises no error:
 * TCP alone notices after many minutes, and until then wake-ups wait for the workers' poll.
 */
export const LISTEN_CHECK_INTERVAL_MS = 30_000;
/** A check not answered within this abandons the connection and connects again. `SELECT 1` takes no lock. */
export const LISTEN_CHECK_TIMEOUT_MS = CONNECT_TIMEOUT_MS;

/** Timings of a `NotificationListener` (milliseconds); the defaults suit production, tests shorten them. */
export interface ListenerTimings {
  /** Pause between the end of one liveness check and the start of the next (`LISTEN_CHECK_INTERVAL_MS`). */
  checkIntervalMs?: number;
  /** Longest wait for a check's answer (`LISTEN_CHECK_TIMEOUT_MS`). */
  checkTimeoutMs?: number;
  /** Longest wait for the connection's goodbye at `close`, before its socket is destroyed (`CLOSE_TIMEOUT_MS`). */
  closeTimeoutMs?: number;
}

/**
 * One LISTEN connection, shared by every subscriber of a store, kept open while anyone listens.
 *
 * LISTEN needs a session of its own (a pooled connection goes back to the pool between queries),
 * so this is a dedicated `pg.Client`. When it drops (server restart, network, an administrator's
 * `pg_terminate_backend`), it reconnects with a backoff from 250 ms to 5 s; once listening again it
 * calls every subscriber, since notifications sent meanwhile were lost. A lost connection is warned
 * of once; attempts that fail because PostgreSQL is unreachable tell the store's health (an outage,
 * logged once), and listening again tells it PostgreSQL is back, with no call needed.
 *
 * While listening, the connection is checked every `checkIntervalMs` with `SELECT 1`; one not
 * answered within `checkTimeoutMs` has gone silent: its socket is destroyed and it reconnects as
 * above (warned of once, as any loss). `close` finishes within about `closeTimeoutMs` even then.
 *
 * Listeners are called for each notification on `channel`, with no argument; a throwing listener
 * does not stop the others.
 */
export class NotificationListener {
  private readonly listeners = new Set<() => void>();
  private client: pg.Client | undefined;
  /** Bumped whenever the current connection is abandoned, so a late callback of an old one does nothing. */
  private epoch = 0;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private checkTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly checkIntervalMs: number;
  private readonly checkTimeoutMs: number;
  private readonly closeTimeoutMs: number;

  constructor(
    private readonly config: ClientConfig,
    private readonly channel: string,
    private readonly warn: (message: string, error?: Error) => void,
    private readonly health?: StoreHealth,
    timings: ListenerTimings = {},
  ) {
    this.checkIntervalMs = timings.checkIntervalMs ?? LISTEN_CHECK_INTERVAL_MS;
    this.checkTimeoutMs = timings.checkTimeoutMs ?? LISTEN_CHECK_TIMEOUT_MS;
    this.closeTimeoutMs = timings.closeTimeoutMs ?? CLOSE_TIMEOUT_MS;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1 && !this.closed) this.connect();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.disconnect();
    };
  }

  /** Ends the connection for good, within about `closeTimeoutMs`. */
  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.disconnect();
  }

  private connect(): void {
    const epoch = ++this.epoch;
    const client = new pg.Client({ ...this.config, application_name: `${this.config.application_name ?? 'bot'}:listen` });
    this.client = client;
    let listening = false;
    const lost = (error?: Error, message = 'PostgreSQL LISTEN connection lost; reconnecting') => {
      // 'error' and 'end' both report one loss: act on the first.
      if (epoch !== this.epoch) return;
      this.epoch++;
      clearTimeout(this.checkTimer);
      this.checkTimer = undefined;
      // Every attempt fails while PostgreSQL is away (every 5 s): that is the outage, logged once.
      if (!listening && this.health && isUnavailable(error)) this.health.lost(error);
      else this.warn(message, error);
      this.client = undefined;
      // The connection is done with: no goodbye, which a silent one would hold forever.
      destroyConnection(client);
      this.scheduleReconnect();
    };
    const check = () => {
      this.checkTimer = setTimeout(() => {
        this.checkTimer = undefined;
        if (epoch !== this.epoch) return;
        client.query({ text: 'SELECT 1', query_timeout: this.checkTimeoutMs } as pg.QueryConfig).then(
          () => epoch === this.epoch && check(),
          (error: Error) =>
            lost(error, error.message === 'Query read timeout' ? `PostgreSQL LISTEN connection did not answer a check within ${this.checkTimeoutMs} ms; reconnecting` : undefined),
        );
      }, this.checkIntervalMs);
      this.checkTimer.unref();
    };
    // Until listening, a failure rejects the attempt below, with its cause (the 'end' event comes
    // first and says nothing of why).
    client.on('error', (error) => listening && lost(error));
    client.on('end', () => listening && lost());
    client.on('notification', (message) => {
      if (epoch === this.epoch && message.channel === this.channel) this.wake();
    });
    client
      .connect()
      .then(() => client.query({ text: `LISTEN ${client.escapeIdentifier(this.channel)}`, query_timeout: QUERY_TIMEOUT_MS } as pg.QueryConfig))
      .then(() => {
        if (epoch !== this.epoch) return;
        listening = true;
        this.retryMs = FIRST_RETRY_MS;
        this.health?.back();
        check();
        this.wake();
      })
      .catch((error: Error) => lost(error));
  }

  private scheduleReconnect(): void {
    if (this.closed || this.listeners.size === 0 || this.retryTimer) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(MAX_RETRY_MS, this.retryMs * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.closed && this.listeners.size > 0 && !this.client) this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  private async disconnect(): Promise<void> {
    this.epoch++;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    clearTimeout(this.checkTimer);
    this.checkTimer = undefined;
    const client = this.client;
    this.client = undefined;
    if (client) await endWithin(client, this.closeTimeoutMs);
  }

  private wake(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        this.warn('a job listener threw', error as Error);
      }
    }
  }
}
