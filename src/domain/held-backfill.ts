import type { JobHandler } from '../scheduler/worker.js';
import type { DurableStore } from '../store/durable-store.js';
import type { Clock } from './clock.js';
import type { IndexBackfillSpec } from './index-backfill.js';
import { indexBackfillHandler, scheduleIndexBackfill, type IndexBackfillJob, type IndexBackfillMarker } from './index-backfill-job.js';
import type { Logger } from './logger.js';
import { IN_PLACE_STATES } from './request.js';

/**
 * The one-time backfill of `req:held` and `req:group-held` for a store written before those indexes
 * existed: a grant applied then (`applied` or `effective`, for good) has no entry, so a revoke of the
 * same right would not end it (it would stay "in effect" for a right removed), and on a group the
 * other of Send As / Send on Behalf applied for the same person would not mark it `replaced`. A grant
 * that is still propagating or time-bound is found through those indexes meanwhile; one in effect
 * for good only through these.
 *
 * Run as every index backfill (`index-backfill-job.ts`), as the time-bound one is: a durable job,
 * one page of `req:state:applied`, then of `req:state:effective`, per run (`backfillIndexPage`), its
 * progress in the job's payload. One instance runs it at a time however many start together; a
 * process killed mid-way loses its lease and any instance resumes from the last page committed; a
 * start does not wait for it. The marker `meta:backfill:held` is created in the same commit as the
 * job, so each store gets it once, and says `finishedAt` only once the last page is committed. Only
 * index entries are written: the requests' records and versions stay as they are.
 */
export const HELD_BACKFILL_KIND = 'backfill_held';
/** The job's id: stable, so scheduling it is idempotent. */
export const HELD_BACKFILL_JOB = 'backfill:held';
export const HELD_BACKFILL_MARKER = { namespace: 'meta', key: 'backfill:held' } as const;

/** Requests read per run, by default. */
export const DEFAULT_HELD_BACKFILL_PAGE = 200;

/**
 * Where it reads, in this order: the states of a grant in place (`grantInPlace`), `applied` before
 * `effective`. A grant moves only from the first to the second, never back, so one that moves while
 * the backfill pages is met in one of the two; one that moves under this version without its entries
 * keeps lacking them (the commit diffs `indexesFor` before and after, which agree on them), so meeting
 * it here is what counts.
 */
const HELD: IndexBackfillSpec = { sources: IN_PLACE_STATES, prefixes: ['req:held:', 'req:group-held:'], name: 'req:held' };

const HELD_BACKFILL: IndexBackfillJob = {
  spec: HELD,
  kind: HELD_BACKFILL_KIND,
  jobId: HELD_BACKFILL_JOB,
  marker: HELD_BACKFILL_MARKER,
  defaultPageSize: DEFAULT_HELD_BACKFILL_PAGE,
  finishedMessage: (added) => `req:held backfill finished: ${added} index entries added for grants an older version applied, so a revoke (on a group, also the other send right) ends them`,
};

/** The marker record (`meta:backfill:held`); `added` counts `req:held` and `req:group-held` entries together. */
export type HeldBackfillMarker = IndexBackfillMarker;

/** Schedules the backfill unless this store already has its marker (`scheduleIndexBackfill`). */
export function scheduleHeldBackfill(store: DurableStore, now: number, options: { pageSize?: number } = {}): Promise<'scheduled' | 'nothing' | 'already'> {
  return scheduleIndexBackfill(HELD_BACKFILL, store, now, options);
}

/** The job's handler: one page per run (`indexBackfillHandler`). */
export function heldBackfillHandler(deps: { store: DurableStore; clock: Clock; logger: Logger }): JobHandler {
  return indexBackfillHandler(HELD_BACKFILL, deps);
}
