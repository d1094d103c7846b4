import type { Database, Statement } from 'better-sqlite3';
import { DEFAULT_PAGE, type IndexChange, type IndexEntry, type RangePage } from './durable-store.js';

/**
 * The sorted indexes of the SQLite store, in its table `sorted_index(name, member, score)` (see
 * `sqlite-schema.ts`). A page is one range scan of the (name, score, member) index from the cursor:
 * the row-value comparison `(score, member) < (?, ?)` is a range bound SQLite seeks to, so a page
 * costs O(log N + page) however deep it is. Members compare byte-wise (BINARY), as in every backend.
 */
export class SqliteSortedIndex {
  private readonly upsert: Statement<[string, string, number]>;
  private readonly remove: Statement<[string, string]>;
  private readonly pages: Record<'asc' | 'desc', { first: Statement<[string, number]>; after: Statement<[string, number, string, number]> }>;
  private readonly counter: Statement<[string]>;

  constructor(db: Database) {
    this.upsert = db.prepare(
      'INSERT INTO sorted_index (name, member, score) VALUES (?, ?, ?) ON CONFLICT (name, member) DO UPDATE SET score = excluded.score',
    );
    this.remove = db.prepare('DELETE FROM sorted_index WHERE name = ? AND member = ?');
    const page = (order: 'ASC' | 'DESC', after: boolean) =>
      db.prepare(
        `SELECT member, score FROM sorted_index WHERE name = ?${after ? ` AND (score, member) ${order === 'ASC' ? '>' : '<'} (?, ?)` : ''}
         ORDER BY score ${order}, member ${order} LIMIT ?`,
      );
    this.pages = {
      asc: { first: page('ASC', false), after: page('ASC', true) },
      desc: { first: page('DESC', false), after: page('DESC', true) },
    };
    this.counter = db.prepare('SELECT COUNT(*) FROM sorted_index WHERE name = ?').pluck();
  }

  /** Applies one change; runs inside the caller's transaction. */
  apply(change: IndexChange): void {
    if ('remove' in change) this.remove.run(change.index, change.member);
    else this.upsert.run(change.index, change.member, change.score);
  }

  range(name: string, page: RangePage = {}): IndexEntry[] {
    const statements = this.pages[page.order ?? 'desc'];
    const limit = page.limit ?? DEFAULT_PAGE;
    return (page.after
      ? statements.after.all(name, page.after.score, page.after.member, limit)
      : statements.first.all(name, limit)) as IndexEntry[];
  }

  /** O(members of the index): a count over its part of the (name, ...) index. */
  count(name: string): number {
    return this.counter.get(name) as number;
  }
}
