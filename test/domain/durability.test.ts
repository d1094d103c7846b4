import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { isBotError } from '../../src/domain/errors.js';
import type { SubmitInput } from '../../src/domain/engine-api.js';
import type {
  ChangeResult,
  PermissionService,
  PermissionTarget,
  PermissionTrustee,
} from '../../src/permissions/permission-service.js';
import type { Right } from '../../src/domain/rights.js';
import { createSqliteStore } from '../../src/store/keyv-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { VersionedStore } from '../../src/store/versioned-store.js';
import { coreHarness, HOUR, MINUTE, type CoreHarness } from '../helpers/core.js';

const dir = mkdtempSync(join(tmpdir(), 'durability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Priya asks Full Access on Zoë's mailbox: Zoë (owner) and Emma (Zoë's manager) both approve.
const input: SubmitInput = { requesterId: 'u-priya', kind: 'grant', granteeId: 'u-priya', targetId: 'u-zoe', right: 'FullAccess', language: 'en' };

/** Counts grants reaching the real simulated service of an engine (a decorator, not a mock). */
function countGrants(core: CoreHarness, options: { hang?: boolean } = {}) {
  const inner = core.permissions;
  const counter = { grants: 0 };
  const original = inner.grant.bind(inner);
  (inner as PermissionService).grant = (target: PermissionTarget, trustee: PermissionTrustee, right: Right, opts?) => {
    counter.grants++;
    // A process that dies mid-apply: the call never returns.
    if (options.hang) return new Promise<ChangeResult>(() => {});
    return original(target, trustee, right, opts);
  };
  return counter;
}

/** A new SQLite file and a clock, and `start()`: an engine opening that file, as a process starting. */
function onNewFile(name: string) {
  const file = join(dir, name);
  const clock = new ManualClock();
  return { clock, start: () => coreHarness({}, { clock, store: createSqliteStore(file) }) };
}

/** Submits `request` through `core`; the new request's id. */
async function submitted(core: CoreHarness, request: SubmitInput = input): Promise<string> {
  const outcome = await core.engine.submit(request);
  if (outcome.outcome !== 'created') throw new Error('not created');
  return outcome.request.id;
}

/** A new engine on the file: after recovery its one timer is the expiry, which expires the request 7 days on. */
async function restartExpectingOnlyTheExpiry(start: () => Promise<CoreHarness>): Promise<void> {
  const after = await start();
  await after.engine.recover();
  expect((await after.scheduler.pending()).map((t) => t.kind)).toEqual(['expire']);
  await after.advance(7 * 24 * HOUR);
  expect(after.events.events.map((e) => e.type)).toEqual(['expired']);
  await after.close();
}

async function concurrentApprovals(openStores: () => Promise<[VersionedStore, VersionedStore]>) {
  const clock = new ManualClock();
  const [storeA, storeB] = await openStores();
  const a = await coreHarness({}, { clock, store: storeA });
  const b = await coreHarness({}, { clock, store: storeB });
  const countA = countGrants(a);
  const countB = countGrants(b);
  const outcome = await a.engine.submit(input);
  if (outcome.outcome !== 'created') throw new Error('not created');
  const id = outcome.request.id;
  expect(outcome.request.approverIds.sort()).toEqual(['u-emma', 'u-zoe']);

  const clicks = Array.from({ length: 50 }, (_, i) =>
    (i % 2 ? a : b).engine.decide(id, i % 3 ? 'u-emma' : 'u-zoe', i % 5 ? 'approve' : 'reject').then(
      (r) => ({ ok: true as const, state: r.state }),
      (e: unknown) => ({ ok: false as const, already: isBotError(e, 'already_decided') }),
    ),
  );
  const results = await Promise.all(clicks);
  const winners = results.filter((r) => r.ok);
  expect(winners).toHaveLength(1);
  expect(results.filter((r) => !r.ok && r.already)).toHaveLength(49);

  await Promise.all([a.engine.idle(), b.engine.idle()]);
  clock.advance(HOUR);
  await Promise.all([a.engine.idle(), b.engine.idle()]);
  const finalState = (await a.engine.get(id))!.state;
  const decided = [...a.events.ofType('decided'), ...b.events.ofType('decided')];
  expect(decided).toHaveLength(1);
  if (winners[0]!.ok && winners[0]!.state === 'approved') {
    expect(countA.grants + countB.grants).toBe(1);
    expect(finalState).toBe('effective');
    expect([...a.events.ofType('applied'), ...b.events.ofType('applied')]).toHaveLength(1);
    expect([...a.events.ofType('effective'), ...b.events.ofType('effective')]).toHaveLength(1);
  } else {
    expect(countA.grants + countB.grants).toBe(0);
    expect(finalState).toBe('rejected');
  }
  await a.scheduler.stop();
  await b.scheduler.stop();
  await storeA.close();
  if (storeB !== storeA) await storeB.close();
}

describe('exactly once under concurrency', () => {
  it('50 concurrent approvals of one request apply it once (memory, two engines)', async () => {
    const store = createMemoryStore();
    await concurrentApprovals(async () => [store, store]);
  });

  it('50 concurrent approvals of one request apply it once (SQLite, two engines on one file)', async () => {
    const file = join(dir, 'concurrent.sqlite');
    await concurrentApprovals(async () => [createSqliteStore(file), createSqliteStore(file)]);
  });
});

describe('crash and restart over the same SQLite file', () => {
  it('a new engine after a crash before the apply loses no timer and fires none twice', async () => {
    const { start } = onNewFile('crash-before.sqlite');
    const before = await start();
    const id = await submitted(before, { ...input, duration: 'P3D' });
    await before.engine.decide(id, 'u-zoe', 'approve');
    await before.engine.idle();
    // The process dies here: the apply ran, the post-back, reminder and revoke timers are only in the file.
    expect(before.events.events.map((e) => e.type)).toEqual(['approval_needed', 'decided', 'applied']);
    await before.store.close();

    const after = await start();
    await after.engine.recover();
    expect((await after.scheduler.pending()).map((t) => t.kind).sort()).toEqual(['postback', 'revoke_reminder', 'timed_revoke']);
    await after.advance(HOUR);
    await after.advance(2 * 24 * HOUR);
    await after.advance(24 * HOUR);
    expect(after.events.events.map((e) => e.type)).toEqual(['effective', 'revoke_reminder', 'revoked']);
    expect(await after.scheduler.pending()).toEqual([]);
    await after.advance(30 * 24 * HOUR);
    expect(after.events.events).toHaveLength(3);
    await after.close();
  });

  it('a crash mid-apply: the lease lapses, a new engine finishes the apply exactly once', async () => {
    const { start } = onNewFile('crash-mid.sqlite');
    const dying = await start();
    const hung = countGrants(dying, { hang: true });
    const id = await submitted(dying);
    await dying.engine.decide(id, 'u-zoe', 'approve');
    void dying.scheduler.runDue(); // claims the apply timer, then hangs inside the grant
    // The grant call comes after "applying" is committed; wait for the call itself.
    await waitFor(async () => hung.grants > 0);
    expect((await dying.engine.get(id))?.state).toBe('applying');
    expect(hung.grants).toBe(1);

    const after = await start();
    const counted = countGrants(after);
    await after.engine.recover();
    await after.advance(MINUTE);
    expect(counted.grants).toBe(0); // still claimed by the dead process
    await after.advance(10 * MINUTE); // the lease lapses
    expect(counted.grants).toBe(1);
    expect((await after.engine.get(id))?.state).toBe('applied');
    await after.advance(HOUR);
    expect((await after.engine.get(id))?.state).toBe('effective');
    expect(after.events.events.map((e) => e.type)).toEqual(['applied', 'effective']);
    await after.close();
  });

  it('a crash between a transition and its timer: the restart schedules the missing timer', async () => {
    const { clock, start } = onNewFile('crash-between.sqlite');
    const before = await start();
    const id = await submitted(before);
    await before.engine.idle();
    await before.advance(24 * HOUR); // the approver reminder goes out
    await before.engine.decide(id, 'u-zoe', 'approve');
    // The process dies after "approved" was written but before the apply timer was: remove it.
    const timers = await before.scheduler.pending();
    for (const t of timers) await before.store.delete('timers', t.id);
    await before.store.close();

    const after = await start();
    await after.engine.recover();
    await after.engine.idle();
    expect((await after.engine.get(id))?.state).toBe('applied');
    // Now it dies after "applied" but before the post-back timer.
    for (const t of await after.scheduler.pending()) await after.store.delete('timers', t.id);
    await after.scheduler.stop();
    const third = await coreHarness({}, { clock, store: after.store });
    await third.engine.recover();
    await third.advance(HOUR);
    expect((await third.engine.get(id))?.state).toBe('effective');
    expect(third.events.events.map((e) => e.type)).toEqual(['effective']);
    await third.close();
  });

  it('a restart does not repeat a reminder that already went out', async () => {
    const { start } = onNewFile('reminder-once.sqlite');
    const before = await start();
    await submitted(before);
    await before.engine.idle();
    await before.advance(24 * HOUR);
    expect(before.events.ofType('approver_reminder')).toHaveLength(1);
    await before.store.close();
    await restartExpectingOnlyTheExpiry(start);
  });

  it('a pending request holds one timer; a crash between the reminder and scheduling the expiry loses no expiry', async () => {
    const { start } = onNewFile('reminder-then-expiry.sqlite');
    const before = await start();
    await submitted(before);
    await before.engine.idle();
    expect((await before.scheduler.pending()).map((t) => t.kind)).toEqual(['approver_reminder']);
    await before.advance(24 * HOUR);
    expect((await before.scheduler.pending()).map((t) => t.kind)).toEqual(['expire']);
    // The process dies after the reminder was recorded but before the expiry was scheduled.
    for (const t of await before.scheduler.pending()) await before.store.delete('timers', t.id);
    await before.store.close();
    await restartExpectingOnlyTheExpiry(start);
  });

  it('events a crash left undelivered are delivered after the restart', async () => {
    const { clock, start } = onNewFile('outbox.sqlite');
    const before = await start();
    // The notifier dies with the process: nothing gets out.
    before.notifiers.notify = () => new Promise(() => {});
    await submitted(before);
    await new Promise((resolve) => setTimeout(resolve, 20));

    const after = await start();
    await after.engine.recover();
    expect(after.events.events).toEqual([]); // the dead process's claim has not lapsed yet
    clock.advance(5 * MINUTE);
    await after.engine.recover();
    expect(after.events.events.map((e) => e.type)).toEqual(['approval_needed']);
    await after.engine.recover();
    expect(after.events.events).toHaveLength(1);
    await after.close();
  });
});

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('condition not met');
}
