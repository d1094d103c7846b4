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
/** Rows in one upsert statement at most (a new request and its audit entry make about 10). */
const ROWS_PER_UPSERT = 16;

export class SqliteSortedIndex {
  private readonly db: Database;
  /** Multi-row upserts by row count (1 to `ROWS_PER_UPSERT`), prepared when first needed. */
  private readonly upserts: Statement<unknown[]>[] = [];
  private readonly remove: Statement<[string, string]>;
  private readonly pages: Record<'asc' | 'desc', { first: Statement<[string, number]>; after: Statement<[string, number, string, number]> }>;
  private readonly size: Statement<[string]>;

  constructor(db: Database) {
    this.db = db;
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

  /**
   * Applies the changes in order. Runs of additions and moves go in one multi-row upsert each (a
   * statement per change was most of a new request's index cost); a member already at its score is
   * not rewritten. Synchronous: run it inside a transaction.
   */
  apply(changes: readonly IndexChange[]): void {
    let rows: unknown[] = [];
    const flush = () => {
      if (rows.length === 0) return;
      this.upsert(rows.length / 3).run(...rows);
      rows = [];
    };
    for (const change of changes) {
      if ('remove' in change) {
        flush();
        this.remove.run(change.index, change.member);
        continue;
      }
      rows.push(change.index, change.member, change.score);
      if (rows.length === 3 * ROWS_PER_UPSERT) flush();
    }
    flush();
  }

  private upsert(count: number): Statement<unknown[]> {
    let statement = this.upserts[count];
    if (!statement) {
      const values = Array.from({ length: count }, () => '(?, ?, ?)').join(', ');
      statement = this.db.prepare(
        `INSERT INTO sorted_index (name, member, score) VALUES ${values}
         ON CONFLICT (member, name) DO UPDATE SET score = excluded.score WHERE score <> excluded.score`,
      );
      this.upserts[count] = statement;
    }
    return statement;
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
