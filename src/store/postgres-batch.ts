import type { IndexChange, RecordWrite, WriteBatch } from './durable-store.js';

/** A value as the `json` columns take it. `undefined` has no JSON text: it is stored as null. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/**
 * The arguments of `store_commit` (postgres-schema.ts) for a batch, in its parameter order: the
 * batch as parallel arrays, one entry per write.
 *
 * Record writes are sorted by key when no key repeats, so two batches lock the rows they share in
 * the same order; a key written twice keeps the batch's order (each write sees the one before).
 * Index changes keep only the last change of each (index, member), as applying them in turn would.
 */
export function commitArguments(batch: WriteBatch, channel: string): unknown[] {
  const records = recordsInLockOrder(batch.records ?? []);
  const index = lastChangeEach(batch.index ?? []);
  const jobs = batch.schedule ?? [];
  return [
    records.map(modeOf),
    records.map((w) => w.namespace),
    records.map((w) => w.key),
    records.map((w) => (typeof w.expect === 'number' ? w.expect : null)),
    records.map((w) => (w.value === undefined ? null : jsonText(w.value))),
    index.map((c) => c.index),
    index.map((c) => c.member),
    index.map((c) => ('remove' in c ? null : c.score)),
    jobs.map((j) => j.id),
    jobs.map((j) => j.kind),
    jobs.map((j) => j.dueAt),
    jobs.map((j) => jsonText(j.payload)),
    jobs.map((j) => j.orderKey ?? null),
    batch.cancel ?? [],
    channel,
  ];
}

/** The SQL that calls it, with a placeholder per argument. */
export const COMMIT_SQL = `SELECT store_commit(${Array.from({ length: 15 }, (_, i) => `$${i + 1}`).join(', ')}) AS ok`;

type Mode = 'create' | 'replace' | 'delete_at' | 'absent' | 'put' | 'remove';

function modeOf(write: RecordWrite): Mode {
  const deletes = write.value === undefined;
  if (write.expect === 'absent') return deletes ? 'absent' : 'create';
  if (write.expect === 'any') return deletes ? 'remove' : 'put';
  return deletes ? 'delete_at' : 'replace';
}

function recordsInLockOrder(writes: readonly RecordWrite[]): readonly RecordWrite[] {
  const keys = new Set(writes.map((w) => `${w.namespace}\u0000${w.key}`));
  if (keys.size !== writes.length) return writes;
  return [...writes].sort((a, b) => compare(a.namespace, b.namespace) || compare(a.key, b.key));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function lastChangeEach(changes: readonly IndexChange[]): IndexChange[] {
  const last = new Map<string, IndexChange>();
  for (const change of changes) last.set(`${change.index}\u0000${change.member}`, change);
  return [...last.values()];
}
