// `npm run playground -- --as USER_ID [--with ID,ID] [--port 56150] [--bot http://127.0.0.1:3978/api/messages] [--no-browser]`
// Opens the Microsoft 365 Agents Playground (Teams channel) as one person of the configured
// directory (DIRECTORY), against a running bot (`npm start`). Run it twice with two people (e.g.
// the requester and the approver, on two ports) to see both sides of an approval. Without a
// display (or with --no-browser) it only prints the URL to open.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import 'dotenv/config';
import { loadDirectory } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { canOpenBrowser, logTail, playgroundConfigYaml, type PlaygroundUser } from './playground-config.js';

/** Flags that take no value. */
const SWITCHES = new Set(['no-browser']);
const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const name = process.argv[i]!.replace(/^--/, '');
  args.set(name, SWITCHES.has(name) ? 'true' : (process.argv[++i] ?? ''));
}

/** Whether `name` is an executable on PATH. */
function hasCommand(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const directory = await loadDirectory(config);
  if (config.DIRECTORY.kind !== 'file') throw new Error('npm run playground needs DIRECTORY=file:PATH (the playground invents its own people)');
  const file = readFileSync(config.DIRECTORY.path, 'utf8');
  const users = (JSON.parse(file) as { users: { id: string; displayName: string; mail: string }[] }).users;
  const asId = args.get('as') ?? users[0]!.id;
  const me = users.find((u) => u.id === asId);
  if (!me) throw new Error(`No user ${asId} in the directory; pick one of: ${users.map((u) => u.id).join(', ')}`);
  // Five others (the playground's fixed number): the ones named with --with first, then the directory's order.
  const wanted = (args.get('with') ?? '').split(',').filter(Boolean);
  const others = [...users.filter((u) => wanted.includes(u.id)), ...users.filter((u) => !wanted.includes(u.id))].filter((u) => u.id !== me.id).slice(0, 5);
  const toUser = (u: { id: string; displayName: string; mail: string }): PlaygroundUser => ({ aad: u.id, name: u.displayName, mail: u.mail });
  const port = args.get('port') ?? '56150';
  const dir = fileURLToPath(new URL(`../build/playground/${port}/`, import.meta.url));
  mkdirSync(dir, { recursive: true });
  const configPath = `${dir}.m365agentsplayground.yml`;
  writeFileSync(
    configPath,
    playgroundConfigYaml({ tenantId: directory.tenantId, me: toUser(me), others: others.map(toUser), personalChatId: `personal-${me.id}` }),
  );
  const cli = createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/cli.js');
  const endpoint = args.get('bot') ?? `http://127.0.0.1:${config.PORT}/api/messages`;
  const url = `http://localhost:${port}`;
  const browser = canOpenBrowser({ platform: process.platform, env: process.env, noBrowser: args.has('no-browser'), hasCommand });
  // The playground's own default place, named so its tail can be shown when it exits.
  const logFile = join(dir, 'devTools', 'm365agentsplayground.log');
  mkdirSync(join(dir, 'devTools'), { recursive: true });
  console.log(`Agents Playground as ${me.displayName} (${me.id}) on ${url} -> ${endpoint}`);
  if (!browser) console.log(`No browser will be opened (no display, or --no-browser): open ${url} yourself.`);
  const child = spawn(process.execPath, [cli, '-e', endpoint, '-c', 'msteams', '--dt', '-p', port], {
    cwd: dir,
    env: {
      ...process.env,
      ...(browser ? {} : { TEAMSAPPTESTER_BROWSER: 'none' }),
      M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
      // The playground binds every interface by default; this keeps it on loopback like the bot.
      NODE_OPTIONS: `--require ${fileURLToPath(new URL('./loopback-only.cjs', import.meta.url))}`,
    },
    stdio: 'inherit',
  });
  child.on('exit', (code) => {
    // The playground writes why it stopped only to its log file; a silent exit 1 says nothing.
    if (code !== 0 && code !== null) {
      const tail = existsSync(logFile) ? logTail(readFileSync(logFile, 'utf8')) : '';
      console.error(`The Agents Playground exited with code ${code}.${tail ? ` The end of its log:\n${tail}` : ''}\nLog file: ${logFile}`);
    }
    process.exit(code ?? 0);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
