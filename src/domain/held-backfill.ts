import type { JobHandler } from '../scheduler/worker.js';
import type { DurableStore } from '../store/durable-store.js';
import type { Clock } from './clock.js';
import { backfillIndexPage, backfillStart, type BackfillProgress, type IndexBackfillSpec } from './index-backfill.js';
import type { Logger } from './logger.js';
import { scheduleOneTimeBackfill } from './one-time-backfill.js';
import { IN_PLACE_STATES } from './request.js';

/**
 * The one-time backfill of `req:held` and `req:group-held` for a store written before those indexes
 * existed: a grant applied then (`applied` or `effective`, for good) has no entry, so a revoke of the
 * same right would not end it (it would stay "in effect" for a right removed), and on a group the
 * other of Send As / Send on Behalf applied for the same person would not mark it `replaced`. A grant
 * that is still propagating or time-bound is found through those indexes meanwhile; one in effect
 * for good only through these.
 *
 * Built as the time-bound backfill (`timebound-backfill-job.ts`), which it mirrors: a durable job,
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

/** The marker record (`meta:backfill:held`). Times are epoch ms. */
export interface HeldBackfillMarker {
  scheduledAt: number;
  /** Set by the last page; absent while the job is still to finish. */
  finishedAt?: number;
  /** Requests read and entries added (`req:held` and `req:group-held` together), once finished. */
  scanned?: number;
  added?: number;
}

interface HeldBackfillPayload extends BackfillProgress {
  scheduledAt: number;
}

/**
 * Schedules the backfill unless this store already has its marker (scheduled, running or finished;
 * `scheduleOneTimeBackfill`). One read on a store that has it; else two counts and one commit: a
 * store with no applied or effective request (a new one) gets its marker finished at once, and no job.
 *
 * @param now epoch ms.
 * @param options.pageSize requests read per run (tests: small).
 * @returns `scheduled` (this call created the job), `nothing` (nothing to read: marked finished),
 *   or `already` (the marker was there: another start, or another instance, got there first).
 * @throws when the store does.
 */
export async function scheduleHeldBackfill(store: DurableStore, now: number, options: { pageSize?: number } = {}): Promise<'scheduled' | 'nothing' | 'already'> {
  const payload: HeldBackfillPayload = { ...backfillStart(options.pageSize ?? DEFAULT_HELD_BACKFILL_PAGE), scheduledAt: now };
  const finished: HeldBackfillMarker = { scheduledAt: now, finishedAt: now, scanned: 0, added: 0 };
  const started: HeldBackfillMarker = { scheduledAt: now };
  return scheduleOneTimeBackfill(store, now, {
    marker: HELD_BACKFILL_MARKER,
    sources: HELD.sources.map((state) => `req:state:${state}`),
    job: { id: HELD_BACKFILL_JOB, kind: HELD_BACKFILL_KIND, payload },
    finished,
    started,
  });
}

/**
 * The job's handler: one page per run. A page that leaves more to read commits the stale entries'
 * removal and the job again (same id, the new progress as payload, due now) in one commit; the last
 * page commits the marker finished instead, and logs one info line with the counts. A run that
 * fails throws, and the worker retries it from the last committed progress.
 */
export function heldBackfillHandler(deps: { store: DurableStore; clock: Clock; logger: Logger }): JobHandler {
  const { store, clock, logger } = deps;
  return async (job, signal) => {
    const payload = job.payload as HeldBackfillPayload;
    const step = await backfillIndexPage(store, HELD, payload);
    // Lost meanwhile (lease taken over, worker stopping): the new holder writes the progress.
    if (signal.aborted) return;
    if (!step.done) {
      const next: HeldBackfillPayload = { ...step.progress, scheduledAt: payload.scheduledAt };
      await store.commit({ index: step.stale, schedule: [{ id: job.id, kind: job.kind, dueAt: clock.now(), payload: next }] });
      return;
    }
    const { scanned, added } = step.progress;
    const marker: HeldBackfillMarker = { scheduledAt: payload.scheduledAt, finishedAt: clock.now(), scanned, added };
    await store.commit({ index: step.stale, records: [{ ...HELD_BACKFILL_MARKER, expect: 'any', value: marker }] });
    logger.info({ added, scanned }, `req:held backfill finished: ${added} index entries added for grants an older version applied, so a revoke (on a group, also the other send right) ends them`);
  };
}
