import type { JobHandler } from '../scheduler/worker.js';
import type { DurableStore } from '../store/durable-store.js';
import type { Clock } from './clock.js';
import { backfillIndexPage, backfillStart, type BackfillProgress, type IndexBackfillSpec } from './index-backfill.js';
import type { Logger } from './logger.js';
import { scheduleOneTimeBackfill, type BackfillMarkerKey } from './one-time-backfill.js';

/**
 * One one-time index backfill run as a durable job (`req:timebound-target`: `timebound-backfill-job.ts`;
 * `req:held` / `req:group-held`: `held-backfill.ts`): which entries it adds (`spec`, read a page at a
 * time by `backfillIndexPage`), its job's kind and stable id, its marker record, and its last log line.
 */
export interface IndexBackfillJob {
  spec: IndexBackfillSpec;
  kind: string;
  /** Stable, so scheduling it is idempotent. */
  jobId: string;
  marker: BackfillMarkerKey;
  /** Requests read per run unless the caller says otherwise. */
  defaultPageSize: number;
  /** The info line logged once the last page is committed. */
  finishedMessage(added: number): string;
}

/** The marker record of an index backfill. Times are epoch ms. */
export interface IndexBackfillMarker {
  scheduledAt: number;
  /** Set by the last page; absent while the job is still to finish. */
  finishedAt?: number;
  /** Requests read and index entries added, once finished. */
  scanned?: number;
  added?: number;
}

interface IndexBackfillPayload extends BackfillProgress {
  scheduledAt: number;
}

/**
 * Schedules the backfill unless this store already has its marker (scheduled, running or finished;
 * `scheduleOneTimeBackfill`). One read on a store that has it; else a count per source state and one
 * commit: a store with no request in those states (a new one) gets its marker finished at once, and
 * no job.
 *
 * @param now epoch ms.
 * @param options.pageSize requests read per run (tests: small).
 * @returns `scheduled` (this call created the job), `nothing` (nothing to read: marked finished),
 *   or `already` (the marker was there: another start, or another instance, got there first).
 * @throws when the store does.
 */
export async function scheduleIndexBackfill(
  backfill: IndexBackfillJob,
  store: DurableStore,
  now: number,
  options: { pageSize?: number } = {},
): Promise<'scheduled' | 'nothing' | 'already'> {
  const payload: IndexBackfillPayload = { ...backfillStart(options.pageSize ?? backfill.defaultPageSize), scheduledAt: now };
  const finished: IndexBackfillMarker = { scheduledAt: now, finishedAt: now, scanned: 0, added: 0 };
  const started: IndexBackfillMarker = { scheduledAt: now };
  return scheduleOneTimeBackfill(store, now, {
    marker: backfill.marker,
    sources: backfill.spec.sources.map((state) => `req:state:${state}`),
    job: { id: backfill.jobId, kind: backfill.kind, payload },
    finished,
    started,
  });
}

/**
 * The job's handler: one page per run. A page that leaves more to read commits the stale entries'
 * removal and the job again (same id, the new progress as payload, due now) in one commit; the
 * worker then only ends this run's lease and runs it again. The last page commits the marker
 * finished instead, and logs one info line with the counts. A run that fails throws, and the worker
 * retries it from the last committed progress.
 */
export function indexBackfillHandler(backfill: IndexBackfillJob, deps: { store: DurableStore; clock: Clock; logger: Logger }): JobHandler {
  const { store, clock, logger } = deps;
  return async (job, signal) => {
    const payload = job.payload as IndexBackfillPayload;
    const step = await backfillIndexPage(store, backfill.spec, payload);
    // Lost meanwhile (lease taken over, worker stopping): the new holder writes the progress.
    if (signal.aborted) return;
    if (!step.done) {
      const next: IndexBackfillPayload = { ...step.progress, scheduledAt: payload.scheduledAt };
      await store.commit({ index: step.stale, schedule: [{ id: job.id, kind: job.kind, dueAt: clock.now(), payload: next }] });
      return;
    }
    const { scanned, added } = step.progress;
    const marker: IndexBackfillMarker = { scheduledAt: payload.scheduledAt, finishedAt: clock.now(), scanned, added };
    await store.commit({ index: step.stale, records: [{ ...backfill.marker, expect: 'any', value: marker }] });
    logger.info({ added, scanned }, backfill.finishedMessage(added));
  };
}
