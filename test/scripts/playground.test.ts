import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * `npm run playground` (scripts/playground.ts) run as a person runs it, on this machine, which has
 * no display: it must start the playground without trying to open a browser and say which URL to
 * open; and when the playground exits with an error, show why (the end of its log) and where the log is.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts/playground.ts');
const SAMPLE = join(ROOT, 'directory/sample-directory.json');

let child: ChildProcess | undefined;
let scratch: string | undefined;
afterEach(() => {
  // The script and the playground it started are one process group (detached): end both.
  if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGTERM');
  child = undefined;
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

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

/** Runs the script; resolves its output once `until` holds for it or it exits. */
function run(env: NodeJS.ProcessEnv, args: string[], until: (output: string) => boolean): Promise<{ output: string; code: number | null }> {
  const { DISPLAY: _display, WAYLAND_DISPLAY: _wayland, TEAMSAPPTESTER_BROWSER: _browser, ...rest } = process.env;
  child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], {
    cwd: ROOT,
    env: { ...rest, DIRECTORY: `file:${SAMPLE}`, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const done = () => resolve({ output, code: child?.exitCode ?? null });
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (until(output)) done();
    };
    child!.stdout!.on('data', read);
    child!.stderr!.on('data', read);
    child!.once('error', reject);
    child!.once('exit', (code) => resolve({ output, code }));
  });
}

describe('npm run playground on a machine without a display', () => {
  it('starts the playground without a browser and prints the URL to open', async () => {
    const port = await freePort();
    const { output } = await run({}, ['--as', 'u-emma', '--port', String(port)], (text) => text.includes(`Listening on ${port}`));
    expect(output).toContain(`open http://localhost:${port} yourself`);
    expect(output).toContain(`Listening on ${port}`);
    expect(output).not.toContain('exited with code');
  }, 60_000);

  it('shows the end of the log and its path when the playground exits with an error', async () => {
    // A display and an xdg-open that cannot start: the playground tries, and exits 1.
    scratch = mkdtempSync(join(tmpdir(), 'playground-bin-'));
    writeFileSync(join(scratch, 'xdg-open'), '#!/nonexistent/interpreter\n');
    chmodSync(join(scratch, 'xdg-open'), 0o755);
    const port = await freePort();
    const { output, code } = await run({ DISPLAY: ':99', PATH: `${scratch}${delimiter}${process.env.PATH}` }, ['--as', 'u-emma', '--port', String(port)], () => false);
    expect(code).toBe(1);
    expect(output).toContain('The Agents Playground exited with code 1.');
    expect(output).toContain('spawn xdg-open ENOENT');
    expect(output).toContain(`Log file: ${join(ROOT, 'build/playground', String(port), 'devTools/m365agentsplayground.log')}`);
  }, 60_000);
});
