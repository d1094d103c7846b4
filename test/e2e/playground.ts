import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { playgroundConfigYaml, type PlaygroundUser } from '../../scripts/playground-config.js';

const require = createRequire(import.meta.url);
const CLI = require.resolve('@microsoft/m365agentsplayground/cli.js');
const LOOPBACK_ONLY = fileURLToPath(new URL('../../scripts/loopback-only.cjs', import.meta.url));

export type { PlaygroundUser };

/** A message as the playground's conversation stream reports it. */
export interface StreamMessage {
  action: 'createMessage' | 'updateMessage' | string;
  conversationId: string;
  messageId: string;
  text?: string;
  attachments: { contentType: string; content: any }[];
}

/** An activity the bot sent, from the playground's log stream (covers chats of other users too). */
export interface LoggedBotMessage {
  conversationId: string;
  messageId: string;
  activity: Record<string, any>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Runs the Microsoft 365 Agents Playground (`agentsplayground -c msteams`) against a bot endpoint
 * and drives it through its own HTTP API (what its web page calls: `/_conversation/v1/...` to type
 * and click, `/_debug/.../installation` to install) while reading its two websockets: the
 * conversation stream (what the signed-in user sees) and the log stream (every activity, including
 * those in chats the bot opened with other users).
 */
export class Playground {
  readonly stream: StreamMessage[] = [];
  readonly botMessages: LoggedBotMessage[] = [];
  readonly invokes: Record<string, any>[] = [];
  private child?: ChildProcess;
  private sockets: WebSocket[] = [];
  private dir = '';
  private output = '';
  port = 0;
  readonly personalChatId = 'personal-chat-e2e';
  private readonly waiters: { check: () => boolean; resolve: () => void }[] = [];

  constructor(
    private readonly options: { endpoint: string; tenantId: string; me: PlaygroundUser; others: PlaygroundUser[] },
  ) {}

  async start(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'playground-'));
    const configPath = join(this.dir, '.m365agentsplayground.yml');
    writeFileSync(configPath, playgroundConfigYaml({ tenantId: this.options.tenantId, me: this.options.me, others: this.options.others, personalChatId: this.personalChatId }));
    this.port = await freePort();
    this.child = spawn(
      process.execPath,
      [CLI, '-e', this.options.endpoint, '-c', 'msteams', '--dt', '-p', String(this.port), '--service-url', `http://127.0.0.1:${this.port}/_connector`],
      {
        cwd: this.dir,
        env: {
          ...process.env,
          TEAMSAPPTESTER_BROWSER: 'none',
          M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
          M365_AGENTS_PLAYGROUND_LOGFILE: join(this.dir, 'playground.log'),
          NODE_OPTIONS: `--require ${LOOPBACK_ONLY}`,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    this.child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    const exited = new Promise<never>((_, reject) =>
      this.child!.once('exit', (code) => reject(new Error(`playground exited (${code}): ${this.output.slice(-2000)}`))),
    );
    await Promise.race([this.until(() => this.output.includes(`Listening on ${this.port}`), 'playground to listen', 30_000, 50), exited]);
    await this.connect('/_ws_conversation/v1/conversations/stream', (data) => {
      if (data.message) {
        this.stream.push({
          action: data.action,
          conversationId: data.actionConversationId,
          messageId: data.message.messageId,
          text: data.message.text,
          attachments: data.message.attachments ?? [],
        });
      }
    });
    await this.connect('/_ws/log/stream', (data) => {
      const log = data.log;
      if (!log?.request?.body) return;
      if (log.from === 'User Application' && log.activityName === 'message' && log.response?.body?.id) {
        this.botMessages.push({ conversationId: log.conversationId, messageId: log.response.body.id, activity: log.request.body });
      }
      if (log.activityName === 'invoke') this.invokes.push(log);
    });
    // The page asks for its configuration first; the playground then checks the bot is reachable.
    await this.http('GET', '/_internal/v1/config');
  }

  private async connect(path: string, onMessage: (data: any) => void): Promise<void> {
    const socket = new WebSocket(`ws://127.0.0.1:${this.port}${path}`);
    socket.on('message', (raw) => {
      try {
        onMessage(JSON.parse(raw.toString()));
      } catch {
        // not JSON: ignore
      }
      this.wake();
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    this.sockets.push(socket);
  }

  async http(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`http://127.0.0.1:${this.port}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // plain text
    }
    return { status: response.status, body: parsed };
  }

  /** "Add the app": the playground sends installationUpdate and conversationUpdate to the bot. */
  async install(): Promise<void> {
    const response = await this.http('POST', `/_debug/conversation/${this.personalChatId}/installation`, {});
    if (response.status !== 200) throw new Error(`installation answered ${response.status}`);
  }

  /** The signed-in user types in their personal chat with the bot. */
  async say(text: string): Promise<void> {
    const response = await this.http('POST', `/_conversation/v1/conversations/${this.personalChatId}/messages`, {
      from: { id: this.options.me.aad },
      text,
      textFormat: 'plain',
    });
    if (response.status !== 200) throw new Error(`message answered ${response.status}: ${JSON.stringify(response.body)}`);
  }

  /** A user clicks an `Action.Execute` button on a card (what the card renderer posts). */
  async click(user: PlaygroundUser, on: { conversationId: string; messageId: string }, action: { verb: string; data: unknown }) {
    return this.http('POST', '/_conversation/v1/invoke', {
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: action.verb, data: action.data }, trigger: 'manual' },
      from: { id: user.aad },
      conversation: { id: on.conversationId },
      replyToId: on.messageId,
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.check()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  /** Resolves when `check` holds: re-checked on every websocket message and every `pollMs`. */
  until(check: () => boolean, what: string, timeoutMs = 20_000, pollMs = 200): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        clearInterval(poll);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        clearInterval(poll);
        resolve();
      };
      const poll = setInterval(() => check() && done(), pollMs);
      this.waiters.push({ check, resolve: done });
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    if (this.child && this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child!.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The text a person reads in a message: its text and its card. */
export function readable(message: { text?: string; attachments?: { content: any }[] } | { activity: Record<string, any> }): string {
  const m = 'activity' in message ? message.activity : message;
  return [m.text ?? '', ...(m.attachments ?? []).map((a: { content: unknown }) => JSON.stringify(a.content))].join(' ');
}
