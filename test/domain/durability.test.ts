import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { isBotError } from '../../src/domain/errors.js';
import type { SubmitInput } from '../../src/domain/engine-api.js';
import type { ChangeResult, PermissionService, PermissionTarget, PermissionTrustee } from '../../src/permissions/permission-service.js';
import { timersFor, type StoredRequest } from '../../src/domain/request.js';
import type { Right } from '../../src/domain/rights.js';
import type { DurableStore } from '../../src/store/durable-store.js';
import { createSqliteStore } from '../../src/store/keyv-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { createPostgresStore } from '../../src/store/postgres-store.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { coreHarness, HOUR, MINUTE, type CoreHarness } from '../helpers/core.js';
import { dropSchemas, freshSchema, POSTGRES_URL } from '../helpers/postgres.js';
import { REDIS_URL, redisTestPrefixes } from '../store/redis-test-prefix.js';

const dir = mkdtempSync(join(tmpdir(), 'durability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const redisPrefixes = redisTestPrefixes();
afterAll(() => redisPrefixes.dropAll());

// Priya asks Full Access on Zoë's mailbox: Zoë (owner) and Emma (Zoë's manager) both approve.
const input: SubmitInput = { requesterId: 'u-priya', kind: 'grant', granteeId: 'u-priya', targetId: 'u-zoe', right: 'FullAccess', language: 'en' };
const DAY = 24 * HOUR;
const SETTINGS = { approverReminderMs: DAY, requestExpiryMs: 7 * DAY, maxRechecks: 3 };

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

function sqliteFile(name: string): () => DurableStore {
  const file = join(dir, name);
  return () => createSqliteStore(file);
}

/** A store file and a clock, and `start()`: an engine opening that file, as a process starting. */
function onNewFile(name: string) {
  const open = sqliteFile(name);
  const clock = new ManualClock();
  return { clock, start: () => coreHarness({}, { clock, store: open() }) };
}

async function submitted(core: CoreHarness, request: SubmitInput = input): Promise<string> {
  const outcome = await core.engine.submit(request);
  if (outcome.outcome !== 'created') throw new Error('not created');
  return outcome.request.id;
}

/** The jobs stored for a request's timers, as `kind -> due`, read from the queue itself. */
async function storedTimers(core: CoreHarness, id: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const kind of ['apply', 'postback', 'approver_reminder', 'expire', 'revoke_reminder', 'timed_revoke']) {
    const job = await core.store.work.get(`${id}:${kind}`);
    if (job) out[kind] = job.dueAt;
  }
  return out;
}

/** The state and its timers as stored agree with `timersFor`: nothing is ever left to repair. */
async function expectTimersMatchState(core: CoreHarness, id: string): Promise<void> {
  const stored = await core.store.get<StoredRequest>('requests', id);
  expect(await storedTimers(core, id)).toEqual(timersFor(stored!.value, SETTINGS));
}

async function concurrentApprovals(openStores: () => Promise<[DurableStore, DurableStore]>) {
  const clock = new ManualClock();
  const [storeA, storeB] = await openStores();
  const a = await coreHarness({}, { clock, store: storeA });
  const b = await coreHarness({}, { clock, store: storeB });
  const countA = countGrants(a);
  const countB = countGrants(b);
  const id = await submitted(a);

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
  await a.worker.stop(0);
  await b.worker.stop(0);
  await storeA.close();
  if (storeB !== storeA) await storeB.close();
}

describe('exactly once under concurrency', () => {
  it('50 concurrent approvals of one request apply it once (memory, two engines)', async () => {
    const store = createMemoryStore();
    await concurrentApprovals(async () => [store, store]);
  });

  it('50 concurrent approvals of one request apply it once (SQLite, two engines on one file)', async () => {
    const open = sqliteFile('concurrent.sqlite');
    await concurrentApprovals(async () => [open(), open()]);
  });

  it('50 concurrent approvals of one request apply it once (Redis, two engines on two connections)', async () => {
    const keyPrefix = redisPrefixes.next();
    await concurrentApprovals(async () => [await createRedisStore(REDIS_URL, { keyPrefix }), await createRedisStore(REDIS_URL, { keyPrefix })]);
  });

  it('50 concurrent approvals of one request apply it once (PostgreSQL, two engines on two pools)', async () => {
    const schema = freshSchema('durability');
    try {
      await concurrentApprovals(async () => {
        const first = await createPostgresStore(POSTGRES_URL, { schema });
        return [first, await createPostgresStore(POSTGRES_URL, { schema })];
      });
    } finally {
      await dropSchemas([schema]);
    }
  });
});

describe('a state and its work are committed together', () => {
  it('after every step the stored timers are exactly those of the state, with no recovery at start', async () => {
    const { start } = onNewFile('timers-follow-state.sqlite');
    const core = await start();
    const id = await submitted(core, { ...input, duration: 'P3D' });
    await expectTimersMatchState(core, id);
    expect(Object.keys(await storedTimers(core, id)).sort()).toEqual(['approver_reminder', 'expire']);
    await core.advance(DAY);
    await expectTimersMatchState(core, id);
    expect(Object.keys(await storedTimers(core, id))).toEqual(['expire']);
    await core.engine.decide(id, 'u-zoe', 'approve');
    await expectTimersMatchState(core, id);
    await core.engine.idle();
    await expectTimersMatchState(core, id);
    expect(Object.keys(await storedTimers(core, id)).sort()).toEqual(['postback', 'revoke_reminder', 'timed_revoke']);
    await core.advance(HOUR);
    await expectTimersMatchState(core, id);
    await core.advance(3 * DAY);
    expect((await core.engine.get(id))?.state).toBe('revoked');
    expect(await storedTimers(core, id)).toEqual({});
    await core.close();
  });

  it('a new engine on the file finds the work a stopped one left, fires it once, and repeats nothing', async () => {
    const { start } = onNewFile('restart.sqlite');
    const before = await start();
    const id = await submitted(before, { ...input, duration: 'P3D' });
    await before.engine.idle();
    await before.advance(DAY); // the approver reminder goes out
    await before.engine.decide(id, 'u-zoe', 'approve');
    await before.engine.idle();
    expect(before.events.events.map((e) => e.type)).toEqual(['approval_needed', 'approver_reminder', 'decided', 'applied']);
    await before.store.close(); // the process is gone: its work is only in the file

    const after = await start(); // no recover(): nothing to repair
    await after.advance(HOUR);
    await after.advance(2 * DAY);
    await after.advance(DAY);
    expect(after.events.events.map((e) => e.type)).toEqual(['effective', 'revoke_reminder', 'revoked']);
    await after.advance(30 * DAY);
    expect(after.events.events).toHaveLength(3);
    expect(await after.store.work.size()).toBe(0);
    await after.close();
  });

  it('a crash mid-apply: the lease lapses, another engine finishes the apply exactly once', async () => {
    const { start } = onNewFile('crash-mid.sqlite');
    const dying = await start();
    const hung = countGrants(dying, { hang: true });
    const id = await submitted(dying);
    await dying.engine.decide(id, 'u-zoe', 'approve');
    void dying.engine.idle(); // claims the apply job, then hangs inside the grant
    await waitFor(async () => hung.grants > 0);
    expect((await dying.engine.get(id))?.state).toBe('applying');

    const after = await start();
    const counted = countGrants(after);
    await after.advance(MINUTE / 2);
    expect(counted.grants).toBe(0); // still leased by the dead worker (lease 45 s, no heartbeat: it is dead)
    await after.advance(MINUTE); // the lease lapsed
    expect(counted.grants).toBe(1);
    expect((await after.engine.get(id))?.state).toBe('applied');
    await after.advance(HOUR);
    expect((await after.engine.get(id))?.state).toBe('effective');
    expect(after.events.ofType('applied')).toHaveLength(1);
    await after.close();
  });

  it('events a crash left undelivered are delivered by the next engine once the lease lapses', async () => {
    const { clock, start } = onNewFile('events.sqlite');
    const before = await start();
    // The observer dies with the process: its notify job stays leased.
    before.notifiers.attach({ notify: () => new Promise(() => {}) });
    await submitted(before);
    void before.engine.idle();
    await new Promise((resolve) => setTimeout(resolve, 20));

    const after = await start();
    await after.engine.idle();
    expect(after.events.events).toEqual([]); // the dead worker's lease has not lapsed yet
    clock.advance(MINUTE);
    await after.engine.idle();
    expect(after.events.events.map((e) => e.type)).toEqual(['approval_needed']);
    await after.engine.idle();
    expect(after.events.events).toHaveLength(1);
    await after.close();
  });
});

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('condition not met');
}
