// A generated organisation and its pending requests, for the benches that need a store that is
// already full (bench/scale.ts, bench/teams-throughput.ts --preload).
//
// The directory is a file of the documented format (../shared/spec/directory-format.md), with the
// made-up unique names of bench/teams-throughput.ts. Requests are stored through the real
// `RequestRepository.create`, so each has what a submitted request has: its record, its index
// entries (`indexesFor`), its `created` audit entry with that entry's indexes, and its timers
// (`timersFor`: the approvers' reminder while it is due, and the expiry). What they do not get is
// the `approval_needed` event: their approval cards went out long ago, so no message is owed.
import type { App } from '../src/app.js';
import type { RequestEngine } from '../src/domain/engine.js';
import { newRequestId } from '../src/domain/ids.js';
import type { StoredRequest } from '../src/domain/request.js';
import type { Right, TargetKind } from '../src/domain/rights.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 've', 'no', 'ti', 'sa', 'de', 'bu', 'fo', 'ge', 'hu', 'ji', 'pe', 'wa'];
/** A unique made-up word for i < 65536 ("Kakakaka", "Lokakaka", ...), as in bench/teams-throughput.ts. */
export function word(i: number): string {
  let w = '';
  for (let digit = 0, n = i; digit < 4; digit++, n = Math.floor(n / 16)) w += SYLLABLES[n % 16]!;
  return w[0]!.toUpperCase() + w.slice(1);
}

/** mulberry32: a small seeded generator, so every run builds the same organisation and requests. */
export function seededRandom(seed: number): (n: number) => number {
  let state = seed;
  return (n: number) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

export const SCALE_TENANT = '5ca1e000-0000-4000-8000-0000005ca1e0';

/** Who the generated organisation's heavy users are (the queries ask about them). */
export const SCALE_PEOPLE = {
  admin: 'u-0',
  /** Service-desk staff who file a tenth of all requests between them. */
  serviceDesk: ['u-1', 'u-2', 'u-3', 'u-4', 'u-5'],
  /** Owns one shared mailbox in ten, so approves a large share of requests. */
  itOwner: 'u-10',
} as const;

export interface ScaleOrganisation {
  people: number;
  sharedMailboxes: number;
  groups: number;
}

/** 20,000 people (a manager each), 2,000 shared mailboxes, 1,000 groups, 2,000 rights in place. */
export const DEFAULT_ORGANISATION: ScaleOrganisation = { people: 20_000, sharedMailboxes: 2_000, groups: 1_000 };

/**
 * A directory file (the documented JSON format) for an organisation of this size: people `u-i`
 * with managers (`u-0`..`u-799` manage the rest), shared mailboxes `s-i` (one in ten owned by
 * `SCALE_PEOPLE.itOwner`), groups `g-i` with five members, and rights already in place.
 */
export function scaleDirectoryFile(org: ScaleOrganisation = DEFAULT_ORGANISATION) {
  const random = seededRandom(7);
  const managers = Math.max(1, Math.floor(org.people / 25));
  const users = Array.from({ length: org.people }, (_, i) => ({
    id: `u-${i}`,
    displayName: `${word(i)} ${word(20_000 + ((i * 7) % 40_000))}`,
    mail: `p${i}@scale.example`,
    ...(i >= 40 ? { managerId: `u-${i < managers ? i % 40 : i % managers}` } : {}),
    preferredLanguage: i % 3 === 0 ? 'nl-NL' : 'en-US',
  }));
  const person = () => `u-${40 + random(org.people - 40)}`;
  const sharedMailboxes = Array.from({ length: org.sharedMailboxes }, (_, i) => ({
    id: `s-${i}`,
    displayName: `Box ${word(60_000 + (i % 5_000))} ${i}`,
    mail: `box${i}@scale.example`,
    owners: i % 10 === 0 ? [SCALE_PEOPLE.itOwner] : [person()],
  }));
  const groups = Array.from({ length: org.groups }, (_, i) => {
    const owner = person();
    return { id: `g-${i}`, displayName: `Team ${word(50_000 + i)}`, mail: `team${i}@scale.example`, owners: [owner], members: [owner, person(), person(), person(), person()] };
  });
  const permissions: { target: string; trustee: string; right: Right }[] = [];
  for (let k = 0; k < 2_000; k++) {
    const onGroup = k % 4 === 0;
    permissions.push({
      target: onGroup ? `g-${k % org.groups}` : `s-${k % org.sharedMailboxes}`,
      trustee: person(),
      right: onGroup ? 'SendAs' : (['FullAccess', 'SendAs', 'SendOnBehalf'] as const)[k % 3]!,
    });
  }
  return { tenant: { id: SCALE_TENANT, domain: 'scale.example' }, users, groups, sharedMailboxes, admins: [SCALE_PEOPLE.admin], permissions };
}

/** One pending request to store: who asks what for whom, and when it was made. */
export interface PendingSpec {
  requesterId: string;
  granteeId: string;
  targetId: string;
  targetKind: TargetKind;
  right: Right;
  /** Epoch ms. */
  createdAt: number;
  /** ISO 8601 duration of a time-bound grant. */
  duration?: string;
}

/**
 * Request `i` of the generated organisation's workload: a tenth from the service desk, the rest
 * from anyone; 60% on shared mailboxes, 25% on people's own mailboxes, 15% on groups; a fifth
 * time-bound. `createdAt` is left to the caller.
 */
export function scaleRequest(random: (n: number) => number, i: number, org: ScaleOrganisation = DEFAULT_ORGANISATION): Omit<PendingSpec, 'createdAt'> {
  const anyone = () => `u-${40 + random(org.people - 40)}`;
  const requesterId = i % 10 === 0 ? SCALE_PEOPLE.serviceDesk[(i / 10) % SCALE_PEOPLE.serviceDesk.length]! : anyone();
  const granteeId = random(10) < 3 && requesterId.length > 4 ? requesterId : anyone();
  const pick = random(100);
  const rights: Right[] = ['FullAccess', 'SendAs', 'SendOnBehalf'];
  let target: { targetId: string; targetKind: TargetKind; right: Right };
  if (pick < 60) target = { targetId: `s-${random(org.sharedMailboxes)}`, targetKind: 'shared', right: rights[random(3)]! };
  else if (pick < 85) {
    let owner = anyone();
    while (owner === granteeId) owner = anyone();
    target = { targetId: owner, targetKind: 'user', right: rights[random(3)]! };
  } else target = { targetId: `g-${random(org.groups)}`, targetKind: 'group', right: random(2) ? 'SendAs' : 'SendOnBehalf' };
  return { requesterId, granteeId, ...target, ...(random(5) === 0 ? { duration: 'P14D' } : {}) };
}

/**
 * When pending request `i` of `count` was made, so that nothing it owes falls due within the next
 * `quietMs`: four in five were made 25 hours to 7 days ago minus the quiet time (their approvers'
 * reminder went out after 24 hours; only the expiry is left), one in five 1 to 22 hours ago (its
 * reminder is still to come). Default settings: reminder after 24 h, expiry after 7 days.
 */
export function quietCreatedAt(i: number, count: number, now: number, quietMs = 2 * HOUR): { createdAt: number; reminded: boolean } {
  const share = (i * 0.6180339887) % 1;
  if (i % 5 === 4) return { createdAt: now - quietMs / 2 - share * (22 * HOUR - quietMs / 2), reminded: false };
  const newest = now - 25 * HOUR;
  const oldest = now - 7 * DAY + quietMs;
  return { createdAt: Math.round(oldest + share * (newest - oldest)), reminded: true };
}

/** A clock the seeder sets to each request's creation time (its audit entry is stamped with it). */
export class SeedClock {
  current = Date.now();
  now(): number {
    return this.current;
  }
}

/**
 * Stores pending requests through the real `RequestRepository.create` of `app.engine`, `batch` at a
 * time (one SQLite group commit, one pipelined round of Redis scripts). Approvers come from the real
 * policy (`engine.approversFor`). `reminded(spec)` marks requests whose approvers' reminder already
 * went out (then only the expiry timer is left). `clock` must be the app's clock.
 * Returns the ids stored, in order.
 */
export async function seedPending(
  app: Pick<App, 'engine'>,
  clock: SeedClock,
  specs: Iterable<PendingSpec & { reminded?: boolean }>,
  options: { batch?: number } = {},
): Promise<string[]> {
  const engine: RequestEngine = app.engine;
  const batchSize = options.batch ?? 2_000;
  const ids: string[] = [];
  let batch: Promise<string>[] = [];
  for (const spec of specs) {
    const approverIds = await engine.approversFor(spec.targetId, spec.requesterId, spec.granteeId);
    const request: StoredRequest = {
      id: newRequestId(),
      version: 1,
      kind: 'grant',
      state: 'pending',
      requesterId: spec.requesterId,
      granteeId: spec.granteeId,
      targetId: spec.targetId,
      targetKind: spec.targetKind,
      rights: [spec.right],
      autoMapping: true,
      ...(spec.duration ? { duration: spec.duration } : {}),
      language: 'en',
      approverIds,
      warnings: [],
      createdAt: spec.createdAt,
      updatedAt: spec.createdAt,
      attempts: 0,
      eventSeq: 1,
      rechecks: 0,
      ...(spec.reminded ? { remindedAt: spec.createdAt + DAY } : {}),
    };
    // The commit reads the clock before its first await: the audit entry gets the request's time.
    // A new id when it is taken (ids are 6 random characters: a few collide among 100,000).
    const create = async (): Promise<string> => {
      for (;;) {
        clock.current = spec.createdAt;
        if (await engine.repo.create(request, { audit: [{ actorId: spec.requesterId, action: 'created', to: 'pending' }] })) return request.id;
        request.id = newRequestId();
      }
    };
    batch.push(create());
    if (batch.length >= batchSize) {
      ids.push(...(await Promise.all(batch)));
      batch = [];
    }
  }
  ids.push(...(await Promise.all(batch)));
  clock.current = Date.now();
  return ids;
}
