import type { DurableStore } from '../store/durable-store.js';
import { backfillIndexPage, type BackfillProgress, type BackfillStep, type IndexBackfillSpec } from './index-backfill.js';
import { IN_PLACE_STATES, type RequestState } from './request.js';

export { backfillStart, type BackfillProgress, type BackfillStep } from './index-backfill.js';

/**
 * Where the backfill reads, in this order: the states in which `req:timebound-target` holds a grant
 * (`IN_PLACE_STATES`). `applied` before `effective`: a grant moves only from the first to the second
 * (never back), so one that moves while the backfill pages is met in one of the two. A grant that
 * moves under this version without its entry keeps lacking it (the commit diffs `indexesFor` before
 * and after, which agree on it), so meeting it here is what counts.
 */
export const BACKFILL_SOURCES: readonly RequestState[] = IN_PLACE_STATES;

/** What the time-bound backfill adds (`index-backfill.ts`). */
export const TIMEBOUND: IndexBackfillSpec = { sources: BACKFILL_SOURCES, prefixes: ['req:timebound-target:'], name: 'timebound' };

/**
 * Reads one page of `req:state:<source>` (oldest first), and adds the `req:timebound-target`
 * entry of each request there whose `indexesFor` names one and whose entry is missing (written by
 * a version before that index): `backfillIndexPage`, which says how a live change meanwhile is
 * handled (`stale`). Idempotent. Throws when the store does.
 */
export async function backfillTimeboundPage(store: DurableStore, progress: BackfillProgress): Promise<BackfillStep> {
  return backfillIndexPage(store, TIMEBOUND, progress);
}
