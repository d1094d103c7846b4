import type { AuditEntry } from '../domain/engine-api.js';
import type { AuditFilter, AuditPage, AuditPageOptions, ConversationEngine } from './types.js';

/** Entries per audit page in chat. */
export const AUDIT_PAGE_SIZE = 10;

/**
 * One page of audit history, newest first. An engine that pages (`{ entries, next }`) answers it
 * itself; one that answers every entry (oldest first) is paged here, the cursor being
 * `<at>:<entry id>` of the last entry shown (and the filter's `since` / `until` applied here).
 */
export async function auditPage(engine: ConversationEngine, actorId: string, filter: AuditFilter, page: AuditPageOptions = {}): Promise<AuditPage> {
  const result = await engine.audit(actorId, filter, { limit: AUDIT_PAGE_SIZE, ...page });
  if (!Array.isArray(result)) return result;
  const inSpan = result.filter((e) => (filter.since === undefined || e.at >= filter.since) && (filter.until === undefined || e.at < filter.until));
  return pageOf(inSpan, page);
}

function pageOf(entries: readonly AuditEntry[], page: AuditPageOptions): AuditPage {
  const limit = Math.max(1, Math.min(page.limit ?? AUDIT_PAGE_SIZE, 100));
  const newestFirst = [...entries].sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  // A cursor that matches nothing (tampered, or its entry gone) gives an empty page, never the first again.
  const at = page.before ? newestFirst.findIndex((e) => cursorOf(e) === page.before) : -1;
  const start = page.before ? (at < 0 ? newestFirst.length : at + 1) : 0;
  const slice = newestFirst.slice(start, start + limit);
  return start + limit < newestFirst.length ? { entries: slice, next: cursorOf(slice.at(-1)!) } : { entries: slice };
}

function cursorOf(entry: AuditEntry): string {
  return `${entry.at}:${entry.id}`;
}
