import type { PoolClient } from 'pg';
import type { IndexChange, RecordWrite } from './durable-store.js';

/** A record value as the `json` column takes it. `undefined` has no JSON text: it is stored as null. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/**
 * Applies the record writes of a batch on its transaction, the conditional ones first; false as
 * soon as one expectation fails (the caller rolls back). Writes of one kind go in one statement
 * (`unnest` arrays), sorted by key so two batches lock shared rows in the same order. A key that
 * appears twice in a batch is written one statement at a time, in the batch's order.
 */
export async function applyRecordWrites(client: PoolClient, writes: readonly RecordWrite[]): Promise<boolean> {
  const keys = new Set(writes.map((w) => `${w.namespace}\u0000${w.key}`));
  const groups = keys.size === writes.length ? [[...writes].sort(byKey)] : writes.map((w) => [w]);
  for (const group of groups) {
    for (const kind of KINDS) {
      const mine = group.filter((w) => kindOf(w) === kind);
      if (mine.length && !(await WRITERS[kind](client, mine))) return false;
    }
  }
  return true;
}

type Kind = 'create' | 'mustBeAbsent' | 'replace' | 'deleteAt' | 'put' | 'remove';
/** Conditional kinds first: a failing batch stops before any unconditional write. */
const KINDS: readonly Kind[] = ['create', 'mustBeAbsent', 'replace', 'deleteAt', 'put', 'remove'];

function kindOf(write: RecordWrite): Kind {
  const deletes = write.value === undefined;
  if (write.expect === 'absent') return deletes ? 'mustBeAbsent' : 'create';
  if (write.expect === 'any') return deletes ? 'remove' : 'put';
  return deletes ? 'deleteAt' : 'replace';
}

const byKey = (a: RecordWrite, b: RecordWrite) =>
  a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

const namespaces = (ws: RecordWrite[]) => ws.map((w) => w.namespace);
const keysOf = (ws: RecordWrite[]) => ws.map((w) => w.key);
const values = (ws: RecordWrite[]) => ws.map((w) => jsonText(w.value));
const versions = (ws: RecordWrite[]) => ws.map((w) => w.expect as number);

/** Each writer answers whether every write of its kind held. */
const WRITERS: Record<Kind, (client: PoolClient, writes: RecordWrite[]) => Promise<boolean>> = {
  async create(client, ws) {
    const { rowCount } = await client.query(
      `INSERT INTO records (namespace, key, version, value)
       SELECT w.namespace, w.key, 1, w.value::json FROM unnest($1::text[], $2::text[], $3::text[]) AS w(namespace, key, value)
       ON CONFLICT (namespace, key) DO NOTHING`,
      [namespaces(ws), keysOf(ws), values(ws)],
    );
    return rowCount === ws.length;
  },
  async mustBeAbsent(client, ws) {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*) AS n FROM records r JOIN unnest($1::text[], $2::text[]) AS w(namespace, key)
       ON r.namespace = w.namespace AND r.key = w.key`,
      [namespaces(ws), keysOf(ws)],
    );
    return rows[0]!.n === 0;
  },
  async replace(client, ws) {
    const { rowCount } = await client.query(
      `UPDATE records r SET version = w.version + 1, value = w.value::json
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) AS w(namespace, key, version, value)
       WHERE r.namespace = w.namespace AND r.key = w.key AND r.version = w.version`,
      [namespaces(ws), keysOf(ws), versions(ws), values(ws)],
    );
    return rowCount === ws.length;
  },
  async deleteAt(client, ws) {
    const { rowCount } = await client.query(
      `DELETE FROM records r USING unnest($1::text[], $2::text[], $3::bigint[]) AS w(namespace, key, version)
       WHERE r.namespace = w.namespace AND r.key = w.key AND r.version = w.version`,
      [namespaces(ws), keysOf(ws), versions(ws)],
    );
    return rowCount === ws.length;
  },
  async put(client, ws) {
    await client.query(
      `INSERT INTO records (namespace, key, version, value)
       SELECT w.namespace, w.key, 1, w.value::json FROM unnest($1::text[], $2::text[], $3::text[]) AS w(namespace, key, value)
       ON CONFLICT (namespace, key) DO UPDATE SET version = records.version + 1, value = EXCLUDED.value`,
      [namespaces(ws), keysOf(ws), values(ws)],
    );
    return true;
  },
  async remove(client, ws) {
    await client.query(
      `DELETE FROM records r USING unnest($1::text[], $2::text[]) AS w(namespace, key) WHERE r.namespace = w.namespace AND r.key = w.key`,
      [namespaces(ws), keysOf(ws)],
    );
    return true;
  },
};

/**
 * Applies index changes: for each (index, member) only its last change in the batch counts, as
 * applying them one after another would leave it. Upserts in one statement, removals in another.
 */
export async function applyIndexChanges(client: PoolClient, changes: readonly IndexChange[]): Promise<void> {
  const last = new Map<string, IndexChange>();
  for (const change of changes) {
    const key = `${change.index}\u0000${change.member}`;
    last.delete(key); // re-inserting keeps the batch's order among the survivors
    last.set(key, change);
  }
  const adds: { index: string; member: string; score: number }[] = [];
  const removes: IndexChange[] = [];
  for (const change of last.values()) {
    if ('remove' in change) removes.push(change);
    else adds.push(change);
  }
  if (adds.length) {
    await client.query(
      `INSERT INTO sorted_index (name, member, score) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
       ON CONFLICT (name, member) DO UPDATE SET score = EXCLUDED.score`,
      [adds.map((c) => c.index), adds.map((c) => c.member), adds.map((c) => c.score)],
    );
  }
  if (removes.length) {
    await client.query(
      `DELETE FROM sorted_index s USING unnest($1::text[], $2::text[]) AS r(name, member) WHERE s.name = r.name AND s.member = r.member`,
      [removes.map((c) => c.index), removes.map((c) => c.member)],
    );
  }
}
