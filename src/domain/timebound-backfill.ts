import type { DurableStore, IndexChange, IndexEntry } from '../store/durable-store.js';
import { REQUESTS } from './request-repository.js';
import { IN_PLACE_STATES, indexesFor, type RequestState, type StoredRequest } from './request.js';

/**
 * Where the backfill reads, in this order: the states in which `req:timebound-target` holds a grant
 * (`IN_PLACE_STATES`). `applied` before `effective`: a grant moves only from the first to the second
 * (never back), so one that moves while the backfill pages is met in one of the two. A grant that
 * moves under this version without its entry keeps lacking it (the commit diffs `indexesFor` before
 * and after, which agree on it), so meeting it here is what counts.
 */
export const BACKFILL_SOURCES: readonly RequestState[] = IN_PLACE_STATES;

const TIMEBOUND = 'req:timebound-target:';

/** Where a backfill is: which source (an index into `BACKFILL_SOURCES`), after which entry of it, and its counts so far. */
export interface BackfillProgress {
  /** Requests read per page. */
  pageSize: number;
  source: number;
  /** The last entry of `req:state:<source>` read; absent at the start of a source. */
  after?: IndexEntry;
  /** Requests read so far. */
  scanned: number;
  /**
   * Index entries that were missing and were added. A page run again after a crash finds what its
   * first run added already there, so those are not counted (the entries are in place all the same).
   */
  added: number;
}

/** The start of a backfill reading `pageSize` requests at a time. */
export function backfillStart(pageSize: number): BackfillProgress {
  return { pageSize, source: 0, scanned: 0, added: 0 };
}

/** What one page did: the progress after it (`done` when every source is read). */
export interface BackfillStep {
  progress: BackfillProgress;
  done: boolean;
  /** Entries this page added and then found stale (the request left the state meanwhile): remove them with the next commit. */
  stale: IndexChange[];
}

/**
 * Reads one page of `req:state:<source>` (oldest first), and adds the `req:timebound-target`
 * entry of each request there whose `indexesFor` names one and whose entry is missing (written by
 * a version before that index). Idempotent: an entry already there is neither written nor counted.
 *
 * A request changed by a live commit between this read and the add could get an entry its new
 * state does not want (the commit removed one not yet there). So each added request is read again
 * afterwards: such entries come back in `stale`, for the caller to remove in its next commit.
 * Harmless meanwhile: the reader (`endGrantsRevokedBy`) checks each grant's state.
 *
 * Only `DurableStore` calls (range, get, commit), so it runs on every backend. Throws when the store does.
 */
export async function backfillTimeboundPage(store: DurableStore, progress: BackfillProgress): Promise<BackfillStep> {
  const source = BACKFILL_SOURCES[progress.source];
  if (source === undefined) return { progress, done: true, stale: [] };
  const entries = await store.range(`req:state:${source}`, { order: 'asc', limit: progress.pageSize, ...(progress.after ? { after: progress.after } : {}) });
  const missing = (
    await Promise.all(
      entries.map(async ({ member }) => {
        const wanted = timeboundEntry((await store.get<StoredRequest>(REQUESTS, member))?.value);
        return wanted && !(await holds(store, wanted)) ? wanted : undefined;
      }),
    )
  ).filter((entry) => entry !== undefined);
  if (missing.length && !(await store.commit({ index: missing }))) throw new Error('timebound backfill: index commit refused');
  const stale = (
    await Promise.all(
      missing.map(async (added) => {
        const now = timeboundEntry((await store.get<StoredRequest>(REQUESTS, added.member))?.value);
        return now?.index === added.index && now.score === added.score ? undefined : { index: added.index, member: added.member, remove: true as const };
      }),
    )
  ).filter((entry) => entry !== undefined);
  const last = entries.at(-1);
  const sourceRead = entries.length < progress.pageSize;
  const next: BackfillProgress = {
    pageSize: progress.pageSize,
    source: sourceRead ? progress.source + 1 : progress.source,
    ...(!sourceRead && last ? { after: last } : {}),
    scanned: progress.scanned + entries.length,
    added: progress.added + missing.length - stale.length,
  };
  return { progress: next, done: next.source >= BACKFILL_SOURCES.length, stale };
}

type TimeboundEntry = { index: string; member: string; score: number };

/** The `req:timebound-target` entry a request belongs in now, by `indexesFor` (the one rule), if any. */
function timeboundEntry(request: StoredRequest | undefined): TimeboundEntry | undefined {
  if (!request) return undefined;
  const found = Object.entries(indexesFor(request)).find(([index]) => index.startsWith(TIMEBOUND));
  return found ? { index: found[0], member: request.id, score: found[1] } : undefined;
}

/**
 * Whether the index holds the entry at its score, in one O(log N) page: newest first, the first
 * entry below (score, member + U+0001) is the entry itself when it is there (request ids hold no
 * control characters, so nothing sorts in between).
 */
async function holds(store: DurableStore, entry: TimeboundEntry): Promise<boolean> {
  const [below] = await store.range(entry.index, { order: 'desc', limit: 1, after: { score: entry.score, member: `${entry.member}\u0001` } });
  return below?.member === entry.member && below.score === entry.score;
}
