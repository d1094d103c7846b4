// CPU per Slack Web API call: @slack/bolt's WebClient (as Bolt's `say()` and `client` send) versus
// SlackWebApi (the bot's plain-JSON client over undici), each posting an approval request's blocks.
//
//   npx tsx bench/slack-send.ts [--sends 4000] [--concurrency 16] [--rounds 3]
//
// The Web API stand-in runs in a child process and answers as chat.postMessage does (the message
// echoed back), so this process's CPU time is the client's alone. The median of the rounds is shown.
import { spawn } from 'node:child_process';
import { webApi } from '@slack/bolt';
import { approvalMessage } from '../src/channels/slack/reply-blocks.js';
import { SlackWebApi } from '../src/channels/slack/web-api.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const SENDS = Number(args.get('sends') ?? 4000);
const CONCURRENCY = Number(args.get('concurrency') ?? 16);
const ROUNDS = Number(args.get('rounds') ?? 3);

const SLACK = `
const { createServer } = require('node:http');
const { parse } = require('node:querystring');
let n = 0;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const text = Buffer.concat(chunks).toString();
    const args = String(req.headers['content-type']).startsWith('application/json') ? JSON.parse(text) : parse(text);
    const blocks = typeof args.blocks === 'string' ? JSON.parse(args.blocks) : args.blocks;
    const ts = '1763884800.' + String(++n).padStart(6, '0');
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ ok: true, channel: args.channel, ts, message: { type: 'message', text: args.text, blocks, ts } }));
  });
});
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

const { text, blocks } = approvalMessage({
  requestId: 'REQ-7K2F9A',
  title: 'Alex Wilber asks for Send As for Megan Bowen on Training',
  explanation: 'Can send mail that appears to come from the mailbox or group itself.',
  facts: [
    { title: 'Requested by', value: 'Alex Wilber' },
    { title: 'For', value: 'Megan Bowen' },
    { title: 'Right', value: 'Send As' },
    { title: 'On', value: 'Training (Microsoft 365 group)' },
    { title: 'How long', value: 'no end date' },
    { title: 'Request', value: 'REQ-7K2F9A' },
  ],
  warnings: [],
  status: '',
  tone: 'default',
  actionable: true,
  reminder: '',
  labels: { approve: 'Approve', reject: 'Reject', rejectReason: 'Reason (optional)' },
});

async function measure(send: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 500; i++) await send();
  const before = process.cpuUsage();
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next++ < SENDS) await send();
  }));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / SENDS;
}

const child = spawn(process.execPath, ['-e', SLACK], { stdio: ['pipe', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve) => child.stdout!.on('data', (c: Buffer) => { const m = /PORT (\d+)/.exec(c.toString()); if (m) resolve(Number(m[1])); }));
const apiUrl = `http://127.0.0.1:${port}/api/`;
const webClient = new webApi.WebClient('xoxb-1111-2222-benchtoken', { slackApiUrl: apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
const plain = new SlackWebApi({ token: 'xoxb-1111-2222-benchtoken', apiUrl });
const results = { webClient: [] as number[], plain: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  results.webClient.push(await measure(() => webClient.chat.postMessage({ channel: 'D000000001', text, blocks: blocks as never })));
  results.plain.push(await measure(() => plain.postMessage({ channel: 'D000000001', text, blocks })));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(`chat.postMessage of an approval request, ${SENDS} sends at concurrency ${CONCURRENCY}, ${ROUNDS} rounds (median):`);
console.log(`  @slack/web-api WebClient (Bolt's): ${median(results.webClient).toFixed(0)} µs CPU per call (rounds: ${results.webClient.map((v) => v.toFixed(0)).join(', ')})`);
console.log(`  SlackWebApi (plain JSON, undici):  ${median(results.plain).toFixed(0)} µs CPU per call (rounds: ${results.plain.map((v) => v.toFixed(0)).join(', ')})`);
child.stdin!.end();
