import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/domain/engine-api.js';
import type { StoredRequest } from '../../src/domain/request.js';
import { createSqliteStore } from '../../src/store/keyv-store.js';
import { FakeConnector } from '../fakes/fake-connector.js';
import { cardAction, installationUpdate, message, personalConversationId, post, type TeamsContext, type TeamsUser } from '../fakes/teams-activities.js';
import { startBotProcess, type BotProcess } from './bot-process.js';

const TENANT = '7d3c1f0e-5b7a-4c1e-9a51-2f0d6e4b8a90'; // the bundled sample directory's tenant
const liam: TeamsUser = { aad: 'u-liam', name: "Liam O'Connor" };
const emma: TeamsUser = { aad: 'u-emma', name: 'Emma Clarke' };
const daan: TeamsUser = { aad: 'u-daan', name: 'Daan Jansen' };
/** People Liam asks rights on Support for: Emma (its owner) approves each. */
const GRANTEES = ['Sofie van der Berg', 'Daan Jansen', 'Zoë Dubois', 'Jan Bakker', 'Jan de Vries', 'Noor El Amrani', 'Björn Åkesson', 'Anne-Marie Peeters', 'Mateo García', 'Lotte Smit', 'Kwame Mensah'];
const ASKS = [
  ...GRANTEES.map((name) => ({ name, right: 'full access', label: 'Full Access' })),
  ...GRANTEES.map((name) => ({ name, right: 'send on behalf', label: 'Send on Behalf' })),
];

/** mulberry32: the kill points are random but the same on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** What the fake Teams received in one person's chat, as text. */
function chat(connector: FakeConnector, user: TeamsUser): string[] {
  return connector.sent.filter((s) => s.conversationId === personalConversationId(user) || s.activity.recipient?.aadObjectId === user.aad).map((s) => JSON.stringify(s.activity));
}

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
      // The approval card reaches Emma: its Approve action carries the request id.
      const requestId = await until(`approval card ${i}`, () =>
        chat(connector, emma)
          .slice(cardsBefore)
          .map((text) => /"verb":"approve","data":\{[^}]*"requestId":"(REQ-[A-Z0-9]+)"/.exec(text)?.[1] ?? /"requestId":"(REQ-[A-Z0-9]+)"/.exec(text)?.[1])
          .find((id) => id !== undefined && !requestIds.includes(id)),
      );
      requestIds.push(requestId);
      expect((await post(bot.port, cardAction(emma, ctx, 'approve', { requestId }))).status).toBe(200);
      await sleep(Math.floor(random() * 2_600)); // anywhere from the click to just past the 2 s window
      await bot.kill9();
      bot = await startBotProcess(env());
    }

    // Every request: approved, applied and in effect, told to Liam; the grantee hears of it too.
    const liamHears = (phrase: string, i: number) =>
      chat(connector, liam).filter((t) => t.includes(phrase) && t.includes(ASKS[i]!.name) && t.includes(ASKS[i]!.label)).length;
    for (let i = 0; i < kills; i++) {
      await until(`"In effect" for request ${i} (${ASKS[i]!.name})`, () => (liamHears('In effect: ', i) > 0 ? true : undefined));
    }
    const exit = await bot.terminate();
    bot = undefined;
    expect(exit).toBe(0);

    const store = createSqliteStore(file);
    try {
      for (const [i, id] of requestIds.entries()) {
        const request = (await store.get<StoredRequest>('requests', id))!.value;
        expect(request.state, `request ${i}`).toBe('effective');
        const trail: string[] = [];
        for (const { member } of await store.range(`audit:req:${id}`, { order: 'asc', limit: 100 })) {
          trail.push((await store.get<AuditEntry>('audit', member))!.value.action);
        }
        expect(trail.filter((a) => a === 'applied'), `request ${i}: ${trail.join(',')}`).toHaveLength(1);
        expect(trail.filter((a) => a === 'effective'), `request ${i}`).toHaveLength(1);
        // At least once, and a duplicate only where a kill hit the send itself.
        for (const phrase of ['Approved: ', 'Applied: ', 'In effect: ']) {
          expect(liamHears(phrase, i), `${phrase} for request ${i}`).toBeGreaterThanOrEqual(1);
          expect(liamHears(phrase, i), `${phrase} for request ${i}`).toBeLessThanOrEqual(2);
        }
      }
      expect(await store.work.size()).toBe(0);
    } finally {
      await store.close();
    }
  }, 420_000);
});
