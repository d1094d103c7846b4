import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { ManualClock } from '../src/domain/clock.js';
import { isBotError } from '../src/domain/errors.js';
import { HELD_BACKFILL_MARKER, type HeldBackfillMarker } from '../src/domain/held-backfill.js';
import { LATE_CHECK_BACKFILL_MARKER, type LateCheckBackfillMarker } from '../src/domain/late-check-backfill.js';
import { BACKFILL_MARKER, type BackfillMarker } from '../src/domain/timebound-backfill-job.js';
import { ExchangePermissionService } from '../src/permissions/exchange.js';
import { RemotePermissionService } from '../src/permissions/remote.js';
import { SimulatedPermissionService } from '../src/permissions/simulated.js';
import { createMemoryStore } from '../src/store/memory-store.js';
import { membersOf, oldTimeBound, storedRequest, writeAsBefore } from './helpers/old-store.js';

const logger = pino({ level: 'silent' });

describe('createApp wiring', () => {
  it('builds the embedded defaults: file directory, simulated service', async () => {
    const app = await createApp(loadConfig({ STORE: 'memory' }), { logger });
    expect(app.permissions).toBeInstanceOf(SimulatedPermissionService);
    expect(app.directory.tenantDomain).toBe('northwind.example');
    await app.close();
  });

  it('picks the remote and Exchange permission services from PERMISSION_SERVICE', async () => {
    const remote = await createApp(
      loadConfig({ STORE: 'memory', PERMISSION_SERVICE: 'http://127.0.0.1:1/', PERMISSION_SERVICE_TOKEN: 'a-long-enough-token-123' }),
      { logger },
    );
    expect(remote.permissions).toBeInstanceOf(RemotePermissionService);
    await remote.close();
    const exchange = await createApp(
      loadConfig({
        STORE: 'memory',
        PERMISSION_SERVICE: 'exchange',
        AZURE_TENANT_ID: '7d3c1f0e-5b7a-4c1e-9a51-2f0d6e4b8a90',
        AZURE_CLIENT_ID: '00000000-0000-0000-0000-000000000001',
        AZURE_CLIENT_SECRET: 'secret',
        EXCHANGE_ORGANIZATION: 'northwind.onmicrosoft.com',
      }),
      { logger },
    );
    expect(exchange.permissions).toBeInstanceOf(ExchangePermissionService);
    await exchange.close();
  });

  it('refuses a directory file that breaks the format, naming the entry', async () => {
    const error = await createApp(loadConfig({ STORE: 'memory', DIRECTORY: 'file:/nonexistent/dir.json' }), { logger }).catch((e) => e);
    expect(isBotError(error, 'config_invalid')).toBe(true);
    expect(error.message).toContain('/nonexistent/dir.json');
  });

  it('start() indexes the time-bound grants an older version left out of req:timebound-target, in the background, and says so once', async () => {
    const store = createMemoryStore();
    await writeAsBefore(store, [oldTimeBound(1), oldTimeBound(2, { state: 'applied' }), storedRequest(3)]);
    const lines: string[] = [];
    const app = await createApp(loadConfig({ STORE: 'memory' }), { logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }), store });
    try {
      await app.start();
      // Every page of the job runs now (it is due at once), however busy the machine: no wall-clock wait.
      await app.engine.idle();
      expect((await store.get<BackfillMarker>(BACKFILL_MARKER.namespace, BACKFILL_MARKER.key))?.value.finishedAt).toBeDefined();
      expect(await membersOf(store, 'req:timebound-target:g-training')).toEqual(['REQ-OLD001', 'REQ-OLD002']);
      const finished = lines.map((line) => JSON.parse(line) as { msg: string; added?: number }).filter((line) => line.msg.includes('req:timebound-target backfill finished'));
      expect(finished).toEqual([expect.objectContaining({ added: 2, scanned: 3 })]);
    } finally {
      await app.close();
    }
  });

  it('start() lists the grants in place an older version left out of req:held and req:group-held, in the background, and says so once', async () => {
    const store = createMemoryStore();
    await writeAsBefore(store, [storedRequest(1), storedRequest(2, { state: 'applied' }), storedRequest(3, { state: 'revoked' })]);
    const lines: string[] = [];
    const app = await createApp(loadConfig({ STORE: 'memory' }), { logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }), store });
    try {
      await app.start();
      await app.engine.idle();
      expect((await store.get<HeldBackfillMarker>(HELD_BACKFILL_MARKER.namespace, HELD_BACKFILL_MARKER.key))?.value).toMatchObject({ scanned: 2, added: 4 });
      expect(await membersOf(store, 'req:held:u-priya|g-training')).toEqual(['REQ-OLD001', 'REQ-OLD002']);
      expect(await membersOf(store, 'req:group-held:u-priya|g-training')).toEqual(['REQ-OLD001', 'REQ-OLD002']);
      const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(messages.filter((msg) => msg.startsWith('req:held backfill'))).toEqual([
        'req:held backfill scheduled (runs in the background, once per store)',
        expect.stringContaining('req:held backfill finished: 4 index entries added'),
      ]);
    } finally {
      await app.close();
    }
  });

  it('start() gives the requests an older version told "not visible" their late checks, in the background', async () => {
    const T0 = Date.parse('2026-11-01T08:00:00Z');
    const store = createMemoryStore();
    const old = storedRequest(1, { state: 'applied', appliedAt: T0, effectiveBy: T0 + 3_600_000, rechecks: 4, updatedAt: T0 + 5_400_000 });
    await writeAsBefore(store, [old, storedRequest(2)]);
    const config = loadConfig({ STORE: 'memory' });
    const app = await createApp(config, { logger: pino({ level: 'silent' }), store, clock: new ManualClock(T0 + 2 * 3_600_000) });
    try {
      await app.start();
      await app.engine.idle();
      expect((await store.get<LateCheckBackfillMarker>(LATE_CHECK_BACKFILL_MARKER.namespace, LATE_CHECK_BACKFILL_MARKER.key))?.value).toMatchObject({ scanned: 1, scheduled: 1 });
      expect(await app.engine.get(old.id)).toMatchObject({ state: 'applied', unconfirmedAt: old.updatedAt, checksUntil: old.appliedAt! + config.LATE_CHECK_UNTIL });
      expect(await store.work.get(`${old.id}:postback`)).toBeDefined();
    } finally {
      await app.close();
    }
  });
});
