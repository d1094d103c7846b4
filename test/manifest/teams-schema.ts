import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The package that ships Microsoft's Teams manifest JSON schemas, pinned for reproducible checks. */
const TOOLKIT = '@microsoft/m365agentstoolkit-cli@1.1.17';
const CACHE = fileURLToPath(new URL('../../.cache/teams-schemas/', import.meta.url));

/**
 * The official schema files of a manifest version, read offline from a cache. The toolkit package
 * is large (~34 MB), so it is not a dependency: on first use it is fetched once with `npm pack`
 * (npm registry only) and just the `json-schemas/teams/vX.Y/` folder is kept under `.cache/`.
 */
export function teamsSchemaDir(version: string): string {
  const dir = `${CACHE}v${version}/`;
  if (existsSync(`${dir}MicrosoftTeams.schema.json`)) return dir;
  const download = `${CACHE}download/`;
  mkdirSync(download, { recursive: true });
  execFileSync('npm', ['pack', TOOLKIT, '--pack-destination', download, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = readdirSync(download).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack ${TOOLKIT} produced no tarball`);
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xzf', `${download}${tarball}`, '-C', dir, '--strip-components=4', `package/json-schemas/teams/v${version}`]);
  rmSync(download, { recursive: true, force: true });
  return dir;
}

export function readSchema(version: string, file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${teamsSchemaDir(version)}${file}`, 'utf8')) as Record<string, unknown>;
}
