import type { JobHandler } from '../scheduler/worker.js';
import type { DurableStore, IndexEntry } from '../store/durable-store.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import { scheduleOneTimeBackfill } from './one-time-backfill.js';
import type { RequestRepository } from './request-repository.js';
import { lacksLateChecks, type LifecycleSettings, type StoredRequest } from './request.js';

/**
 * The one-time backfill of the slow checks for a store written before they existed: a request that
 * had its final "not visible" word then (`lacksLateChecks`) has no timer, keeps showing "effective by"
 * a time gone by, and is still taken on the bot's word by the pre-flight ("already held").
 *
 * Each such request gets what the post-back gives one today when the admins are told (`postback` in
 * engine-work.ts): `unconfirmedAt` (when it was told then: its `not_yet_visible` audit entry) and
 * `checksUntil` (the apply plus the late-check limit), in one change that schedules its check:
 * - checks still to come: the next one a late-check interval from now, and the word the requester,
 *   the grantee and the admins get at that moment today (`not_yet_visible`, `finalCheck`: "I will
 *   keep checking until ..."), which also redraws its cards;
 * - the late-check limit already passed: its last check at once, which tells how it ends (in effect
 *   after all, or "I have stopped checking"), as the last check does.
 *
 * Like the time-bound backfill (`timebound-backfill-job.ts`), it runs as a durable job, one page of
 * `req:state:applied` per run, its progress in the job's payload: one instance runs it at a time
 * however many start together, a process killed mid-way loses its lease and any instance resumes
 * from the last page, and a start does not wait for it. The marker `meta:backfill:late-checks` is
 * created in the same commit as the job, so each store gets it once. Each request changes through
 * `RequestRepository.change` (compare-and-set, re-checked on the stored version), so a page run
 * twice, or a live change meanwhile, changes nothing twice.
 */
export const LATE_CHECK_BACKFILL_KIND = 'backfill_late_checks';
/** The job's id: stable, so scheduling it is idempotent. */
export const LATE_CHECK_BACKFILL_JOB = 'backfill:late-checks';
export const LATE_CHECK_BACKFILL_MARKER = { namespace: 'meta', key: 'backfill:late-checks' } as const;

/** Requests read per run, by default. */
export const DEFAULT_LATE_CHECK_BACKFILL_PAGE = 200;

/** The marker record (`meta:backfill:late-checks`). Times are epoch ms. */
export interface LateCheckBackfillMarker {
  scheduledAt: number;
  /** Set by the last page; absent while the job is still to finish. */
  finishedAt?: number;
  /** Applied requests read, and those given their slow checks, once finished. */
  scanned?: number;
  scheduled?: number;
}

interface LateCheckBackfillPayload {
  pageSize: number;
  /** The last entry of `req:state:applied` read; absent at the start. */
  after?: IndexEntry;
  scanned: number;
  scheduled: number;
  scheduledAt: number;
}

/** What the handler needs: the store and repository, the clock, and the lifecycle's check settings (ms). */
export interface LateCheckBackfillDeps {
  store: DurableStore;
  repo: RequestRepository;
  clock: Clock;
  logger: Logger;
  settings: Pick<LifecycleSettings, 'maxRechecks'> & { lateCheckIntervalMs: number; lateCheckUntilMs: number };
}

/**
 * Schedules the backfill unless this store already has its marker (`scheduleOneTimeBackfill`). One
 * read on a store that has it; else one count and one commit (a store with no applied request gets
 * its marker finished at once, and no job).
 *
 * @param now epoch ms.
 * @param options.pageSize requests read per run (tests: small).
 * @returns `scheduled` (this call created the job), `nothing` (nothing to read: marked finished),
 *   or `already` (the marker was there: another start, or another instance, got there first).
 * @throws when the store does.
 */
export async function scheduleLateCheckBackfill(store: DurableStore, now: number, options: { pageSize?: number } = {}): Promise<'scheduled' | 'nothing' | 'already'> {
  const payload: LateCheckBackfillPayload = { pageSize: options.pageSize ?? DEFAULT_LATE_CHECK_BACKFILL_PAGE, scanned: 0, scheduled: 0, scheduledAt: now };
  const finished: LateCheckBackfillMarker = { scheduledAt: now, finishedAt: now, scanned: 0, scheduled: 0 };
  const started: LateCheckBackfillMarker = { scheduledAt: now };
  return scheduleOneTimeBackfill(store, now, {
    marker: LATE_CHECK_BACKFILL_MARKER,
    sources: ['req:state:applied'],
    job: { id: LATE_CHECK_BACKFILL_JOB, kind: LATE_CHECK_BACKFILL_KIND, payload },
    finished,
    started,
  });
}

/**
 * The job's handler: one page of `req:state:applied` (oldest first) per run. A page that leaves
 * more to read schedules the job again (same id, the new progress, due now); the last one finishes
 * the marker and logs one info line with the counts. A run that fails throws, and the worker
 * retries it from the last committed progress.
 */
export function lateCheckBackfillHandler(deps: LateCheckBackfillDeps): JobHandler {
  const { store, clock, logger } = deps;
  return async (job, signal) => {
    const payload = job.payload as LateCheckBackfillPayload;
    const entries = await store.range('req:state:applied', { order: 'asc', limit: payload.pageSize, ...(payload.after ? { after: payload.after } : {}) });
    let scheduled = 0;
    for (const { member } of entries) {
      if (signal.aborted) return;
      if (await giveLateChecks(deps, member)) scheduled += 1;
    }
    // Lost meanwhile (lease taken over, worker stopping): the new holder writes the progress.
    if (signal.aborted) return;
    const progress = { scanned: payload.scanned + entries.length, scheduled: payload.scheduled + scheduled };
    const last = entries.at(-1);
    if (entries.length === payload.pageSize && last) {
      const next: LateCheckBackfillPayload = { ...payload, ...progress, after: last };
      await store.commit({ schedule: [{ id: job.id, kind: job.kind, dueAt: clock.now(), payload: next }] });
      return;
    }
    const marker: LateCheckBackfillMarker = { scheduledAt: payload.scheduledAt, finishedAt: clock.now(), ...progress };
    await store.commit({ records: [{ ...LATE_CHECK_BACKFILL_MARKER, expect: 'any', value: marker }] });
    logger.info(progress, `late-check backfill finished: ${progress.scheduled} request(s) told "not visible" by an older version now have their late checks`);
  };
}

/** Gives one request its slow checks if it lacks them; true when this call did. */
async function giveLateChecks(deps: LateCheckBackfillDeps, requestId: string): Promise<boolean> {
  const { repo, clock, settings } = deps;
  const request = await repo.find(requestId);
  if (!request || !lacksLateChecks(request, settings)) return false;
  const toldAt = await finalWordAt(repo, request);
  let changed = false;
  await repo.change(request.id, (r) => {
    // Read again on every compare-and-set attempt: a live change meanwhile may have given it its checks.
    changed = lacksLateChecks(r, settings);
    if (!changed) return false;
    const now = clock.now();
    r.unconfirmedAt = toldAt;
    r.checksUntil = (r.appliedAt ?? toldAt) + settings.lateCheckUntilMs;
    const audit = [{ actorId: 'system', action: 'late_check_scheduled' as const, detail: 'told "not visible" before late checks existed' }];
    if (now >= r.checksUntil) {
      // Its slow checks would be over by now: the last one runs at once and says how it ends.
      r.nextCheckAt = now;
      return { audit };
    }
    r.nextCheckAt = Math.min(now + settings.lateCheckIntervalMs, r.checksUntil);
    return { audit, events: [{ type: 'not_yet_visible', finalCheck: true, nextCheckAt: r.nextCheckAt }] };
  }, request);
  return changed;
}

/**
 * When the request had its final word (the admins told): its newest `not_yet_visible` audit entry,
 * among its last few; else its last change, which that word was unless a reminder came after it.
 */
async function finalWordAt(repo: RequestRepository, request: StoredRequest): Promise<number> {
  const { entries } = await repo.auditPage(`audit:req:${request.id}`, { limit: 10 });
  return entries.find((e) => e.action === 'not_yet_visible')?.at ?? request.updatedAt;
}
