// `npm run package`: builds the Teams app package (build/appPackage.zip) from manifest/ with the
// bot id from the environment (MicrosoftAppId, read through the config schema).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

async function main(): Promise<void> {
  await import('dotenv/config');
  const { loadConfig } = await import('../src/config.js');
  const botId = loadConfig().MicrosoftAppId;
  if (!botId) {
    console.error('Set MicrosoftAppId (the Azure Bot registration\'s Microsoft App ID) in the environment or .env first.');
    process.exit(1);
  }
  const out = fileURLToPath(new URL('../build/', import.meta.url));
  mkdirSync(out, { recursive: true });
  writeFileSync(`${out}appPackage.zip`, buildAppPackage(botId));
  console.log(`wrote build/appPackage.zip for bot ${botId}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
