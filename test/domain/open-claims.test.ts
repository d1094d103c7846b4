import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SubmitInput, SubmitOutcome } from '../../src/domain/engine-api.js';
import { ManualClock } from '../../src/domain/clock.js';
import { OPEN_CLAIMS, openClaimKey, type OpenClaim } from '../../src/domain/request-repository.js';
import type { SimulatedPermissionService } from '../../src/permissions/simulated.js';
import type { DurableStore } from '../../src/store/durable-store.js';
import { createSqliteStore } from '../../src/store/keyv-store.js';
import { coreHarness, DAY, type CoreHarness } from '../helpers/core.js';
import { storedRequest, writeAsBefore } from '../helpers/old-store.js';
import { eachBackend } from '../helpers/store-backends.js';

// Sample directory: Emma owns Training (Priya is a member); Ines (u-admin) is the admin.
const grant = (overrides: Partial<SubmitInput> = {}): SubmitInput => ({
  requesterId: 'u-liam',
  kind: 'grant',
  granteeId: 'u-priya',
  targetId: 'g-training',
  right: 'SendAs',
  language: 'en',
  ...overrides,
});

/** The tester's case: the same request with three durations, sent at the same moment. */
const sameMoment = [grant({ duration: 'P1D' }), grant({ duration: 'P2D' }), grant({ duration: 'P3D' })];

/** Every open claim in the store, as `key -> holder`. */
async function claims(store: DurableStore): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for await (const [key, claim] of store.entries<OpenClaim>(OPEN_CLAIMS)) found.set(key, claim.value.requestId);
  return found;
}

/** One created request and the rest duplicates of it. */
function oneCreated(outcomes: SubmitOutcome[]): string {
  const created = outcomes.filter((o) => o.outcome === 'created');
  expect(created).toHaveLength(1);
  const id = created[0]!.outcome === 'created' ? created[0]!.request.id : '';
  for (const o of outcomes) if (o.outcome !== 'created') expect(o).toEqual({ outcome: 'duplicate', request: expect.objectContaining({ id, state: 'pending' }) });
  return id;
}

const backends = eachBackend();

describe.each(backends)('open claims: identical requests at the same moment (%s)', (_name, openStore) => {
  let core: CoreHarness;
  beforeEach(async () => {
    core = await coreHarness({}, { store: await openStore() });
  });
  afterEach(async () => {
    await core.close();
  });

  async function created(input: SubmitInput = grant()): Promise<string> {
    const outcome = await core.engine.submit(input);
    if (outcome.outcome !== 'created') throw new Error(`expected created, got ${outcome.outcome}`);
    await core.engine.idle();
    return outcome.request.id;
  }

  it('one engine, concurrent turns: one request, the others answered as its duplicate, one approval card', async () => {
    const id = oneCreated(await Promise.all(sameMoment.map((input) => core.engine.submit(input))));
    await core.engine.idle();
    expect((await core.engine.requestsOf('u-liam')).map((r) => r.id)).toEqual([id]);
    expect(core.events.ofType('approval_needed').map((e) => e.request.id)).toEqual([id]);
    expect(await claims(core.store)).toEqual(new Map([[openClaimKey({ ...grant(), rights: ['SendAs'] }), id]]));
  });

  it('different requests at the same moment are all created (another requester, right or kind)', async () => {
    const outcomes = await Promise.all([grant(), grant({ requesterId: 'u-jan-b' }), grant({ right: 'SendOnBehalf' })].map((input) => core.engine.submit(input)));
    expect(outcomes.map((o) => o.outcome)).toEqual(['created', 'created', 'created']);
    expect((await claims(core.store)).size).toBe(3);
  });

  it('rejected, cancelled and expired requests release their claim: the same request is accepted later', async () => {
    const rejected = await created();
    await core.engine.decide(rejected, 'u-emma', 'reject');
    expect(await claims(core.store)).toEqual(new Map());
    const cancelled = await created();
    await core.engine.cancel(cancelled, 'u-liam');
    expect(await claims(core.store)).toEqual(new Map());
    const expired = await created();
    await core.advance(8 * DAY);
    expect((await core.engine.get(expired))?.state).toBe('expired');
    expect(await claims(core.store)).toEqual(new Map());
    const again = await created();
    expect(await claims(core.store)).toEqual(new Map([[openClaimKey({ ...grant(), rights: ['SendAs'] }), again]]));
  });

  it('an applied request releases its claim; a failed one too, and its retry stays beside the one created meanwhile', async () => {
    const service = core.permissions as SimulatedPermissionService;
    const applied = await created(grant({ kind: 'revoke', granteeId: 'u-zoe', right: 'SendOnBehalf' }));
    await core.engine.decide(applied, 'u-emma', 'approve');
    await core.engine.idle();
    expect((await core.engine.get(applied))?.state).toBe('applied');
    expect(await claims(core.store)).toEqual(new Map());

    const failed = await created();
    await core.engine.decide(failed, 'u-emma', 'approve');
    service.faults.push({ kind: 'reject', message: 'Recipient not found' });
    await core.engine.idle();
    expect((await core.engine.get(failed))?.state).toBe('failed');
    expect(await claims(core.store)).toEqual(new Map());
    const meanwhile = await created();
    const key = openClaimKey({ ...grant(), rights: ['SendAs'] });
    await core.engine.retry(failed, 'u-admin');
    // Back in the open states: the claim stays with the one created meanwhile, and nothing fails.
    expect(await claims(core.store)).toEqual(new Map([[key, meanwhile]]));
    await core.engine.idle();
    expect((await core.engine.get(failed))?.state).toBe('applied');
    expect(await claims(core.store)).toEqual(new Map([[key, meanwhile]]));
    await core.engine.decide(meanwhile, 'u-emma', 'reject');
    expect(await claims(core.store)).toEqual(new Map());
  });

  it('upgrade: an open request stored without a claim still blocks its duplicate, and closes cleanly', async () => {
    const now = core.clock.now();
    const old = storedRequest(1, { state: 'pending', createdAt: now, updatedAt: now, attempts: 0 });
    await writeAsBefore(core.store, [old]);
    expect(await core.engine.submit(grant())).toEqual({ outcome: 'duplicate', request: expect.objectContaining({ id: old.id }) });
    expect(await claims(core.store)).toEqual(new Map());
    expect(await core.engine.cancel(old.id, 'u-liam')).toMatchObject({ state: 'cancelled' });
    const id = await created();
    expect(await claims(core.store)).toEqual(new Map([[openClaimKey(old), id]]));
  });

  it('a claim left by a request that is no longer open does not block: the new request takes it over', async () => {
    const now = core.clock.now();
    const closed = storedRequest(2, { state: 'cancelled', createdAt: now, updatedAt: now });
    await writeAsBefore(core.store, [closed]);
    const key = openClaimKey(closed);
    const stale: OpenClaim = { requestId: closed.id, requesterId: closed.requesterId, granteeId: closed.granteeId, targetId: closed.targetId, kind: 'grant', rights: ['SendAs'] };
    expect(await core.store.commit({ records: [{ namespace: OPEN_CLAIMS, key, expect: 'absent', value: stale }] })).toBe(true);
    const first = await created();
    expect(await claims(core.store)).toEqual(new Map([[key, first]]));
    await core.engine.cancel(first, 'u-liam');
    // Nor does one whose request is not stored at all.
    expect(await core.store.commit({ records: [{ namespace: OPEN_CLAIMS, key, expect: 'absent', value: { ...stale, requestId: 'REQ-GONE22' } }] })).toBe(true);
    const second = await created();
    expect(await claims(core.store)).toEqual(new Map([[key, second]]));
  });
});

describe('open claims: two instances on one SQLite file', () => {
  let dir: string;
  const cores: CoreHarness[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'open-claims-'));
  });
  afterEach(async () => {
    for (const core of cores.splice(0)) await core.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('identical requests sent to both at the same moment: one request, one approval card', async () => {
    const file = join(dir, 'bot.sqlite');
    const start = Date.parse('2026-11-23T08:00:00Z');
    for (let i = 0; i < 2; i++) cores.push(await coreHarness({}, { clock: new ManualClock(start), store: createSqliteStore(file) }));
    const [a, b] = cores as [CoreHarness, CoreHarness];
    const outcomes = await Promise.all([...sameMoment, ...sameMoment].map((input, i) => (i % 2 ? a : b).engine.submit(input)));
    const id = oneCreated(outcomes);
    await Promise.all([a.engine.idle(), b.engine.idle()]);
    expect((await a.engine.requestsOf('u-liam')).map((r) => r.id)).toEqual([id]);
    expect([...a.events.ofType('approval_needed'), ...b.events.ofType('approval_needed')].map((e) => e.request.id)).toEqual([id]);
    expect([...(await claims(b.store)).values()]).toEqual([id]);
  });
});
