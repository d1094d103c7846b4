// Throughput of /api/messages: grant requests through the real bot versus a bare botbuilder echo
// bot built from the same installed packages (restify 11 + CloudAdapter), in one run, against the
// same fake Bot Connector on loopback.
//
//   npx tsx bench/teams-throughput.ts [--turns 1500] [--concurrency 16] [--store memory|sqlite]
//
// Every grant request names a new grantee and a new target ("give <person i> full access to
// <mailbox i>"), so each turn is a full request: understand, resolve, pre-flight, store, summary
// card, and the approval card to the owner (proactive, through the engine's outbox).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import pino from 'pino';
import restify from 'restify';
import { launchTeamsBot } from '../src/channels/teams/launch.js';
import { loadConfig } from '../src/config.js';
import { understand } from '../src/language/understand.js';
import { FakeConnector } from '../test/fakes/fake-connector.js';
import { message, type TeamsContext } from '../test/fakes/teams-activities.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const TURNS = Number(args.get('turns') ?? 1500);
const CONCURRENCY = Number(args.get('concurrency') ?? 16);
const WARMUP = Math.min(200, Math.floor(TURNS / 5));
const STORE = args.get('store') ?? 'memory';
const TENANT = '7e57be4c-0000-4000-8000-00000000be4c';

const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 've', 'no', 'ti', 'sa', 'de', 'bu', 'fo', 'ge', 'hu', 'ji', 'pe', 'wa'];
/** A unique made-up word for i < 4096 ("Kakaka", "Lokaka", ...). */
function word(i: number): string {
  const w = SYLLABLES[i % 16]! + SYLLABLES[Math.floor(i / 16) % 16]! + SYLLABLES[Math.floor(i / 256) % 16]!;
  return w[0]!.toUpperCase() + w.slice(1);
}

/** A directory with one requester, one owner, and a person and a shared mailbox per turn. */
function benchDirectory(count: number) {
  const users = [
    { id: 'u-requester', displayName: 'Robin Requester', mail: 'robin@bench.example', preferredLanguage: 'en-US' },
    { id: 'u-owner', displayName: 'Olga Owner', mail: 'olga@bench.example', preferredLanguage: 'en-US' },
  ];
  const sharedMailboxes = [];
  for (let i = 0; i < count; i++) {
    users.push({ id: `u-${i}`, displayName: `${word(i)} ${word((i * 7 + 123) % 4096)}`, mail: `p${i}@bench.example`, preferredLanguage: 'en-US' });
    sharedMailboxes.push({ id: `s-${i}`, displayName: `Box ${word(i + 2048)}`, mail: `box${i}@bench.example`, owners: ['u-owner'] });
  }
  return { tenant: { id: TENANT, domain: 'bench.example' }, users, groups: [], sharedMailboxes, admins: ['u-owner'], permissions: [] };
}

interface Result {
  turns: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

async function drive(port: number, activities: unknown[], concurrency: number): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < activities.length; i = next++) {
        const t0 = performance.now();
        const response = await fetch(`http://127.0.0.1:${port}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(activities[i]),
        });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`turn ${i} answered ${response.status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  return { turns: activities.length, seconds, perSecond: activities.length / seconds, p50: pct(50), p99: pct(99) };
}

/** The baseline: botbuilder's echo bot on restify, nothing else. */
async function startEchoBot(): Promise<{ port: number; close(): Promise<void> }> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    await context.sendActivity(`Echo: ${context.activity.text}`);
    await next();
  });
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.address() as { port: number }).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'teams-bench-'));
  const total = TURNS + WARMUP;
  const directoryPath = join(dir, 'directory.json');
  writeFileSync(directoryPath, JSON.stringify(benchDirectory(total)));
  const connector = await new FakeConnector(TENANT).start();
  const ctx: TeamsContext = { tenantId: TENANT, serviceUrl: connector.serviceUrl };
  const requester = { aad: 'u-requester', name: 'Robin Requester' };
  const texts = Array.from({ length: total }, (_, i) => `give ${word(i)} ${word((i * 7 + 123) % 4096)} full access to Box ${word(i + 2048)}`);
  const activities = texts.map((text) => message(requester, ctx, text));

  try {
    const echo = await startEchoBot();
    await drive(echo.port, activities.slice(0, WARMUP), CONCURRENCY);
    const echoResult = await drive(echo.port, activities.slice(WARMUP), CONCURRENCY);
    await echo.close();

    const config = loadConfig({
      PORT: '0',
      DIRECTORY: `file:${directoryPath}`,
      STORE: STORE === 'sqlite' ? `sqlite:${join(dir, 'bot.sqlite')}` : 'memory',
      LOG_LEVEL: 'silent',
    });
    const bot = await launchTeamsBot(config, understand, { logger: pino({ level: 'silent' }) });
    await drive(bot.port, activities.slice(0, WARMUP), CONCURRENCY);
    await bot.app.engine.idle();
    const botResult = await drive(bot.port, activities.slice(WARMUP), CONCURRENCY);
    await bot.app.engine.idle();
    const created = (await bot.app.engine.requestsOf('u-requester', { limit: total + 10 })).length;
    await bot.close();

    const approvalCards = connector.sent.filter((s) => JSON.stringify(s.activity).includes('"verb":"approve"')).length;
    const row = (name: string, r: Result) =>
      `${name.padEnd(28)} ${r.turns.toString().padStart(6)} ${r.perSecond.toFixed(1).padStart(10)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)}`;
    console.log(`store=${STORE} concurrency=${CONCURRENCY} warmup=${WARMUP}`);
    console.log(`${'bot'.padEnd(28)} ${'turns'.padStart(6)} ${'turns/s'.padStart(10)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
    console.log(row('botbuilder echo bot', echoResult));
    console.log(row('mailbox bot (grant requests)', botResult));
    console.log(`ratio (mailbox / echo): ${(botResult.perSecond / echoResult.perSecond).toFixed(2)}x throughput`);
    console.log(`requests created: ${created}, approval cards delivered: ${approvalCards}, connector rejections: ${connector.rejected.length}`);
  } finally {
    await connector.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
