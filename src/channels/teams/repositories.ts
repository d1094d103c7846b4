import type { ConversationReference } from 'botbuilder';
import type { Clock } from '../../domain/clock.js';
import type { VersionedStore } from '../../store/versioned-store.js';
import type { Lang } from './cards.js';

/** How to reach a user proactively: the reference of their personal chat with the bot. */
export interface StoredReference {
  reference: Partial<ConversationReference>;
  /** The locale and time zone Teams reported on their last activity (the zone as `zoneToKeep` in bot.ts decides it: IANA, or "+01:00" from `localTimestamp`). */
  locale?: string;
  timeZone?: string;
  updatedAt: number;
}

/** Where a card sits, so every copy can be updated after a decision. */
export interface CardCopy {
  userId: string;
  role: 'approver' | 'summary';
  reference: Partial<ConversationReference>;
  activityId: string;
  lang: Lang;
  timeZone?: string;
}

const NS = 'conversations';
const CARDS_NS = 'cards';
/**
 * How long this process trusts what it knows of a tenant's latest service URL (ms): after it, a
 * note writes again and a read asks the store, so instances that saw different addresses agree
 * on the newest within this time, without a store write per activity.
 */
const SERVICE_URL_REFRESH_MS = 60_000;

/** The newest Bot Connector address Teams gave the bot for a tenant. */
interface TenantServiceUrl {
  serviceUrl: string;
  updatedAt: number;
}

/**
 * Conversation references and card copies, kept in the store so proactive messages and
 * card updates work after a restart and across bot instances.
 */
export class TeamsRepository {
  constructor(
    private readonly store: VersionedStore,
    private readonly clock: Clock,
  ) {}

  /** What this process last wrote per user, so a chatty user doesn't cost a store write per message. */
  private readonly lastSaved = new Map<string, string>();
  private lastChannel = '';

  async saveReference(userId: string, reference: Partial<ConversationReference>, extra: { locale?: string; timeZone?: string } = {}): Promise<void> {
    const value: StoredReference = { reference, updatedAt: this.clock.now() };
    if (extra.locale) value.locale = extra.locale;
    if (extra.timeZone) value.timeZone = extra.timeZone;
    // The parts that matter for reaching the user; activity ids change with every message.
    const fingerprint = JSON.stringify([reference.serviceUrl, reference.conversation?.id, reference.bot?.id, extra.locale, extra.timeZone]);
    if (this.lastSaved.get(userId) !== fingerprint) {
      // A save that reports no locale or zone (a chat the bot opened itself, a client that sends
      // none) keeps the ones reported before: they still describe the person.
      if (!value.locale || !value.timeZone) {
        const earlier = await this.reference(userId);
        if (!value.locale && earlier?.locale) value.locale = earlier.locale;
        if (!value.timeZone && earlier?.timeZone) value.timeZone = earlier.timeZone;
      }
      await this.store.put(NS, `ref:${userId}`, value);
      if (this.lastSaved.size > 10_000) this.lastSaved.clear();
      this.lastSaved.set(userId, fingerprint);
    }
    // The service URL and bot account of the last personal chat; used to open new 1:1 chats.
    const channel = JSON.stringify([reference.serviceUrl, reference.bot]);
    if (channel !== this.lastChannel) {
      await this.store.put(NS, 'channel', { serviceUrl: reference.serviceUrl, bot: reference.bot, updatedAt: value.updatedAt });
      this.lastChannel = channel;
    }
  }

  /**
   * The locale and time zone a later activity (a card click) reported, on the reference already
   * saved for `userId`; the chat itself is left as it is. Nothing saved: nothing to update.
   */
  async updateClient(userId: string, client: { locale?: string | undefined; timeZone?: string | undefined }): Promise<void> {
    const stored = await this.store.get<StoredReference>(NS, `ref:${userId}`);
    if (!stored) return;
    const value = stored.value;
    const locale = client.locale || value.locale;
    const timeZone = client.timeZone || value.timeZone;
    if (locale === value.locale && timeZone === value.timeZone) return;
    await this.store.put(NS, `ref:${userId}`, { ...value, ...(locale ? { locale } : {}), ...(timeZone ? { timeZone } : {}) });
    // The next message saves again (its fingerprint no longer matches).
    this.lastSaved.delete(userId);
  }

  /** What this process last wrote or read per tenant, and when (`serviceUrl`, `noteServiceUrl`). */
  private readonly serviceUrls = new Map<string, { serviceUrl: string; at: number }>();

  /**
   * Remembers `serviceUrl` as the tenant's newest Bot Connector address: Teams may move a tenant
   * to another address, and then wants every later call at the newest one it sent (Microsoft:
   * "always use the most recent serviceUrl"). Called for every authenticated incoming activity;
   * durable, so sends after a restart and on other instances use it too.
   */
  async noteServiceUrl(tenantId: string, serviceUrl: string): Promise<void> {
    const now = this.clock.now();
    const known = this.serviceUrls.get(tenantId);
    if (known?.serviceUrl === serviceUrl && now - known.at < SERVICE_URL_REFRESH_MS) return;
    await this.store.put(NS, `serviceUrl:${tenantId}`, { serviceUrl, updatedAt: now } satisfies TenantServiceUrl);
    this.serviceUrls.set(tenantId, { serviceUrl, at: now });
  }

  /** The tenant's newest Bot Connector address (`noteServiceUrl`); undefined until an activity brought one. */
  async serviceUrl(tenantId: string): Promise<string | undefined> {
    const now = this.clock.now();
    const known = this.serviceUrls.get(tenantId);
    if (known && now - known.at < SERVICE_URL_REFRESH_MS) return known.serviceUrl;
    const stored = (await this.store.get<TenantServiceUrl>(NS, `serviceUrl:${tenantId}`))?.value;
    if (stored) this.serviceUrls.set(tenantId, { serviceUrl: stored.serviceUrl, at: now });
    return stored?.serviceUrl;
  }

  async forgetReference(userId: string): Promise<void> {
    await this.store.delete(NS, `ref:${userId}`);
    this.lastSaved.delete(userId);
  }

  async reference(userId: string): Promise<StoredReference | undefined> {
    return (await this.store.get<StoredReference>(NS, `ref:${userId}`))?.value;
  }

  async channel(): Promise<{ serviceUrl?: string; bot?: ConversationReference['bot'] } | undefined> {
    return (await this.store.get<{ serviceUrl?: string; bot?: ConversationReference['bot'] }>(NS, 'channel'))?.value;
  }

  /**
   * Appends a copy with compare-and-set, so copies sent in parallel are all kept. The requester's
   * summary and the approvers' cards are kept under separate keys: they are written at the same
   * moment by the turn and by the notifier, and apart each is usually one insert.
   */
  async addCardCopy(requestId: string, copy: CardCopy): Promise<void> {
    const key = copy.role === 'summary' ? `${requestId}:summary` : requestId;
    if (await this.store.create(CARDS_NS, key, [copy])) return;
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await this.store.get<CardCopy[]>(CARDS_NS, key);
      if (!current) {
        if (await this.store.create(CARDS_NS, key, [copy])) return;
        continue;
      }
      if (await this.store.compareAndSet(CARDS_NS, key, current.version, [...current.value, copy])) return;
    }
    throw new Error(`could not record card copy for ${requestId}`);
  }

  /** Every copy of a request's cards (records written before the split hold both roles under the request id). */
  async cardCopies(requestId: string): Promise<CardCopy[]> {
    const [approvers, summaries] = await Promise.all([
      this.store.get<CardCopy[]>(CARDS_NS, requestId),
      this.store.get<CardCopy[]>(CARDS_NS, `${requestId}:summary`),
    ]);
    return [...(approvers?.value ?? []), ...(summaries?.value ?? [])];
  }
}
