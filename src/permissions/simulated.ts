import type { Directory } from '../directory/directory.js';
import type { Clock } from '../domain/clock.js';
import { BotError } from '../domain/errors.js';
import { groupRightReplaced, rightAppliesTo, type Right } from '../domain/rights.js';
import type { DurableStore, IndexChange } from '../store/durable-store.js';
import type {
  ChangeResult,
  Delegation,
  GrantOptions,
  PermissionService,
  PermissionTarget,
  PermissionTrustee,
} from './permission-service.js';

/** One right as the simulated Exchange holds it, with when readers start (and stop) seeing it. */
interface SimulatedEntry {
  trusteeId: string;
  right: Right;
  autoMapping?: boolean;
  visibleFrom: number;
  /** Set when revoked: readers stop seeing the right from this time. */
  hiddenFrom?: number;
}

interface TargetRecord {
  entries: SimulatedEntry[];
}

/** A fault the next call meets (tests of timeouts, throttling and outages). */
export type InjectedFault =
  | { kind: 'throttle'; retryAfterMs: number }
  | { kind: 'unavailable'; status?: 500 | 502 | 503 | 504 }
  | { kind: 'timeout' }
  | { kind: 'reject'; message: string };

export interface SimulatedOptions {
  store: DurableStore;
  directory: Directory;
  clock: Clock;
  /** How long an accepted change takes to become visible to readers (Exchange: up to 60 minutes). */
  visibilityDelayMs: number;
  /** Added to every call (with `sleep`), to exercise timeouts. */
  latencyMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const NAMESPACE = 'permissions';
/** The trustee index: `sim:trustee:ID` lists the targets where ID holds or held a right not yet gone. */
const trusteeIndex = (trusteeId: string) => `sim:trustee:${trusteeId}`;

/**
 * The embedded default permission service. It behaves like Exchange Online (see the
 * `PermissionService` contract) and keeps its rights in the bot's store, seeded from the
 * directory's `permissions`, so state survives restarts and is shared by processes on one store.
 */
export class SimulatedPermissionService implements PermissionService {
  /** Faults met by the next calls, first in first out. */
  readonly faults: InjectedFault[] = [];
  private seeded: Promise<void> | undefined;

  constructor(private readonly options: SimulatedOptions) {}

  private seed(): Promise<void> {
    this.seeded ??= (async () => {
      const byTarget = new Map<string, SimulatedEntry[]>();
      for (const p of await this.options.directory.initialPermissions()) {
        const list = byTarget.get(p.target) ?? [];
        list.push({ trusteeId: p.trustee, right: p.right, visibleFrom: 0 });
        byTarget.set(p.target, list);
      }
      // Written only where absent: a restart, or a second process, never re-seeds over changes.
      for (const [target, entries] of byTarget) {
        await this.options.store.commit({
          records: [{ namespace: NAMESPACE, key: target, expect: 'absent', value: { entries } }],
          index: entries.map((e) => ({ index: trusteeIndex(e.trusteeId), member: target, score: 0 })),
        });
      }
    })();
    return this.seeded;
  }

  private async meetFaults(): Promise<void> {
    const { latencyMs = 0, sleep } = this.options;
    if (latencyMs > 0 && sleep) await sleep(latencyMs);
    const fault = this.faults.shift();
    if (!fault) return;
    switch (fault.kind) {
      case 'throttle':
        throw new BotError('permission_service_unavailable', 'The permission service is throttling requests (429)', {
          details: { status: 429, retryAfterMs: fault.retryAfterMs },
        });
      case 'unavailable':
        throw new BotError('permission_service_unavailable', `The permission service failed (${fault.status ?? 503})`, {
          details: { status: fault.status ?? 503 },
        });
      case 'timeout':
        throw new BotError('permission_service_unavailable', 'The permission service did not answer in time', {
          details: { timeout: true },
        });
      case 'reject':
        throw new BotError('permission_service_rejected', fault.message);
    }
  }

  private async validate(target: PermissionTarget, trustee: PermissionTrustee, right: Right): Promise<void> {
    if (!rightAppliesTo(right, target.kind)) {
      throw new BotError('invalid_request', `${right} cannot be granted on a group (${target.mail})`);
    }
    const user = await this.options.directory.getUser(trustee.id);
    if (!user) throw new BotError('not_found', `No user ${trustee.id}`);
    if (target.kind === 'group' && user.guest) {
      throw new BotError('invalid_request', `Guests cannot receive rights on a group (${trustee.mail})`);
    }
    if (target.kind === 'user' && target.id === trustee.id) {
      throw new BotError('invalid_request', 'A user already owns their own mailbox');
    }
  }

  /**
   * Applies `change` to the target's record with compare-and-set, retrying on a concurrent write;
   * the trustee index follows in the same commit (a trustee leaves it once their last entry on the
   * target is gone from every reader's view).
   */
  private async update(targetId: string, change: (entries: SimulatedEntry[], now: number) => ChangeResult): Promise<ChangeResult> {
    const { store, clock } = this.options;
    for (;;) {
      const current = await store.get<TargetRecord>(NAMESPACE, targetId);
      const now = clock.now();
      const before = new Set((current?.value.entries ?? []).map((e) => e.trusteeId));
      // Drop revoked entries nobody can see any more, so records don't grow forever.
      const entries = (current?.value.entries ?? []).filter((e) => e.hiddenFrom === undefined || e.hiddenFrom > now);
      const result = change(entries, now);
      const after = new Set(entries.map((e) => e.trusteeId));
      const index: IndexChange[] = [
        ...[...after].filter((id) => !before.has(id)).map((id) => ({ index: trusteeIndex(id), member: targetId, score: 0 })),
        ...[...before].filter((id) => !after.has(id)).map((id) => ({ index: trusteeIndex(id), member: targetId, remove: true as const })),
      ];
      const written = await store.commit({
        records: [{ namespace: NAMESPACE, key: targetId, expect: current ? current.version : 'absent', value: { entries } }],
        index,
      });
      if (written) return result;
    }
  }

  async grant(target: PermissionTarget, trustee: PermissionTrustee, right: Right, options: GrantOptions = {}): Promise<ChangeResult> {
    await this.seed();
    await this.meetFaults();
    await this.validate(target, trustee, right);
    const delay = this.options.visibilityDelayMs;
    return this.update(target.id, (entries, now) => {
      const held = (r: Right) => entries.find((e) => e.trusteeId === trustee.id && e.right === r && e.hiddenFrom === undefined);
      const replaced: Right[] = [];
      const other = groupRightReplaced(right, target.kind);
      const otherEntry = other ? held(other) : undefined;
      if (other && otherEntry) {
        otherEntry.hiddenFrom = now + delay;
        replaced.push(other);
      }
      if (held(right)) return { changed: replaced.length > 0, replaced, warnings: ['The right was already present.'] };
      entries.push({ trusteeId: trustee.id, right, visibleFrom: now + delay, autoMapping: options.autoMapping ?? true });
      return { changed: true, replaced, warnings: [] };
    });
  }

  async revoke(target: PermissionTarget, trustee: PermissionTrustee, right: Right): Promise<ChangeResult> {
    await this.seed();
    await this.meetFaults();
    await this.validate(target, trustee, right);
    const delay = this.options.visibilityDelayMs;
    return this.update(target.id, (entries, now) => {
      const entry = entries.find((e) => e.trusteeId === trustee.id && e.right === right && e.hiddenFrom === undefined);
      if (!entry) return { changed: false, replaced: [], warnings: ['The right was not present.'] };
      entry.hiddenFrom = now + delay;
      return { changed: true, replaced: [], warnings: [] };
    });
  }

  private async visible(targetId: string): Promise<SimulatedEntry[]> {
    const now = this.options.clock.now();
    const record = await this.options.store.get<TargetRecord>(NAMESPACE, targetId);
    return (record?.value.entries ?? []).filter(
      (e) => e.visibleFrom <= now && (e.hiddenFrom === undefined || e.hiddenFrom > now),
    );
  }

  async listDelegates(target: PermissionTarget, right?: Right): Promise<Delegation[]> {
    await this.seed();
    await this.meetFaults();
    return (await this.visible(target.id))
      .filter((e) => right === undefined || e.right === right)
      .map((e) => ({ targetId: target.id, trusteeId: e.trusteeId, right: e.right }));
  }

  /** From the trustee index: reads only the targets where the trustee has entries, not every candidate. */
  async listHoldings(trustee: PermissionTrustee, candidates: PermissionTarget[]): Promise<Delegation[]> {
    await this.seed();
    await this.meetFaults();
    const wanted = new Set(candidates.map((c) => c.id));
    const holdings: Delegation[] = [];
    for (const targetId of await this.targetsOf(trustee.id)) {
      if (!wanted.has(targetId)) continue;
      for (const e of await this.visible(targetId)) {
        if (e.trusteeId === trustee.id) holdings.push({ targetId, trusteeId: trustee.id, right: e.right });
      }
    }
    return holdings;
  }

  private async targetsOf(trusteeId: string): Promise<string[]> {
    const ids: string[] = [];
    let page = await this.options.store.range(trusteeIndex(trusteeId), { order: 'asc', limit: 500 });
    while (page.length) {
      ids.push(...page.map((e) => e.member));
      page = await this.options.store.range(trusteeIndex(trusteeId), { order: 'asc', limit: 500, after: page[page.length - 1]! });
    }
    return ids;
  }

  async check(target: PermissionTarget, trustee: PermissionTrustee, right: Right): Promise<boolean> {
    await this.seed();
    await this.meetFaults();
    return (await this.visible(target.id)).some((e) => e.trusteeId === trustee.id && e.right === right);
  }
}
