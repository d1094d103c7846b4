/** The part of a Redis connection that pub/sub needs; a subscribed connection can do nothing else. */
export interface RedisSubscriber {
  subscribe(channel: string, listener: () => void): Promise<void>;
  close(): Promise<void>;
}

/**
 * `WorkQueue.subscribe` on Redis pub/sub: the commit script publishes on the channel when it
 * schedules work, in the same step as the writes, so a listener woken by it finds the jobs. The
 * subscription has a connection of its own (`open`), opened with the first listener and closed
 * with the last.
 *
 * Best effort, as the port allows: a message published while this connection is down is lost,
 * and a connection that cannot be opened wakes nobody (the next `subscribe` tries again).
 * Workers poll `nextReadyAt` at least every second either way.
 */
export class RedisScheduleChannel {
  private readonly listeners = new Set<() => void>();
  /** The connection while anyone listens: `subscriber` once open; `closed` when the last listener left while it opened. */
  private connection: { subscriber?: RedisSubscriber; closed: boolean } | undefined;

  constructor(
    private readonly channel: string,
    private readonly open: () => Promise<RedisSubscriber>,
  ) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.connection) this.connection = this.connect();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) void this.stop();
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.stop();
  }

  private connect(): { subscriber?: RedisSubscriber; closed: boolean } {
    const connection: { subscriber?: RedisSubscriber; closed: boolean } = { closed: false };
    void (async () => {
      let subscriber: RedisSubscriber | undefined;
      try {
        subscriber = await this.open();
        await subscriber.subscribe(this.channel, () => this.wake());
      } catch {
        await subscriber?.close().catch(() => {});
        if (this.connection === connection) this.connection = undefined;
        return;
      }
      if (connection.closed) await subscriber.close().catch(() => {});
      else connection.subscriber = subscriber;
    })();
    return connection;
  }

  private wake(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // A listener's failure is its own; the others still wake.
      }
    }
  }

  private async stop(): Promise<void> {
    const connection = this.connection;
    if (!connection) return;
    this.connection = undefined;
    connection.closed = true;
    // Still opening: the opener closes it when it is open. Not awaited, so a server that does not
    // answer cannot hold up a shutdown.
    await connection.subscriber?.close().catch(() => {});
  }
}
