import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'src/main.ts');
/** tsx's loader by absolute URL: the process runs in an empty directory (no stray .env), where `tsx` would not resolve. */
const TSX = import.meta.resolve('tsx');

/**
 * One bot instance as `npm run dev` runs it (src/main.ts under tsx), in a process of its own, in an
 * empty working directory so no `.env` leaks in: only `env` configures it. Its pino log lines are
 * kept (`log`), and `port` is the one it reported listening on.
 */
export class BotProcess {
  readonly log: Record<string, any>[] = [];
  private stderr = '';
  private exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly cwd: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Starts an instance; resolves once it listens (rejects with its output if it exits first or takes over 60 s). */
  static async start(env: Record<string, string>): Promise<BotProcess> {
    const cwd = mkdtempSync(join(tmpdir(), 'bot-instance-'));
    const child = spawn(process.execPath, ['--disable-warning=DEP0111', '--import', TSX, MAIN], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, PORT: '0', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Record<string, any>[] = [];
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      let pending = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        pending += chunk.toString();
        const complete = pending.split('\n');
        pending = complete.pop()!;
        for (const line of complete) {
          const entry = parseLine(line);
          lines.push(entry);
          if (entry.msg === 'listening') resolve(entry.port);
        }
      });
      child.once('exit', (code) => reject(new Error(`bot exited with ${code} before listening:\n${stderr}\n${JSON.stringify(lines)}`)));
      setTimeout(() => reject(new Error(`bot did not listen within 60 s:\n${stderr}`)), 60_000).unref();
    });
    const bot = new BotProcess(child, port, cwd);
    bot.log.push(...lines);
    bot.stderr = stderr;
    child.stderr!.on('data', (chunk: Buffer) => (bot.stderr += chunk.toString()));
    return bot;
  }

  /** `kill -9`: the instance stops wherever it is. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
    rmSync(this.cwd, { recursive: true, force: true });
  }

  /** SIGTERM, and the exit code. */
  async stop(): Promise<number | null> {
    this.child.kill('SIGTERM');
    const code = await this.exited;
    rmSync(this.cwd, { recursive: true, force: true });
    return code;
  }

  /** CPU time the process has used so far (user + system), in seconds, from /proc. */
  cpuSeconds(): number {
    const fields = readFileSync(`/proc/${this.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of /proc/PID/stat, in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  }

  /** Its standard error so far (stack traces, start errors). */
  errors(): string {
    return this.stderr;
  }
}

function parseLine(line: string): Record<string, any> {
  try {
    return JSON.parse(line) as Record<string, any>;
  } catch {
    return { msg: line };
  }
}
