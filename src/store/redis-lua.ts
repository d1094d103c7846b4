import { createHash } from 'node:crypto';

/** The one Redis call the store's scripts need: a raw command, its reply as RESP2 gives it. */
export interface RedisCommander {
  sendCommand(args: string[]): Promise<unknown>;
}

/**
 * A Lua script run with EVALSHA: loaded into the server's script cache once (`load`), then called
 * by its SHA1 so each call sends only keys and arguments. A server that lost its cache (restart,
 * failover, SCRIPT FLUSH) answers NOSCRIPT; the script is then loaded again and the call repeated
 * once, which is safe because a NOSCRIPT call ran nothing.
 *
 * Every key a script touches is passed in KEYS (Redis's rule for scripts: it is how a cluster or a
 * proxy routes them); the scripts compute member names, never key names.
 */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async load(client: RedisCommander): Promise<void> {
    await client.sendCommand(['SCRIPT', 'LOAD', this.source]);
  }

  async run(client: RedisCommander, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const call = ['EVALSHA', this.sha, String(keys.length), ...keys, ...args];
    try {
      return await client.sendCommand(call);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      await this.load(client);
      return client.sendCommand(call);
    }
  }
}
