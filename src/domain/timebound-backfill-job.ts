import type { JobHandler } from '../scheduler/worker.js';
import type { DurableStore } from '../store/durable-store.js';
import type { Clock } from './clock.js';
import { indexBackfillHandler, scheduleIndexBackfill, type IndexBackfillJob, type IndexBackfillMarker } from './index-backfill-job.js';
import type { Logger } from './logger.js';
import { TIMEBOUND } from './timebound-backfill.js';

/**
 * The one-time backfill of `req:timebound-target` for a store written before that index existed:
 * time-bound grants already applied or effective then have no entry, so a revoke of the same right
 * would not end them and their end-date timer would later remove a right granted anew.
 *
 * It runs as a durable job (one page per run, its progress in the job's payload), which gives what
 * the work queue gives every job: one instance runs it at a time however many start together; a
 * process killed mid-way loses its lease and any instance resumes from the last page committed;
 * it runs beside the bot's own work, so a start does not wait for it. The marker record
 * `meta:backfill:timebound-target` is created in the same commit as the job, so each store gets
 * the job once: later starts find the marker and schedule nothing. The marker says `finishedAt`
 * only once the last page is committed.
 */
export const TIMEBOUND_BACKFILL_KIND = 'backfill_timebound_target';
/** The job's id: stable, so scheduling it is idempotent. */
export const TIMEBOUND_BACKFILL_JOB = 'backfill:timebound-target';
export const BACKFILL_MARKER = { namespace: 'meta', key: 'backfill:timebound-target' } as const;

/** Requests read per run, by default: a run takes well under a second on any backend. */
export const DEFAULT_BACKFILL_PAGE = 200;

const TIMEBOUND_BACKFILL: IndexBackfillJob = {
  spec: TIMEBOUND,
  kind: TIMEBOUND_BACKFILL_KIND,
  jobId: TIMEBOUND_BACKFILL_JOB,
  marker: BACKFILL_MARKER,
  defaultPageSize: DEFAULT_BACKFILL_PAGE,
  finishedMessage: (added) => `req:timebound-target backfill finished: ${added} time-bound grant(s) indexed so a revoke ends them`,
};

/** The marker record (`meta:backfill:timebound-target`). */
export type BackfillMarker = IndexBackfillMarker;

/**
 * Schedules the backfill unless this store already has its marker (`scheduleIndexBackfill`): one
 * read on a store that has it; a store with no applied or effective request gets it finished, and no job.
 */
export function scheduleTimeboundBackfill(store: DurableStore, now: number, options: { pageSize?: number } = {}): Promise<'scheduled' | 'nothing' | 'already'> {
  return scheduleIndexBackfill(TIMEBOUND_BACKFILL, store, now, options);
}

/** The job's handler: one page per run (`indexBackfillHandler`). */
export function timeboundBackfillHandler(deps: { store: DurableStore; clock: Clock; logger: Logger }): JobHandler {
  return indexBackfillHandler(TIMEBOUND_BACKFILL, deps);
}
