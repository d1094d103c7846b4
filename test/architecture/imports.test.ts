import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Every module a file imports or re-exports (static, type-only and dynamic), as written. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    found.push((match[1] ?? match[2] ?? match[3])!);
  }
  return found;
}

/** `src/...` path of a relative import, or the package name of a bare one. */
function target(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier.startsWith('node:') || builtinModules.includes(specifier) ? 'node' : specifier;
  return relative(SRC, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts');
}

const layerFiles = (layer: string) => sourceFiles(join(SRC, layer));

/**
 * Libraries without I/O or framework that the inner layers may use, because the standards ask for
 * a well-kept library over hand-written code for them: calendar arithmetic (date-fns).
 */
const PURE_LIBRARIES = /^(date-fns|@date-fns\/(tz|utc))(\/|$)/;

describe('layers: channels -> conversation -> domain -> ports; nothing imports upward', () => {
  it('finds the imports it checks (the reader is not blind)', () => {
    const conversation = join(SRC, 'conversation/conversation.ts');
    expect(importsOf(conversation).length).toBeGreaterThan(5);
    expect(importsOf(join(SRC, 'channels/teams/bot.ts'))).toContain('botbuilder');
  });

  for (const layer of ['domain', 'conversation']) {
    it(`src/${layer} imports no SDK and no package but Node's own and pure libraries (date-fns)`, () => {
      const outside = layerFiles(layer).flatMap((file) =>
        importsOf(file)
          .map((specifier) => target(file, specifier))
          .filter((t) => t !== 'node' && t.startsWith('.') === false && !PURE_LIBRARIES.test(t) && !/^(domain|conversation|language|directory|permissions|store|scheduler)\//.test(t))
          .map((t) => `${relative(SRC, file)} -> ${t}`),
      );
      expect(outside).toEqual([]);
    });
  }

  it('src/domain imports nothing above it (conversation, language, channels, server, app)', () => {
    const upward = layerFiles('domain').flatMap((file) =>
      importsOf(file)
        .map((s) => target(file, s))
        .filter((t) => /^(conversation|language|channels|cli)\/|^(server|app|main|config)\.ts$/.test(t))
        .map((t) => `${relative(SRC, file)} -> ${t}`),
    );
    expect(upward).toEqual([]);
  });

  it('src/conversation imports no channel and not the server or the composition root', () => {
    const upward = layerFiles('conversation').flatMap((file) =>
      importsOf(file)
        .map((s) => target(file, s))
        .filter((t) => /^(channels|cli)\/|^(server|app|main)\.ts$/.test(t))
        .map((t) => `${relative(SRC, file)} -> ${t}`),
    );
    expect(upward).toEqual([]);
  });

  it('every botbuilder and botframework import lives under src/channels/teams', () => {
    const outside = sourceFiles(SRC)
      .filter((file) => !relative(SRC, file).startsWith('channels/teams/'))
      .flatMap((file) => importsOf(file).filter((s) => /^botbuilder|^botframework/.test(s)).map((s) => `${relative(SRC, file)} -> ${s}`));
    expect(outside).toEqual([]);
  });
});
