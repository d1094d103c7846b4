import type { Clock } from '../../domain/clock.js';
import type { Lang } from '../../conversation/types.js';
import type { Versioned, VersionedStore } from '../../store/versioned-store.js';

/** When a directory user last spoke to the bot in Slack, and as which Slack user. */
export interface SlackSeen {
  slackUserId: string;
  /** Epoch ms of their last message, click or Home visit. */
  at: number;
}

/** How to reach a directory user in Slack. */
export interface SlackLink {
  slackUserId: string;
  /** Their direct-message channel with the app, once `conversations.open` (or their own message) gave it. */
  dmChannel?: string;
  /** Their Slack locale (`nl-NL`) and profile time zone (`zoneOfIdentity`: the IANA name, or "+01:00" when only the offset is usable), for messages they did not ask for. */
  locale?: string;
  timeZone?: string;
}

/** One posted message of a request that is updated when the request changes. */
export interface SlackCopy {
  /** The directory user it was posted to. */
  userId: string;
  role: 'approver' | 'summary';
  channel: string;
  ts: string;
  lang: Lang;
  timeZone?: string;
  /** The outbound message it delivered (`OutboundMessage.id`), so a retried send does not post twice. */
  messageId?: string;
}

const PEOPLE_NS = 'conversations';
const COPIES_NS = 'cards';
/**
 * `lastSeen` is kept to the minute: a person writing every few seconds costs one write a minute.
 * It only breaks ties between channels the person used within the same minute; the channel they
 * last spoke on is recorded exactly by the delivery jobs' presence record.
 */
export const SEEN_PRECISION_MS = 60_000;

/**
 * The Slack channel's records in the bot's store (so they survive restarts and are shared by every
 * instance): when each directory user last spoke to the bot in Slack, how to reach them (Slack
 * user and direct-message channel), and the copies of each request's messages.
 */
export class SlackRepository {
  /** Links this process wrote or read, so a chatty user costs no extra write per message. */
  private readonly links = new Map<string, SlackLink>();
  /** When this process last wrote each person's `lastSeen`, and as which Slack user. */
  private readonly seenWritten = new Map<string, SlackSeen>();

  constructor(
    private readonly store: VersionedStore,
    private readonly clock: Clock,
  ) {}

  /**
   * Records that `directoryId` (Slack user `slackUserId`) wrote, clicked or opened the Home tab
   * now: one unconditional write, since the newest moment wins. The delivery jobs read it through
   * `lastSeen` to reach each person on the channel they used last.
   */
  async recordSeen(directoryId: string, slackUserId: string): Promise<void> {
    const seen: SlackSeen = { slackUserId, at: this.clock.now() };
    const written = this.seenWritten.get(directoryId);
    if (written && written.slackUserId === slackUserId && seen.at - written.at < SEEN_PRECISION_MS && seen.at >= written.at) return;
    await this.store.put(PEOPLE_NS, `slack:seen:${directoryId}`, seen);
    if (this.seenWritten.size > 50_000) this.seenWritten.clear();
    this.seenWritten.set(directoryId, seen);
  }

  /** When `directoryId` last spoke to the bot in Slack (epoch ms), or undefined. */
  async lastSeen(directoryId: string): Promise<number | undefined> {
    return (await this.store.get<SlackSeen>(PEOPLE_NS, `slack:seen:${directoryId}`))?.value.at;
  }

  async link(directoryId: string): Promise<SlackLink | undefined> {
    const cached = this.links.get(directoryId);
    if (cached) return cached;
    const stored = (await this.store.get<SlackLink>(PEOPLE_NS, `slack:dir:${directoryId}`))?.value;
    if (stored) this.remember(directoryId, stored);
    return stored;
  }

  /** Saves how to reach `directoryId`, unless this process knows it is already stored. */
  async saveLink(directoryId: string, link: SlackLink): Promise<void> {
    const cached = this.links.get(directoryId);
    if (cached && sameLink(cached, link)) return;
    await this.store.put(PEOPLE_NS, `slack:dir:${directoryId}`, link);
    this.remember(directoryId, link);
  }

  /** Forgets a link that no longer reaches the person (they left the workspace). */
  async forgetLink(directoryId: string): Promise<void> {
    this.links.delete(directoryId);
    await this.store.delete(PEOPLE_NS, `slack:dir:${directoryId}`);
  }

  private remember(directoryId: string, link: SlackLink): void {
    if (this.links.size > 10_000) this.links.clear();
    this.links.set(directoryId, link);
  }

  /**
   * Appends a copy with compare-and-set, so copies posted in parallel are all kept. `known` is the
   * record as the caller last read it (`copiesRecord`), tried first; without it an absent record is
   * assumed (a request's first copy), and anything else is read and retried.
   */
  async addCopy(requestId: string, copy: SlackCopy, known?: Versioned<SlackCopy[]>): Promise<void> {
    const key = `slack:${requestId}`;
    if (known ? await this.store.compareAndSet(COPIES_NS, key, known.version, [...known.value, copy]) : await this.store.create(COPIES_NS, key, [copy])) return;
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await this.store.get<SlackCopy[]>(COPIES_NS, key);
      if (!current) {
        if (await this.store.create(COPIES_NS, key, [copy])) return;
        continue;
      }
      if (await this.store.compareAndSet(COPIES_NS, key, current.version, [...current.value, copy])) return;
    }
    throw new Error(`could not record a Slack copy of ${requestId}`);
  }

  async copies(requestId: string): Promise<SlackCopy[]> {
    return (await this.copiesRecord(requestId))?.value ?? [];
  }

  /** The copies with the version that guards them (for `addCopy`'s `known`). */
  copiesRecord(requestId: string): Promise<Versioned<SlackCopy[]> | undefined> {
    return this.store.get<SlackCopy[]>(COPIES_NS, `slack:${requestId}`);
  }
}

function sameLink(a: SlackLink, b: SlackLink): boolean {
  return a.slackUserId === b.slackUserId && a.dmChannel === b.dmChannel && a.locale === b.locale && a.timeZone === b.timeZone;
}
