// `npm run package [-- --out DIR]`: builds the Teams app package (build/appPackage.zip) from
// manifest/ with the bot id from the environment (MicrosoftAppId). Only the id is read: the
// package holds no secret, so building it must not need the bot's password, app type or tenant
// (the bot's full configuration checks those, and would refuse an id set without a password).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';

export const MANIFEST_DIR = fileURLToPath(new URL('../manifest/', import.meta.url));
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The manifest with the bot id filled in. */
export function renderManifest(botId: string): Record<string, unknown> {
  if (!GUID.test(botId)) throw new Error(`The bot id must be the Azure Bot's Microsoft App ID (a GUID), got "${botId.slice(0, 60)}"`);
  const text = readFileSync(`${MANIFEST_DIR}manifest.json`, 'utf8').replaceAll('{{BOT_ID}}', botId);
  return JSON.parse(text) as Record<string, unknown>;
}

/** The app package: manifest.json, the two icons and the Dutch localisation, zipped at the root. */
export function buildAppPackage(botId: string): Buffer {
  const manifest = renderManifest(botId);
  // A fixed timestamp: the same manifest and icons give the same bytes.
  const mtime = new Date('1980-01-01T00:00:00Z');
  return Buffer.from(
    zipSync(
      {
        'manifest.json': [Buffer.from(JSON.stringify(manifest, null, 2)), { mtime }],
        'color.png': [readFileSync(`${MANIFEST_DIR}color.png`), { mtime }],
        'outline.png': [readFileSync(`${MANIFEST_DIR}outline.png`), { mtime }],
        'nl.json': [readFileSync(`${MANIFEST_DIR}nl.json`), { mtime }],
      },
      { level: 9 },
    ),
  );
}

/**
 * The bot id the manifest needs, from `MicrosoftAppId` in `env`; throws a message that says what
 * to set when it is missing or not a GUID. Nothing else of the bot's configuration is read.
 */
export function manifestBotId(env: NodeJS.ProcessEnv): string {
  const botId = env.MicrosoftAppId?.trim() ?? '';
  if (!botId) throw new Error("Set MicrosoftAppId (the Azure Bot registration's Microsoft App ID, a GUID) in the environment or .env first.");
  if (!GUID.test(botId)) throw new Error(`MicrosoftAppId must be the Azure Bot registration's Microsoft App ID (a GUID such as 00000000-0000-0000-0000-000000000000), got "${botId.slice(0, 60)}".`);
  return botId;
}

/** Writes `appPackage.zip` for the bot id of `env` into `outDir`; returns the file's path. */
export function writeAppPackage(env: NodeJS.ProcessEnv, outDir: string): string {
  const botId = manifestBotId(env);
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'appPackage.zip');
  writeFileSync(file, buildAppPackage(botId));
  return file;
}

async function main(): Promise<void> {
  await import('dotenv/config');
  const at = process.argv.indexOf('--out');
  const outDir = at > 0 && process.argv[at + 1] ? process.argv[at + 1]! : fileURLToPath(new URL('../build/', import.meta.url));
  const file = writeAppPackage(process.env, outDir);
  console.log(`wrote ${file} for bot ${manifestBotId(process.env)}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
