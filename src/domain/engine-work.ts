import type { Directory, MailTarget } from '../directory/directory.js';
import type { PermissionService, PermissionTarget, PermissionTrustee } from '../permissions/permission-service.js';
import type { JobHandler, JobOutcome } from '../scheduler/worker.js';
import type { Job } from '../store/work-queue.js';
import type { Clock } from './clock.js';
import type { AuditAction } from './engine-api.js';
import { alreadyHeldEvent, endOnApply, heldByAnother, holdsRightOf, markAlreadyHeld } from './already-held.js';
import { BotError, isBotError } from './errors.js';
import type { Metrics } from './metrics.js';
import type { ChangeEffects, EventSpec, RequestRepository } from './request-repository.js';
import { canTransition, grantInPlace, trackingRemoval, type RequestState, type StoredRequest, type TimerKind } from './request.js';
import { removedSince } from './removed-since.js';
import { outlastedBy } from './right-kept.js';
import { APPLY_RETRY, retryDelay, shouldRetry, type RetryPolicy } from './retry-policy.js';
import { groupRightReplaced, type Right } from './rights.js';

/** What the lifecycle's timers need from the engine. */
export interface LifecycleDeps {
  repo: RequestRepository;
  directory: Directory;
  permissions: PermissionService;
  clock: Clock;
  metrics: Metrics;
  propagationWindowMs: number;
  /** After the window: how long until the next check of a right not yet visible. */
  recheckIntervalMs: number;
  maxRechecks: number;
  /** Once the admins were told: how long between the slow checks (ms). */
  lateCheckIntervalMs: number;
  /** The slow checks stop this long after the apply (ms); the last one runs then. */
  lateCheckUntilMs: number;
  applyRetry: RetryPolicy;
  random?: () => number;
  /** Each outside call's own deadline (ms), shorter than a job's lease. */
  callTimeoutMs: number;
}

/** States an apply acts on: `applying` again after a crash mid-apply (grants and revokes are idempotent). */
const READY_TO_APPLY: readonly RequestState[] = ['approved', 'applying'];

/**
 * The timers of a request's lifecycle (`timersFor` in request.ts says which a state holds). Each
 * handler reads the request, acts on its current state (level-triggered: a run after a crash or a
 * second run does the right thing), and ends in one `RequestRepository.change`, which also
 * schedules and cancels the timers of the state it moves to.
 */
export function lifecycleHandlers(deps: LifecycleDeps): Record<TimerKind, JobHandler> {
  const { repo, clock } = deps;
  const ignoreMissing = (error: unknown) => {
    if (!isBotError(error, 'not_found')) throw error;
  };
  const requestOf = (job: Job) => (job.payload as { requestId: string }).requestId;

  return {
    apply: (job) => apply(deps, requestOf(job)),
    postback: (job) => postback(deps, requestOf(job)),

    async approver_reminder(job) {
      await repo.change(requestOf(job), (r) => {
        if (r.state !== 'pending' || r.remindedAt !== undefined) return false;
        r.remindedAt = clock.now();
        return { audit: [{ actorId: 'system', action: 'approver_reminder' }], events: [{ type: 'approver_reminder' }] };
      }).catch(ignoreMissing);
    },

    async expire(job) {
      await repo.change(requestOf(job), (r) => {
        if (r.state !== 'pending') return false;
        return moveTo(r, 'expired', 'system', 'expired', { type: 'expired' });
      }).catch(ignoreMissing);
    },

    async revoke_reminder(job) {
      // "Ends tomorrow" is no news when a longer grant of the same right keeps it (its end will
      // close this one without removing the right, `timedRevoke`): marked reminded, nobody told.
      const request = await repo.find(requestOf(job));
      if (!request) return;
      const keptBy = request.revokeRequestedBy === undefined ? await outlastedBy(repo, request) : undefined;
      await repo.change(request.id, (r) => {
        if ((r.state !== 'applied' && r.state !== 'effective') || r.revokeRemindedAt !== undefined) return false;
        r.revokeRemindedAt = clock.now();
        if (keptBy) return {};
        return { audit: [{ actorId: 'system', action: 'revoke_reminder' }], events: [{ type: 'revoke_reminder' }] };
      }, request).catch(ignoreMissing);
    },

    timed_revoke: (job) => timedRevoke(deps, requestOf(job), job),
    removal_check: (job) => removalCheck(deps, requestOf(job)),
  };
}

/** A state change with its audit entry and event, checked against the lifecycle table. */
export function moveTo(
  r: StoredRequest,
  to: RequestState,
  actorId: string,
  action: AuditAction,
  event: EventSpec | undefined,
  detail?: string,
  outcome: 'ok' | 'refused' | 'error' = 'ok',
): ChangeEffects {
  if (!canTransition(r.state, to)) throw new BotError('conflict', `Cannot go from ${r.state} to ${to}`, { details: { from: r.state, to } });
  const from = r.state;
  r.state = to;
  return { audit: [{ actorId, action, from, to, outcome, ...(detail ? { detail } : {}) }], events: event ? [event] : [] };
}

async function parties(deps: LifecycleDeps, r: StoredRequest): Promise<[PermissionTarget, PermissionTrustee]> {
  const target: MailTarget | undefined = await deps.directory.getTarget(r.targetId);
  const grantee = await deps.directory.getUser(r.granteeId);
  if (!target) throw new BotError('not_found', `No mailbox or group ${r.targetId}`, { details: { targetId: r.targetId } });
  if (!grantee) throw new BotError('not_found', `No person ${r.granteeId}`, { details: { userId: r.granteeId } });
  return [{ id: target.id, kind: target.kind, mail: target.mail }, { id: grantee.id, mail: grantee.mail }];
}

/** An outside call with its own deadline, so a hung service fails this run instead of holding it. */
function withDeadline<T>(deps: LifecycleDeps, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new BotError('permission_service_unavailable', `The permission service did not answer within ${deps.callTimeoutMs} ms`, { details: { reason: 'timeout' } })),
      deps.callTimeoutMs,
    );
    timer.unref?.();
  });
  return Promise.race([call(), deadline]).finally(() => clearTimeout(timer));
}


async function apply(deps: LifecycleDeps, requestId: string): Promise<JobOutcome> {
  const { repo, clock } = deps;
  const start = await repo.find(requestId);
  if (!start || !READY_TO_APPLY.includes(start.state)) return;
  if (await appliesFirst(deps, start)) return { retryAt: clock.now() + EXCLUSIVE_WAIT_MS };
  // Approved with a duplicate that was applied first (both approved before either was applied):
  // nothing to apply again. Closed as already held, with no second "Applied". One that lasts less
  // long than this one asks does not count: this one is applied (Exchange takes a right it holds).
  const holder = await heldByAnother(repo, start, clock.now());
  if (holder) {
    const closed = await repo.change(requestId, (r) => {
      if (!READY_TO_APPLY.includes(r.state) || !holdsRightOf(holder, r, clock.now())) return false;
      markAlreadyHeld(r, holder, clock.now());
      return moveTo(r, 'already_held', 'system', 'already_held', alreadyHeldEvent(true), `held through ${holder.id}`);
    }, start);
    if (closed.state === 'already_held') {
      deps.metrics.apply('unchanged');
      return;
    }
  }
  const request = await repo.change(requestId, (r) => {
    if (!READY_TO_APPLY.includes(r.state)) throw new BotError('conflict', 'moved on');
    r.attempts += 1;
    return r.state === 'applying' ? { audit: [{ actorId: 'system', action: 'apply_resumed' }] } : moveTo(r, 'applying', 'system', 'applying', undefined);
  }, start).catch((error) => (isBotError(error, 'conflict') ? undefined : Promise.reject(error)));
  if (!request) return;
  const replaced: Right[] = [];
  try {
    const [target, trustee] = await parties(deps, request);
    for (const right of request.rights) {
      const result =
        request.kind === 'grant'
          ? await withDeadline(deps, () => deps.permissions.grant(target, trustee, right, { autoMapping: request.autoMapping }))
          : await withDeadline(deps, () => deps.permissions.revoke(target, trustee, right));
      replaced.push(...result.replaced);
    }
  } catch (error) {
    return applyFailed(deps, request, error);
  }
  // Before the change is marked applied, so a crash in between re-runs both (each is idempotent).
  if (request.kind === 'revoke') await endGrantsRevokedBy(deps, request);
  else await closeReplacedBy(deps, request);
  const now = clock.now();
  const endsAt = endOnApply(request, now);
  await repo.change(request.id, (r) => {
    if (r.state !== 'applying') return false;
    r.appliedAt = now;
    r.effectiveBy = now + deps.propagationWindowMs;
    r.nextCheckAt = r.effectiveBy;
    delete r.nextAttemptAt;
    if (replaced.length) r.replaced = replaced;
    if (endsAt !== undefined) r.endsAt = endsAt;
    delete r.failure;
    return moveTo(r, 'applied', 'system', 'applied', { type: 'applied' }, replaced.length ? `replaced ${replaced.join(', ')}` : undefined);
  });
  deps.metrics.apply('applied');
}

/**
 * A revoke applied ends the grants of the same rights to the same person on the same target that
 * the bot has in place (`revoked`: their requester and grantee hear "Revoked"):
 * - a grant in effect: left `effective`, its status would say "in effect" for a right removed;
 * - a grant applied that Exchange did not show yet (`unconfirmedAt`, still checked): left, its
 *   slow checks would go on and could report it "in effect" after it was removed;
 * - a grant still in its propagation window: left `applied`, its post-back would find the right
 *   absent and report a failure to apply it, and the pre-flight would keep reading it as "already
 *   held" (its cards would keep saying "applied, effective by");
 * - a time-bound grant (applied or effective): left in place, its end-date timer would remove the
 *   right again at its end, by then perhaps granted anew, and its "ends tomorrow" reminder would
 *   still go out. Ending it cancels both timers in the same commit.
 * A grant ended by an admin's direct revoke or by its end date (`timedRevoke`, `revoke` is then that
 * grant, and `actor` who ended it) removed the one right Exchange holds for the person, so it ends
 * the bot's other grants of it the same way: a duplicate applied beside it would otherwise stay
 * "applied, effective by" and its late check alert the admins about a right removed on purpose.
 */
async function endGrantsRevokedBy(deps: LifecycleDeps, revoke: StoredRequest, actor: string = revoke.decision?.by ?? 'system'): Promise<void> {
  const { repo, clock } = deps;
  const pair = `${revoke.granteeId}|${revoke.targetId}`;
  // Grants in place are listed per person and target (`req:held`). Those applied by a version
  // before that index get their entry from a one-time backfill (`held-backfill.ts`); until it has
  // run they are found while they propagate, while their end date runs, or on a group.
  const tracked = [
    ...(await repo.all(`req:held:${pair}`)),
    ...(await repo.all(`req:group-held:${pair}`)),
    ...(await repo.all(`req:propagating-target:${revoke.targetId}`)),
    ...(await repo.all(`req:timebound-target:${revoke.targetId}`)),
  ];
  // A revoke request's requester and grantee hear "Done: remove ..." from its own apply: the
  // grants it ends tell only their other people (a grant's requester who did not ask for this).
  const heardThrough = revoke.kind === 'revoke' ? { heardThrough: [...new Set([revoke.requesterId, revoke.granteeId])] } : {};
  const seen = new Set<string>();
  for (const grant of tracked) {
    if (seen.has(grant.id)) continue;
    seen.add(grant.id);
    if (!grantInPlace(grant) || grant.granteeId !== revoke.granteeId) continue;
    if (!grant.rights.every((right) => revoke.rights.includes(right))) continue;
    await repo.change(grant.id, (g) => {
      if (!grantInPlace(g)) return false;
      g.revokedAt = clock.now();
      g.revokedBy = actor;
      delete g.nextCheckAt;
      return moveTo(g, 'revoked', actor, 'revoked', { type: 'revoked', rights: g.rights, ...heardThrough }, `by ${revoke.id}`);
    }, grant);
  }
}

/** How long an apply waits for the other group right's apply, approved before it, to finish (`appliesFirst`). */
const EXCLUSIVE_WAIT_MS = 5_000;

/**
 * Whether a grant of the other of Send As / Send on Behalf for the same person on the same group,
 * approved before this one, is about to be applied or being applied (not waiting for a retry).
 * Exchange keeps whichever it was given last; run at the same time, the two applies would each
 * miss the other (`closeReplacedBy` reads before it marks its own applied) and both end "applied".
 * One at a time, in the order of approval, the later one replaces the earlier, as in Exchange.
 * Likewise a grant of the same right for the same person on any target: the later one then finds
 * it applied and ends `already_held`. The earliest never waits for a later one, so two never wait
 * for each other.
 */
async function appliesFirst(deps: LifecycleDeps, request: StoredRequest): Promise<boolean> {
  if (request.kind !== 'grant') return false;
  // The same right too: applied first, it makes this one `already_held` (`heldByAnother`) rather
  // than both being applied, checked and announced side by side.
  const others = [...excludedBy(request), ...request.rights];
  const now = deps.clock.now();
  const order = (r: StoredRequest) => [r.decision?.at ?? r.createdAt, r.createdAt, r.id] as const;
  const before = (a: StoredRequest, b: StoredRequest) => {
    const [x, y] = [order(a), order(b)];
    return x[0] !== y[0] ? x[0] < y[0] : x[1] !== y[1] ? x[1] < y[1] : x[2] < y[2];
  };
  return (await deps.repo.all(`req:open:${request.granteeId}|${request.targetId}`)).some(
    (r) =>
      r.id !== request.id &&
      r.kind === 'grant' &&
      r.rights.every((right) => others.includes(right)) &&
      (r.state === 'approved' || (r.state === 'applying' && (r.nextAttemptAt ?? 0) <= now)) &&
      before(r, request),
  );
}

/** The rights a grant on a group excludes (Send As <-> Send on Behalf); none elsewhere. */
function excludedBy(grant: StoredRequest): Right[] {
  return grant.rights.map((right) => groupRightReplaced(right, grant.targetKind)).filter((right): right is Right => right !== undefined);
}

/**
 * On a Microsoft 365 group a delegate holds Send As or Send on Behalf, never both (seed: "allow
 * members to send as or send on behalf of a group"), so the grant just applied removed the other
 * right. The bot's own grants of that other right for the same person on the same group end
 * `replaced` (by this request), each in one commit with its event:
 * - pending: approved later, it would silently take back the grant just made, and its requester
 *   would be told "applied" for a right this one then loses. Closed, its cards say so.
 * - applied or effective: the right is gone, so its post-back would report it "not visible" and
 *   escalate to the admins for a day, and its end date would remove a right already gone. Replacing
 *   it ends its checks and timers in the same commit.
 * Requests for it that are approved or being applied are left to apply after this one
 * (`appliesFirst`): the later apply wins, as in Exchange, and replaces this one in turn.
 */
async function closeReplacedBy(deps: LifecycleDeps, grant: StoredRequest): Promise<void> {
  const { repo, clock } = deps;
  const others = excludedBy(grant);
  if (others.length === 0) return;
  const actor = grant.decision?.by ?? 'system';
  const pair = `${grant.granteeId}|${grant.targetId}`;
  // Pending ones are open; ones in place are listed per person (`req:group-held`). Those a version
  // before that index applied get their entry from a one-time backfill (`held-backfill.ts`); until it
  // has run they are found while they propagate or while their end date runs.
  const candidates = [
    ...(await repo.all(`req:open:${pair}`)),
    ...(await repo.all(`req:group-held:${pair}`)),
    ...(await repo.all(`req:propagating-target:${grant.targetId}`)),
    ...(await repo.all(`req:timebound-target:${grant.targetId}`)),
  ];
  const replaceable = (r: StoredRequest) =>
    r.id !== grant.id && r.kind === 'grant' && r.granteeId === grant.granteeId && r.targetId === grant.targetId && r.rights.every((right) => others.includes(right)) && (r.state === 'pending' || grantInPlace(r));
  const seen = new Set<string>();
  for (const other of candidates) {
    if (seen.has(other.id) || !replaceable(other)) continue;
    seen.add(other.id);
    await repo.change(other.id, (r) => {
      if (!replaceable(r)) return false;
      r.replacedBy = grant.id;
      r.replacedAt = clock.now();
      delete r.nextCheckAt;
      return moveTo(r, 'replaced', actor, 'replaced', { type: 'replaced' }, `by ${grant.id}`);
    }, other);
  }
}

/** A transient failure is retried with backoff (a new `nextAttemptAt`); a final one fails the request. */
async function applyFailed(deps: LifecycleDeps, request: StoredRequest, error: unknown): Promise<JobOutcome> {
  const { repo, clock } = deps;
  const now = clock.now();
  const nextAt = now + retryDelay(request.attempts, error, deps.applyRetry, deps.random);
  const firstDue = request.decision?.at ?? request.createdAt;
  if (shouldRetry(error, nextAt, Math.max(firstDue, request.failure?.at ?? 0), deps.applyRetry, request.attempts)) {
    await repo.change(request.id, (r) => {
      if (r.state !== 'applying') return false;
      r.nextAttemptAt = nextAt;
      return { audit: [{ actorId: 'system', action: 'apply_retry_scheduled', outcome: 'error', detail: describe(error) }] };
    });
    deps.metrics.apply('retry');
    return;
  }
  await repo.change(request.id, (r) => {
    if (r.state !== 'applying') return false;
    delete r.nextAttemptAt;
    r.failure = { code: isBotError(error) ? error.code : 'permission_service_unavailable', message: describe(error), at: now };
    return moveTo(r, 'failed', 'system', 'failed', { type: 'failed' }, describe(error), 'error');
  });
  deps.metrics.apply('failed');
}

/**
 * Whether the service shows the request's change: every right present (a grant) or every right
 * absent (a revoke). An outage counts as "not shown yet": the next check asks again.
 */
async function changeShown(deps: LifecycleDeps, request: StoredRequest, kind: 'grant' | 'revoke'): Promise<boolean> {
  try {
    const [target, trustee] = await parties(deps, request);
    const seen = await Promise.all(request.rights.map((right) => withDeadline(deps, () => deps.permissions.check(target, trustee, right))));
    return kind === 'grant' ? seen.every(Boolean) : seen.every((held) => !held);
  } catch (error) {
    if (!isBotError(error, 'permission_service_unavailable')) throw error;
    return false;
  }
}

/**
 * The window has passed: the post-back, always. In effect, or "applied but not visible yet; I will
 * check again at HH:MM". After the quick rechecks the admins are told (`unconfirmedAt`; the event's
 * `finalCheck`) and the bot goes on checking every `lateCheckIntervalMs` until `lateCheckUntilMs`
 * after the apply, so a change Exchange shows late still ends `effective` with its "In effect"
 * post-back (the admins hear that too). After the last slow check it stops (`checksEndedAt`, the
 * event's `gaveUp`): the request stays `applied`, as the service accepted the change.
 */
async function postback(deps: LifecycleDeps, requestId: string): Promise<JobOutcome> {
  const { repo, clock } = deps;
  const request = await repo.find(requestId);
  if (!request || request.state !== 'applied' || request.checksEndedAt !== undefined) return;
  const inPlace = await changeShown(deps, request, request.kind);
  const now = clock.now();
  // Not found because another request of the bot removed this right since (a revoke of a duplicate
  // grant, or a revoke request): it ends revoked by that one, with the "Revoked" its people would
  // have heard then, not reported as a change that failed to show (nor applied again by an admin).
  const removal = inPlace ? undefined : await removedSince(deps.repo, request);
  if (removal) {
    await repo.change(request.id, (r) => {
      if (r.state !== 'applied' || r.checksEndedAt !== undefined) return false;
      r.revokedAt = removal.at;
      r.revokedBy = removal.by;
      delete r.nextCheckAt;
      return moveTo(r, 'revoked', 'system', 'revoked', { type: 'revoked', rights: r.rights }, `by ${removal.requestId}`);
    }, request);
    return;
  }
  // A time-bound grant whose end has come: its end-date revoke ends it and says "Ended as planned".
  // A "not visible, apply it again" (or "I have stopped checking") now would contradict that
  // notice, so this check waits; once the grant has ended the wait is cancelled with its timer,
  // and if the end-date revoke failed for good (no `endsAt` left) the check runs as usual.
  if (!inPlace && request.kind === 'grant' && request.endsAt !== undefined && request.endsAt <= now) {
    return { retryAt: now + deps.lateCheckIntervalMs };
  }
  await repo.change(request.id, (r) => {
    if (r.state !== 'applied' || r.checksEndedAt !== undefined) return false;
    if (inPlace) {
      r.effectiveAt = now;
      delete r.nextCheckAt;
      return moveTo(r, 'effective', 'system', 'effective', { type: 'effective' });
    }
    if (r.unconfirmedAt === undefined) {
      r.rechecks += 1;
      if (r.rechecks <= deps.maxRechecks) {
        r.nextCheckAt = now + deps.recheckIntervalMs;
        // The requester hears at the window's end ("not visible yet; I will check again at HH:MM");
        // the quick rechecks after it are quiet.
        return {
          audit: [{ actorId: 'system', action: 'recheck_scheduled' }],
          events: r.rechecks === 1 ? [{ type: 'not_yet_visible', finalCheck: false, nextCheckAt: r.nextCheckAt }] : [],
        };
      }
      // The quick rechecks are spent: the admins are told now, and the checks go on slowly.
      r.unconfirmedAt = now;
      r.checksUntil = (r.appliedAt ?? now) + deps.lateCheckUntilMs;
    }
    const gaveUp = now >= r.checksUntil!;
    if (gaveUp) {
      r.checksEndedAt = now;
      delete r.nextCheckAt;
    } else {
      r.nextCheckAt = Math.min(now + deps.lateCheckIntervalMs, r.checksUntil!);
    }
    const escalating = r.unconfirmedAt === now;
    const action = gaveUp ? 'checks_ended' : escalating ? 'not_yet_visible' : 'late_check_scheduled';
    // Heard by the requester, the grantee and the admins when the admins are told and when the
    // checks end; the slow checks in between are quiet.
    const tell = escalating || gaveUp;
    return {
      audit: [{ actorId: 'system', action, ...(gaveUp || escalating ? { outcome: 'error' as const } : {}) }],
      events: tell ? [{ type: 'not_yet_visible', finalCheck: true, ...(gaveUp ? { gaveUp: true } : { nextCheckAt: r.nextCheckAt! }) }] : [],
    };
  }, request);
}

/**
 * A grant ended by its end date or an admin's direct revoke, at the end of the removal's window
 * (then each quick recheck, then each slow check), as the post-back does for a change it applied:
 * - gone: the bot stops tracking the removal (`removalSettledAt`). Quiet within the quick rechecks
 *   (the "Revoked" / "Ended as planned" post-back went out when it ended); once people were told
 *   Exchange still showed the right, they hear it is gone after all (`removal_confirmed`).
 * - still shown after the quick rechecks: the removal was made, but Exchange still shows the
 *   right. The requester, the grantee and the admins are told (`removal_not_visible`; the admins
 *   with what to check), and the bot checks every `lateCheckIntervalMs` until `lateCheckUntilMs`
 *   after the removal (`removalUnconfirmedAt`, `removalChecksUntil`). The last check that still
 *   finds it says so (`gaveUp`) and ends the tracking (`removalChecksEndedAt`, `removalSettledAt`).
 */
async function removalCheck(deps: LifecycleDeps, requestId: string): Promise<JobOutcome> {
  const { repo, clock } = deps;
  const request = await repo.find(requestId);
  if (!request || !trackingRemoval(request)) return;
  const gone = await changeShown(deps, request, 'revoke');
  const now = clock.now();
  await repo.change(request.id, (r) => {
    if (!trackingRemoval(r)) return false;
    if (gone) {
      r.removalSettledAt = now;
      delete r.nextCheckAt;
      const told = r.removalUnconfirmedAt !== undefined;
      return { audit: [{ actorId: 'system', action: 'removal_confirmed' }], events: told ? [{ type: 'removal_confirmed' }] : [] };
    }
    if (r.removalUnconfirmedAt === undefined) {
      r.rechecks += 1;
      if (r.rechecks <= deps.maxRechecks) {
        r.nextCheckAt = now + deps.recheckIntervalMs;
        return { audit: [{ actorId: 'system', action: 'removal_recheck_scheduled' }] };
      }
      // The quick rechecks are spent: people are told now, and the checks go on slowly.
      r.removalUnconfirmedAt = now;
      r.removalChecksUntil = (r.revokedAt ?? now) + deps.lateCheckUntilMs;
    }
    const gaveUp = now >= r.removalChecksUntil!;
    if (gaveUp) {
      r.removalChecksEndedAt = now;
      r.removalSettledAt = now;
      delete r.nextCheckAt;
    } else {
      r.nextCheckAt = Math.min(now + deps.lateCheckIntervalMs, r.removalChecksUntil!);
    }
    const escalating = r.removalUnconfirmedAt === now;
    const action = gaveUp ? 'removal_not_visible' : escalating ? 'removal_still_shown' : 'removal_late_check_scheduled';
    // As for a grant: heard when the admins are told and when the checks end; the slow checks in between are quiet.
    return {
      audit: [{ actorId: 'system', action, ...(gaveUp || escalating ? { outcome: 'error' as const } : {}) }],
      events: escalating || gaveUp ? [{ type: 'removal_not_visible', ...(gaveUp ? { gaveUp: true } : { nextCheckAt: r.nextCheckAt! }) }] : [],
    };
  }, request);
}

async function timedRevoke(deps: LifecycleDeps, requestId: string, job: Job): Promise<JobOutcome> {
  const { repo, clock } = deps;
  const request = await repo.find(requestId);
  if (!request || request.kind !== 'grant' || (request.state !== 'applied' && request.state !== 'effective')) return;
  // Its end date while a longer grant of the same right stands beside it: ended, the right kept.
  // An admin's revoke (`revokeRequestedBy`) still removes the right and ends every grant of it.
  if (request.revokeRequestedBy === undefined) {
    const keeper = await outlastedBy(repo, request);
    if (keeper) return endKept(deps, request, keeper);
  }
  try {
    const [target, trustee] = await parties(deps, request);
    for (const right of request.rights) await withDeadline(deps, () => deps.permissions.revoke(target, trustee, right));
  } catch (error) {
    const nextAt = clock.now() + retryDelay(job.attempts + 1, error, deps.applyRetry, deps.random);
    const firstDue = Math.min(request.endsAt ?? Number.POSITIVE_INFINITY, request.revokeRequestedAt ?? Number.POSITIVE_INFINITY);
    if (shouldRetry(error, nextAt, firstDue, deps.applyRetry, job.attempts + 1)) return { retryAt: nextAt, error: describe(error) };
    await repo.change(request.id, (r) => {
      if (r.state !== 'applied' && r.state !== 'effective') return false;
      r.failure = { code: isBotError(error) ? error.code : 'permission_service_unavailable', message: describe(error), at: clock.now() };
      // The grant stays in place; admins hear of it and may revoke by hand. No timer is left to fire again.
      delete r.endsAt;
      delete r.revokeRequestedAt;
      return { audit: [{ actorId: 'system', action: 'revoke_failed', outcome: 'error', detail: describe(error) }], events: [{ type: 'failed' }] };
    });
    return;
  }
  const actor = request.revokeRequestedBy ?? 'system';
  const ended = await repo.change(request.id, (r) => {
    if (r.state !== 'applied' && r.state !== 'effective') return false;
    const now = clock.now();
    r.revokedAt = now;
    r.revokedBy = actor;
    // No revoke request carries this removal: the grant itself tracks its window, so "who has
    // access" and "what can X access" say "removed HH:MM, gone by about HH:MM" as for one.
    r.removalEffectiveBy = now + deps.propagationWindowMs;
    r.nextCheckAt = r.removalEffectiveBy;
    r.rechecks = 0;
    // An admin's direct revoke was promised a confirmation: the event names them (the end date names nobody).
    return moveTo(r, 'revoked', actor, 'revoked', { type: 'revoked', rights: r.rights, ...(r.revokeRequestedBy !== undefined ? { askedBy: r.revokeRequestedBy } : {}) });
  });
  if (ended?.state === 'revoked') {
    await endGrantsRevokedBy(deps, ended, actor);
    await closeRevokesMadeMoot(deps, ended);
  }
}

/**
 * A time-bound grant at its end date while `keeper` (another grant of the bot, lasting longer)
 * gives the same right: it ends `revoked`, by the system, with `rightKeptBy`, and nothing is removed
 * from Exchange. No removal is tracked (no `removalEffectiveBy`), so answers show no "removed" and
 * no check looks for the right to go; the keeper and any revoke request for the right are left as
 * they are. Its people hear it ended and that the right stays through the keeper.
 */
async function endKept(deps: LifecycleDeps, request: StoredRequest, keeper: StoredRequest): Promise<void> {
  await deps.repo.change(request.id, (r) => {
    if ((r.state !== 'applied' && r.state !== 'effective') || r.revokeRequestedBy !== undefined) return false;
    r.revokedAt = deps.clock.now();
    r.revokedBy = 'system';
    r.rightKeptBy = keeper.id;
    delete r.nextCheckAt;
    return moveTo(r, 'revoked', 'system', 'ended_kept', { type: 'revoked', rights: r.rights }, `right stays through ${keeper.id}`);
  }, request);
}

/**
 * A grant that ended on its own leaves nothing for a pending request to remove the same rights from
 * the same person on the same mailbox: such revokes are cancelled by the system ("by REQ-... ending"),
 * so no approver is asked to approve, and nobody told "Done", a removal that already happened.
 */
async function closeRevokesMadeMoot(deps: LifecycleDeps, grant: StoredRequest): Promise<void> {
  const { repo } = deps;
  for (const open of await repo.all(`req:open:${grant.granteeId}|${grant.targetId}`)) {
    if (open.kind !== 'revoke' || open.state !== 'pending' || !open.rights.every((right) => grant.rights.includes(right))) continue;
    await repo.change(open.id, (r) => {
      if (r.state !== 'pending') return false;
      r.cancelledBy = 'system';
      return moveTo(r, 'cancelled', 'system', 'cancelled', { type: 'cancelled' }, `${grant.id} ended`);
    }, open);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
