import { createHash } from 'node:crypto';
import type { DurableStore, IndexChange, IndexEntry, JobSpec, RecordWrite, WriteBatch } from '../store/durable-store.js';
import type { Clock } from './clock.js';
import type { AuditAction, AuditEntry } from './engine-api.js';
import { BotError } from './errors.js';
import { newId } from './ids.js';
import { notifyJobOutbox, type EventOutbox, type NotifyPayload } from './event-outbox.js';
import type { EngineEvent } from './notifier.js';
import { indexesFor, OPEN_STATES, timersFor, type LifecycleSettings, type PermissionRequest, type StoredRequest } from './request.js';
import type { Right } from './rights.js';

export const REQUESTS = 'requests';
export const AUDIT = 'audit';
/**
 * One record per open request (`OPEN_STATES`), keyed by what makes two requests the same
 * (`openClaimKey`): created with the request (`expect: 'absent'`) and deleted in the commit that
 * takes the request out of the open states, so two identical requests submitted at the same moment,
 * by one instance or several on one store, cannot both be created.
 */
export const OPEN_CLAIMS = 'open-claims';

/** The value of an `OPEN_CLAIMS` record: the open request that holds it, and what the key stands for (readable; the key is a hash). */
export interface OpenClaim {
  requestId: string;
  requesterId: string;
  granteeId: string;
  targetId: string;
  kind: PermissionRequest['kind'];
  rights: PermissionRequest['rights'];
}

/**
 * The claim key of a request: the engine's duplicate rule (same requester, grantee, mailbox or
 * group, kind, and rights in the same order). A SHA-256 in base64url (43 characters), since
 * directory ids may hold characters a store key may not (Redis keys no ':').
 */
export function openClaimKey(r: Pick<PermissionRequest, 'requesterId' | 'granteeId' | 'targetId' | 'kind' | 'rights'>): string {
  return createHash('sha256')
    .update(JSON.stringify([r.requesterId, r.granteeId, r.targetId, r.kind, r.rights.join()]))
    .digest('base64url');
}

/** The claim record a request holds while open: its id and, readable, what makes two requests duplicates. */
function openClaimOf(r: StoredRequest): OpenClaim {
  return { requestId: r.id, requesterId: r.requesterId, granteeId: r.granteeId, targetId: r.targetId, kind: r.kind, rights: r.rights };
}

/**
 * What `create` did: stored the request; or not, because its id is taken (pick another), or
 * because an open request with the same claim (`openClaimKey`) exists: `duplicateOf`.
 */
export type CreateOutcome = { created: true } | { created: false; reason: 'id_taken' } | { created: false; reason: 'duplicate'; duplicateOf: StoredRequest };

/** The claim write a change needs (none when it neither enters nor leaves the open states), or the open request holding the claim it wanted. */
interface ClaimChange {
  write?: RecordWrite;
  heldBy?: StoredRequest;
}

function isOpen(r: Pick<PermissionRequest, 'state'> | undefined): boolean {
  return r !== undefined && OPEN_STATES.includes(r.state);
}
/** An event to raise with a change; its job carries the request as it is after the change. */
export interface EventSpec {
  type: EngineEvent['type'];
  rights?: Right[];
  /** `revoked`: the admin who revoked directly (`revokeNow`), owed the confirmation. */
  askedBy?: string;
  /** `revoked`: ended by a revoke request, whose requester and grantee hear of it through that request. */
  heardThrough?: string[];
  finalCheck?: boolean;
  nextCheckAt?: number;
  gaveUp?: boolean;
  unreachable?: string[];
  reachedInstead?: string[];
  escalatedTo?: string[];
  /** `already_held`: the request had been approved (its people heard so) before it was closed. */
  approvalTold?: boolean;
}

/** An audit entry to write with a change (the request's ids and the time are filled in). */
export interface AuditSpec {
  actorId: string;
  action: AuditAction;
  from?: string;
  to?: string;
  outcome?: AuditEntry['outcome'];
  detail?: string;
}

/** What a change did besides editing the request: its audit entries and events. */
export interface ChangeEffects {
  audit?: AuditSpec[];
  events?: EventSpec[];
}

/**
 * The error for a request id that names no request (`not_found`, `details.requestId`). Also thrown
 * for a request someone has nothing to do with, so that the answer does not tell them it exists.
 */
export function noSuchRequest(requestId: string): BotError {
  return new BotError('not_found', `No request ${requestId}`, { details: { requestId } });
}

/** The engine event of an event spec (or of a `notify` job's payload) and the request after the change. */
export function toEngineEvent({ event, request }: NotifyPayload): EngineEvent {
  switch (event.type) {
    case 'revoked':
      return {
        type: 'revoked',
        request,
        rights: event.rights ?? request.rights,
        ...(event.askedBy !== undefined ? { askedBy: event.askedBy } : {}),
        ...(event.heardThrough !== undefined ? { heardThrough: event.heardThrough } : {}),
      };
    case 'not_yet_visible':
      return {
        type: 'not_yet_visible',
        request,
        finalCheck: event.finalCheck ?? true,
        ...(event.nextCheckAt !== undefined ? { nextCheckAt: event.nextCheckAt } : {}),
        ...(event.gaveUp ? { gaveUp: true } : {}),
      };
    case 'removal_not_visible':
      return {
        type: 'removal_not_visible',
        request,
        ...(event.nextCheckAt !== undefined ? { nextCheckAt: event.nextCheckAt } : {}),
        ...(event.gaveUp ? { gaveUp: true } : {}),
      };
    case 'already_held':
      return { type: 'already_held', request, approvalTold: event.approvalTold ?? false };
    case 'approver_unreachable':
      return { type: 'approver_unreachable', request, unreachable: event.unreachable ?? [], reachedInstead: event.reachedInstead ?? [], escalatedTo: event.escalatedTo ?? [] };
    default:
      return { type: event.type, request } as EngineEvent;
  }
}

/** A page cursor as the API hands it out: `score|member` (a score may have a fraction; no number has a `|`). */
export function cursorOf(entry: IndexEntry | undefined): string | undefined {
  return entry ? cursorAt(entry.score, entry.member) : undefined;
}

/** The cursor of a place in an index: the next page starts after (`score`, `member`). */
export function cursorAt(score: number, member: string): string {
  return `${score}|${member}`;
}

/**
 * Reads a cursor of `cursorOf`, or of a version before it (`score.member`, whole scores only, as
 * cards already posted may still carry).
 */
export function parseCursor(cursor: string | undefined): IndexEntry | undefined {
  if (!cursor) return undefined;
  const bar = cursor.indexOf('|');
  const match = bar >= 0 ? ([cursor, cursor.slice(0, bar), cursor.slice(bar + 1)] as const) : /^(-?\d+)\.(.+)$/s.exec(cursor);
  const score = match && /^-?\d+(\.\d+)?$/.test(match[1]!) ? Number(match[1]) : Number.NaN;
  if (!match || !Number.isFinite(score) || !match[2]) throw new BotError('invalid_request', 'Unknown page cursor', { details: { reason: 'bad_cursor' } });
  return { score, member: match[2] };
}

/**
 * Requests and their audit trail in a `DurableStore`. Every change is ONE commit: the request's
 * compare-and-set, its audit entries, the index entries of its new state, the timers of its new
 * state (`timersFor`, diffed against the old state's) and, per event, the jobs the `EventOutbox`
 * plans for it (the messages it owes people). So a crash can leave a request only in a state whose
 * work is stored with it.
 */
export class RequestRepository {
  constructor(
    private readonly store: DurableStore,
    private readonly clock: Clock,
    private readonly settings: LifecycleSettings,
    /** Told when a commit scheduled work due now, so a worker runs it without waiting for its next look. */
    private readonly onDueNow: () => void = () => {},
    /** Plans each event's jobs; without channels, one `notify` job per event. */
    private readonly outbox: EventOutbox = notifyJobOutbox,
  ) {}

  async find(requestId: string): Promise<StoredRequest | undefined> {
    const stored = await this.store.get<StoredRequest>(REQUESTS, requestId);
    return stored ? { ...stored.value, version: stored.version } : undefined;
  }

  async require(requestId: string): Promise<StoredRequest> {
    const request = await this.find(requestId);
    if (!request) throw noSuchRequest(requestId);
    return request;
  }

  /**
   * Stores a new request with its effects, and its open claim in the same commit. Refused (nothing
   * written) when the id is taken, or when an open request with the same claim exists (the
   * duplicate, read after the refusal, so a request created a moment ago by another turn or
   * instance is found). A request stored before claims existed holds none: the engine's index check
   * finds those.
   */
  async create(request: StoredRequest, effects: ChangeEffects): Promise<CreateOutcome> {
    const eventSeq = request.eventSeq;
    // The usual case first, without reading: no claim yet. A refused commit wrote nothing; the loop
    // then reads the claim (a duplicate, or one to take over) or finds the id taken.
    let claim: ClaimChange | undefined = isOpen(request)
      ? { write: { namespace: OPEN_CLAIMS, key: openClaimKey(request), expect: 'absent', value: openClaimOf(request) } }
      : {};
    for (;;) {
      claim ??= await this.claimChange(undefined, request);
      if (claim.heldBy) return { created: false, reason: 'duplicate', duplicateOf: claim.heldBy };
      // `commit` numbers the events on the request; a second attempt numbers them afresh.
      request.eventSeq = eventSeq;
      if (await this.commit(undefined, request, effects, claim)) return { created: true };
      if (await this.store.get(REQUESTS, request.id)) return { created: false, reason: 'id_taken' };
      // The claim was there, or changed after it was read (another create took it, or its holder closed): read it again.
      claim = undefined;
    }
  }

  /**
   * Reads, changes and writes a request with compare-and-set, retrying when another writer got
   * there first. `change` edits the draft and returns its effects, or false for "nothing to do"
   * (then nothing is written); it may throw a refusal.
   */
  async change(requestId: string, change: (draft: StoredRequest) => ChangeEffects | false, known?: StoredRequest): Promise<StoredRequest> {
    let current = known;
    for (;;) {
      current ??= await this.require(requestId);
      const draft = structuredClone(current);
      const effects = change(draft);
      if (effects === false) return current;
      draft.updatedAt = this.clock.now();
      draft.version = current.version + 1;
      if (await this.commit(current, draft, effects, await this.claimChange(current, draft))) return draft;
      current = undefined;
    }
  }

  /**
   * The open claim's write for a change from `before` (undefined: a new request) to `after`:
   * - entering the open states: create the claim (`expect: 'absent'`), or take it over (at its
   *   version) from a holder that is gone or no longer open; when an open request holds it, no
   *   write and `heldBy` (a new request is then a duplicate; a failed one retried stays open
   *   beside the one created meanwhile, as it could before claims);
   * - leaving them: delete the claim at its version when this request holds it. A request stored
   *   before claims existed, or retried beside another's claim, holds none: nothing to delete.
   * Every write is at a version read here, so a commit that races another fails and is retried.
   */
  private async claimChange(before: StoredRequest | undefined, after: StoredRequest): Promise<ClaimChange> {
    const entering = isOpen(after);
    if (isOpen(before) === entering) return {};
    const key = openClaimKey(after);
    const claim = await this.store.get<OpenClaim>(OPEN_CLAIMS, key);
    if (!entering) return claim?.value.requestId === after.id ? { write: { namespace: OPEN_CLAIMS, key, expect: claim.version } } : {};
    const value = openClaimOf(after);
    if (!claim) return { write: { namespace: OPEN_CLAIMS, key, expect: 'absent', value } };
    if (claim.value.requestId === after.id) return {};
    const holder = await this.find(claim.value.requestId);
    if (isOpen(holder)) return { heldBy: holder! };
    return { write: { namespace: OPEN_CLAIMS, key, expect: claim.version, value } };
  }

  private async commit(before: StoredRequest | undefined, after: StoredRequest, effects: ChangeEffects, claim: ClaimChange): Promise<boolean> {
    const now = this.clock.now();
    const records: RecordWrite[] = [{ namespace: REQUESTS, key: after.id, expect: before ? before.version : 'absent', value: after }];
    if (claim.write) records.push(claim.write);
    const index: IndexChange[] = indexDiff(before ? indexesFor(before) : {}, indexesFor(after), after.id);
    for (const spec of effects.audit ?? []) {
      const entry = this.auditEntry(after, spec, now);
      records.push({ namespace: AUDIT, key: entry.id, expect: 'absent', value: entry });
      index.push(...auditIndexes(entry, after.requesterId));
    }
    const schedule: JobSpec[] = [];
    const cancel: string[] = [];
    const timersBefore = before ? timersFor(before, this.settings) : {};
    const timersAfter = timersFor(after, this.settings);
    for (const [kind, dueAt] of Object.entries(timersAfter)) {
      if (timersBefore[kind as keyof typeof timersBefore] !== dueAt) schedule.push({ id: `${after.id}:${kind}`, kind, dueAt, payload: { requestId: after.id } });
    }
    for (const kind of Object.keys(timersBefore)) if (!(kind in timersAfter)) cancel.push(`${after.id}:${kind}`);
    for (const spec of effects.events ?? []) {
      after.eventSeq += 1;
      const event = toEngineEvent({ event: spec, request: publicView(after) });
      schedule.push(...(await this.outbox.jobsFor(event, `${after.id}:event:${after.eventSeq}`, now)));
    }
    const batch: WriteBatch = { records, index, schedule, cancel };
    if (!(await this.store.commit(batch))) return false;
    if (schedule.some((job) => job.dueAt <= now)) this.onDueNow();
    return true;
  }

  private auditEntry(r: StoredRequest, spec: AuditSpec, at: number): AuditEntry {
    return {
      id: auditId(at),
      at,
      requestId: r.id,
      targetId: r.targetId,
      granteeId: r.granteeId,
      actorId: spec.actorId,
      action: spec.action,
      ...(spec.from ? { from: spec.from } : {}),
      ...(spec.to ? { to: spec.to } : {}),
      outcome: spec.outcome ?? 'ok',
      ...(spec.detail ? { detail: spec.detail } : {}),
    };
  }

  /** An audit entry with no request change to ride on (a refused action). */
  async recordAlone(entry: Omit<AuditEntry, 'id' | 'at' | 'action'> & { action: AuditAction }): Promise<void> {
    const at = this.clock.now();
    const full: AuditEntry = { ...entry, id: auditId(at), at };
    await this.store.commit({ records: [{ namespace: AUDIT, key: full.id, expect: 'absent', value: full }], index: auditIndexes(full) });
  }

  /** A page of requests from one of `indexesFor`'s indexes, newest first. */
  async page(index: string, options: { limit?: number; before?: string } = {}): Promise<{ requests: StoredRequest[]; next?: string }> {
    const limit = options.limit ?? 20;
    const after = parseCursor(options.before);
    const entries = await this.store.range(index, { limit, ...(after ? { after } : {}) });
    const requests = (await Promise.all(entries.map((e) => this.find(e.member)))).filter((r): r is StoredRequest => r !== undefined);
    const next = entries.length === limit ? cursorOf(entries[entries.length - 1]) : undefined;
    return next ? { requests, next } : { requests };
  }

  /**
   * Every request of an index, newest first, read a page of `pageSize` at a time. For the small
   * indexes (what is propagating on one target), not for lists that grow with the store.
   */
  async all(index: string, pageSize = 100): Promise<StoredRequest[]> {
    const requests: StoredRequest[] = [];
    let before: string | undefined;
    do {
      const page = await this.page(index, { limit: pageSize, ...(before ? { before } : {}) });
      requests.push(...page.requests);
      before = page.next;
    } while (before);
    return requests;
  }

  /**
   * A page of the whole audit log (`audit:all`), oldest first, from `since` (epoch ms) on; `before`
   * continues after a page. The first page starts after every entry of the millisecond before
   * `since` ("~" sorts after every audit id), so it holds what is at or after `since` (a fractional
   * `since` may also let in entries of the same millisecond just before it).
   */
  async auditFrom(since: number, options: { limit?: number; before?: string } = {}): Promise<{ entries: AuditEntry[]; next?: string }> {
    return this.auditPage('audit:all', { ...options, order: 'asc', before: options.before ?? cursorAt(Math.ceil(since) - 1, '~') });
  }

  /**
   * A page of audit entries from an index (`audit:req:ID`, `audit:target:ID`, `audit:person:ID`,
   * `audit:all`), newest first. With `since` / `until` (epoch ms, newest first only): the entries with
   * `since <= at < until`, read from `until` down (a cursor is held below `until`) and cut at `since`;
   * one entry more than the page is read, so `next` is there only when an older entry in the span is.
   * With `targetId` (newest first only): only the entries on that mailbox or group (`auditPageOn`).
   */
  async auditPage(
    index: string,
    options: { limit?: number; before?: string; order?: 'asc' | 'desc'; since?: number; until?: number; targetId?: string } = {},
  ): Promise<{ entries: AuditEntry[]; next?: string }> {
    const limit = options.limit ?? 20;
    let after = parseCursor(options.before);
    // '' sorts before every audit id: reading down from (until, '') starts below every entry at `until`.
    const fromUntil = options.order !== 'asc' && options.until !== undefined && (!after || after.score >= options.until);
    if (fromUntil) after = { score: options.until!, member: '' };
    if (options.targetId !== undefined && options.order !== 'asc') return this.auditPageOn(index, options.targetId, limit, after, options.since);
    if (options.order !== 'asc' && (options.since !== undefined || options.until !== undefined)) {
      const read = await this.store.range(index, { limit: limit + 1, order: 'desc', ...(after ? { after } : {}) });
      const inSpan = options.since === undefined ? read : read.filter((e) => e.score >= options.since!);
      const shown = inSpan.slice(0, limit);
      const entries = await this.auditEntries(shown);
      return inSpan.length > limit ? { entries, next: cursorOf(shown[shown.length - 1])! } : { entries };
    }
    const found = await this.store.range(index, { limit, order: options.order ?? 'desc', ...(after ? { after } : {}) });
    const entries = (await Promise.all(found.map((e) => this.store.get<AuditEntry>(AUDIT, e.member))))
      .filter((r) => r !== undefined)
      .map((r) => r.value);
    const next = found.length === limit ? cursorOf(found[found.length - 1]) : undefined;
    return next ? { entries, next } : { entries };
  }

  /**
   * A page of `index` (newest first, below `after`, at or after `since`) with only the entries on
   * `targetId`: "what did the bot do for Liam on Support". The store keeps no index of one person on
   * one mailbox or group, so this reads the person's index in batches and keeps the entries whose
   * `targetId` matches (every entry of `audit:target:ID` has that `targetId`, so this is exactly the
   * entries in both indexes; the target's index could not be filtered the other way, since an entry
   * does not carry the requester its person index also has). At most `AUDIT_SCAN` index entries are
   * read per page: when they run out first, the page is short (it may be empty) and `next` continues
   * after the last entry read, so one page never reads a long history whole.
   */
  private async auditPageOn(index: string, targetId: string, limit: number, after: IndexEntry | undefined, since?: number): Promise<{ entries: AuditEntry[]; next?: string }> {
    const kept: Array<{ entry: AuditEntry; at: IndexEntry }> = [];
    const batch = Math.max(limit + 1, AUDIT_BATCH);
    let cursor = after;
    for (let scanned = 0; ; ) {
      const read = await this.store.range(index, { limit: batch, order: 'desc', ...(cursor ? { after: cursor } : {}) });
      const inSpan = since === undefined ? read : read.filter((e) => e.score >= since);
      const values = await Promise.all(inSpan.map((e) => this.store.get<AuditEntry>(AUDIT, e.member)));
      for (const [i, value] of values.entries()) {
        if (value?.value.targetId !== targetId) continue;
        kept.push({ entry: value.value, at: inSpan[i]! });
        // One more than the page: there is an older one on it, so `next` is there only when it is.
        if (kept.length > limit) return { entries: kept.slice(0, limit).map((k) => k.entry), next: cursorOf(kept[limit - 1]!.at)! };
      }
      scanned += read.length;
      if (read.length < batch || inSpan.length < read.length) return { entries: kept.map((k) => k.entry) };
      cursor = read[read.length - 1]!;
      if (scanned >= AUDIT_SCAN) return { entries: kept.map((k) => k.entry), next: cursorOf(cursor)! };
    }
  }

  /** The audit entries an index page names, in its order (an entry gone since is left out). */
  private async auditEntries(found: readonly IndexEntry[]): Promise<AuditEntry[]> {
    return (await Promise.all(found.map((e) => this.store.get<AuditEntry>(AUDIT, e.member)))).filter((r) => r !== undefined).map((r) => r.value);
  }
}

/** Index entries read at a time, and at most per page, when one audit index is filtered by a mailbox or group (`auditPageOn`). */
const AUDIT_BATCH = 50;
const AUDIT_SCAN = 1_000;

let auditCounter = 0;

/**
 * Audit ids sort in the order entries were written by this process, also within one millisecond
 * (an approval and the apply it starts often share one): the time, a counter, then randomness.
 */
function auditId(at: number): string {
  auditCounter = (auditCounter + 1) % 1e10;
  return `aud-${String(at).padStart(13, '0')}-${String(auditCounter).padStart(10, '0')}-${newId('x').slice(2, 8)}`;
}

/** The index changes that move a request from the indexes of its old state to those of its new one. */
function indexDiff(before: Record<string, number>, after: Record<string, number>, member: string): IndexChange[] {
  const changes: IndexChange[] = [];
  for (const [index, score] of Object.entries(after)) if (before[index] !== score) changes.push({ index, member, score });
  for (const index of Object.keys(before)) if (!(index in after)) changes.push({ index, member, remove: true });
  return changes;
}

/** Where an audit entry is found: the whole log, its request, its mailbox or group, and each person in it. */
function auditIndexes(entry: AuditEntry, requesterId?: string): IndexChange[] {
  const names = new Set(['audit:all']);
  if (entry.requestId) names.add(`audit:req:${entry.requestId}`);
  if (entry.targetId) names.add(`audit:target:${entry.targetId}`);
  for (const person of [entry.granteeId, entry.actorId, requesterId]) if (person && person !== 'system') names.add(`audit:person:${person}`);
  return [...names].map((index) => ({ index, member: entry.id, score: entry.at }));
}

/** The request as the outside world sees it: without the lifecycle's bookkeeping. */
export function publicView(r: StoredRequest): PermissionRequest {
  const {
    eventSeq: _eventSeq,
    rechecks: _rechecks,
    nextCheckAt: _nextCheckAt,
    nextAttemptAt: _nextAttemptAt,
    remindedAt: _remindedAt,
    revokeRemindedAt: _revokeRemindedAt,
    revokeRequestedBy: _revokeRequestedBy,
    revokeRequestedAt: _revokeRequestedAt,
    unreachableApprovers: _unreachable,
    ...request
  } = r;
  return request;
}
