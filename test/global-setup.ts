import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Compiles src/ once into .test-dist/ (beside dist/, so the relative paths to cards/ and
 * directory/ hold) for the tests that run the bot as a real process: a compiled bot starts in a
 * second where tsx needs several on a busy machine, and those tests start it dozens of times.
 */
export function setup(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(ROOT, '.test-dist')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}
