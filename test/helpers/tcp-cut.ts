import { createConnection, createServer, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of a server (the shared Redis), which a test can cut the way a
 * network or a crash does, without touching the server other tests use.
 */
export interface TcpCut {
  /** `redis://127.0.0.1:<port>`-style host and port to connect to instead of the server. */
  port: number;
  /** Closes every connection and refuses new ones: the server crashed or was stopped. */
  refuse(): void;
  /**
   * Keeps every connection open but carries nothing either way, and holds new ones unanswered: a
   * network cut. What is sent meanwhile is held, and delivered when `restore` is called, as TCP
   * delivers it when a cut heals.
   */
  blackhole(): void;
  /**
   * Carries what clients send but holds every reply (new connections get no answer either): the
   * server does the work, the client hears nothing, as when a reply is lost on the way back.
   * `restore` delivers the held replies; `refuse` drops them with the connections.
   */
  holdReplies(): void;
  /** Carries traffic again (held data first); new connections reach the server. */
  restore(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  server: Socket;
}

/** Starts a proxy on a free loopback port in front of `target`. */
export async function startTcpCut(target: { host: string; port: number }): Promise<TcpCut> {
  let mode: 'open' | 'refused' | 'blackholed' | 'replies-held' = 'open';
  const pairs = new Set<Pair>();
  const held = new Set<Socket>();

  const join = (client: Socket) => {
    const server = createConnection(target);
    const pair = { client, server };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      server.destroy();
    };
    client.on('error', end).on('close', end);
    server.on('error', end).on('close', end);
    // Paused sockets keep what arrives in the kernel and their own buffers: held, not lost.
    client.on('data', (data) => server.write(data));
    server.on('data', (data) => client.write(data));
    if (mode === 'blackholed') {
      client.pause();
      server.pause();
    }
    if (mode === 'replies-held') server.pause();
  };

  const proxy = createServer((client) => {
    if (mode === 'refused') {
      client.destroy();
      return;
    }
    if (mode === 'blackholed') {
      // Accepted by the kernel, never answered: a connect that hangs.
      held.add(client);
      client.pause();
      client.on('error', () => held.delete(client)).on('close', () => held.delete(client));
      return;
    }
    join(client);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as { port: number };

  const cut: TcpCut = {
    port,
    refuse() {
      mode = 'refused';
      for (const { client, server } of [...pairs]) {
        client.destroy();
        server.destroy();
      }
      for (const socket of [...held]) socket.destroy();
    },
    blackhole() {
      mode = 'blackholed';
      for (const { client, server } of pairs) {
        client.pause();
        server.pause();
      }
    },
    holdReplies() {
      mode = 'replies-held';
      for (const { server } of pairs) server.pause();
    },
    restore() {
      mode = 'open';
      for (const { client, server } of pairs) {
        client.resume();
        server.resume();
      }
      for (const socket of [...held]) {
        held.delete(socket);
        socket.removeAllListeners('error').removeAllListeners('close');
        join(socket);
        socket.resume();
      }
    },
    async close() {
      cut.refuse();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
  return cut;
}
