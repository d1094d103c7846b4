// Idle cost of bot instances sharing one PostgreSQL database, as the instances and the stored work
// grow: it should stay flat (each instance polls `nextReadyAt` once a second through an index and
// otherwise waits on LISTEN; nothing reads what is stored).
// Run: npx tsx bench/idle-instances.ts [--sizes 1000,100000] [--instances 1,2,3] [--seconds 20]
//
// Per N: a schema of its own holding N requests (~300-byte records), two indexes of N members and
// N jobs due in two days (what N pending requests leave: their reminders). Then for each K, K
// instances of the compiled bot (`npm start`'s dist/main.js) on that schema; after 5 s of warm-up,
// the CPU each uses over `--seconds` with nothing due, and the CPU of the PostgreSQL backends serving
// them (the server runs on this machine: /proc of each backend's pid, from pg_stat_activity).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { IndexChange, JobSpec, RecordWrite } from '../src/store/durable-store.js';
import { createPostgresStore } from '../src/store/postgres-store.js';
import { adminQuery, dropSchemas, freshSchema, POSTGRES_URL, postgresStoreUrl } from '../test/helpers/postgres.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,100000' },
    instances: { type: 'string', default: '1,2,3' },
    seconds: { type: 'string', default: '20' },
  },
});
const sizes = args.sizes.split(',').map(Number);
const counts = args.instances.split(',').map(Number);
const seconds = Number(args.seconds);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DAY = 86_400_000;

/** N pending requests' worth of records, index entries and not-due jobs, 1,000 per commit. */
async function fill(schema: string, n: number): Promise<void> {
  const store = await createPostgresStore(POSTGRES_URL, { schema });
  const now = Date.now();
  for (let start = 0; start < n; start += 1_000) {
    const ids = Array.from({ length: Math.min(1_000, n - start) }, (_, k) => start + k);
    await store.commit({
      records: ids.map((i): RecordWrite => ({ namespace: 'requests', key: `REQ-${i}`, expect: 'absent', value: { id: `REQ-${i}`, state: 'pending', note: 'x'.repeat(250) } })),
      index: ids.flatMap((i): IndexChange[] => [
        { index: 'req:created', member: `REQ-${i}`, score: now + i },
        { index: 'req:state:pending', member: `REQ-${i}`, score: now + i },
      ]),
      schedule: ids.map((i): JobSpec => ({ id: `REQ-${i}:approver_reminder`, kind: 'approver_reminder', dueAt: now + 2 * DAY + i, payload: { requestId: `REQ-${i}` } })),
    });
  }
  await store.close();
  await adminQuery(`ANALYZE ${schema}.records, ${schema}.sorted_index, ${schema}.jobs`);
}

/** CPU seconds (user + system) a process has used, from /proc (clock ticks of 1/100 s). */
function cpuOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0; // gone meanwhile
  }
}

async function startBot(schema: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', `${ROOT}dist/main.js`], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', LOG_LEVEL: 'warn', STORE: postgresStoreUrl(schema) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // LOG_LEVEL=warn still logs the loopback warning, which comes with the port once listening.
      if (out.includes('listening on loopback only')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`bot exited with ${code}: ${out}`)));
  });
  return child;
}

async function backendPids(): Promise<number[]> {
  const rows = await adminQuery<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name LIKE 'mailbox-delegation-bot%'");
  return rows.map((row) => row.pid);
}

execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-p', `${ROOT}tsconfig.build.json`], { stdio: 'inherit' });
const rows: string[] = [];
for (const n of sizes) {
  const schema = freshSchema('idle');
  await adminQuery(`CREATE SCHEMA ${schema}`);
  try {
    await fill(schema, n);
    for (const k of counts) {
      const bots = await Promise.all(Array.from({ length: k }, () => startBot(schema)));
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      const servers = await backendPids();
      const before = { bots: bots.map((b) => cpuOf(b.pid!)), servers: servers.map(cpuOf) };
      await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
      const botCpu = bots.map((b, i) => cpuOf(b.pid!) - before.bots[i]!);
      const serverCpu = servers.reduce((sum, pid, i) => sum + cpuOf(pid) - before.servers[i]!, 0);
      for (const bot of bots) bot.kill('SIGTERM');
      await Promise.all(bots.map((bot) => new Promise((resolve) => (bot.exitCode === null ? bot.once('exit', resolve) : resolve(null)))));
      const pct = (cpuSeconds: number) => `${((cpuSeconds / seconds) * 100).toFixed(2)}%`;
      rows.push(`| ${n.toLocaleString('en')} | ${k} | ${botCpu.map(pct).join(', ')} | ${pct(serverCpu)} (${servers.length} connections) |`);
      console.error(rows.at(-1));
    }
  } finally {
    await dropSchemas([schema]);
  }
}
console.log(`idle CPU over ${seconds} s, Node ${process.version}, PostgreSQL on this machine`);
console.log('| requests stored | instances | each instance (% of a core) | PostgreSQL backends serving them |');
console.log('|---|---|---|---|');
for (const row of rows) console.log(row);
