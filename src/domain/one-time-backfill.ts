import type { DurableStore } from '../store/durable-store.js';

/** Where a one-time backfill records that a store has had it (a `meta` record). */
export interface BackfillMarkerKey {
  readonly namespace: string;
  readonly key: string;
}

/**
 * Schedules a one-time backfill job unless this store already has its marker (scheduled, running or
 * finished): the start-up half shared by the store's backfills (`timebound-backfill-job.ts`,
 * `late-check-backfill.ts`).
 *
 * - A store that has the marker: one read, nothing scheduled.
 * - A store whose `sources` (sorted index names) are all empty, a new one: the marker is written
 *   finished (`finished`), and no job.
 * - Otherwise the marker (`started`) and the job in one commit, the marker expected absent: of
 *   several instances starting at once exactly one schedules, and a marker never exists without its
 *   job. The job's id is stable, so it is scheduled once however often this runs.
 *
 * @param now epoch ms, `dueAt` of the job.
 * @returns `scheduled` (this call created the job), `nothing` (nothing to read: marked finished),
 *   or `already` (the marker was there: another start, or another instance, got there first).
 * @throws when the store does.
 */
export async function scheduleOneTimeBackfill(
  store: DurableStore,
  now: number,
  backfill: {
    marker: BackfillMarkerKey;
    sources: readonly string[];
    job: { id: string; kind: string; payload: unknown };
    /** The marker when nothing is to be read (finished at `now`), and when the job is scheduled. */
    finished: unknown;
    started: unknown;
  },
): Promise<'scheduled' | 'nothing' | 'already'> {
  const { marker } = backfill;
  if (await store.get(marker.namespace, marker.key)) return 'already';
  const counts = await Promise.all(backfill.sources.map((name) => store.count(name)));
  if (counts.every((n) => n === 0)) {
    return (await store.commit({ records: [{ ...marker, expect: 'absent', value: backfill.finished }] })) ? 'nothing' : 'already';
  }
  const created = await store.commit({
    records: [{ ...marker, expect: 'absent', value: backfill.started }],
    schedule: [{ ...backfill.job, dueAt: now }],
  });
  return created ? 'scheduled' : 'already';
}
