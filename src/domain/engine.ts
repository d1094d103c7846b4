import type { Directory, MailTarget } from '../directory/directory.js';
import type { PermissionService, PermissionTarget, PermissionTrustee } from '../permissions/permission-service.js';
import type { Scheduler, TimerOutcome, TimerRecord } from '../scheduler/scheduler.js';
import type { Versioned, VersionedStore } from '../store/versioned-store.js';
import type { Clock } from './clock.js';
import type {
  AuditEntry,
  RequestEngineApi,
  SubmitInput,
  SubmitOutcome,
  TargetAccessReport,
  TrusteeAccessReport,
} from './engine-api.js';
import { BotError, isBotError } from './errors.js';
import { newId, newRequestId } from './ids.js';
import { silentLogger, type Logger } from './logger.js';
import type { EngineEvent, Notifier } from './notifier.js';
import { approversFor } from './policy.js';
import { canTransition, OPEN_STATES, TERMINAL_STATES, type PermissionRequest, type PreflightWarning, type RequestState } from './request.js';
import { groupRightReplaced, RIGHTS, rightAppliesTo, type Right } from './rights.js';
import { addIsoDuration, endOfDate, isTimeZone } from './time.js';

/** An event waiting in the request record to be delivered (outbox: stored with the transition). */
interface OutboxItem {
  seq: number;
  /** Set while one engine delivers it, so two engines never send the same event. */
  claimedUntil?: number;
  claimedBy?: string;
  type: EngineEvent['type'];
  rights?: Right[];
  finalCheck?: boolean;
}

/** The stored request: the public request plus its history and undelivered events. */
interface StoredRequest extends PermissionRequest {
  history: AuditEntry[];
  outbox: OutboxItem[];
  outboxSeq: number;
  /** Post-back rechecks done so far. */
  rechecks: number;
  revokeRequestedBy?: string;
}

export interface EngineOptions {
  store: VersionedStore;
  directory: Directory;
  permissions: PermissionService;
  clock: Clock;
  notifier: Notifier;
  scheduler: Scheduler;
  logger?: Logger;
  /** Exchange propagation window: the post-back comes this long after applying. */
  propagationWindowMs: number;
  requestExpiryMs: number;
  approverReminderMs: number;
  /** BOT_ADMINS (ids or mail addresses); undefined means the directory's admins. */
  admins?: string[];
  groupMembershipPolicy?: 'warn' | 'refuse';
  /** Apply attempts before a request fails, and the backoff between them. */
  maxApplyAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** After the window: how often and how many times to re-check a right that is not yet visible. */
  recheckIntervalMs?: number;
  maxRechecks?: number;
  /** Jitter source for backoff (tests pass a constant). */
  random?: () => number;
}

const REQUESTS = 'requests';
const AUDIT = 'audit';
const INDEX = 'request-index';
const INDEX_LIMIT = 200;
/** How long an engine holds an event it is delivering before another may take it over. */
const OUTBOX_LEASE_MS = 5 * 60_000;
/** States an apply timer acts on: `failed` after an admin's retry, `applying` after a crash mid-apply. */
const READY_TO_APPLY: readonly RequestState[] = ['approved', 'failed', 'applying'];
const DAY = 86_400_000;
const MAX_GRANT_MS = 366 * DAY;
const MAX_REASON = 500;

export class RequestEngine implements RequestEngineApi {
  private readonly logger: Logger;
  /** Identifies this engine's claims on queued events in a store shared with other processes. */
  readonly instanceId = newId('eng');
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly delivering = new Map<string, Promise<unknown>>();
  private readonly deliverAgain = new Set<string>();
  private adminIds: Promise<string[]> | undefined;

  constructor(private readonly options: EngineOptions) {
    this.logger = options.logger ?? silentLogger;
    const { scheduler } = options;
    scheduler.handle('apply', (t) => this.onApply(t));
    scheduler.handle('postback', (t) => this.onPostback(t));
    scheduler.handle('approver_reminder', (t) => this.onApproverReminder(t));
    scheduler.handle('expire', (t) => this.onExpire(t));
    scheduler.handle('revoke_reminder', (t) => this.onRevokeReminder(t));
    scheduler.handle('timed_revoke', (t) => this.onTimedRevoke(t));
  }

  private now(): number {
    return this.options.clock.now();
  }

  // ---------------------------------------------------------------- identities

  async isAdmin(userId: string): Promise<boolean> {
    return (await this.admins()).includes(userId);
  }

  private admins(): Promise<string[]> {
    this.adminIds ??= (async () => {
      const { admins, directory } = this.options;
      if (!admins) return directory.admins();
      const ids: string[] = [];
      for (const entry of admins) {
        const user = entry.includes('@') ? await directory.findUserByMail(entry) : await directory.getUser(entry);
        if (user) ids.push(user.id);
        else this.logger.warn({ entry }, 'BOT_ADMINS names nobody in the directory');
      }
      return ids;
    })();
    return this.adminIds;
  }

  async approversFor(targetId: string, requesterId: string, granteeId: string): Promise<string[]> {
    const target = await this.requireTarget(targetId);
    return approversFor(this.options.directory, target, requesterId, granteeId, await this.admins());
  }

  private async requireTarget(targetId: string): Promise<MailTarget> {
    const target = await this.options.directory.getTarget(targetId);
    if (!target) throw new BotError('not_found', `No mailbox or group ${targetId}`, { details: { targetId } });
    return target;
  }

  private async requireUser(userId: string, role: string) {
    const user = await this.options.directory.getUser(userId);
    if (!user) throw new BotError('not_found', `No ${role} ${userId}`, { details: { userId, role } });
    return user;
  }

  private async permissionParties(request: PermissionRequest): Promise<[PermissionTarget, PermissionTrustee]> {
    const target = await this.requireTarget(request.targetId);
    const grantee = await this.requireUser(request.granteeId, 'grantee');
    return [{ id: target.id, kind: target.kind, mail: target.mail }, { id: grantee.id, mail: grantee.mail }];
  }

  // ---------------------------------------------------------------- submit

  async submit(input: SubmitInput): Promise<SubmitOutcome> {
    const { directory, permissions } = this.options;
    await this.requireUser(input.requesterId, 'requester');
    const grantee = await this.requireUser(input.granteeId, 'grantee');
    const target = await this.requireTarget(input.targetId);
    if (target.kind === 'user' && target.id === grantee.id) {
      throw new BotError('invalid_request', 'A person already has every right on their own mailbox', { details: { reason: 'own_mailbox' } });
    }
    if (input.duration && input.until) throw new BotError('invalid_request', 'Give a duration or an end date, not both');
    if (input.kind === 'grant' && !input.right) {
      throw new BotError('invalid_request', 'Which right: Full Access, Send As or Send on Behalf?', { details: { missing: 'right' } });
    }
    if (input.right && !rightAppliesTo(input.right, target.kind)) {
      throw new BotError('invalid_request', 'Full Access exists only on user and shared mailboxes, not on groups', {
        details: { reason: 'full_access_on_group' },
      });
    }
    if (input.kind === 'grant' && target.kind === 'group' && grantee.guest) {
      throw new BotError('guest_not_allowed', 'Guests cannot receive Send As or Send on Behalf on a group');
    }
    const now = this.now();
    if (input.kind === 'grant') this.validateEnd(input, now);
    const pTarget: PermissionTarget = { id: target.id, kind: target.kind, mail: target.mail };
    const pTrustee: PermissionTrustee = { id: grantee.id, mail: grantee.mail };

    let rights: Right[];
    const warnings: PreflightWarning[] = [];
    if (input.kind === 'grant') {
      const right = input.right!;
      if (await this.withService(() => permissions.check(pTarget, pTrustee, right))) {
        return { outcome: 'already_held', right, granteeId: grantee.id, targetId: target.id };
      }
      rights = [right];
      const other = groupRightReplaced(right, target.kind);
      if (other && (await this.withService(() => permissions.check(pTarget, pTrustee, other)))) {
        warnings.push({ code: 'replacement', replaces: other });
      }
      if (target.kind === 'group' && !(await directory.membersOf(target.id)).includes(grantee.id)) {
        if (this.options.groupMembershipPolicy === 'refuse') {
          throw new BotError('not_a_member', `${grantee.displayName} is not a member of ${target.displayName}`);
        }
        warnings.push({ code: 'not_a_member' });
      }
    } else {
      const held = (await this.withService(() => permissions.listDelegates(pTarget)))
        .filter((d) => d.trusteeId === grantee.id)
        .map((d) => d.right);
      rights = input.right ? held.filter((r) => r === input.right) : RIGHTS.filter((r) => held.includes(r));
      if (rights.length === 0) return { outcome: 'nothing_to_revoke', granteeId: grantee.id, targetId: target.id };
    }

    const pairKey = `pair:${grantee.id}|${target.id}`;
    const samePair = (r: StoredRequest) => r.granteeId === grantee.id && r.targetId === target.id;
    // Read once: the duplicate check and the index update below share it.
    const pairIndex = (await this.options.store.get<string[]>(INDEX, pairKey)) ?? null;
    for (const open of await this.indexedRecords(pairIndex?.value ?? [], (r) => samePair(r) && OPEN_STATES.includes(r.state))) {
      const sameRights = open.kind === input.kind && open.rights.join() === rights.join();
      if (sameRights && open.requesterId === input.requesterId) return { outcome: 'duplicate', request: this.publicView(open) };
      if (open.state === 'pending') warnings.push({ code: 'already_pending', requestId: open.id });
    }

    const adminRevoke = input.kind === 'revoke' && (await this.isAdmin(input.requesterId));
    const approverIds = adminRevoke
      ? [input.requesterId]
      : await approversFor(directory, target, input.requesterId, grantee.id, await this.admins());
    if (approverIds.length === 0) {
      throw new BotError('not_allowed', 'Nobody can approve this request (no owner, manager or admin other than you)');
    }
    const reason = input.reason?.trim().slice(0, MAX_REASON) || undefined;
    const request: StoredRequest = {
      id: newRequestId(),
      version: 1,
      kind: input.kind,
      state: 'pending',
      requesterId: input.requesterId,
      granteeId: grantee.id,
      targetId: target.id,
      targetKind: target.kind,
      rights,
      autoMapping: input.autoMapping ?? true,
      ...(input.kind === 'grant' && input.duration ? { duration: input.duration } : {}),
      ...(input.kind === 'grant' && input.until ? { until: input.until } : {}),
      ...(input.kind === 'grant' && input.until && isTimeZone(input.timeZone) ? { untilTimeZone: input.timeZone } : {}),
      ...(reason ? { reason } : {}),
      language: input.language,
      approverIds,
      warnings,
      createdAt: now,
      updatedAt: now,
      attempts: 0,
      history: [],
      outbox: [],
      outboxSeq: 0,
      rechecks: 0,
    };
    this.record(request, input.requesterId, 'created', undefined, 'pending');
    this.enqueue(request, { type: 'approval_needed' });
    for (;;) {
      // Indexes first: a crash before the request is written leaves an id readers skip, never a
      // request nobody finds. Readers also check each record matches, so an id that collided with
      // another request's (one in ~900 million) is harmless.
      await this.addToIndex(pairKey, request.id, pairIndex);
      await this.addToIndex(`requester:${input.requesterId}`, request.id);
      for (const approver of approverIds) await this.addToIndex(`approver:${approver}`, request.id);
      if (await this.options.store.create<StoredRequest>(REQUESTS, request.id, request)) break;
      request.id = newRequestId();
      for (const entry of request.history) entry.requestId = request.id;
    }

    if (adminRevoke) {
      // Admins may revoke directly: their own request is approved as it is made.
      return { outcome: 'created', request: await this.decide(request.id, input.requesterId, 'approve', 'admin revoke') };
    }
    // One timer per open request: the reminder, which schedules the expiry when it has run.
    if (this.remindsBeforeExpiry()) await this.options.scheduler.schedule('approver_reminder', request.id, now + this.options.approverReminderMs);
    else await this.options.scheduler.schedule('expire', request.id, now + this.options.requestExpiryMs);
    this.deliverSoon(request.id, request);
    return { outcome: 'created', request: this.publicView(request) };
  }

  private validateEnd(input: SubmitInput, now: number): void {
    let endsAt: number | undefined;
    if (input.duration) endsAt = addIsoDuration(now, input.duration);
    if (input.until) endsAt = endOfDate(input.until, isTimeZone(input.timeZone) ? input.timeZone : undefined);
    if (endsAt === undefined) return;
    if (endsAt <= now) throw new BotError('invalid_request', 'The end date is in the past', { details: { reason: 'end_in_past' } });
    if (endsAt - now > MAX_GRANT_MS) {
      throw new BotError('invalid_request', 'A time-bound grant can last at most a year', { details: { reason: 'too_long' } });
    }
  }

  /** Runs a permission-service read; an outage becomes `permission_service_unavailable` for the caller. */
  private async withService<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (isBotError(error)) throw error;
      throw new BotError('permission_service_unavailable', 'The permission service could not be reached', { cause: error });
    }
  }

  // ---------------------------------------------------------------- decisions

  async decide(requestId: string, actorId: string, verdict: 'approve' | 'reject', reason?: string): Promise<PermissionRequest> {
    const cleanReason = reason?.trim().slice(0, MAX_REASON) || undefined;
    const updated = await this.transition(requestId, (request) => {
      if (!request.approverIds.includes(actorId)) {
        throw new BotError('not_an_approver', 'You are not an approver of this request', { details: { requestId } });
      }
      if (request.state !== 'pending') throw alreadyDecided(request);
      const state: RequestState = verdict === 'approve' ? 'approved' : 'rejected';
      request.decision = { verdict: state === 'approved' ? 'approved' : 'rejected', by: actorId, at: this.now(), ...(cleanReason ? { reason: cleanReason } : {}) };
      return { to: state, actor: actorId, action: state, event: { type: 'decided' }, detail: cleanReason };
    }).catch(async (error) => {
      if (isBotError(error, 'not_an_approver')) await this.auditRefusal(requestId, actorId, 'decide', error.message);
      throw error;
    });
    if (updated.state === 'approved') await this.options.scheduler.schedule('apply', requestId, this.now());
    await this.options.scheduler.cancel(requestId, ['expire', 'approver_reminder']);
    return updated;
  }

  async cancel(requestId: string, actorId: string): Promise<PermissionRequest> {
    const admin = await this.isAdmin(actorId);
    const updated = await this.transition(requestId, (request) => {
      if (request.requesterId !== actorId && !admin) {
        throw new BotError('not_allowed', 'Only the requester or an admin can cancel a request');
      }
      if (request.state !== 'pending') throw alreadyDecided(request);
      request.cancelledBy = actorId;
      return { to: 'cancelled', actor: actorId, action: 'cancelled', event: { type: 'cancelled' } };
    });
    await this.options.scheduler.cancel(requestId, ['expire', 'approver_reminder']);
    return updated;
  }

  async retry(requestId: string, actorId: string): Promise<PermissionRequest> {
    if (!(await this.isAdmin(actorId))) throw new BotError('not_allowed', 'Only an admin can retry a failed request');
    const request = await this.requireRequest(requestId);
    if (request.state !== 'failed') {
      throw new BotError('invalid_request', `Only a failed request can be retried (this one is ${request.state})`);
    }
    const updated = await this.mutate(requestId, (r) => {
      if (r.state !== 'failed') throw new BotError('conflict', 'The request changed meanwhile');
      r.attempts = 0;
      this.record(r, actorId, 'retry_requested');
    });
    await this.options.scheduler.schedule('apply', requestId, this.now(), `retry${this.now()}`);
    return updated;
  }

  async revokeNow(requestId: string, actorId: string): Promise<PermissionRequest> {
    if (!(await this.isAdmin(actorId))) throw new BotError('not_allowed', 'Only an admin can revoke directly');
    const updated = await this.mutate(requestId, (r) => {
      if (r.kind !== 'grant' || (r.state !== 'applied' && r.state !== 'effective')) {
        throw new BotError('invalid_request', `Only an applied grant can be revoked (this one is ${r.state})`);
      }
      r.revokeRequestedBy = actorId;
      this.record(r, actorId, 'revoke_requested');
    });
    await this.options.scheduler.schedule('timed_revoke', requestId, this.now(), 'admin');
    return updated;
  }

  // ---------------------------------------------------------------- reads

  async get(requestId: string): Promise<PermissionRequest | undefined> {
    const stored = await this.options.store.get<StoredRequest>(REQUESTS, requestId);
    return stored ? this.publicView({ ...stored.value, version: stored.version }) : undefined;
  }

  async requestsOf(userId: string, options: { openOnly?: boolean; limit?: number } = {}): Promise<PermissionRequest[]> {
    const all = await this.indexed(
      `requester:${userId}`,
      (r) => r.requesterId === userId && (!options.openOnly || OPEN_STATES.includes(r.state)),
    );
    return all.slice(0, options.limit ?? 20).map((r) => this.publicView(r));
  }

  async awaitingDecisionBy(userId: string): Promise<PermissionRequest[]> {
    return (await this.indexed(`approver:${userId}`, (r) => r.state === 'pending' && r.approverIds.includes(userId))).map((r) =>
      this.publicView(r),
    );
  }

  async whoHasAccess(actorId: string, targetId: string): Promise<TargetAccessReport> {
    const target = await this.requireTarget(targetId);
    const owners = await this.options.directory.ownersOf(targetId);
    if (!(await this.isAdmin(actorId)) && !owners.includes(actorId)) {
      await this.auditRefusal(undefined, actorId, 'query_target', targetId);
      throw new BotError('not_allowed', 'Only admins and the owners of a mailbox or group can see who has access to it');
    }
    const delegates = await this.withService(() =>
      this.options.permissions.listDelegates({ id: target.id, kind: target.kind, mail: target.mail }),
    );
    const holders: Record<Right, string[]> = { FullAccess: [], SendAs: [], SendOnBehalf: [] };
    for (const d of delegates) if (!holders[d.right].includes(d.trusteeId)) holders[d.right].push(d.trusteeId);
    return { target: { id: target.id, kind: target.kind, displayName: target.displayName, mail: target.mail }, holders };
  }

  async whatCanAccess(actorId: string, trusteeId: string): Promise<TrusteeAccessReport> {
    if (!(await this.isAdmin(actorId))) {
      await this.auditRefusal(undefined, actorId, 'query_trustee', trusteeId);
      throw new BotError('not_allowed', 'Only admins can see what a person can access');
    }
    const trustee = await this.requireUser(trusteeId, 'person');
    const targets = (await this.options.directory.listTargets()).filter((t) => t.id !== trustee.id);
    const delegations = await this.withService(() =>
      this.options.permissions.listHoldings(
        { id: trustee.id, mail: trustee.mail },
        targets.map((t) => ({ id: t.id, kind: t.kind, mail: t.mail })),
      ),
    );
    const byTarget = new Map<string, Right[]>();
    for (const d of delegations) byTarget.set(d.targetId, [...(byTarget.get(d.targetId) ?? []), d.right]);
    const holdings = targets
      .filter((t) => byTarget.has(t.id))
      .map((t) => ({ targetId: t.id, targetKind: t.kind, displayName: t.displayName, rights: byTarget.get(t.id)! }));
    return { trusteeId, holdings };
  }

  async audit(actorId: string, filter: { requestId?: string; targetId?: string; granteeId?: string }): Promise<AuditEntry[]> {
    if (!(await this.isAdmin(actorId))) throw new BotError('not_allowed', 'Only admins can read the audit log');
    const matches = (e: AuditEntry) =>
      (!filter.requestId || e.requestId === filter.requestId) &&
      (!filter.targetId || e.targetId === filter.targetId) &&
      (!filter.granteeId || e.granteeId === filter.granteeId);
    const entries: AuditEntry[] = [];
    for (const request of await this.allRequests(() => true)) entries.push(...request.history.filter(matches));
    for await (const [, record] of this.options.store.entries<AuditEntry>(AUDIT)) if (matches(record.value)) entries.push(record.value);
    return entries.sort((a, b) => a.at - b.at);
  }

  // ---------------------------------------------------------------- timers

  private async onApply(timer: TimerRecord): Promise<TimerOutcome> {
    const stored = await this.options.store.get<StoredRequest>(REQUESTS, timer.requestId);
    if (!stored) return;
    const start = stored.value;
    // `applying` here means an earlier run died mid-apply: grants and revokes are idempotent, so go on.
    if (!READY_TO_APPLY.includes(start.state)) return;
    const request = await this.mutate(timer.requestId, (r) => {
      if (!READY_TO_APPLY.includes(r.state)) throw new BotError('conflict', 'moved on');
      r.attempts += 1;
      if (r.state !== 'applying') this.moveTo(r, 'applying', 'system', 'applying');
    }).catch((error) => (isBotError(error, 'conflict') ? undefined : Promise.reject(error)));
    if (!request) return;
    const [target, trustee] = await this.permissionParties(request);
    const replaced: Right[] = [];
    try {
      for (const right of request.rights) {
        const result =
          request.kind === 'grant'
            ? await this.options.permissions.grant(target, trustee, right, { autoMapping: request.autoMapping })
            : await this.options.permissions.revoke(target, trustee, right);
        replaced.push(...result.replaced);
      }
    } catch (error) {
      return this.applyFailed(request, error);
    }
    const now = this.now();
    const endsAt =
      request.kind === 'grant' && request.duration
        ? addIsoDuration(now, request.duration)
        : request.kind === 'grant' && request.until
          ? endOfDate(request.until, request.untilTimeZone)
          : undefined;
    await this.transition(request.id, (r) => {
      if (r.state !== 'applying') throw new BotError('conflict', 'moved on');
      r.appliedAt = now;
      r.effectiveBy = now + this.options.propagationWindowMs;
      if (replaced.length) r.replaced = replaced;
      if (endsAt !== undefined) r.endsAt = endsAt;
      delete r.failure;
      return { to: 'applied', actor: 'system', action: 'applied', event: { type: 'applied' }, detail: replaced.length ? `replaced ${replaced.join(', ')}` : undefined };
    });
    const { scheduler } = this.options;
    await scheduler.schedule('postback', request.id, now + this.options.propagationWindowMs);
    if (endsAt !== undefined) {
      await scheduler.schedule('timed_revoke', request.id, endsAt);
      if (endsAt - DAY > now) await scheduler.schedule('revoke_reminder', request.id, endsAt - DAY);
    }
  }

  private async applyFailed(request: StoredRequest, error: unknown): Promise<TimerOutcome> {
    const transient = isBotError(error, 'permission_service_unavailable') || !isBotError(error);
    const max = this.options.maxApplyAttempts ?? 5;
    if (transient && request.attempts < max) {
      const delay = this.backoff(request.attempts, isBotError(error) ? (error.details.retryAfterMs as number | undefined) : undefined);
      await this.mutate(request.id, (r) => this.record(r, 'system', 'apply_retry_scheduled', undefined, undefined, 'error', describe(error)));
      this.logger.warn({ requestId: request.id, attempt: request.attempts, delay, err: error }, 'apply failed; retrying');
      return { rescheduleAt: this.now() + delay };
    }
    await this.transition(request.id, (r) => {
      if (r.state !== 'applying') throw new BotError('conflict', 'moved on');
      r.failure = { code: isBotError(error) ? error.code : 'permission_service_unavailable', message: describe(error), at: this.now() };
      return { to: 'failed', actor: 'system', action: 'failed', event: { type: 'failed' }, detail: describe(error), outcome: 'error' };
    }).catch((e) => (isBotError(e, 'conflict') ? undefined : Promise.reject(e)));
    return;
  }

  /** Exponential backoff with jitter, or the service's Retry-After when it said one. */
  private backoff(attempt: number, retryAfterMs?: number): number {
    const base = this.options.retryBaseMs ?? 2_000;
    const max = this.options.retryMaxMs ?? 5 * 60_000;
    const exponential = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
    const jittered = exponential / 2 + (this.options.random ?? Math.random)() * (exponential / 2);
    return Math.max(Math.round(jittered), retryAfterMs ?? 0);
  }

  private async onPostback(timer: TimerRecord): Promise<TimerOutcome> {
    const stored = await this.options.store.get<StoredRequest>(REQUESTS, timer.requestId);
    if (!stored || stored.value.state !== 'applied') return;
    const request = stored.value;
    const [target, trustee] = await this.permissionParties(request);
    let inPlace: boolean;
    try {
      const seen = await Promise.all(request.rights.map((right) => this.options.permissions.check(target, trustee, right)));
      inPlace = request.kind === 'grant' ? seen.every(Boolean) : seen.every((held) => !held);
    } catch (error) {
      if (!isBotError(error, 'permission_service_unavailable')) throw error;
      inPlace = false;
    }
    if (inPlace) {
      await this.transition(request.id, (r) => {
        if (r.state !== 'applied') throw new BotError('conflict', 'moved on');
        r.effectiveAt = this.now();
        return { to: 'effective', actor: 'system', action: 'effective', event: { type: 'effective' } };
      }).catch((e) => (isBotError(e, 'conflict') ? undefined : Promise.reject(e)));
      return;
    }
    const max = this.options.maxRechecks ?? 3;
    const finalCheck = request.rechecks >= max;
    await this.mutate(request.id, (r) => {
      r.rechecks += 1;
      this.record(r, 'system', finalCheck ? 'not_yet_visible' : 'recheck_scheduled');
      if (finalCheck) this.enqueue(r, { type: 'not_yet_visible', finalCheck: true });
    });
    return finalCheck ? undefined : { rescheduleAt: this.now() + (this.options.recheckIntervalMs ?? 10 * 60_000) };
  }

  private remindsBeforeExpiry(): boolean {
    return this.options.approverReminderMs < this.options.requestExpiryMs;
  }

  private async onApproverReminder(timer: TimerRecord): Promise<TimerOutcome> {
    const request = await this.mutate(timer.requestId, (r) => {
      if (r.state !== 'pending') return false;
      this.record(r, 'system', 'approver_reminder');
      this.enqueue(r, { type: 'approver_reminder' });
    }).catch(ignoreMissing);
    // The expiry comes after the reminder (a crash in between: recovery schedules it from the history).
    if (request?.state === 'pending') await this.options.scheduler.schedule('expire', request.id, request.createdAt + this.options.requestExpiryMs);
  }

  private async onExpire(timer: TimerRecord): Promise<TimerOutcome> {
    await this.transition(timer.requestId, (r) => {
      if (r.state !== 'pending') return null;
      return { to: 'expired', actor: 'system', action: 'expired', event: { type: 'expired' } };
    }).catch(ignoreMissing);
  }

  private async onRevokeReminder(timer: TimerRecord): Promise<TimerOutcome> {
    await this.mutate(timer.requestId, (r) => {
      if (r.state !== 'applied' && r.state !== 'effective') return false;
      this.record(r, 'system', 'revoke_reminder');
      this.enqueue(r, { type: 'revoke_reminder' });
    }).catch(ignoreMissing);
  }

  private async onTimedRevoke(timer: TimerRecord): Promise<TimerOutcome> {
    const stored = await this.options.store.get<StoredRequest>(REQUESTS, timer.requestId);
    if (!stored) return;
    const request = stored.value;
    if (request.kind !== 'grant' || (request.state !== 'applied' && request.state !== 'effective')) return;
    const [target, trustee] = await this.permissionParties(request);
    try {
      for (const right of request.rights) await this.options.permissions.revoke(target, trustee, right);
    } catch (error) {
      const attempt = timer.failures + 1;
      if (isBotError(error, 'permission_service_unavailable') && attempt < (this.options.maxApplyAttempts ?? 5)) {
        // The scheduler counts failures only for thrown errors; rethrow so backoff grows.
        throw error;
      }
      await this.mutate(request.id, (r) => {
        r.failure = { code: isBotError(error) ? error.code : 'permission_service_unavailable', message: describe(error), at: this.now() };
        this.record(r, 'system', 'revoke_failed', undefined, undefined, 'error', describe(error));
        this.enqueue(r, { type: 'failed' });
      });
      return;
    }
    const actor = request.revokeRequestedBy ?? 'system';
    await this.transition(request.id, (r) => {
      if (r.state !== 'applied' && r.state !== 'effective') return null;
      r.revokedAt = this.now();
      r.revokedBy = actor;
      return { to: 'revoked', actor, action: 'revoked', event: { type: 'revoked', rights: r.rights } };
    });
    await this.options.scheduler.cancel(request.id, ['postback', 'revoke_reminder', 'timed_revoke']);
  }

  // ---------------------------------------------------------------- store plumbing

  private async requireRequest(requestId: string): Promise<StoredRequest> {
    const stored = await this.options.store.get<StoredRequest>(REQUESTS, requestId);
    if (!stored) throw new BotError('not_found', `No request ${requestId}`, { details: { requestId } });
    return { ...stored.value, version: stored.version };
  }

  /**
   * Reads, changes and writes a request with compare-and-set, retrying when another writer got
   * there first. `change` may throw (refusal) or return false (nothing to do).
   */
  private async mutate(
    requestId: string,
    change: (request: StoredRequest) => void | boolean,
    deliver = true,
    /** The record as this engine last wrote it (its `version` current): saves the read; if stale, the set fails and the loop reads. */
    known?: StoredRequest,
  ): Promise<StoredRequest> {
    let first = known;
    for (;;) {
      const current = first ?? (await this.requireRequest(requestId));
      first = undefined;
      const draft = structuredClone(current);
      if (change(draft) === false) return current;
      draft.updatedAt = this.now();
      draft.version = current.version + 1;
      if (await this.options.store.compareAndSet<StoredRequest>(REQUESTS, requestId, current.version, draft)) {
        if (deliver && draft.outbox.length) this.deliverSoon(requestId, draft);
        return draft;
      }
    }
  }

  /** A state change: one compare-and-set that also records the audit entry and queues the event. */
  private async transition(
    requestId: string,
    step: (request: StoredRequest) => {
      to: RequestState;
      actor: string;
      action: string;
      event: Omit<OutboxItem, 'seq'>;
      detail?: string;
      outcome?: AuditEntry['outcome'];
    } | null,
  ): Promise<PermissionRequest> {
    const updated = await this.mutate(requestId, (r) => {
      const next = step(r);
      if (!next) return false;
      if (!canTransition(r.state, next.to)) throw new BotError('conflict', `Cannot go from ${r.state} to ${next.to}`);
      this.moveTo(r, next.to, next.actor, next.action, next.detail, next.outcome);
      this.enqueue(r, next.event);
    });
    return this.publicView(updated);
  }

  private moveTo(r: StoredRequest, to: RequestState, actor: string, action: string, detail?: string, outcome: AuditEntry['outcome'] = 'ok') {
    const from = r.state;
    r.state = to;
    this.record(r, actor, action, from, to, outcome, detail);
  }

  private record(
    r: StoredRequest,
    actorId: string,
    action: string,
    from?: string,
    to?: string,
    outcome: AuditEntry['outcome'] = 'ok',
    detail?: string,
  ): void {
    r.history.push({
      id: newId('aud'),
      at: this.now(),
      requestId: r.id,
      targetId: r.targetId,
      granteeId: r.granteeId,
      actorId,
      action,
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      outcome,
      ...(detail ? { detail } : {}),
    });
  }

  /**
   * Queues an event in the request record. When the queue was empty the event is claimed by this
   * engine in the same write, so it goes out without a second one; events queued behind others are
   * claimed by whichever engine delivers the queue.
   */
  private enqueue(r: StoredRequest, item: Omit<OutboxItem, 'seq'>): void {
    r.outboxSeq += 1;
    const claim = r.outbox.length === 0 ? { claimedBy: this.instanceId, claimedUntil: this.now() + OUTBOX_LEASE_MS } : {};
    r.outbox.push({ ...item, seq: r.outboxSeq, ...claim });
  }

  /** Refused actions have no request transition to ride on: they get their own audit record. */
  private async auditRefusal(requestId: string | undefined, actorId: string, action: string, detail: string): Promise<void> {
    const request = requestId ? (await this.options.store.get<StoredRequest>(REQUESTS, requestId))?.value : undefined;
    const entry: AuditEntry = {
      id: newId('aud'),
      at: this.now(),
      requestId: requestId ?? '',
      targetId: request?.targetId ?? '',
      granteeId: request?.granteeId ?? '',
      actorId,
      action,
      outcome: 'refused',
      detail,
    };
    await this.options.store.create(AUDIT, entry.id, entry);
  }

  private async allRequests(filter: (r: StoredRequest) => boolean): Promise<StoredRequest[]> {
    const list: StoredRequest[] = [];
    for await (const [, record] of this.options.store.entries<StoredRequest>(REQUESTS)) {
      if (filter(record.value)) list.push({ ...record.value, version: record.version });
    }
    return list.sort((a, b) => b.createdAt - a.createdAt);
  }

  /**
   * Secondary indexes (requests of a requester, of an approver, of a grantee on a target) as
   * id lists, so the hot paths read a handful of records instead of scanning every request.
   * Lists keep the newest ids; readers check every record they load.
   */
  private async addToIndex(key: string, requestId: string, known?: Versioned<string[]> | null): Promise<void> {
    const { store } = this.options;
    // `known`: the index as the caller just read it (null: absent); a stale copy only costs a retry.
    let first = known;
    for (;;) {
      const current = first === undefined ? await store.get<string[]>(INDEX, key) : (first ?? undefined);
      first = undefined;
      if (!current) {
        if (await store.create<string[]>(INDEX, key, [requestId])) return;
        continue;
      }
      const ids = [...current.value.filter((id) => id !== requestId), requestId].slice(-INDEX_LIMIT);
      if (await store.compareAndSet<string[]>(INDEX, key, current.version, ids)) return;
    }
  }

  private async indexed(key: string, filter: (r: StoredRequest) => boolean): Promise<StoredRequest[]> {
    return this.indexedRecords((await this.options.store.get<string[]>(INDEX, key))?.value ?? [], filter);
  }

  private async indexedRecords(ids: readonly string[], filter: (r: StoredRequest) => boolean): Promise<StoredRequest[]> {
    const found: StoredRequest[] = [];
    for (const id of ids) {
      const stored = await this.options.store.get<StoredRequest>(REQUESTS, id);
      if (stored && filter(stored.value)) found.push({ ...stored.value, version: stored.version });
    }
    return found.sort((a, b) => b.createdAt - a.createdAt);
  }

  private publicView(r: StoredRequest): PermissionRequest {
    const { history: _history, outbox: _outbox, outboxSeq: _seq, rechecks: _rechecks, revokeRequestedBy: _by, ...request } = r;
    return request;
  }

  // ---------------------------------------------------------------- outbox delivery

  /** `written` is the record just stored, when the caller has it: the first pass need not read it back. */
  private deliverSoon(requestId: string, written?: StoredRequest): void {
    // One delivery loop per request in this process; a loop already running picks up new items.
    if (this.delivering.has(requestId)) {
      this.deliverAgain.add(requestId);
      return;
    }
    const run = (async () => {
      let known = written;
      do {
        this.deliverAgain.delete(requestId);
        await this.deliver(requestId, known);
        known = undefined;
      } while (this.deliverAgain.has(requestId));
    })()
      .catch((error) => this.logger.error({ err: error, requestId }, 'event delivery failed'))
      .finally(() => {
        this.delivering.delete(requestId);
        this.inflight.delete(run);
      });
    this.delivering.set(requestId, run);
    this.inflight.add(run);
  }

  /**
   * Delivers a request's queued events in order. Each is claimed with compare-and-set before it
   * goes out and removed after, so two engines on one store send it once; a process that dies
   * holding a claim lets it lapse and the event goes out after the restart (at least once).
   */
  async deliver(requestId: string, written?: StoredRequest): Promise<void> {
    let known = written ? { version: written.version, value: written } : undefined;
    for (;;) {
      const stored = known ?? (await this.options.store.get<StoredRequest>(REQUESTS, requestId));
      known = undefined;
      const item = stored?.value.outbox[0];
      if (!stored || !item) return;
      let request = stored.value;
      // An event this engine claimed when queueing it goes straight out; anything else is claimed first.
      if (item.claimedBy !== this.instanceId || (item.claimedUntil ?? 0) <= this.now()) {
        if (item.claimedUntil !== undefined && item.claimedUntil > this.now()) return; // another engine has it
        const claimed = structuredClone(stored.value);
        Object.assign(claimed.outbox[0]!, { claimedBy: this.instanceId, claimedUntil: this.now() + OUTBOX_LEASE_MS });
        claimed.version = stored.version + 1;
        if (!(await this.options.store.compareAndSet(REQUESTS, requestId, stored.version, claimed))) continue;
        request = claimed;
      } else {
        request = { ...request, version: stored.version };
      }
      const event = toEvent(item, this.publicView(request));
      try {
        await this.options.notifier.notify(event);
      } catch (error) {
        // A notifier that throws is logged; the event is dropped rather than blocking the ones after it.
        this.logger.error({ err: error, requestId, event: item.type }, 'notifier failed');
      }
      const after = await this.mutate(requestId, (r) => {
        const index = r.outbox.findIndex((o) => o.seq === item.seq);
        if (index < 0) return false;
        r.outbox.splice(index, 1);
      }, false, request);
      known = { version: after.version, value: after };
    }
  }

  /** After a start: delivers events a crash left undelivered. */
  async recover(): Promise<void> {
    for (const request of await this.allRequests((r) => !TERMINAL_STATES.includes(r.state) || r.outbox.length > 0)) {
      await this.ensureTimers(request);
      if (request.outbox.length) await this.deliver(request.id);
    }
  }

  /**
   * A crash between a transition and the timer it needs (the apply after "approved", the post-back
   * after "applied", expiry after "created") would leave a request waiting forever. After a start
   * every open request gets its timers again; scheduling is idempotent (fixed ids), and reminders
   * already sent, per the request's own history, are not sent twice.
   */
  private async ensureTimers(r: StoredRequest): Promise<void> {
    const { scheduler } = this.options;
    const done = (action: string) => r.history.some((e) => e.action === action);
    switch (r.state) {
      case 'pending':
        if (this.remindsBeforeExpiry() && !done('approver_reminder')) await scheduler.schedule('approver_reminder', r.id, r.createdAt + this.options.approverReminderMs);
        else await scheduler.schedule('expire', r.id, r.createdAt + this.options.requestExpiryMs);
        return;
      case 'approved':
      case 'applying':
        await scheduler.schedule('apply', r.id, this.now());
        return;
      case 'applied':
      case 'effective':
        if (r.state === 'applied' && r.rechecks <= (this.options.maxRechecks ?? 3)) {
          await scheduler.schedule('postback', r.id, r.effectiveBy ?? this.now());
        }
        if (r.kind === 'grant' && r.endsAt !== undefined) {
          await scheduler.schedule('timed_revoke', r.id, r.endsAt);
          if (!done('revoke_reminder') && r.endsAt - DAY > (r.appliedAt ?? 0)) {
            await scheduler.schedule('revoke_reminder', r.id, r.endsAt - DAY);
          }
        }
        return;
      default:
        return;
    }
  }

  /** Waits until deliveries and due timers settle (tests, shutdown). */
  async idle(): Promise<void> {
    for (let round = 0; round < 100; round++) {
      await this.options.scheduler.runDue();
      if (this.inflight.size === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        if (this.inflight.size === 0) return;
      }
      await Promise.all([...this.inflight]);
    }
  }
}

function toEvent(item: OutboxItem, request: PermissionRequest): EngineEvent {
  switch (item.type) {
    case 'revoked':
      return { type: 'revoked', request, rights: item.rights ?? request.rights };
    case 'not_yet_visible':
      return { type: 'not_yet_visible', request, finalCheck: item.finalCheck ?? true };
    default:
      return { type: item.type, request } as EngineEvent;
  }
}

function alreadyDecided(request: PermissionRequest): BotError {
  const by = request.decision?.by ?? request.cancelledBy ?? 'system';
  const at = request.decision?.at ?? request.updatedAt;
  const verdict = request.decision?.verdict ?? request.state;
  return new BotError('already_decided', `Already ${verdict} by ${by} at ${new Date(at).toISOString()}`, {
    details: { requestId: request.id, state: request.state, verdict, by, at },
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function ignoreMissing(error: unknown): void {
  if (!isBotError(error, 'not_found')) throw error;
}
