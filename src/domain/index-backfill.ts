import type { DurableStore, IndexChange, IndexEntry } from '../store/durable-store.js';
import { REQUESTS } from './request-repository.js';
import { indexesFor, type RequestState, type StoredRequest } from './request.js';

/**
 * What a one-time index backfill adds: the entries `indexesFor` (the one rule) names under
 * `prefixes` for the requests in the `sources` states, read in that order. Used by the backfills
 * of `req:timebound-target` (`timebound-backfill.ts`) and of `req:held` / `req:group-held`
 * (`held-backfill.ts`).
 */
export interface IndexBackfillSpec {
  /** States read (`req:state:<state>`), in this order. */
  sources: readonly RequestState[];
  /** Index name prefixes (with their trailing `:`) whose entries are added when missing. */
  prefixes: readonly string[];
  /** Names the backfill in the error thrown when its commit is refused. */
  name: string;
}

/** Where a backfill is: which source (an index into its `sources`), after which entry of it, and its counts so far. */
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
 * Reads one page of `req:state:<source>` (oldest first), and adds the entries under `spec.prefixes`
 * that `indexesFor` names for each request there and that are missing (written by a version before
 * those indexes). Idempotent: an entry already there is neither written nor counted.
 *
 * A request changed by a live commit between this read and the add could get an entry its new
 * state does not want (the commit removed one not yet there). So each request given an entry is
 * read again afterwards: such entries come back in `stale`, for the caller to remove in its next
 * commit. Harmless meanwhile: the readers (`endGrantsRevokedBy`, `closeReplacedBy`) check each
 * grant's state. A request leaves the states these indexes list only for a terminal state, so a
 * stale entry is never wanted again.
 *
 * Only `DurableStore` calls (range, get, commit), so it runs on every backend. Throws when the store does.
 */
export async function backfillIndexPage(store: DurableStore, spec: IndexBackfillSpec, progress: BackfillProgress): Promise<BackfillStep> {
  const source = spec.sources[progress.source];
  if (source === undefined) return { progress, done: true, stale: [] };
  const entries = await store.range(`req:state:${source}`, { order: 'asc', limit: progress.pageSize, ...(progress.after ? { after: progress.after } : {}) });
  const missing = (
    await Promise.all(
      entries.map(async ({ member }) => {
        const wanted = wantedEntries(spec, member, (await store.get<StoredRequest>(REQUESTS, member))?.value);
        const held = await Promise.all(wanted.map((entry) => holds(store, entry)));
        return wanted.filter((_, i) => !held[i]);
      }),
    )
  ).flat();
  if (missing.length && !(await store.commit({ index: missing }))) throw new Error(`${spec.name} backfill: index commit refused`);
  const stale = (
    await Promise.all(
      [...new Set(missing.map((added) => added.member))].map(async (member) => {
        const now = wantedEntries(spec, member, (await store.get<StoredRequest>(REQUESTS, member))?.value);
        return missing
          .filter((added) => added.member === member && !now.some((e) => e.index === added.index && e.score === added.score))
          .map((added) => ({ index: added.index, member: added.member, remove: true as const }));
      }),
    )
  ).flat();
  const last = entries.at(-1);
  const sourceRead = entries.length < progress.pageSize;
  const next: BackfillProgress = {
    pageSize: progress.pageSize,
    source: sourceRead ? progress.source + 1 : progress.source,
    ...(!sourceRead && last ? { after: last } : {}),
    scanned: progress.scanned + entries.length,
    added: progress.added + missing.length - stale.length,
  };
  return { progress: next, done: next.source >= spec.sources.length, stale };
}

type WantedEntry = { index: string; member: string; score: number };

/** The entries under `spec.prefixes` a request belongs in now, by `indexesFor` (the one rule); none when it is gone. */
function wantedEntries(spec: IndexBackfillSpec, member: string, request: StoredRequest | undefined): WantedEntry[] {
  if (!request) return [];
  return Object.entries(indexesFor(request))
    .filter(([index]) => spec.prefixes.some((prefix) => index.startsWith(prefix)))
    .map(([index, score]) => ({ index, member, score }));
}

/**
 * Whether the index holds the entry at its score, in one O(log N) page: newest first, the first
 * entry below (score, member + U+0001) is the entry itself when it is there (request ids hold no
 * control characters, so nothing sorts in between).
 */
async function holds(store: DurableStore, entry: WantedEntry): Promise<boolean> {
  const [below] = await store.range(entry.index, { order: 'desc', limit: 1, after: { score: entry.score, member: `${entry.member}\u0001` } });
  return below?.member === entry.member && below.score === entry.score;
}
