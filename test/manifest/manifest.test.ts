import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';
import { PNG } from 'pngjs';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAppPackage, MANIFEST_DIR, manifestBotId, renderManifest } from '../../scripts/package-app.js';
import { readSchema } from './teams-schema.js';

// ajv-draft-04 and ajv-formats are CommonJS; Microsoft's Teams schemas are draft-04.
const require = createRequire(import.meta.url);
const Ajv04 = require('ajv-draft-04') as new (options: object) => import('ajv').default;
const addFormats = require('ajv-formats') as (ajv: unknown) => void;

const BOT_ID = '0b1d2c3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';

function validator(schema: Record<string, unknown>) {
  // Microsoft's patterns are written for non-unicode regular expressions.
  const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

/** Entries of the ZIP file, read back with fflate. */
function unzip(buffer: Buffer): Map<string, Buffer> {
  return new Map(Object.entries(unzipSync(buffer)).map(([name, data]) => [name, Buffer.from(data)]));
}

function pngInfo(file: Buffer) {
  const png = PNG.sync.read(file);
  return { width: png.width, height: png.height, alpha: png.alpha };
}

describe('Teams app manifest', () => {
  const manifest = renderManifest(BOT_ID);
  const version = manifest.manifestVersion as string;

  it('uses a current manifest version and names its schema', () => {
    expect(Number(version.split('.')[1])).toBeGreaterThanOrEqual(19);
    expect(manifest.$schema).toBe(`https://developer.microsoft.com/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`);
  });

  it('validates against the official schema of its manifestVersion', { timeout: 180_000 }, () => {
    const validate = validator(readSchema(version, 'MicrosoftTeams.schema.json'));
    expect(validate(manifest) ? [] : validate.errors).toEqual([]);
  });

  it('the Dutch localisation validates against the official localisation schema', { timeout: 180_000 }, () => {
    const validate = validator(readSchema(version, 'MicrosoftTeams.Localization.schema.json'));
    const nl = JSON.parse(readFileSync(`${MANIFEST_DIR}nl.json`, 'utf8'));
    expect(validate(nl) ? [] : validate.errors).toEqual([]);
  });

  it('the schema check does reject a broken manifest', { timeout: 180_000 }, () => {
    const validate = validator(readSchema(version, 'MicrosoftTeams.schema.json'));
    expect(validate({ ...manifest, id: 'not-a-guid' })).toBe(false);
    expect(validate({ ...manifest, bots: [{ botId: BOT_ID, scopes: ['everywhere'] }] })).toBe(false);
  });

  it('declares the bot in personal scope with the bot id from the environment', () => {
    const bots = manifest.bots as { botId: string; scopes: string[] }[];
    expect(bots).toHaveLength(1);
    expect(bots[0]!.botId).toBe(BOT_ID);
    expect(bots[0]!.scopes).toContain('personal');
  });

  it('refuses a bot id that is not a GUID', () => {
    expect(() => renderManifest('')).toThrow(/GUID/);
    expect(() => renderManifest('x"; rm -rf /')).toThrow(/GUID/);
  });

  it('ships a 192x192 colour icon and a 32x32 white-on-transparent outline icon', () => {
    expect(pngInfo(readFileSync(`${MANIFEST_DIR}color.png`))).toMatchObject({ width: 192, height: 192 });
    expect(pngInfo(readFileSync(`${MANIFEST_DIR}outline.png`))).toMatchObject({ width: 32, height: 32, alpha: true });
  });

  it('packages manifest, icons and localisation at the root of the zip', () => {
    const files = unzip(buildAppPackage(BOT_ID));
    expect([...files.keys()].sort()).toEqual(['color.png', 'manifest.json', 'nl.json', 'outline.png']);
    expect(JSON.parse(files.get('manifest.json')!.toString('utf8'))).toEqual(manifest);
    expect(files.get('color.png')).toEqual(readFileSync(`${MANIFEST_DIR}color.png`));
  });
});

describe('npm run package (scripts/package-app.ts)', () => {
  const script = fileURLToPath(new URL('../../scripts/package-app.ts', import.meta.url));
  const tsx = pathToFileURL(require.resolve('tsx/package.json').replace(/package\.json$/, 'dist/loader.mjs')).href;
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** Runs the script as `npm run package` does, in an empty directory (no .env), with only `env` of the bot's settings. */
  function runPackage(env: Record<string, string>) {
    dir = mkdtempSync(join(tmpdir(), 'package-app-'));
    const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(Microsoft|Certificate|DIRECTORY|STORE|PERMISSION|SLACK)/.test(key)));
    const result = spawnSync(process.execPath, ['--import', tsx, script, '--out', join(dir, 'out')], { cwd: dir, env: { ...clean, ...env }, encoding: 'utf8' });
    return { code: result.status, output: `${result.stdout}${result.stderr}`, zip: join(dir, 'out', 'appPackage.zip') };
  }

  it('needs only MicrosoftAppId: no password, app type or tenant', { timeout: 60_000 }, () => {
    const run = runPackage({ MicrosoftAppId: BOT_ID });
    expect(run.output).toContain(`for bot ${BOT_ID}`);
    expect(run.code).toBe(0);
    const manifest = JSON.parse(unzip(readFileSync(run.zip)).get('manifest.json')!.toString('utf8'));
    expect(manifest.bots[0].botId).toBe(BOT_ID);
  });

  it('says what to set when MicrosoftAppId is missing or not a GUID, and writes nothing', { timeout: 60_000 }, () => {
    const missing = runPackage({});
    expect(missing.code).toBe(1);
    expect(missing.output).toContain('Set MicrosoftAppId');
    expect(existsSync(missing.zip)).toBe(false);
    const wrong = runPackage({ MicrosoftAppId: 'my-bot' });
    expect(wrong.code).toBe(1);
    expect(wrong.output).toContain('MicrosoftAppId must be the Azure Bot registration\'s Microsoft App ID (a GUID');
    expect(wrong.output).toContain('"my-bot"');
  });

  it('reads the id alone, trimmed, from the environment', () => {
    expect(manifestBotId({ MicrosoftAppId: ` ${BOT_ID}\n` })).toBe(BOT_ID);
    expect(() => manifestBotId({ MicrosoftAppId: '   ' })).toThrow(/Set MicrosoftAppId/);
    expect(() => manifestBotId({ MicrosoftAppId: `${BOT_ID}x` })).toThrow(/a GUID/);
  });
});
