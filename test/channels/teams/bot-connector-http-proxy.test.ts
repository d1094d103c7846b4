import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BotConnectorHttp } from '../../../src/channels/teams/bot-connector-http.js';
import { FakeConnector } from '../../fakes/fake-connector.js';

// Its own file: the connection pool is made once per process, from the environment of that moment.
const TENANT = '7e57be4c-0000-4000-8000-00000000be4c';
const connector = new FakeConnector(TENANT);
const tunnels: string[] = [];
const sockets = new Set<{ destroy(): void }>();
/** A forward proxy that tunnels CONNECT requests, as a corporate HTTPS proxy does. */
const proxy: Server = createServer((_req, res) => res.writeHead(405).end());
proxy.on('connect', (req, socket, head) => {
  tunnels.push(req.url ?? '');
  const [host, port] = (req.url ?? '').split(':');
  sockets.add(socket);
  const upstream = connect(Number(port), host!, () => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  sockets.add(upstream);
  upstream.on('error', () => socket.destroy());
  socket.on('error', () => upstream.destroy());
});

const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY };
beforeAll(async () => {
  await connector.start();
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  delete process.env.NO_PROXY;
});
afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await connector.close();
});

it('sends through the proxy named by HTTP_PROXY / HTTPS_PROXY, as the library pipeline did', async () => {
  const http = new BotConnectorHttp(connector.serviceUrl, { signRequest: async (w) => w });
  const response = await http.sendToConversation('a:1to1-u-megan', { type: 'message', text: 'via the proxy' });
  expect(connector.sent.map((s) => s.id)).toEqual([response.id]);
  expect(tunnels).toEqual([new URL(connector.serviceUrl).host]);
});
