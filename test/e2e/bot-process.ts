import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A bot started as `npm start` starts it (compiled, by test/global-setup.ts), in a process of its own. */
export interface BotProcess {
  port: number;
  child: ChildProcess;
  /** Everything it logged (pino JSON lines). */
  output(): string;
  /** kill -9: no shutdown code runs. */
  kill9(): Promise<void>;
  /** SIGTERM, and the exit code. */
  terminate(): Promise<number | null>;
}

/** Starts a bot with `env` (on top of a minimal environment) and resolves once it listens. */
export async function startBotProcess(env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<BotProcess> {
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', '--enable-source-maps', join(ROOT, '.test-dist/main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot did not start: ${out.slice(-2000)}`)), options.timeoutMs ?? 120_000);
    const look = () => {
      for (const line of out.split('\n')) {
        if (line.includes('"msg":"listening"')) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { port: number }).port);
          return;
        }
      }
    };
    child.stdout!.on('data', look);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`bot exited with ${code}: ${out.slice(-2000)}`));
    });
  });
  return {
    port,
    child,
    output: () => out,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async terminate() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
