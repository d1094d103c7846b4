import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeConnector } from '../fakes/fake-connector.js';
import { cardAction, installationUpdate, message, post, type TeamsContext } from '../fakes/teams-activities.js';
import { startBotProcess, type BotProcess } from './bot-process.js';
import { createSqliteStore } from '../../src/store/keyv-store.js';
import { expectAppliedOnceAndTold, untilWorkDone } from './durable-outcome.js';
import { ASKS, chat, daan, emma, liam, liamHears, newApprovalCard, seeded, sleep, TENANT, until } from './mission-script.js';

describe('kill -9 between the Approve click and the post-back (real processes, one SQLite file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kill9-'));
  const file = join(dir, 'bot.sqlite');
  let connector: FakeConnector;
  let ctx: TeamsContext;
  let bot: BotProcess | undefined;
  const env = () => ({ STORE: `sqlite:${file}`, PROPAGATION_WINDOW: '2s', WORK_LEASE: '3s', APPROVER_REMINDER: '30d', REQUEST_EXPIRY: '60d' });

  beforeAll(async () => {
    connector = await new FakeConnector(TENANT).start();
    ctx = { tenantId: TENANT, serviceUrl: connector.serviceUrl };
  });
  afterAll(async () => {
    await bot?.kill9();
    await connector.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('20 seeded kills: every request is applied once and every post-back arrives', async () => {
    const random = seeded(20261207);
    bot = await startBotProcess(env());
    for (const user of [liam, emma, daan]) expect((await post(bot.port, installationUpdate(user, ctx))).status).toBe(200);
    const requestIds: string[] = [];
    const kills = 20;
    for (let i = 0; i < kills; i++) {
      const ask = ASKS[i]!;
      const cardsBefore = chat(connector, emma).length;
      expect((await post(bot.port, message(liam, ctx, `give ${ask.name} ${ask.right} on Support`))).status).toBe(200);
      const requestId = await until(`approval card ${i}`, () => newApprovalCard(connector, cardsBefore, requestIds));
      requestIds.push(requestId);
      expect((await post(bot.port, cardAction(emma, ctx, 'approve', { requestId }))).status).toBe(200);
      await sleep(Math.floor(random() * 2_600)); // anywhere from the click to just past the 2 s window
      await bot.kill9();
      bot = await startBotProcess(env());
    }
    for (let i = 0; i < kills; i++) {
      await until(`"In effect" for request ${i} (${ASKS[i]!.name})`, () => (liamHears(connector, 'In effect: ', i) > 0 ? true : undefined));
    }
    await untilWorkDone(() => createSqliteStore(file));
    expect(await bot.terminate()).toBe(0);
    bot = undefined;
    await expectAppliedOnceAndTold(() => createSqliteStore(file), requestIds, connector);
  }, 900_000);
});
