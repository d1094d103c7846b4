import { spawn, type ChildProcess } from 'node:child_process';

/** The bot in a child process, as an operator starts it. */
export interface ChildBot {
  child: ChildProcess;
  /** Log lines (JSON) so far. */
  logs: Record<string, any>[];
  stderr: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/**
 * Starts `node ARGS` (the compiled `main.js`, or `--import tsx src/main.ts`) in `cwd` with exactly
 * `env` (nothing inherited but what the caller passes), collecting its JSON log lines from stdout
 * and its stderr.
 */
export function spawnBot(args: string[], options: { cwd: string; env: Record<string, string> }): ChildBot {
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, any>[] = [];
  let pending = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, any>);
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, logs, stderr: () => stderr, exited };
}

/** Waits until the bot logged `listening` and answers that line (its address, its channels); fails if it exited first. */
export async function listening<T = { host: string; port: number; channels: string[] }>(bot: ChildBot): Promise<T> {
  for (;;) {
    const line = bot.logs.find((l) => l.msg === 'listening');
    if (line) return line as unknown as T;
    const early = await Promise.race([bot.exited.then((code) => ({ code })), new Promise((resolve) => setTimeout(resolve, 25))]);
    if (early && typeof early === 'object') throw new Error(`bot exited with ${(early as { code: number }).code}: ${bot.stderr()}`);
  }
}
