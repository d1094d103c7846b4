// One bot under load, in its own process so the load generator and the fake connector (playing
// Teams) don't share its CPU: `node bench/bot-process.mjs echo|echo-two|mailbox DIRECTORY_PATH STORE`.
// Plain JavaScript on plain Node, like `npm start`: the mailbox bot is the compiled one in dist/
// (`npm run build`), so neither bot pays for an on-the-fly TypeScript loader.
// Prints "PORT <n>" when listening, answers "cpu" on stdin with its CPU time; exits when stdin closes.
// The mailbox bot listens on BENCH_PORT when set (so a bench can poll /healthz from the start), uses
// the Redis key prefix BENCH_REDIS_PREFIX or the PostgreSQL schema BENCH_PG_SCHEMA when set (a store
// of the bench's own on a shared server), records how late each durable job started (the worker's
// `onRun`, through the metrics interface: "lateness KIND" on stdin prints them), and stops on
// SIGTERM as `npm start` does (graceful close).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import pino from 'pino';
import restify from 'restify';

const [kind, directoryPath, store] = process.argv.slice(2);

/**
 * botbuilder's echo bot on restify: the baseline. `echo-two` also posts a second message per turn
 * (as a bot that answers the requester and notifies an approver must), with botbuilder's defaults.
 */
async function echo() {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    await context.sendActivity(`Echo: ${context.activity.text}`);
    if (kind === 'echo-two') await context.sendActivity(`And once more: ${context.activity.text}`);
    await next();
  });
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  return server.address().port;
}

/** How late each durable job started, by kind (ms): the worker's `timerLateness` through the metrics interface. */
const lateness = new Map();

async function mailbox() {
  const { launchTeamsBot } = await import('../dist/channels/teams/launch.js');
  const { loadConfig } = await import('../dist/config.js');
  const { understand } = await import('../dist/language/understand.js');
  const { noopMetrics } = await import('../dist/domain/metrics.js');
  const config = loadConfig({ PORT: process.env.BENCH_PORT ?? '0', DIRECTORY: `file:${directoryPath}`, STORE: store ?? 'memory', LOG_LEVEL: 'silent' });
  const metrics = {
    ...noopMetrics,
    timerLateness(jobKind, seconds) {
      let list = lateness.get(jobKind);
      if (!list) lateness.set(jobKind, (list = []));
      list.push(Math.max(0, seconds * 1000));
    },
  };
  const overrides = { metrics, logger: pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' }, pino.destination(2)) };
  if (process.env.BENCH_REDIS_PREFIX) {
    const { createRedisStore } = await import('../dist/store/redis-store.js');
    overrides.store = await createRedisStore(store, { keyPrefix: process.env.BENCH_REDIS_PREFIX });
  } else if (process.env.BENCH_PG_SCHEMA) {
    const { createPostgresStore } = await import('../dist/store/postgres-store.js');
    overrides.store = await createPostgresStore(store, { schema: process.env.BENCH_PG_SCHEMA });
  }
  // BENCH_LOG_LEVEL=warn shows the bot's warnings on stderr (stdout carries PORT and CPU).
  const bot = await launchTeamsBot(config, understand, overrides);
  process.once('SIGTERM', async () => {
    await bot.close();
    process.exit(0);
  });
  return bot.port;
}

const port = kind === 'mailbox' ? await mailbox() : await echo();
process.stdout.write(`PORT ${port}\n`);
// "cpu" on stdin: reply with the CPU time this process has used (user + system, microseconds).
// "profile-start" / "profile-stop FILE": a V8 CPU profile of what runs in between, written to FILE.
let profiler;
process.stdin.on('data', async (chunk) => {
  for (const line of chunk.toString().split('\n')) {
    if (line === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.stdout.write(`CPU ${user + system}\n`);
    } else if (line.startsWith('lateness ')) {
      process.stdout.write(`LATENESS ${JSON.stringify(lateness.get(line.slice('lateness '.length)) ?? [])}\n`);
    } else if (line === 'profile-start') {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
      process.stdout.write('PROFILING\n');
    } else if (line.startsWith('profile-stop ')) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(line.slice('profile-stop '.length), JSON.stringify(profile));
      profiler.disconnect();
      process.stdout.write('PROFILED\n');
    }
  }
});
process.stdin.on('end', () => process.exit(0));
