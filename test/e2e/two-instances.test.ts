import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis-store.js';
import { REDIS_URL, redisTestPrefixes } from '../store/redis-test-prefix.js';
import { FakeConnector } from '../fakes/fake-connector.js';
import { cardAction, installationUpdate, message, post, type TeamsContext } from '../fakes/teams-activities.js';
import { startBotProcess, type BotProcess } from './bot-process.js';
import { createSqliteStore } from '../../src/store/keyv-store.js';
import { expectAppliedOnceAndTold, untilWorkDone } from './durable-outcome.js';
import { ASKS, chat, daan, emma, liam, liamHears, newApprovalCard, TENANT, until } from './mission-script.js';

const dir = mkdtempSync(join(tmpdir(), 'two-instances-'));
const redisPrefixes = redisTestPrefixes();
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await redisPrefixes.dropAll();
});
const file = join(dir, 'bot.sqlite');
const redisUrl = `${REDIS_URL}?keyPrefix=${encodeURIComponent(redisPrefixes.next())}`;

describe.each([
  { where: 'one SQLite file', store: `sqlite:${file}`, open: () => createSqliteStore(file) },
  { where: 'one Redis', store: redisUrl, open: () => createRedisStore(redisUrl) },
])('two bot instances on $where, one killed mid-work', ({ store, open }) => {
  let connector: FakeConnector;
  let ctx: TeamsContext;
  const bots: BotProcess[] = [];
  const env = { STORE: store, PROPAGATION_WINDOW: '2s', WORK_LEASE: '3s', APPROVER_REMINDER: '30d', REQUEST_EXPIRY: '60d' };

  beforeAll(async () => {
    connector = await new FakeConnector(TENANT).start();
    ctx = { tenantId: TENANT, serviceUrl: connector.serviceUrl };
  });
  afterAll(async () => {
    for (const bot of bots) await bot.kill9();
    await connector.close();
  });

  it('the survivor finishes every request of both: one apply each, every post-back delivered', async () => {
    const [a, b] = await Promise.all([startBotProcess(env), startBotProcess(env)]);
    bots.push(a!, b!);
    for (const user of [liam, emma, daan]) expect((await post(a!.port, installationUpdate(user, ctx))).status).toBe(200);
    const requestIds: string[] = [];
    const count = 16;
    const killAt = 8;
    let alive = [a!, b!];
    for (let i = 0; i < count; i++) {
      // Activities spread round-robin over the instances that are alive, as a load balancer would.
      const to = alive[i % alive.length]!;
      const ask = ASKS[i]!;
      const cardsBefore = chat(connector, emma).length;
      expect((await post(to.port, message(liam, ctx, `give ${ask.name} ${ask.right} on Support`))).status).toBe(200);
      const requestId = await until(`approval card ${i}`, () => newApprovalCard(connector, cardsBefore, requestIds));
      requestIds.push(requestId);
      const clickTo = alive[(i + 1) % alive.length]!;
      expect((await post(clickTo.port, cardAction(emma, ctx, 'approve', { requestId }))).status).toBe(200);
      if (i === killAt) {
        // A dies right after answering a click: its apply, post-backs and card updates are in flight or queued.
        await a!.kill9();
        alive = [b!];
      }
    }
    for (let i = 0; i < count; i++) {
      await until(`"In effect" for request ${i}`, () => (liamHears(connector, 'In effect: ', i) > 0 ? true : undefined));
    }
    await untilWorkDone(open);
    expect(await b!.terminate()).toBe(0);
    bots.length = 0;
    await expectAppliedOnceAndTold(open, requestIds, connector);
  }, 300_000);
});
