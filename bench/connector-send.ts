// CPU per Bot Connector send: botframework-connector's ConnectorClient versus BotConnectorHttp (the
// same POST as plain JSON with the same credentials), each sending an approval-card activity.
//
//   npx tsx bench/connector-send.ts [--sends 4000] [--concurrency 16] [--rounds 3]
//
// The connector runs in a child process (it answers 200 with an id), so this process's CPU time is
// the client's alone. The median of the rounds is shown.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ConnectorClient } from 'botframework-connector';
import { BotConnectorHttp, type RequestSigner } from '../src/channels/teams/bot-connector-http.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const SENDS = Number(args.get('sends') ?? 4000);
const CONCURRENCY = Number(args.get('concurrency') ?? 16);
const ROUNDS = Number(args.get('rounds') ?? 3);

const CONNECTOR = `
const { createServer } = require('node:http');
let n = 0;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString());
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: 'm-' + ++n }));
  });
});
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

/** Signs as AppCredentials do with an app id (a cached token). */
const signer: RequestSigner = {
  async signRequest(webResource) {
    webResource.headers.set('Authorization', 'Bearer cached-token');
    return webResource;
  },
};

async function main(): Promise<void> {
  const child = spawn(process.execPath, ['-e', CONNECTOR], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /PORT (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    }),
  );
  const serviceUrl = `http://127.0.0.1:${port}/`;
  const card = JSON.parse(readFileSync(new URL('../cards/approval.json', import.meta.url), 'utf8')) as object;
  const activity = () => ({
    type: 'message',
    from: { id: '28:bot', name: 'Mailbox bot' },
    recipient: { id: '29:u', name: 'Megan', aadObjectId: 'u-megan' },
    conversation: { id: 'a:1to1-u-megan', conversationType: 'personal', tenantId: 't' },
    channelId: 'msteams',
    serviceUrl,
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
    channelData: { tenant: { id: 't' } },
  });
  const library = new ConnectorClient(signer as never, { baseUri: serviceUrl });
  const plain = new BotConnectorHttp(serviceUrl, signer);
  const clients: [string, () => Promise<unknown>][] = [
    ['botframework-connector ConnectorClient', () => library.conversations.sendToConversation('a:1to1-u-megan', activity() as never)],
    ['BotConnectorHttp (plain JSON, undici)', () => plain.sendToConversation('a:1to1-u-megan', activity() as never)],
  ];
  const results = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, send] of clients) {
      for (let i = 0; i < 300; i++) await send(); // warm-up
      const before = process.cpuUsage();
      let next = 0;
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < SENDS) await send();
      }));
      const used = process.cpuUsage(before);
      results.set(name, [...(results.get(name) ?? []), (used.user + used.system) / SENDS]);
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(`sends=${SENDS} concurrency=${CONCURRENCY} rounds=${ROUNDS} (median shown), CPU of this process per send`);
  for (const [name, values] of results) console.log(`${name.padEnd(40)} ${median(values).toFixed(0).padStart(6)} µs   (${values.map((v) => v.toFixed(0)).join(', ')})`);
  const [a, b] = [...results.values()].map(median);
  console.log(`plain JSON uses ${((b! / a!) * 100).toFixed(0)}% of the ConnectorClient's CPU per send`);
  child.stdin.end();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
