// One Slack bot under load, in its own process so the load generator and the fake Slack Web API
// don't share its CPU: `node bench/slack-bot-process.mjs echo|echo-two|mailbox DIRECTORY_PATH STORE API_URL TOKEN SECRET`.
// Plain JavaScript on plain Node, like `npm start`: the mailbox bot is the compiled one in dist/.
// Prints "PORT <n>" when listening, answers "cpu" on stdin with its CPU time, writes a CPU profile
// between "profile-start" and "profile-stop FILE"; exits when stdin closes.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import bolt from '@slack/bolt';
import pino from 'pino';

const [kind, directoryPath, store, apiUrl, token, signingSecret] = process.argv.slice(2);

/**
 * A bare Bolt app that echoes (the baseline): Bolt's own HTTPReceiver (signature check, ack) and
 * `say()` through its WebClient, with Bolt's defaults. `echo-two` says a second message per turn,
 * as a bot that answers the requester and notifies an approver must.
 */
async function echo() {
  const app = new bolt.App({ token, signingSecret, clientOptions: { slackApiUrl: apiUrl }, logLevel: bolt.LogLevel.ERROR });
  app.message(async ({ message, say }) => {
    await say(`Echo: ${message.text}`);
    if (kind === 'echo-two') await say(`And once more: ${message.text}`);
  });
  const server = await app.start(0);
  return server.address().port;
}

/**
 * The mailbox bot as `npm start` builds it with Slack configured: the core (its delivery jobs post
 * each approval request through the Slack channel), the Slack channel and the bot's restify server.
 */
async function mailbox() {
  const { createApp } = await import('../dist/app.js');
  const { createSlackChannel } = await import('../dist/channels/slack/channel.js');
  const { loadConfig } = await import('../dist/config.js');
  const { understand } = await import('../dist/language/understand.js');
  const { startServer } = await import('../dist/server.js');
  const config = loadConfig({ PORT: '0', DIRECTORY: `file:${directoryPath}`, STORE: store ?? 'memory', LOG_LEVEL: 'silent', SLACK_BOT_TOKEN: token, SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: apiUrl });
  const logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' }, pino.destination(2));
  const app = await createApp(config, { logger });
  const slack = createSlackChannel(app, { token, signingSecret, apiUrl: config.SLACK_API_URL, understand });
  await app.start();
  const server = await startServer({ channels: [slack.mount], logger, port: 0, host: '127.0.0.1' });
  return server.port;
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
