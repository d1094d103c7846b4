import pg, { type ClientConfig } from 'pg';
import { isUnavailable, QUERY_TIMEOUT_MS } from './postgres-connection.js';
import type { StoreHealth } from './store-health.js';

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;

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
  private closed = false;

  constructor(
    private readonly config: ClientConfig,
    private readonly channel: string,
    private readonly warn: (message: string, error?: Error) => void,
    private readonly health?: StoreHealth,
  ) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1 && !this.closed) this.connect();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.disconnect();
    };
  }

  /** Ends the connection for good. */
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
    const lost = (error?: Error) => {
      // 'error' and 'end' both report one loss: act on the first.
      if (epoch !== this.epoch) return;
      this.epoch++;
      // Every attempt fails while PostgreSQL is away (every 5 s): that is the outage, logged once.
      if (!listening && this.health && isUnavailable(error)) this.health.lost(error);
      else this.warn('PostgreSQL LISTEN connection lost; reconnecting', error);
      this.client = undefined;
      client.end().catch(() => {});
      this.scheduleReconnect();
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
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
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
