import type { Directory, MailTarget } from '../directory/directory.js';
import type { PermissionService, PermissionTarget, PermissionTrustee } from '../permissions/permission-service.js';
import type { Worker } from '../scheduler/worker.js';
import type { DurableStore } from '../store/durable-store.js';
import type { Clock } from './clock.js';
import type { EventOutbox } from './event-outbox.js';
import type {
  AuditAction,
  AuditEntry,
  AuditFilter,
  AuditPage,
  Page,
  PropagatingRight,
  RequestEngineApi,
  SubmitInput,
  SubmitOutcome,
  TargetAccessReport,
  TimeBoundRight,
  TrusteeAccessReport,
} from './engine-api.js';
import { alreadyHeldEvent, heldByAnother, holdsRightOf, markAlreadyHeld } from './already-held.js';
import { lifecycleHandlers, moveTo } from './engine-work.js';
import { BotError, isBotError } from './errors.js';
import { newRequestId } from './ids.js';
import { silentLogger, type Logger } from './logger.js';
import { noopMetrics, type Metrics } from './metrics.js';
import { approversFor } from './policy.js';
import { noSuchRequest, publicView, RequestRepository, type ChangeEffects } from './request-repository.js';
import { OPEN_STATES, TIMER_KINDS, timeBoundInPlace, trackingRemoval, type PermissionRequest, type PreflightWarning, type StoredRequest } from './request.js';
import { APPLY_RETRY, type RetryPolicy } from './retry-policy.js';
import { groupRightReplaced, RIGHTS, rightAppliesTo, type Right } from './rights.js';
import { addIsoDuration, endOfDate, isTimeZone } from './time.js';
import { HELD_BACKFILL_KIND, heldBackfillHandler } from './held-backfill.js';
import { LATE_CHECK_BACKFILL_KIND, lateCheckBackfillHandler } from './late-check-backfill.js';
import { TIMEBOUND_BACKFILL_KIND, timeboundBackfillHandler } from './timebound-backfill-job.js';

export interface EngineOptions {
  store: DurableStore;
  directory: Directory;
  permissions: PermissionService;
  clock: Clock;
  /** Runs the lifecycle's timers; the engine registers its handlers on it. */
  worker: Worker;
  logger?: Logger;
  metrics?: Metrics;
  /** Exchange propagation window: the post-back comes this long after applying. */
  propagationWindowMs: number;
  requestExpiryMs: number;
  approverReminderMs: number;
  /** BOT_ADMINS (ids or mail addresses); undefined means the directory's admins. */
  admins?: string[];
  groupMembershipPolicy?: 'warn' | 'refuse';
  /** Backoff of apply and revoke attempts, and when a transient failure becomes final. */
  applyRetry?: RetryPolicy;
  /** After the window: how often and how many times to re-check a right that is not yet visible. */
  recheckIntervalMs?: number;
  maxRechecks?: number;
  /**
   * Once the quick rechecks are spent and the admins told: how often to check again (default 1 h),
   * and how long after the apply the last check runs (default 24 h). Milliseconds.
   */
  lateCheckIntervalMs?: number;
  lateCheckUntilMs?: number;
  /** Each permission-service call's own deadline (ms); shorter than a job's lease. */
  callTimeoutMs?: number;
  /** Jitter source for backoff (tests pass a constant). */
  random?: () => number;
  /** Plans the jobs that carry each event to people (the channels' deliveries); default: one `notify` job per event. */
  outbox?: EventOutbox;
}

const MAX_GRANT_MS = 366 * 86_400_000;
const HOUR_MS = 3_600_000;
const MAX_REASON = 500;

/**
 * The channel-neutral core (`RequestEngineApi`). Every change goes through `RequestRepository`,
 * which commits the request, its audit entries, its index entries, its timers and its events in
 * one step; the timers run as durable jobs on the `Worker` (`engine-work.ts`).
 */
export class RequestEngine implements RequestEngineApi {
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  readonly repo: RequestRepository;
  private adminIds: Promise<string[]> | undefined;

  constructor(private readonly options: EngineOptions) {
    this.logger = options.logger ?? silentLogger;
    this.metrics = options.metrics ?? noopMetrics;
    const maxRechecks = options.maxRechecks ?? 3;
    const lateCheckIntervalMs = options.lateCheckIntervalMs ?? HOUR_MS;
    const lateCheckUntilMs = options.lateCheckUntilMs ?? 24 * HOUR_MS;
    this.repo = new RequestRepository(
      options.store,
      options.clock,
      { approverReminderMs: options.approverReminderMs, requestExpiryMs: options.requestExpiryMs, maxRechecks },
      () => options.worker.wake(),
      options.outbox,
    );
    const handlers = lifecycleHandlers({
      repo: this.repo,
      directory: options.directory,
      permissions: options.permissions,
      clock: options.clock,
      metrics: this.metrics,
      propagationWindowMs: options.propagationWindowMs,
      recheckIntervalMs: options.recheckIntervalMs ?? 10 * 60_000,
      maxRechecks,
      lateCheckIntervalMs,
      lateCheckUntilMs,
      applyRetry: options.applyRetry ?? APPLY_RETRY,
      callTimeoutMs: options.callTimeoutMs ?? 30_000,
      ...(options.random ? { random: options.random } : {}),
    });
    for (const kind of TIMER_KINDS) options.worker.handle(kind, handlers[kind]);
    // Every instance can run the one-time backfill a start schedules (`scheduleTimeboundBackfill`).
    options.worker.handle(TIMEBOUND_BACKFILL_KIND, timeboundBackfillHandler({ store: options.store, clock: options.clock, logger: this.logger }));
    // Likewise the one-time backfill of the slow checks (`scheduleLateCheckBackfill`).
    options.worker.handle(
      LATE_CHECK_BACKFILL_KIND,
      lateCheckBackfillHandler({ store: options.store, repo: this.repo, clock: options.clock, logger: this.logger, settings: { maxRechecks, lateCheckIntervalMs, lateCheckUntilMs } }),
    );
    // And the one-time backfill of the grants in place per person (`scheduleHeldBackfill`).
    options.worker.handle(HELD_BACKFILL_KIND, heldBackfillHandler({ store: options.store, clock: options.clock, logger: this.logger }));
  }

  private now(): number {
    return this.options.clock.now();
  }

  // ---------------------------------------------------------------- identities

  async isAdmin(userId: string): Promise<boolean> {
    return (await this.admins()).includes(userId);
  }

  /** The bot's admins as directory ids. */
  admins(): Promise<string[]> {
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

  // ---------------------------------------------------------------- submit

  async submit(input: SubmitInput): Promise<SubmitOutcome> {
    const { directory, permissions } = this.options;
    await this.requireUser(input.requesterId, 'requester');
    const grantee = await this.requireUser(input.granteeId, 'grantee');
    const target = await this.requireTarget(input.targetId);
    const who = { granteeId: grantee.id, targetId: target.id };
    if (target.kind === 'user' && target.id === grantee.id) {
      throw new BotError('invalid_request', 'A person already has every right on their own mailbox', { details: { reason: 'own_mailbox', ...who } });
    }
    if (input.duration && input.until) throw new BotError('invalid_request', 'Give a duration or an end date, not both', { details: { reason: 'duration_and_end', ...who } });
    if (input.kind === 'grant' && !input.right) {
      throw new BotError('invalid_request', 'Which right: Full Access, Send As or Send on Behalf?', { details: { missing: 'right', reason: 'right_missing', ...who } });
    }
    if (input.right && !rightAppliesTo(input.right, target.kind)) {
      throw new BotError('invalid_request', 'Full Access exists only on user and shared mailboxes, not on groups', {
        details: { reason: 'full_access_on_group', rule: 'full_access_on_group', right: input.right, ...who },
      });
    }
    if (input.kind === 'grant' && target.kind === 'group' && grantee.guest) {
      throw new BotError('guest_not_allowed', `${grantee.displayName} is a guest; guests cannot receive rights on ${target.displayName}`, {
        details: { rule: 'guest_on_group', ...who },
      });
    }
    const now = this.now();
    if (input.kind === 'grant') this.validateEnd(input, now, who);
    const pTarget: PermissionTarget = { id: target.id, kind: target.kind, mail: target.mail };
    const pTrustee: PermissionTrustee = { id: grantee.id, mail: grantee.mail };

    // What the bot applied within the propagation window decides over what the service shows: a
    // right granted minutes ago may not be visible yet, one removed may still be (SPEC section 3,
    // "a right the bot has applied is shown as such at once").
    // Only within the window and its quick rechecks: a change the admins were told Exchange does not
    // show (`unconfirmedAt`) is no longer taken on the bot's word ("effective by about" a time gone by).
    const propagating = await this.propagating(`req:propagating-target:${target.id}`);
    const recent = latestPropagating(propagating.filter((p) => p.unconfirmedAt === undefined), grantee.id);
    const holds = async (right: Right) => {
      const applied = recent.get(right);
      return applied ? applied.kind === 'grant' : await this.withService(() => permissions.check(pTarget, pTrustee, right));
    };

    let rights: Right[];
    const warnings: PreflightWarning[] = [];
    if (input.kind === 'grant') {
      const right = input.right!;
      if (await holds(right)) {
        const applied = recent.get(right);
        // Held through a time-bound grant: the asker hears when it ends, rather than "nothing to approve" alone.
        const timeBound = (await this.repo.all(`req:timebound-target:${target.id}`)).find((r) => timeBoundInPlace(r) && r.granteeId === grantee.id && r.rights.includes(right));
        return {
          outcome: 'already_held',
          right,
          granteeId: grantee.id,
          targetId: target.id,
          ...(applied ? { propagating: windowOf(applied) } : {}),
          ...(timeBound?.endsAt !== undefined ? { endsAt: timeBound.endsAt } : {}),
        };
      }
      rights = [right];
      const other = groupRightReplaced(right, target.kind);
      if (other && (await holds(other))) {
        warnings.push({ code: 'replacement', replaces: other });
      }
      if (target.kind === 'group' && !(await directory.membersOf(target.id)).includes(grantee.id)) {
        if (this.options.groupMembershipPolicy === 'refuse') {
          throw new BotError('not_a_member', `${grantee.displayName} is not a member of ${target.displayName}`, { details: { rule: 'group_membership', ...who } });
        }
        warnings.push({ code: 'not_a_member' });
      }
      // Guests may not hold group rights at all (refused above); on a mailbox the approver decides, knowing it.
      if (grantee.guest) warnings.push({ code: 'guest_trustee' });
    } else {
      const shown = (await this.withService(() => permissions.listDelegates(pTarget)))
        .filter((d) => d.trusteeId === grantee.id)
        .map((d) => d.right);
      // For a removal, a grant the bot applied and still checks counts as held even once the admins
      // were told Exchange does not show it: it may come into effect any time, and the removal is the
      // way to stop it (and ends that grant request, `endGrantsRevokedBy`).
      const removable = latestPropagating(propagating.filter((p) => p.unconfirmedAt === undefined || p.kind === 'grant'), grantee.id);
      const held = RIGHTS.filter((r) => (removable.has(r) ? removable.get(r)!.kind === 'grant' : shown.includes(r)));
      rights = input.right ? held.filter((r) => r === input.right) : held;
      if (rights.length === 0) {
        // Removed within the window: say when it is gone rather than only "holds none".
        const removal = [...removable.values()].filter((p) => p.kind === 'revoke' && (!input.right || p.right === input.right)).sort((a, b) => b.appliedAt - a.appliedAt)[0];
        return { outcome: 'nothing_to_revoke', granteeId: grantee.id, targetId: target.id, ...(removal ? { propagating: windowOf(removal) } : {}) };
      }
    }

    // Open requests for the same person and mailbox: the same one again is a duplicate; another
    // one for the same right is worth a warning on the approver's card (another right is not,
    // except on a group the other of Send As / Send on Behalf, which this one would replace).
    const open = (await this.repo.page(`req:open:${grantee.id}|${target.id}`, { limit: 50 })).requests;
    const replaces = input.kind === 'grant' ? groupRightReplaced(rights[0]!, target.kind) : undefined;
    for (const other of open) {
      const sameRights = other.kind === input.kind && other.rights.join() === rights.join();
      if (sameRights && other.requesterId === input.requesterId) return { outcome: 'duplicate', request: publicView(other) };
      if (other.state === 'pending' && other.kind === input.kind && other.rights.some((r) => rights.includes(r))) {
        warnings.push({ code: 'already_pending', requestId: other.id });
      }
      // Applied after that one, this grant replaces its right; applied before it, this grant closes
      // it (`closeReplacedBy`). Either way approving both leaves one: the approver should know.
      // One replacement warning is enough: a right held already says it.
      if (replaces && other.kind === 'grant' && other.rights.includes(replaces) && !warnings.some((w) => w.code === 'replacement')) {
        warnings.unshift({ code: 'replacement', replaces, requestId: other.id });
      }
    }

    const adminRevoke = input.kind === 'revoke' && (await this.isAdmin(input.requesterId));
    const approverIds = adminRevoke
      ? [input.requesterId]
      : await approversFor(directory, target, input.requesterId, grantee.id, await this.admins());
    if (approverIds.length === 0) {
      // Nobody may approve a request they asked for or one for themselves: say whether the requester
      // is the grantee, and whether they are an admin (then nobody else is), so the refusal fits.
      throw new BotError('not_allowed', 'Nobody can approve this request (no owner, manager or admin other than you)', {
        details: { reason: 'no_approver', rule: 'approver_policy', ...who, forSelf: grantee.id === input.requesterId, requesterIsAdmin: await this.isAdmin(input.requesterId) },
      });
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
      eventSeq: 0,
      rechecks: 0,
    };
    const effects: ChangeEffects = {
      audit: [{ actorId: input.requesterId, action: 'created', to: 'pending' }],
      events: adminRevoke ? [] : [{ type: 'approval_needed' }],
    };
    // The index check above reads before the awaits that follow it; the open claim written with the
    // request makes the check exact when identical requests arrive at the same moment (one turn
    // or instance creates it, the others answer as a duplicate, as they would a moment later).
    for (;;) {
      const stored = await this.repo.create(request, effects);
      if (stored.created) break;
      if (stored.reason === 'duplicate') return { outcome: 'duplicate', request: publicView(stored.duplicateOf) };
      // A new id on the (one in ~900 million) chance that it is taken.
      request.id = newRequestId();
    }
    if (adminRevoke) {
      // Admins may revoke directly: their own request is approved as it is made.
      return { outcome: 'created', request: await this.decide(request.id, input.requesterId, 'approve', 'admin revoke') };
    }
    return { outcome: 'created', request: publicView(request) };
  }

  private validateEnd(input: SubmitInput, now: number, who: { granteeId: string; targetId: string }): void {
    let endsAt: number | undefined;
    if (input.duration) endsAt = addIsoDuration(now, input.duration);
    if (input.until) endsAt = endOfDate(input.until, isTimeZone(input.timeZone) ? input.timeZone : undefined);
    if (endsAt === undefined) return;
    if (endsAt <= now) throw new BotError('invalid_request', 'The end date is in the past', { details: { reason: 'end_in_past', endsAt, ...who } });
    if (endsAt - now > MAX_GRANT_MS) {
      throw new BotError('invalid_request', 'A time-bound grant can last at most a year', { details: { reason: 'too_long', endsAt, ...who } });
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
    // A duplicate of this grant applied since it was asked for, lasting at least as long: approving
    // it closes it as already held (one line to the approver and the requester) instead of applying
    // the right a second time.
    const current = await this.repo.find(requestId);
    const holder = verdict === 'approve' && current?.state === 'pending' ? await heldByAnother(this.repo, current, this.now()) : undefined;
    const admin = await this.isAdmin(actorId);
    const updated = await this.repo
      .change(requestId, (r) => {
        if (!r.approverIds.includes(actorId)) {
          // Someone with no part in the request hears what an unknown id gets (as for cancel): the
          // refusal must not confirm that the id exists. Its requester, grantee, former approvers
          // and admins still hear they cannot decide it.
          if (!admin && !relatedTo(r, actorId)) throw noSuchRequest(requestId);
          throw new BotError('not_an_approver', 'You are not an approver of this request', { details: { requestId, granteeId: r.granteeId, targetId: r.targetId } });
        }
        if (r.state !== 'pending') throw alreadyDecided(r);
        const to = verdict === 'approve' ? 'approved' : 'rejected';
        r.decision = { verdict: to, by: actorId, at: this.now(), ...(cleanReason ? { reason: cleanReason } : {}) };
        if (holder && holdsRightOf(holder, r, this.now())) {
          markAlreadyHeld(r, holder, this.now());
          return moveTo(r, 'already_held', actorId, 'already_held', alreadyHeldEvent(false), `approved; held through ${holder.id}`);
        }
        return moveTo(r, to, actorId, to, { type: 'decided' }, cleanReason);
      }, current)
      .catch(async (error) => {
        // A click on a request one has no part in is recorded too (answered as not found): only an id that names no request is not.
        if (isBotError(error, 'not_an_approver') || (isBotError(error, 'not_found') && current !== undefined)) await this.auditRefusal(requestId, actorId, 'decide', error.message);
        throw error;
      });
    this.metrics.decision(updated.decision?.verdict === 'approved' ? 'approved' : 'rejected');
    return publicView(updated);
  }

  async cancel(requestId: string, actorId: string): Promise<PermissionRequest> {
    const admin = await this.isAdmin(actorId);
    const updated = await this.repo.change(requestId, (r) => {
      if (r.requesterId !== actorId && !admin) {
        // Someone with no part in the request (not its grantee, nor an approver) hears what an
        // unknown id gets: the refusal must not confirm that the id exists.
        if (!relatedTo(r, actorId)) throw noSuchRequest(requestId);
        throw new BotError('not_allowed', 'Only the requester or an admin can cancel a request', { details: { reason: 'not_requester', requestId } });
      }
      if (r.state !== 'pending') throw alreadyDecided(r);
      r.cancelledBy = actorId;
      return moveTo(r, 'cancelled', actorId, 'cancelled', { type: 'cancelled' });
    });
    return publicView(updated);
  }

  async retry(requestId: string, actorId: string): Promise<PermissionRequest> {
    if (!(await this.isAdmin(actorId))) throw new BotError('not_allowed', 'Only an admin can retry a failed request', { details: { reason: 'admin_only', requestId } });
    const updated = await this.repo.change(requestId, (r) => {
      if (r.state !== 'failed') {
        throw new BotError('invalid_request', `Only a failed request can be retried (this one is ${r.state})`, { details: { reason: 'not_failed', state: r.state, requestId } });
      }
      r.attempts = 0;
      r.nextAttemptAt = this.now();
      return moveTo(r, 'applying', actorId, 'retry_requested', undefined);
    });
    return publicView(updated);
  }

  async revokeNow(requestId: string, actorId: string): Promise<PermissionRequest> {
    if (!(await this.isAdmin(actorId))) throw new BotError('not_allowed', 'Only an admin can revoke directly', { details: { reason: 'admin_only', requestId } });
    const updated = await this.repo.change(requestId, (r) => {
      if (r.kind !== 'grant') {
        // A request to remove a right grants nothing: whatever its state, there is nothing to revoke.
        throw new BotError('invalid_request', `Only a grant can be revoked (this one is a ${r.kind} request)`, { details: { reason: 'not_a_grant', kind: r.kind, state: r.state, requestId } });
      }
      if (r.state !== 'applied' && r.state !== 'effective') {
        throw new BotError('invalid_request', `Only an applied grant can be revoked (this one is ${r.state})`, { details: { reason: 'not_applied', state: r.state, requestId } });
      }
      if (r.revokeRequestedAt !== undefined) return false;
      r.revokeRequestedBy = actorId;
      r.revokeRequestedAt = this.now();
      return { audit: [{ actorId, action: 'revoke_requested' }] };
    });
    return publicView(updated);
  }

  /**
   * An approval card could not reach `approverId` at all (never installed the app, blocked the
   * bot). When no approver who may still be reached is left, the admins become approvers (minus
   * requester and grantee) and get the card; the requester is told who was reached and who was not.
   */
  async approverUnreachable(requestId: string, approverId: string): Promise<void> {
    const admins = await this.admins();
    await this.repo.change(requestId, (r) => {
      if (r.state !== 'pending' || r.unreachableApprovers?.includes(approverId)) return false;
      const unreachable = [...(r.unreachableApprovers ?? []), approverId];
      r.unreachableApprovers = unreachable;
      let reached = r.approverIds.filter((id) => !unreachable.includes(id));
      const added: string[] = [];
      if (reached.length === 0) {
        for (const admin of admins) {
          if (admin !== r.requesterId && admin !== r.granteeId && !unreachable.includes(admin) && !r.approverIds.includes(admin)) added.push(admin);
        }
        r.approverIds = [...r.approverIds, ...added];
        reached = added;
      }
      return {
        audit: [{ actorId: 'system', action: 'approver_unreachable', outcome: 'error', detail: `${approverId}${added.length ? `; escalated to ${added.join(', ')}` : ''}` }],
        events: [{ type: 'approver_unreachable', unreachable, reachedInstead: reached, escalatedTo: added }],
      };
    });
  }

  /** A message owed to someone could not be delivered in the end: the audit log says so. */
  async deliveryFailed(requestId: string, recipientId: string, detail: string): Promise<void> {
    const r = await this.repo.find(requestId);
    await this.repo.recordAlone({
      requestId,
      targetId: r?.targetId ?? '',
      granteeId: r?.granteeId ?? '',
      actorId: 'system',
      action: 'delivery_failed',
      outcome: 'error',
      detail: `${recipientId}: ${detail}`.slice(0, 300),
    });
  }

  // ---------------------------------------------------------------- reads

  async get(requestId: string): Promise<PermissionRequest | undefined> {
    const request = await this.repo.find(requestId);
    return request ? publicView(request) : undefined;
  }

  async requestsOf(userId: string, options: Page & { openOnly?: boolean } = {}): Promise<PermissionRequest[]> {
    const index = options.openOnly ? `req:requester-open:${userId}` : `req:requester:${userId}`;
    return (await this.repo.page(index, options)).requests.map(publicView);
  }

  async awaitingDecisionBy(userId: string, options: Page = {}): Promise<PermissionRequest[]> {
    return (await this.repo.page(`req:awaiting:${userId}`, { limit: 50, ...options })).requests.map(publicView);
  }

  async whoHasAccess(actorId: string, targetId: string): Promise<TargetAccessReport> {
    const target = await this.requireTarget(targetId);
    const owners = await this.options.directory.ownersOf(targetId);
    if (!(await this.isAdmin(actorId)) && !owners.includes(actorId)) {
      await this.auditRefusal(undefined, actorId, 'query_target', targetId);
      throw new BotError('not_allowed', 'Only admins and the owners of a mailbox or group can see who has access to it', { details: { reason: 'owner_or_admin_only', targetId } });
    }
    const delegates = await this.withService(() =>
      this.options.permissions.listDelegates({ id: target.id, kind: target.kind, mail: target.mail }),
    );
    const holders: Record<Right, string[]> = { FullAccess: [], SendAs: [], SendOnBehalf: [] };
    for (const d of delegates) if (!holders[d.right].includes(d.trusteeId)) holders[d.right].push(d.trusteeId);
    const propagating = await this.propagating(`req:propagating-target:${targetId}`);
    return {
      target: { id: target.id, kind: target.kind, displayName: target.displayName, mail: target.mail },
      holders,
      // A grant keeps its note until the bot confirms it (SPEC section 4: "applied, effective by about
      // HH:MM" in every answer about it, as "my requests" says), even once the service lists it; a
      // removal the service no longer lists needs none.
      propagating: propagating.filter((p) => p.kind === 'grant' || holders[p.right].includes(p.granteeId)),
      timeBound: timeBoundRights(await this.repo.all(`req:timebound-target:${targetId}`)),
    };
  }

  /**
   * Changes the bot made that the service may not show yet: rights applied (or removed by a revoke
   * request) that it still checks, shown "applied 09:00, effective by about 10:00", and grants
   * ended by their end date or an admin's direct revoke within their removal's window, shown
   * "removed 09:00, gone by about 10:00" like a revoke request's. Past the window and the quick
   * rechecks (the admins told, `unconfirmedAt`), either says so instead of a time gone by.
   */
  private async propagating(index: string): Promise<PropagatingRight[]> {
    const list: PropagatingRight[] = [];
    for (const r of await this.repo.all(index)) {
      if (r.state === 'applied' && r.checksEndedAt === undefined) {
        for (const right of r.rights) {
          list.push({
            requestId: r.id,
            kind: r.kind,
            granteeId: r.granteeId,
            targetId: r.targetId,
            right,
            appliedAt: r.appliedAt ?? r.updatedAt,
            effectiveBy: r.effectiveBy ?? r.updatedAt,
            ...(r.unconfirmedAt !== undefined ? { unconfirmedAt: r.unconfirmedAt } : {}),
          });
        }
      } else if (trackingRemoval(r)) {
        const removedAt = r.revokedAt ?? r.updatedAt;
        for (const right of r.rights) {
          list.push({
            requestId: r.id,
            kind: 'revoke',
            granteeId: r.granteeId,
            targetId: r.targetId,
            right,
            appliedAt: removedAt,
            effectiveBy: r.removalEffectiveBy ?? removedAt,
            ...(r.removalUnconfirmedAt !== undefined ? { unconfirmedAt: r.removalUnconfirmedAt } : {}),
          });
        }
      }
    }
    return list;
  }

  async whatCanAccess(actorId: string, trusteeId: string): Promise<TrusteeAccessReport> {
    if (!(await this.isAdmin(actorId))) {
      await this.auditRefusal(undefined, actorId, 'query_trustee', trusteeId);
      throw new BotError('not_allowed', 'Only admins can see what a person can access', { details: { reason: 'admin_only' } });
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
    // As for "who has access": a grant's note stays until the bot confirms it, a removal's while the service shows the right.
    const propagating = (await this.propagating(`req:propagating-grantee:${trusteeId}`)).filter(
      (p) => p.kind === 'grant' || (byTarget.get(p.targetId)?.includes(p.right) ?? false),
    );
    // Each right's own end: a person may hold a standing right and a time-bound one on one target.
    const shown = new Set([...holdings.map((h) => h.targetId), ...propagating.map((p) => p.targetId)]);
    const held = await Promise.all([...shown].map((targetId) => this.repo.all(`req:held:${trusteeId}|${targetId}`)));
    return { trusteeId, holdings, propagating, timeBound: timeBoundRights(held.flat()) };
  }

  /**
   * The audit log, newest first, a page at a time. Admins read everything; the owners of a mailbox
   * or group (a person owns their own user mailbox, as for "who has access") read its history and
   * the history of each request on it, decided from the directory and the stored request. A
   * person's history and the whole log stay admin-only.
   */
  async audit(actorId: string, filter: AuditFilter, page: Page = {}): Promise<AuditPage> {
    const admin = await this.isAdmin(actorId);
    if (!admin && filter.requestId) {
      // A request id that names no request, or one the asker has no part in (not its requester,
      // grantee, an approver or an owner of its mailbox): the same `not_found`, so the answer does
      // not confirm that the id exists. Its requester or grantee is still told they may not read it.
      const request = await this.repo.find(filter.requestId);
      if (!request || (!relatedTo(request, actorId) && !(await this.ownsAuditSubject(actorId, filter)))) throw noSuchRequest(filter.requestId);
    }
    if (!admin && !(await this.ownsAuditSubject(actorId, filter))) {
      throw new BotError('not_allowed', 'Only admins (and owners, for their own mailbox or group) can read the audit log', { details: { reason: 'owner_or_admin_only' } });
    }
    const span = {
      ...(Number.isFinite(filter.since) ? { since: filter.since } : {}),
      ...(Number.isFinite(filter.until) ? { until: filter.until } : {}),
    };
    // A person on one mailbox or group ("for Liam on Support"): the person's history, filtered to it.
    const on = !filter.requestId && filter.granteeId && filter.targetId ? { targetId: filter.targetId } : {};
    return this.repo.auditPage(auditIndex(filter), { ...page, ...span, ...on });
  }

  /** The actor owns what the filter's page is about: the request's mailbox or group, or the mailbox or group itself. */
  private async ownsAuditSubject(actorId: string, filter: AuditFilter): Promise<boolean> {
    const owns = async (targetId: string) => (await this.options.directory.ownersOf(targetId)).includes(actorId);
    if (filter.requestId) {
      const request = await this.repo.find(filter.requestId);
      return request !== undefined && (await owns(request.targetId));
    }
    if (filter.targetId) return owns(filter.targetId);
    return false;
  }
  /** Every audit entry from `since` (epoch ms) on, oldest first, a page at a time (the export). */
  async auditSince(actorId: string, since: number, page: Page = {}): Promise<AuditPage> {
    if (!(await this.isAdmin(actorId)) && actorId !== 'system') throw new BotError('not_allowed', 'Only admins can export the audit log', { details: { reason: 'admin_only' } });
    return this.repo.auditFrom(since, page);
  }

  /** Refused actions have no request change to ride on: they get an audit entry of their own. */
  private async auditRefusal(requestId: string | undefined, actorId: string, action: AuditAction, detail: string): Promise<void> {
    const request = requestId ? await this.repo.find(requestId) : undefined;
    await this.repo.recordAlone({
      requestId: requestId ?? '',
      targetId: request?.targetId ?? '',
      granteeId: request?.granteeId ?? '',
      actorId,
      action,
      outcome: 'refused',
      detail,
    });
  }

  /** Waits until every job due now has run (tests: with an injected clock). */
  async idle(): Promise<void> {
    await this.options.worker.runUntilIdle();
  }
}

/**
 * Whether a person has a part in a request: its requester, its grantee, one of its approvers (now,
 * or one it could not reach), or who decided it. Anyone else is answered about it as about an id
 * that names no request (`noSuchRequest`).
 */
function relatedTo(request: StoredRequest, personId: string): boolean {
  return (
    request.requesterId === personId ||
    request.granteeId === personId ||
    request.approverIds.includes(personId) ||
    (request.unreachableApprovers ?? []).includes(personId) ||
    request.decision?.by === personId
  );
}

function alreadyDecided(request: PermissionRequest): BotError {
  const by = request.decision?.by ?? request.cancelledBy ?? 'system';
  const at = request.decision?.at ?? request.updatedAt;
  const verdict = request.decision?.verdict ?? request.state;
  return new BotError('already_decided', `Already ${verdict} by ${by} at ${new Date(at).toISOString()}`, {
    details: { requestId: request.id, state: request.state, verdict, by, at, granteeId: request.granteeId, targetId: request.targetId },
  });
}

export type { AuditEntry };

/**
 * The index an audit filter reads: a request, else a person (with a mailbox or group too, its entries
 * there are kept by `auditPageOn`), else a mailbox or group, else the whole log.
 */
function auditIndex(filter: AuditFilter): string {
  if (filter.requestId) return `audit:req:${filter.requestId}`;
  if (filter.granteeId && filter.targetId) return `audit:person:${filter.granteeId}`;
  if (filter.targetId) return `audit:target:${filter.targetId}`;
  if (filter.granteeId) return `audit:person:${filter.granteeId}`;
  return 'audit:all';
}

/**
 * The newest propagating change per right for one grantee (a grant then a revoke of the same right
 * within the window: the revoke decides).
 */
function latestPropagating(list: readonly PropagatingRight[], granteeId: string): Map<Right, PropagatingRight> {
  const latest = new Map<Right, PropagatingRight>();
  for (const p of list) {
    if (p.granteeId !== granteeId) continue;
    const seen = latest.get(p.right);
    if (!seen || p.appliedAt > seen.appliedAt) latest.set(p.right, p);
  }
  return latest;
}

/** The time-bound grants in place among `requests`, one entry per right, each with its end. */
function timeBoundRights(requests: readonly PermissionRequest[]): TimeBoundRight[] {
  return requests.flatMap((r) =>
    timeBoundInPlace(r) ? r.rights.map((right) => ({ requestId: r.id, granteeId: r.granteeId, targetId: r.targetId, right, endsAt: r.endsAt })) : [],
  );
}

function windowOf(p: PropagatingRight): { requestId: string; appliedAt: number; effectiveBy: number } {
  return { requestId: p.requestId, appliedAt: p.appliedAt, effectiveBy: p.effectiveBy };
}
