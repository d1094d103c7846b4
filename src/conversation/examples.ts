import type { Directory } from '../directory/directory.js';
import type { ExampleNames } from './wording/views.js';
import type { Escape } from './types.js';

/** Candidate names are read once per process: the directory's first entries change rarely. */
interface Candidates {
  people: string[];
  group?: string;
  shared?: string;
}

/**
 * Names for the help examples and the "did not understand" hint, from the directory in use, so an
 * example copied into the chat works (never a name the directory does not hold). A person is named
 * by first name when that finds only them, else by full name; the writer is not used as the example.
 */
export class ExampleSource {
  private candidates: Promise<Candidates> | undefined;

  constructor(
    private readonly directory: Directory,
    private readonly escape: Escape,
  ) {}

  async namesFor(userId: string): Promise<ExampleNames> {
    const found = await (this.candidates ??= this.load().catch((error: unknown) => {
      this.candidates = undefined;
      throw error;
    }));
    const people = found.people.filter((id) => id !== userId);
    const [person = '', other = person] = await Promise.all(people.slice(0, 2).map((id) => this.shortName(id)));
    const group = found.group ?? found.shared ?? person;
    const shared = found.shared ?? found.group ?? other;
    return { person: this.escape(person, 120), other: this.escape(other, 120), group: this.escape(group, 120), shared: this.escape(shared, 120) };
  }

  private async load(): Promise<Candidates> {
    const targets = await this.directory.listTargets();
    const people: string[] = [];
    for (const target of targets) {
      if (people.length >= 3) break;
      if (target.kind !== 'user') continue;
      const user = await this.directory.getUser(target.id);
      if (user && !user.guest) people.push(user.id);
    }
    const group = targets.find((t) => t.kind === 'group')?.displayName;
    const shared = targets.find((t) => t.kind === 'shared')?.displayName;
    return { people, ...(group ? { group } : {}), ...(shared ? { shared } : {}) };
  }

  private readonly short = new Map<string, string>();

  /** "Megan" when only Megan Bowen is found by it, else "Megan Bowen". */
  private async shortName(id: string): Promise<string> {
    const known = this.short.get(id);
    if (known !== undefined) return known;
    const user = await this.directory.getUser(id);
    const full = user?.displayName ?? '';
    const first = full.split(/\s+/)[0] ?? '';
    const name = first && (await this.directory.findUsers(first)).length === 1 && (await this.directory.findTargets(first)).length === 0 ? first : full;
    this.short.set(id, name);
    return name;
  }
}
