import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeConnector } from '../fakes/fake-connector.js';
import { cardAction, installationUpdate, message, post, type TeamsContext } from '../fakes/teams-activities.js';
import { startBotProcess, type BotProcess } from './bot-process.js';
import { ASKS, emma, liam, liamHears, newApprovalCard, sleep, TENANT, until } from './mission-script.js';

/** The work queue's leased jobs, read from the file beside the running bot. */
function leasedJobs(file: string): { id: string; kind: string; owner: string; lease_until: number }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT id, kind, owner, lease_until FROM jobs WHERE owner IS NOT NULL').all() as never;
  } finally {
    db.close();
  }
}

function jobsLeft(file: string, ids: readonly string[]): number {
  const db = new Database(file, { readonly: true });
  try {
    const get = db.prepare('SELECT 1 FROM jobs WHERE id = ?');
    return ids.filter((id) => get.get(id) !== undefined).length;
  } finally {
    db.close();
  }
}

describe('kill -9 while Teams hangs, then a restart on the same SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kill9-restart-'));
  const file = join(dir, 'bot.sqlite');
  let connector: FakeConnector;
  let ctx: TeamsContext;
  let bot: BotProcess | undefined;
  // A lease far longer than any restart, however busy the machine: deliveries that waited for it
  // would still be waiting when the test gives up.
  const LEASE_MS = 600_000;
  const env = () => ({ STORE: `sqlite:${file}`, PROPAGATION_WINDOW: '2s', WORK_LEASE: '10m', APPROVER_REMINDER: '30d', REQUEST_EXPIRY: '60d' });

  beforeAll(async () => {
    connector = await new FakeConnector(TENANT).start();
    ctx = { tenantId: TENANT, serviceUrl: connector.serviceUrl };
  });
  afterAll(async () => {
    await bot?.kill9();
    await connector.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the restarted bot runs the deliveries the killed one held at once, not when their leases lapse', async () => {
    bot = await startBotProcess(env());
    for (const user of [liam, emma]) expect((await post(bot.port, installationUpdate(user, ctx))).status).toBe(200);
    const ask = ASKS[0]!;
    expect((await post(bot.port, message(liam, ctx, `give ${ask.name} ${ask.right} on Support`))).status).toBe(200);
    const requestId = await until('approval card', () => newApprovalCard(connector, 0, []));
    expect((await post(bot.port, cardAction(emma, ctx, 'approve', { requestId }))).status).toBe(200);
    // Teams hangs from the click on: the post-backs are claimed and wait on it, leased. Past the
    // 2 s window the "In effect" message is owed too.
    connector.pause();
    await sleep(3_000);
    const held = await until('a delivery leased while Teams hangs', () => {
      const leased = leasedJobs(file).filter((job) => job.kind === 'deliver');
      return leased.length > 0 ? leased : undefined;
    });
    const deadPid = bot.child.pid!;
    for (const job of held) expect(job.owner).toContain(`.${deadPid}.`);
    expect(liamHears(connector, 'In effect: ', 0)).toBe(0);

    await bot.kill9();
    bot = undefined;
    connector.resume();
    bot = await startBotProcess(env());
    await until('the killed bot\'s deliveries done', () => (jobsLeft(file, held.map((job) => job.id)) === 0 ? true : undefined), 120_000);
    const done = Date.now();
    await until('"In effect" heard', () => (liamHears(connector, 'In effect: ', 0) > 0 ? true : undefined), 120_000);

    // Done long before the first of those leases would have lapsed.
    expect(Math.min(...held.map((job) => job.lease_until)) - done).toBeGreaterThan(LEASE_MS / 2);
    expect(bot.output()).toContain('took back the jobs a dead process on this host held');
    expect(await bot.terminate()).toBe(0);
    bot = undefined;
  }, 180_000);
});
