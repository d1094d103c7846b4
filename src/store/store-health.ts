/** Hears the start and the end of a store outage, once each. */
export interface StoreOutageLog {
  error(message: string, error?: Error): void;
  info(message: string): void;
}

/**
 * Whether the store's server is reachable, from its connections' events and the calls' outcomes,
 * told to the log once when an outage starts and once when it ends, never per call or per
 * reconnect attempt (an outage fails every call; a line each would bury everything else).
 */
export class StoreHealth {
  private downSince: number | undefined;

  /**
   * @param server what is lost, as the log names it: `Redis at 127.0.0.1:6379`.
   * @param meanwhile what the store does until it is back, for the outage's first line.
   */
  constructor(
    readonly server: string,
    private readonly log: StoreOutageLog,
    private readonly meanwhile: string,
    private readonly now: () => number = Date.now,
  ) {}

  get down(): boolean {
    return this.downSince !== undefined;
  }

  /** The connection failed (or a call went unanswered): logs the start of an outage, once. */
  lost(error: unknown): void {
    if (this.downSince !== undefined) return;
    this.downSince = this.now();
    const cause = error instanceof Error ? error : undefined;
    this.log.error(`STORE: lost ${this.server} (${cause?.message || cause?.constructor.name || 'no answer'}); store calls fail until it is back, ${this.meanwhile}`, cause);
  }

  /** The connection is ready again, or a call was answered: logs the end of an outage, once. */
  back(): void {
    if (this.downSince === undefined) return;
    const seconds = Math.round((this.now() - this.downSince) / 1000);
    this.downSince = undefined;
    this.log.info(`STORE: ${this.server} is back after ${seconds} s`);
  }
}
