import type { Database, Statement } from 'better-sqlite3';
import { DEFAULT_PAGE, type IndexChange, type IndexEntry, type RangePage } from './durable-store.js';

/**
 * The sorted indexes of the SQLite store, in its table `sorted_index(name, member, score)` (see
 * `sqlite-schema.ts`). A page is one range scan of the (name, score, member) index from the cursor:
 * the row-value comparison `(score, member) < (?, ?)` is a range bound SQLite seeks to, so a page
 * costs O(log N + page) however deep it is. A count reads the index's members (O(members), as on
 * PostgreSQL): nothing on a request's path counts, and keeping sizes cost every change a third
 * B-tree write. Members compare byte-wise (BINARY), as in every backend.
 */
export class SqliteSortedIndex {
  private readonly insert: Statement<[string, string, number]>;
  private readonly move: Statement<[number, string, string]>;
  private readonly remove: Statement<[string, string]>;
  private readonly pages: Record<'asc' | 'desc', { first: Statement<[string, number]>; after: Statement<[string, number, string, number]> }>;
  private readonly size: Statement<[string]>;

  constructor(db: Database) {
    this.insert = db.prepare('INSERT INTO sorted_index (name, member, score) VALUES (?, ?, ?) ON CONFLICT (name, member) DO NOTHING');
    this.move = db.prepare('UPDATE sorted_index SET score = ? WHERE name = ? AND member = ?');
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
    this.size = db.prepare('SELECT count(*) FROM sorted_index WHERE name = ?').pluck();
  }

  /** Applies the changes in order. Synchronous: run it inside a transaction. */
  apply(changes: readonly IndexChange[]): void {
    for (const change of changes) {
      if ('remove' in change) this.remove.run(change.index, change.member);
      else if (this.insert.run(change.index, change.member, change.score).changes === 0) this.move.run(change.score, change.index, change.member);
    }
  }

  range(name: string, page: RangePage = {}): IndexEntry[] {
    const statements = this.pages[page.order ?? 'desc'];
    const limit = page.limit ?? DEFAULT_PAGE;
    // SQLite reads a negative LIMIT as no limit at all.
    if (!(limit >= 1)) return [];
    return (page.after
      ? statements.after.all(name, page.after.score, page.after.member, limit)
      : statements.first.all(name, limit)) as IndexEntry[];
  }

  count(name: string): number {
    return this.size.get(name) as number;
  }
}
