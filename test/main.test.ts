import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// `npm start` builds src/ into dist/ and runs the compiled bot: this is that path, end to end.
describe('the compiled bot (npm start)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'start-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds, starts on the embedded defaults, answers /healthz on loopback and finds its cards and sample directory', async () => {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT });
    child = spawn(process.execPath, ['--disable-warning=DEP0111', join(ROOT, 'dist/main.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: dir, PORT: '0', STORE: `sqlite:${join(dir, 'bot.sqlite')}`, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const listening = await new Promise<{ host: string; port: number }>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        for (const line of out.split('\n')) {
          if (line.includes('"msg":"listening"')) resolve(JSON.parse(line) as { host: string; port: number });
        }
      });
      child!.once('exit', (code) => reject(new Error(`bot exited with ${code}: ${out}`)));
      setTimeout(() => reject(new Error(`bot did not start: ${out}`)), 120_000);
    });
    expect(listening.host).toBe('127.0.0.1');
    const health = await fetch(`http://127.0.0.1:${listening.port}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
  }, 240_000);
});
