import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../src/store/postgres-store.js';
import { FakeConnector } from '../fakes/fake-connector.js';
import { cardAction, installationUpdate, message, post, type TeamsContext } from '../fakes/teams-activities.js';
import { adminQuery, dropSchemas, freshSchema, POSTGRES_URL, postgresStoreUrl } from '../helpers/postgres.js';
import { startBotProcess, type BotProcess } from './bot-process.js';
import { expectAppliedOnceAndTold, untilWorkDone } from './durable-outcome.js';
import { ASKS, chat, daan, emma, liam, liamHears, newApprovalCard, TENANT, until } from './mission-script.js';

describe('three bot instances on one PostgreSQL database, one killed mid-work', () => {
  const schema = freshSchema('three');
  let connector: FakeConnector;
  let ctx: TeamsContext;
  const bots: BotProcess[] = [];
  // A 3 s lease stands for the default 45 s: a dead instance's jobs go to a live one once it lapses.
  const env = { STORE: postgresStoreUrl(schema), PROPAGATION_WINDOW: '2s', WORK_LEASE: '3s', APPROVER_REMINDER: '30d', REQUEST_EXPIRY: '60d' };

  beforeAll(async () => {
    await adminQuery(`CREATE SCHEMA ${schema}`);
    connector = await new FakeConnector(TENANT).start();
    ctx = { tenantId: TENANT, serviceUrl: connector.serviceUrl };
  });
  afterAll(async () => {
    for (const bot of bots) await bot.kill9();
    await connector.close();
    await dropSchemas([schema]);
  });

  it('the survivors finish every request of all three: one apply each, every post-back delivered', async () => {
    // Started together, as a deployment's replicas are: their migrations meet on the empty schema.
    const started = await Promise.all([startBotProcess(env), startBotProcess(env), startBotProcess(env)]);
    bots.push(...started);
    const [a, b, c] = started as [BotProcess, BotProcess, BotProcess];
    for (const [i, user] of [liam, emma, daan].entries()) expect((await post(started[i]!.port, installationUpdate(user, ctx))).status).toBe(200);
    const requestIds: string[] = [];
    const count = 18;
    const killAt = 9;
    let alive = [a, b, c];
    for (let i = 0; i < count; i++) {
      // Activities spread round-robin over the instances that are alive, as a load balancer would;
      // the click goes to another instance than the request.
      const ask = ASKS[i]!;
      const cardsBefore = chat(connector, emma).length;
      expect((await post(alive[i % alive.length]!.port, message(liam, ctx, `give ${ask.name} ${ask.right} on Support`))).status).toBe(200);
      const requestId = await until(`approval card ${i}`, () => newApprovalCard(connector, cardsBefore, requestIds));
      requestIds.push(requestId);
      expect((await post(alive[(i + 1) % alive.length]!.port, cardAction(emma, ctx, 'approve', { requestId }))).status).toBe(200);
      if (i === killAt) {
        // B dies right after a click reached it: its apply, post-backs and card updates are in flight or queued.
        await b.kill9();
        alive = [a, c];
      }
    }
    for (let i = 0; i < count; i++) {
      await until(`"In effect" for request ${i}`, () => (liamHears(connector, 'In effect: ', i) > 0 ? true : undefined));
    }
    await untilWorkDone(() => createPostgresStore(POSTGRES_URL, { schema }));
    expect(await a.terminate()).toBe(0);
    expect(await c.terminate()).toBe(0);
    bots.length = 0;
    await expectAppliedOnceAndTold(() => createPostgresStore(POSTGRES_URL, { schema }), requestIds, connector);
  }, 300_000);
});
