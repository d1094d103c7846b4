import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { chmodSync, createReadStream, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS, exportAudit, parseWhen, runAuditExport, type AuditFormat } from '../../src/cli/audit-export.js';
import type { AuditAction, AuditEntry } from '../../src/domain/engine-api.js';
import { createSqliteStore } from '../../src/store/keyv-store.js';
import { SCHEMA_VERSION } from '../../src/store/sqlite-schema.js';
import { coreHarness, MINUTE, type CoreHarness } from '../helpers/core.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const START = Date.parse('2026-11-23T08:00:00Z');

/** A Writable that keeps what it is given. */
function sink(): Writable & { text(): string } {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return Object.assign(out, { text: () => text });
}

const DETAIL = '=HYPERLINK("http://evil.example/?x=1", "click, me")\nsecond line';

/**
 * A log of 30+ entries through the real engine and repository on `core`: a grant approved, applied
 * and effective; a rejection whose reason has commas, quotes, a newline and a formula; refusals
 * by and about ids the directory does not know; one entry a minute from START on.
 */
async function seed(core: CoreHarness): Promise<void> {
  const submitted = await core.engine.submit({ requesterId: 'u-liam', kind: 'grant', granteeId: 'u-priya', targetId: 'g-training', right: 'SendAs', language: 'en' });
  if (submitted.outcome !== 'created') throw new Error(submitted.outcome);
  await core.advance(MINUTE);
  await core.engine.decide(submitted.request.id, 'u-emma', 'approve');
  await core.engine.idle();
  await core.advance(60 * MINUTE); // effective
  const second = await core.engine.submit({ requesterId: 'u-liam', kind: 'grant', granteeId: 'u-zoe', targetId: 's-support', right: 'FullAccess', language: 'en' });
  if (second.outcome !== 'created') throw new Error(second.outcome);
  await core.advance(MINUTE);
  await core.engine.decide(second.request.id, 'u-emma', 'reject', DETAIL);
  await core.engine.idle();
  for (const [i, detail] of ['+1 555 0100', '-2', '@SUM(A1:A2)', 'plain'].entries()) {
    await core.advance(MINUTE);
    await core.engine.repo.recordAlone({ requestId: '', targetId: i % 2 ? 'mbx-gone' : '', granteeId: 'u-ghost', actorId: 'u-left-company', action: 'decide', outcome: 'refused', detail });
  }
  for (let i = 0; i < 22; i++) {
    await core.advance(MINUTE);
    await core.engine.repo.recordAlone({ requestId: submitted.request.id, targetId: 'g-training', granteeId: 'u-priya', actorId: 'u-admin', action: 'noted' as AuditAction /* an action this version does not write */, outcome: 'ok', detail: `note ${i}` });
  }
}

async function exported(core: CoreHarness, format: AuditFormat, range: { since: number; until?: number }, pageSize?: number): Promise<string> {
  const out = sink();
  await exportAudit({ store: core.store, directory: core.directory, format, out, ...range, ...(pageSize ? { pageSize } : {}) });
  return out.text();
}

const jsonl = (text: string) => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, string>);
const csv = (text: string) => parse(text, { columns: true }) as Record<string, string>[];

describe('audit export', () => {
  let dir: string;
  let storeFile: string;
  let core: CoreHarness;
  /** Every entry, oldest first, as the engine's own audit query reads them. */
  let all: AuditEntry[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-export-'));
    storeFile = join(dir, 'bot.sqlite');
    core = await coreHarness({}, { store: createSqliteStore(storeFile) });
    await seed(core);
    all = await core.trail('u-admin', {});
  });
  afterAll(async () => {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports the whole log oldest first as JSON Lines, the same across pages of 7 and of 500', async () => {
    expect(all.length).toBeGreaterThanOrEqual(30);
    const small = await exported(core, 'jsonl', { since: START }, 7);
    const rows = jsonl(small);
    expect(rows.map((r) => r.id)).toEqual(all.map((e) => e.id));
    expect(rows.map((r) => Date.parse(r.at!))).toEqual(all.map((e) => e.at));
    expect([...rows.map((r) => r.at)].sort()).toEqual(rows.map((r) => r.at));
    expect(await exported(core, 'jsonl', { since: START })).toBe(small);
    expect(await exported(core, 'jsonl', { since: START }, 1)).toBe(small);
  });

  it('names people and mailboxes from the directory and keeps the keys in order, leaving out empty ones', async () => {
    const rows = jsonl(await exported(core, 'jsonl', { since: START }));
    expect(rows[0]).toEqual({
      at: '2026-11-23T08:00:00.000Z',
      id: all[0]!.id,
      requestId: all[0]!.requestId,
      action: 'created',
      outcome: 'ok',
      actorId: 'u-liam',
      actor: 'liam.oconnor@northwind.example',
      granteeId: 'u-priya',
      grantee: 'priya.r@northwind.example',
      targetId: 'g-training',
      target: 'training@northwind.example',
      to: 'pending',
    });
    expect(Object.keys(rows[1]!)).toEqual(COLUMNS.filter((c) => c in rows[1]!));
    const timer = rows.find((r) => r.actorId === 'system')!;
    expect(timer.actor).toBe('system');
    const rejected = rows.find((r) => r.action === 'rejected')!;
    expect(rejected).toMatchObject({ detail: DETAIL, target: 'support@northwind.example', grantee: 'zoe.dubois@northwind.example' });
  });

  it('keeps ids the directory does not know as they are', async () => {
    const rows = jsonl(await exported(core, 'jsonl', { since: START }));
    const refusals = rows.filter((r) => r.actorId === 'u-left-company');
    expect(refusals).toHaveLength(4);
    for (const r of refusals) expect(r).toMatchObject({ actor: 'u-left-company', granteeId: 'u-ghost', grantee: 'u-ghost', outcome: 'refused' });
    expect(refusals.map((r) => r.target ?? null)).toEqual([null, 'mbx-gone', null, 'mbx-gone']);
    expect(refusals[0]).not.toHaveProperty('requestId');
  });

  it('bounds: --since inclusive, --until exclusive, on the exact millisecond of an entry', async () => {
    const distinct = [...new Set(all.map((e) => e.at))];
    const since = distinct[3]!;
    const until = distinct[10]!;
    const rows = jsonl(await exported(core, 'jsonl', { since, until }, 4));
    expect(rows.map((r) => r.id)).toEqual(all.filter((e) => e.at >= since && e.at < until).map((e) => e.id));
    expect(rows[0]!.at).toBe(new Date(since).toISOString());
    expect(rows.some((r) => r.at === new Date(until).toISOString())).toBe(false);
    expect(await exported(core, 'jsonl', { since: all.at(-1)!.at + 1 })).toBe('');
    expect(await exported(core, 'jsonl', { since: START - 86_400_000, until: START })).toBe('');
  });

  it('CSV: a header row, the same rows, commas, quotes and newlines quoted, formulas neutralised', async () => {
    const text = await exported(core, 'csv', { since: START }, 7);
    expect(text.split('\n')[0]).toBe(COLUMNS.join(','));
    const rows = csv(text);
    expect(rows.map((r) => r.id)).toEqual(all.map((e) => e.id));
    expect(rows[0]).toMatchObject({ at: '2026-11-23T08:00:00.000Z', actor: 'liam.oconnor@northwind.example', from: '', detail: '' });
    // The raw text: the reason quoted with doubled quotes and its newline inside, behind a '.
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example/?x=1"", ""click, me"")\nsecond line"`);
    const details = rows.filter((r) => r.actorId === 'u-left-company').map((r) => r.detail);
    expect(details).toEqual(["'+1 555 0100", "'-2", "'@SUM(A1:A2)", 'plain']);
    expect(rows.find((r) => r.action === 'rejected')!.detail).toBe(`'${DETAIL}`);
    // Only values that start with one are touched: ids, times and mail addresses stay as they are.
    expect(rows.every((r) => !r.at!.startsWith("'") && !r.id!.startsWith("'"))).toBe(true);
  });

  it('CSV of an empty range is the header row alone', async () => {
    expect(await exported(core, 'csv', { since: all.at(-1)!.at + 1 })).toBe(`${COLUMNS.join(',')}\n`);
  });

  it('the memory store exports the same log as the SQLite one', async () => {
    const memory = await coreHarness();
    try {
      await seed(memory);
      // Entry and request ids are random; everything else of the same seeding is the same.
      const shape = (rows: Record<string, string>[]) => rows.map(({ id: _id, requestId: _requestId, ...rest }) => rest);
      const fromMemory = jsonl(await exported(memory, 'jsonl', { since: START }, 5));
      expect(shape(fromMemory)).toEqual(shape(jsonl(await exported(core, 'jsonl', { since: START }))));
    } finally {
      await memory.close();
    }
  });

  describe('setup errors: one line on stderr, exit 2, nothing on stdout', () => {
    async function run(args: string[], env: Record<string, string> = { STORE: `sqlite:${storeFile}` }) {
      const stdout = sink();
      const stderr = sink();
      const code = await runAuditExport(args, { env, stdout, stderr });
      return { code, stdout: stdout.text(), stderr: stderr.text() };
    }

    it.each([
      [[], /--since WHEN is required/],
      [['--since'], /--since needs a value/],
      [['--since', '--format', 'csv'], /--since needs a value/],
      [['--since', '2026-12-01', '--out', '--format', 'csv'], /--out needs a value/],
      [['--since', '2026-13-01'], /--since "2026-13-01" is not an ISO 8601 date/],
      [['--since', '2026-02-30'], /not an ISO 8601/],
      [['--since', '2026-12-01T24:00Z'], /not an ISO 8601/],
      [['--since', 'yesterday'], /not an ISO 8601/],
      [['--since', '2026-12-02', '--until', '2026-12-01'], /--until 2026-12-01 is not after --since 2026-12-02/],
      [['--since', '2026-12-01', '--until', '2026-12-01T00:00Z'], /is not after/],
      [['--since', '2026-12-01', '--format', 'xlsx'], /--format "xlsx" is not csv or jsonl/],
      [['--since', '2026-12-01', '--since', '2026-12-02'], /--since given twice/],
      [['--since', '2026-12-01', '--verbose'], /unexpected argument "--verbose"/],
    ])('%j', async (args, message) => {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^audit-export: /);
    });

    it('configuration, directory and store problems', async () => {
      const since = ['--since', '2026-12-01'];
      const cases: [Record<string, string>, RegExp][] = [
        [{ STORE: 'memory' }, /STORE=memory lives inside the bot process/],
        [{ STORE: `sqlite:${join(dir, 'typo.sqlite')}` }, /STORE: no SQLite file at .*typo\.sqlite/],
        [{ STORE: 'mysql://x' }, /^audit-export: STORE: "mysql:\/\/x" is not/],
        [{ STORE: `sqlite:${storeFile}`, DIRECTORY: `file:${join(dir, 'missing.json')}` }, /the directory cannot be loaded: DIRECTORY: file .*missing\.json cannot be read \(no such file\)/],
      ];
      for (const [env, message] of cases) {
        const r = await run(since, env);
        expect([r.code, r.stdout]).toEqual([2, '']);
        expect(r.stderr).toMatch(message);
        expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      }
      expect(existsSync(join(dir, 'typo.sqlite'))).toBe(false);
      // A file at an older schema is not upgraded behind the bot's back (one-way: an older bot could no longer open it).
      const older = join(dir, 'older.sqlite');
      await createSqliteStore(older).close();
      const raw = new Database(older);
      raw.prepare('DELETE FROM schema_migrations WHERE version = ?').run(SCHEMA_VERSION);
      raw.close();
      const refused = await run(since, { STORE: `sqlite:${older}` });
      expect([refused.code, refused.stdout]).toEqual([2, '']);
      expect(refused.stderr).toMatch(/^audit-export: STORE: .*older\.sqlite has schema version \d+; this release uses \d+\. Start the bot of this release on it once to upgrade it/);
      const check = new Database(older, { readonly: true });
      expect(check.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get()).toBe(SCHEMA_VERSION - 1);
      check.close();
      const unwritable = await run([...since, '--out', join(dir, 'no-such-dir', 'audit.csv')]);
      expect([unwritable.code, unwritable.stdout]).toEqual([2, '']);
      expect(unwritable.stderr).toMatch(/cannot write .*audit\.csv/);
    });

    it('--help prints the usage on stdout, with the UTC rule for dates', async () => {
      const r = await run(['--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/2026-12-01 \(midnight UTC\)/);
      expect(r.stderr).toBe('');
    });
  });

  it('--out writes the file whole, and replaces an existing one', async () => {
    const out = join(dir, 'audit.jsonl');
    writeFileSync(out, 'old\n');
    const stderr = sink();
    const code = await runAuditExport(['--since', '2026-11-23', '--out', out], { env: { STORE: `sqlite:${storeFile}` }, stdout: sink(), stderr });
    expect(code).toBe(0);
    expect(jsonl(readFileSync(out, 'utf8')).map((r) => r.id)).toEqual(all.map((e) => e.id));
    expect(stderr.text()).toBe(`audit-export: ${all.length} entries written to ${out}\n`);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('--out follows a link, keeps the file\'s mode, writes a pipe in place, refuses a directory, and - is stdout', async () => {
    const exportTo = async (out: string) => {
      const stdout = sink();
      const stderr = sink();
      const code = await runAuditExport(['--since', '2026-11-23', '--out', out], { env: { STORE: `sqlite:${storeFile}` }, stdout, stderr });
      return { code, stdout: stdout.text(), stderr: stderr.text() };
    };
    const ids = all.map((e) => e.id);
    const outs = join(dir, 'outs');
    mkdirSync(outs);

    // A link: the file it points to is replaced, the link stays a link.
    const real = join(outs, 'real.jsonl');
    writeFileSync(real, 'old\n');
    chmodSync(real, 0o600);
    symlinkSync(real, join(outs, 'link.jsonl'));
    expect((await exportTo(join(outs, 'link.jsonl'))).code).toBe(0);
    expect(lstatSync(join(outs, 'link.jsonl')).isSymbolicLink()).toBe(true);
    expect(jsonl(readFileSync(real, 'utf8')).map((r) => r.id)).toEqual(ids);
    expect(statSync(real).mode & 0o777).toBe(0o600);

    // A named pipe (as /dev/null is a device): written in place, never renamed over.
    const fifo = join(outs, 'pipe');
    execFileSync('mkfifo', [fifo]);
    let piped = '';
    const reader = new Promise<void>((done) => createReadStream(fifo).on('data', (c) => (piped += c.toString())).on('end', () => done()));
    expect((await exportTo(fifo)).code).toBe(0);
    await reader;
    expect(jsonl(piped).map((r) => r.id)).toEqual(ids);
    expect(lstatSync(fifo).isFIFO()).toBe(true);

    const directory = await exportTo(outs);
    expect([directory.code, directory.stdout]).toEqual([2, '']);
    expect(directory.stderr).toMatch(/is a directory/);

    const dash = await exportTo('-');
    expect(dash.code).toBe(0);
    expect(jsonl(dash.stdout).map((r) => r.id)).toEqual(ids);
    expect(existsSync('-')).toBe(false);
    expect(readdirSync(outs).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('parses dates as midnight UTC and date-times without a zone as UTC', () => {
    expect(parseWhen('--since', '2026-12-01')).toBe(Date.parse('2026-12-01T00:00:00Z'));
    expect(parseWhen('--since', '2026-12-01T08:00Z')).toBe(Date.parse('2026-12-01T08:00:00Z'));
    expect(parseWhen('--since', '2026-12-01T08:00')).toBe(Date.parse('2026-12-01T08:00:00Z'));
    expect(parseWhen('--since', '2026-12-01T09:00:30.250+01:00')).toBe(Date.parse('2026-12-01T08:00:30.250Z'));
    expect(parseWhen('--since', '2026-12-01T07:00-0100')).toBe(Date.parse('2026-12-01T08:00:00Z'));
    expect(parseWhen('--since', '2024-02-29')).toBe(Date.parse('2024-02-29T00:00:00Z'));
  });

  it('the compiled command (npm run audit runs the same file) exports CSV from the SQLite store while the bot has it open', { timeout: 120_000 }, async () => {
    const child = spawn(process.execPath, [join(ROOT, '.test-dist/cli/audit-export.js'), '--since', '2026-11-23T08:00Z', '--until', '2026-11-24', '--format', 'csv'], {
      cwd: dir, // no .env here: the environment below is all it reads
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, STORE: `sqlite:${storeFile}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const rows = csv(stdout);
    expect(rows.map((r) => r.id)).toEqual(all.map((e) => e.id));
    expect(rows[0]).toMatchObject({ actor: 'liam.oconnor@northwind.example', target: 'training@northwind.example' });
  });
});
