import type { VersionedStore } from '../store/versioned-store.js';

const NAMESPACE = 'presence';

/**
 * Where each person last spoke to the bot (`teams`, `slack`), so the messages owed to them go
 * there (SPEC section 2: "each person is reached in the channel where they last spoke to the
 * bot"). Every inbound message records it; the store is written only when the channel changes,
 * so a chatty user costs no writes.
 */
export class Presence {
  /** What this process last wrote or read per person; bounded. */
  private readonly known = new Map<string, string>();

  constructor(private readonly store: VersionedStore) {}

  /** Records that `userId` just spoke on `channel`. */
  async spokeOn(userId: string, channel: string): Promise<void> {
    if (this.known.get(userId) === channel) return;
    const stored = await this.store.get<{ channel: string }>(NAMESPACE, userId);
    if (stored?.value.channel !== channel) await this.store.put(NAMESPACE, userId, { channel });
    this.remember(userId, channel);
  }

  /** The channel `userId` last spoke on, or undefined if never. */
  async lastChannel(userId: string): Promise<string | undefined> {
    const cached = this.known.get(userId);
    if (cached) return cached;
    const channel = (await this.store.get<{ channel: string }>(NAMESPACE, userId))?.value.channel;
    if (channel) this.remember(userId, channel);
    return channel;
  }

  private remember(userId: string, channel: string): void {
    if (this.known.size >= 50_000) this.known.clear();
    this.known.set(userId, channel);
  }
}
