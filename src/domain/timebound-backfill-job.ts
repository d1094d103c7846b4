import type { JobHandler } from '../scheduler/worker.js';
import type { DurableStore } from '../store/durable-store.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import { scheduleOneTimeBackfill } from './one-time-backfill.js';
import { BACKFILL_SOURCES, backfillStart, backfillTimeboundPage, type BackfillProgress } from './timebound-backfill.js';

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

/** The marker record (`meta:backfill:timebound-target`). Times are epoch ms. */
export interface BackfillMarker {
  scheduledAt: number;
  /** Set by the last page; absent while the job is still to finish. */
  finishedAt?: number;
  /** Requests read and entries added, once finished. */
  scanned?: number;
  added?: number;
}

interface BackfillPayload extends BackfillProgress {
  scheduledAt: number;
}

/**
 * Schedules the backfill unless this store already has its marker (scheduled, running or
 * finished; `scheduleOneTimeBackfill`). Costs one read on a store that has the marker; on one that does not, two counts and
 * one commit: a store with no applied or effective request (a new one) gets its marker finished at
 * once, and no job.
 *
 * @param now epoch ms.
 * @param options.pageSize requests read per run (tests: small).
 * @returns `scheduled` (this call created the job), `nothing` (nothing to read: marked finished),
 *   or `already` (the marker was there: another start, or another instance, got there first).
 * @throws when the store does.
 */
export async function scheduleTimeboundBackfill(
  store: DurableStore,
  now: number,
  options: { pageSize?: number } = {},
): Promise<'scheduled' | 'nothing' | 'already'> {
  const payload: BackfillPayload = { ...backfillStart(options.pageSize ?? DEFAULT_BACKFILL_PAGE), scheduledAt: now };
  const finished: BackfillMarker = { scheduledAt: now, finishedAt: now, scanned: 0, added: 0 };
  const started: BackfillMarker = { scheduledAt: now };
  return scheduleOneTimeBackfill(store, now, {
    marker: BACKFILL_MARKER,
    sources: BACKFILL_SOURCES.map((state) => `req:state:${state}`),
    job: { id: TIMEBOUND_BACKFILL_JOB, kind: TIMEBOUND_BACKFILL_KIND, payload },
    finished,
    started,
  });
}

/**
 * The job's handler: one page per run. A page that leaves more to read commits the stale entries'
 * removal and the job again (same id, the new progress as payload, due now) in one commit; the
 * worker then only ends this run's lease and runs it again. The last page commits the marker
 * finished instead, and logs one info line with the counts. A run that fails throws, and the
 * worker retries it from the last committed progress.
 */
export function timeboundBackfillHandler(deps: { store: DurableStore; clock: Clock; logger: Logger }): JobHandler {
  const { store, clock, logger } = deps;
  return async (job, signal) => {
    const payload = job.payload as BackfillPayload;
    const step = await backfillTimeboundPage(store, payload);
    // Lost meanwhile (lease taken over, worker stopping): the new holder writes the progress.
    if (signal.aborted) return;
    if (!step.done) {
      const next: BackfillPayload = { ...step.progress, scheduledAt: payload.scheduledAt };
      await store.commit({ index: step.stale, schedule: [{ id: job.id, kind: job.kind, dueAt: clock.now(), payload: next }] });
      return;
    }
    const { scanned, added } = step.progress;
    const marker: BackfillMarker = { scheduledAt: payload.scheduledAt, finishedAt: clock.now(), scanned, added };
    await store.commit({ index: step.stale, records: [{ ...BACKFILL_MARKER, expect: 'any', value: marker }] });
    logger.info({ added, scanned }, `req:timebound-target backfill finished: ${added} time-bound grant(s) indexed so a revoke ends them`);
  };
}
