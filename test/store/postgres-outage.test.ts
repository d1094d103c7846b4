import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BotError } from '../../src/domain/errors.js';
import { isUnavailable } from '../../src/store/postgres-connection.js';
import { createPostgresStore, type PostgresStore } from '../../src/store/postgres-store.js';
import { adminQuery, dropSchemas, freshSchema } from '../helpers/postgres.js';
import { outageLog, rejection } from '../helpers/outage-log.js';
import { startTcpCut, type TcpCut } from '../helpers/tcp-cut.js';

const T0 = 1_800_000_000_000;
const schemas: string[] = [];
afterAll(() => dropSchemas(schemas));

/** Resolves once `condition` holds, checking every 10 ms (the test's timeout bounds the wait). */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('PostgreSQL connection errors', () => {
  it('are told from refusals: connection exceptions (class 08), shutdowns, socket errors and the driver\'s own', () => {
    const withCode = (code: string) => Object.assign(new Error('x'), { code });
    for (const code of ['08006', '08001', '57P01', '57P02', '57P03', '57P05', '53300', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE']) expect(isUnavailable(withCode(code)), code).toBe(true);
    for (const message of ['Connection terminated unexpectedly', 'Connection terminated due to connection timeout', 'timeout exceeded when trying to connect', 'Query read timeout']) {
      expect(isUnavailable(new Error(message)), message).toBe(true);
    }
    // The server answered: a constraint, a cancelled statement, a conflict. Not an outage.
    for (const code of ['23505', '57014', '40001', '42P01']) expect(isUnavailable(withCode(code)), code).toBe(false);
    expect(isUnavailable(new Error('boom'))).toBe(false);
    expect(isUnavailable('ECONNREFUSED')).toBe(false);
  });
});

// The shared PostgreSQL is reached through a loopback proxy this test cuts; the server itself is never stopped.
describe('PostgreSQL store: an outage fails calls promptly with store_unavailable and is logged once', () => {
  let cut: TcpCut | undefined;
  const opened: PostgresStore[] = [];
  afterEach(async () => {
    cut?.restore();
    for (const store of opened.splice(0)) await store.close();
    await cut?.close();
    cut = undefined;
  });

  const open = async (
    options: { poolSize?: number; connectTimeoutMs?: number; queryTimeoutMs?: number; listenCheckIntervalMs?: number; listenCheckTimeoutMs?: number; closeTimeoutMs?: number } = {},
  ) => {
    const proxy = await startTcpCut({ host: '127.0.0.1', port: 5432 });
    cut = proxy;
    const schema = freshSchema('o');
    schemas.push(schema);
    const outage = outageLog();
    const warnings: string[] = [];
    const warned: { text: string; resolve: () => void }[] = [];
    const warn = (message: string) => {
      warnings.push(message);
      for (const w of warned.filter((w) => message.includes(w.text))) w.resolve();
    };
    const store = await createPostgresStore(`postgres://postgres@127.0.0.1:${proxy.port}/test`, { schema, poolSize: 1, warn, outage: outage.log, ...options });
    opened.push(store);
    const version = async (key: string) =>
      Number((await adminQuery<{ version: string }>(`SELECT version FROM ${schema}.records WHERE namespace = 'requests' AND key = $1`, [key]))[0]?.version);
    return { store, cut: proxy, outage, warnings, version, nextWarning: (text: string) => new Promise<void>((resolve) => warned.push({ text, resolve })) };
  };

  it('PostgreSQL gone: reads, writes, commits and the work queue reject at once, unsent; LISTEN comes back and tells it is back', { timeout: 30_000 }, async () => {
    const { store, cut, outage, warnings, nextWarning } = await open();
    const value = { state: 'pending' };
    expect(await store.commit({ records: [{ namespace: 'requests', key: 'REQ-1', expect: 'absent', value }], schedule: [{ id: 'REQ-1:remind', kind: 'remind', dueAt: T0 }] })).toBe(true);
    let wakes = 0;
    const unsubscribe = store.work.subscribe(() => wakes++);
    await until(() => wakes === 1); // listening

    // The pool's one idle connection is gone once this is heard: every call below needs a new one.
    const poolLost = nextWarning('PostgreSQL connection lost');
    cut.refuse();
    await poolLost;
    for (const call of [
      store.get('requests', 'REQ-1'),
      store.put('requests', 'REQ-2', value),
      store.compareAndSet('requests', 'REQ-1', 1, { state: 'approved' }),
      store.commit({ records: [{ namespace: 'requests', key: 'REQ-1', expect: 1, value: { state: 'approved' } }] }),
      store.range('by-person'),
      store.count('by-person'),
      store.work.claim({ owner: 'w1', now: T0, leaseMs: 1_000, limit: 5 }),
      store.work.size(),
      store.work.nextReadyAt(),
    ]) {
      const error = await rejection(call);
      expect(error).toBeInstanceOf(BotError);
      expect(error).toMatchObject({ code: 'store_unavailable', retryable: true, details: { outcome: 'not_sent' } });
    }
    const listing = rejection((async () => {
      for await (const _ of store.entries('requests')) void _;
    })());
    expect(await listing).toMatchObject({ code: 'store_unavailable' });

    // Many failed calls and LISTEN reconnect attempts: one error line, and one warning per kind of connection.
    expect(outage.lines).toEqual([{ level: 'error', message: expect.stringContaining(`lost PostgreSQL at 127.0.0.1:${cut.port}/test`) }]);
    expect(warnings.filter((w) => w.startsWith('PostgreSQL connection lost'))).toHaveLength(1);
    expect(warnings.filter((w) => w.startsWith('PostgreSQL LISTEN connection lost'))).toHaveLength(1);

    // No call needed: the LISTEN connection reconnects in the background, says so and wakes the worker.
    const back = outage.next('info');
    cut.restore();
    await back;
    await until(() => wakes === 2);
    expect(outage.lines.map((line) => line.level)).toEqual(['error', 'info']);
    expect(outage.lines[1]!.message).toMatch(/PostgreSQL at .* is back after \d+ s/);
    expect(await store.get('requests', 'REQ-1')).toEqual({ version: 1, value });
    expect(await store.work.size()).toBe(1);
    unsubscribe();
  });

  it('a COMMIT whose reply is lost: the call fails with outcome unknown, the write landed, and it is not sent again', { timeout: 30_000 }, async () => {
    const { store, cut, outage, version } = await open();
    expect(await store.create('requests', 'REQ-1', { n: 1 })).toBe(true);

    cut.holdReplies();
    const committing = rejection(store.commit({ records: [{ namespace: 'requests', key: 'REQ-1', expect: 1, value: { n: 2 } }] }));
    // PostgreSQL committed it; its answer is held on the way back.
    await until(async () => (await version('REQ-1')) === 2);
    cut.refuse();
    const error = await committing;
    expect(error).toMatchObject({ code: 'store_unavailable', retryable: true, details: { outcome: 'unknown' } });
    // Not "nothing was changed": the person is told to try again, and the next try reads version 2.
    expect(await rejection(store.get('requests', 'REQ-1'))).toMatchObject({ code: 'store_unavailable', details: { outcome: 'not_sent' } });
    expect(outage.lines.filter((line) => line.level === 'error')).toHaveLength(1);

    cut.restore();
    expect(await store.get('requests', 'REQ-1')).toEqual({ version: 2, value: { n: 2 } });
    expect(outage.lines.map((line) => line.level)).toEqual(['error', 'info']);
  });

  it('a silent connection: a statement, a wait for the pool and a new connection each fail within their deadline', { timeout: 30_000 }, async () => {
    const { store, cut, outage } = await open({ connectTimeoutMs: 300, queryTimeoutMs: 300 });
    expect(await store.create('requests', 'REQ-1', { n: 1 })).toBe(true);

    cut.blackhole();
    // The first takes the pool's only connection and is never answered; the second waits for it.
    const [write, read] = await Promise.all([
      rejection(store.compareAndSet('requests', 'REQ-1', 1, { n: 2 })),
      rejection(store.get('requests', 'REQ-1')),
    ]);
    expect(write).toMatchObject({ code: 'store_unavailable', details: { outcome: 'unknown' } });
    expect(read).toMatchObject({ code: 'store_unavailable', details: { outcome: 'not_sent' } });
    // A new connection that is accepted and never answered.
    expect(await rejection(store.put('requests', 'REQ-2', { n: 1 }))).toMatchObject({ code: 'store_unavailable', details: { outcome: 'not_sent' } });
    expect(outage.lines).toEqual([{ level: 'error', message: expect.stringContaining('lost PostgreSQL') }]);

    cut.restore();
    // The write cut off may or may not have reached PostgreSQL when the cut healed; never twice.
    const after = await store.get<{ n: number }>('requests', 'REQ-1');
    expect([{ version: 1, value: { n: 1 } }, { version: 2, value: { n: 2 } }]).toContainEqual(after);
    expect(await store.get('requests', 'REQ-2')).toBeUndefined();
    expect(outage.lines.map((line) => line.level)).toEqual(['error', 'info']);
  });

  it('a LISTEN connection gone silent is noticed by its liveness check and listens again once the cut heals, warned of once', { timeout: 30_000 }, async () => {
    // Deadlines of a second: short for the test, long for a busy machine answering a healthy connection.
    const { store, cut, outage, warnings, nextWarning } = await open({ connectTimeoutMs: 1_000, listenCheckIntervalMs: 100, listenCheckTimeoutMs: 1_000 });
    let wakes = 0;
    const unsubscribe = store.work.subscribe(() => wakes++);
    await until(() => wakes === 1); // listening

    const silent = nextWarning('PostgreSQL LISTEN connection did not answer a check');
    cut.blackhole();
    await silent;
    // The reconnect attempts are held unanswered too: each fails at its connect timeout, one outage line.
    await outage.next('error');
    const back = outage.next('info');
    cut.restore();
    await back;
    // Listening on a new connection: the worker is woken, as after any reconnect (notifications may have been missed).
    await until(() => wakes >= 2);
    expect(warnings.filter((w) => w.startsWith('PostgreSQL LISTEN connection'))).toHaveLength(1);
    expect(outage.lines.map((line) => line.level)).toEqual(['error', 'info']);
    // And it hears a commit again.
    const before = wakes;
    await store.commit({ schedule: [{ id: 'J-1', kind: 'k', dueAt: T0 }] });
    await until(() => wakes > before);
    unsubscribe();
  });

  it('closing during a silent cut finishes: the listener, idle connections and a statement in flight are cut off', { timeout: 30_000 }, async () => {
    // The statement's own deadline (60 s) is far beyond the test's: only close can end it.
    const { store, cut } = await open({ poolSize: 2, queryTimeoutMs: 60_000, closeTimeoutMs: 200 });
    let wakes = 0;
    const unsubscribe = store.work.subscribe(() => wakes++);
    await until(() => wakes === 1); // listening
    expect(await store.create('requests', 'REQ-1', { n: 1 })).toBe(true);

    cut.blackhole();
    const inFlight = rejection(store.get('requests', 'REQ-1'));
    // The pool hands its idle connection over on the next tick; by the next turn of the loop the statement is sent.
    await new Promise((resolve) => setImmediate(resolve));
    await store.close();
    opened.splice(opened.indexOf(store), 1);
    const error = await inFlight;
    expect(error).toMatchObject({ code: 'store_unavailable' });
    expect(((error as BotError).cause as Error).message).toMatch(/^Connection terminated/);
    unsubscribe();
  });
});

// PostgreSQL refuses a connection beyond a role's CONNECTION LIMIT with 53300, as it does beyond max_connections.
describe('PostgreSQL store: too many connections (53300) is an outage, not an unexpected error', () => {
  it('a call needing a new connection fails with store_unavailable, logged once; LISTEN retries quietly and tells when it is back', { timeout: 30_000 }, async () => {
    const role = freshSchema('r');
    const schema = freshSchema('c');
    await adminQuery(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT -1`);
    await adminQuery(`GRANT CREATE ON DATABASE test TO ${role}`);
    const outage = outageLog();
    const warnings: string[] = [];
    let store: PostgresStore | undefined;
    try {
      store = await createPostgresStore(`postgres://${role}@127.0.0.1:5432/test`, { schema, poolSize: 1, warn: (message) => warnings.push(message), outage: outage.log });
      expect(await store.create('requests', 'REQ-1', { n: 1 })).toBe(true);

      await adminQuery(`ALTER ROLE ${role} CONNECTION LIMIT 0`);
      // The pool's idle connection goes; every new one is refused.
      await adminQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
      await until(() => warnings.some((w) => w.startsWith('PostgreSQL connection lost')));
      const refused = await rejection(store.get('requests', 'REQ-1'));
      expect(refused).toBeInstanceOf(BotError);
      expect(refused).toMatchObject({ code: 'store_unavailable', retryable: true, details: { outcome: 'not_sent' } });
      expect(((refused as BotError).cause as { code?: string }).code).toBe('53300');
      expect(await rejection(store.put('requests', 'REQ-2', { n: 1 }))).toMatchObject({ code: 'store_unavailable' });

      // The LISTEN connection's attempts are refused the same way: part of the outage, not a warning each.
      let wakes = 0;
      const unsubscribe = store.work.subscribe(() => wakes++);
      // Attempts 250 ms, then 500 ms apart: a few are refused meanwhile (fewer on a busy machine,
      // which weakens the check below but cannot fail it).
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(outage.lines).toEqual([{ level: 'error', message: expect.stringContaining('too many connections') }]);
      expect(warnings.filter((w) => w.startsWith('PostgreSQL LISTEN'))).toEqual([]);

      const back = outage.next('info');
      await adminQuery(`ALTER ROLE ${role} CONNECTION LIMIT -1`);
      await back;
      await until(() => wakes === 1);
      expect(await store.get('requests', 'REQ-1')).toEqual({ version: 1, value: { n: 1 } });
      expect(outage.lines.map((line) => line.level)).toEqual(['error', 'info']);
      unsubscribe();
    } finally {
      await store?.close();
      await dropSchemas([schema]);
      await adminQuery(`REVOKE CREATE ON DATABASE test FROM ${role}`);
      await adminQuery(`DROP ROLE ${role}`);
    }
  });
});
