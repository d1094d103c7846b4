import type { Directory, DirectoryUser } from '../../directory/directory.js';
import { normalizeName } from '../../directory/normalize.js';
import type { Escape } from '../types.js';
import { escapeMarkdown } from './escape.js';

/**
 * Display names for directory ids, escaped for the channel's markup and cached for one turn or one
 * delivery; an id the directory doesn't know is shown as is (escaped).
 */
export class Names {
  private readonly cache = new Map<string, string>();
  constructor(
    private readonly directory: Directory,
    /** The channel's escaping (default: Markdown, for Adaptive Cards). */
    readonly escape: Escape = escapeMarkdown,
  ) {}

  /**
   * A person's display name (or a mailbox's, for an id that is a target). When someone else in the
   * directory has the same display name, with the mail address beside it ("Megan Bowen
   * (meganb@contoso.example)"): an approver must be able to tell which of two namesakes gets access.
   */
  async person(id: string): Promise<string> {
    const hit = this.cache.get(id);
    if (hit !== undefined) return hit;
    const user = await this.directory.getUser(id);
    let name = this.escape(user?.displayName ?? (await this.directory.getTarget(id))?.displayName ?? id, 120);
    if (user && (await this.hasNamesake(user))) name = `${name} (${this.escape(user.mail, 200)})`;
    this.cache.set(id, name);
    return name;
  }

  /** Whether another directory user has `user`'s display name (compared as the directory compares names). */
  private async hasNamesake(user: DirectoryUser): Promise<boolean> {
    const same = normalizeName(user.displayName);
    return (await this.directory.findUsers(user.displayName)).some((other) => other.id !== user.id && normalizeName(other.displayName) === same);
  }

  /** A mailbox's or group's name, mail address and kind (`user`, `shared`, `group`). */
  async target(id: string): Promise<{ name: string; mail: string; kind: string }> {
    const target = await this.directory.getTarget(id);
    return {
      name: this.escape(target?.displayName ?? id, 120),
      mail: this.escape(target?.mail ?? '', 200),
      kind: target?.kind ?? 'user',
    };
  }

  /**
   * What a person wrote in their own words (a request's or a rejection's reason), for rich text
   * only: the channel's `escape.prose` when it has one (so `*shared*` is not bold in Slack), else
   * its `escape`. Capped at `max` characters (default 500).
   */
  prose(text: string, max?: number): string {
    return (this.escape.prose ?? this.escape)(text, max);
  }

  /** "Megan Bowen, Alex Wilber" */
  async people(ids: readonly string[]): Promise<string> {
    return (await Promise.all(ids.map((id) => this.person(id)))).join(', ');
  }

  /** "Jan Smit (jan.smit@contoso.example)": a person or mailbox with its address, to tell namesakes apart. */
  async labelled(id: string): Promise<string> {
    const user = await this.directory.getUser(id);
    if (user) return `${this.escape(user.displayName, 120)} (${this.escape(user.mail, 200)})`;
    const target = await this.directory.getTarget(id);
    return target ? `${this.escape(target.displayName, 120)} (${this.escape(target.mail, 200)})` : this.escape(id, 80);
  }
}
