import type { Clock } from '../domain/clock.js';
import type { VersionedStore } from '../store/versioned-store.js';

const NS = 'turns';
/** How long a message id is remembered: Teams and Slack redeliver within minutes; a day covers restarts and outages. */
const KEEP_MS = 24 * 3_600_000;
/** How often old ids are swept. */
const SWEEP_EVERY_MS = 3_600_000;

/**
 * One answer per incoming message id, across restarts and instances. Teams delivers the same
 * activity again (same `activity.id`) when the bot answers slowly; Slack retries an event with the
 * same `event_id`. The first turn to `claim` an id wins through the store's atomic `create`; every
 * later delivery of it is acknowledged without an answer.
 *
 * Old ids are swept once an hour, from the `turns` namespace only: its size is a day of messages,
 * never the stored requests.
 */
export class TurnLedger {
  private nextSweep: number;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly store: VersionedStore,
    private readonly clock: Clock,
    private readonly keepMs = KEEP_MS,
  ) {
    this.nextSweep = clock.now() + SWEEP_EVERY_MS;
  }

  /**
   * `true` when this is the first delivery of `messageId` on `channel` (the caller answers it),
   * `false` when it was claimed before. Ids over 200 characters are cut (they still dedupe).
   */
  async claim(channel: string, messageId: string): Promise<boolean> {
    const now = this.clock.now();
    if (now >= this.nextSweep && !this.sweeping) {
      this.nextSweep = now + SWEEP_EVERY_MS;
      // In the background: a sweep never delays the turn, and a failed one is tried again next hour.
      this.sweeping = this.sweep(now).then(
        () => (this.sweeping = undefined),
        () => (this.sweeping = undefined),
      );
    }
    return this.store.create(NS, `${channel}:${messageId.slice(0, 200)}`, now);
  }

  /** Deletes ids older than the keep period (each only if unchanged since read). */
  async sweep(now = this.clock.now()): Promise<number> {
    let removed = 0;
    for await (const [key, record] of this.store.entries<number>(NS)) {
      if (typeof record.value === 'number' && now - record.value > this.keepMs && (await this.store.delete(NS, key, record.version))) removed++;
    }
    return removed;
  }
}
