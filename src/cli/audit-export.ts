/**
 * `npm run --silent audit -- --since WHEN [--until WHEN] [--format csv|jsonl] [--out FILE]`
 *
 * The audit log from `--since` (inclusive) to `--until` (exclusive) or its end, oldest first, as CSV
 * with a header row or as JSON Lines, for an admin (issue 15). It reads the store and the directory
 * named by the same environment as the bot (STORE, DIRECTORY, ... and `.env`), so it can run beside
 * a running bot on the same store. Nothing but data goes to stdout.
 *
 * Exit codes: 0 done; 2 a setup error (bad argument or date, bad configuration, directory or store
 * that cannot be opened, output file that cannot be created), one line on stderr and nothing
 * written; 1 a failure during the export (store or directory gone), one line on stderr: what went to
 * stdout by then is incomplete, and an `--out` file is not created.
 */
import { createWriteStream, existsSync, realpathSync, type WriteStream } from 'node:fs';
import { chmod, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { stringify } from 'csv-stringify';
import dotenv from 'dotenv';
import pLimit from 'p-limit';
import { loadDirectory } from '../app.js';
import { loadConfig } from '../config.js';
import type { Directory } from '../directory/directory.js';
import { systemClock } from '../domain/clock.js';
import type { AuditEntry } from '../domain/engine-api.js';
import { RequestRepository } from '../domain/request-repository.js';
import type { DurableStore } from '../store/durable-store.js';
import { openStore } from '../store/index.js';
import { storeTenantMismatch } from '../store-tenant.js';

export const USAGE = `usage: npm run --silent audit -- --since WHEN [--until WHEN] [--format csv|jsonl] [--out FILE]

  --since WHEN    first moment to export (inclusive), required
  --until WHEN    moment to stop at (exclusive); default: the end of the log
  --format F      csv (header row, formula-like values prefixed with ') or jsonl (default)
  --out FILE      write to FILE (a file is replaced only when the export completes; a
                  link is followed; /dev/null and pipes are written in place; - is stdout);
                  default: stdout
  --help          this text

WHEN is an ISO 8601 date or date-time: 2026-12-01 (midnight UTC), 2026-12-01T08:00Z,
2026-12-01T09:00+01:00. A date-time without Z or an offset is UTC too.
Reads STORE, DIRECTORY and the rest of the bot's environment (and .env) as the bot does.
Columns: at, id, requestId, action, outcome, actorId, actor, granteeId, grantee, targetId, target, from, to, detail`;

/** The columns of the export, in CSV order; JSONL objects have the same keys in the same order. */
export const COLUMNS = ['at', 'id', 'requestId', 'action', 'outcome', 'actorId', 'actor', 'granteeId', 'grantee', 'targetId', 'target', 'from', 'to', 'detail'] as const;

/**
 * One exported audit entry. `at` is ISO 8601 in UTC with milliseconds (`2026-12-01T08:00:00.000Z`);
 * `actor`, `grantee` and `target` are the directory's mail address for the id beside them (its
 * display name when it has no mail; the id itself when the directory does not know it; `system`
 * for timers; empty when the id is empty, as for a refusal that names no request).
 */
export type AuditRow = Record<(typeof COLUMNS)[number], string>;

export type AuditFormat = 'csv' | 'jsonl';

/** The default number of entries read from the store at a time. */
export const PAGE_SIZE = 500;

export interface AuditExportOptions {
  store: DurableStore;
  directory: Directory;
  /** Epoch ms, inclusive. */
  since: number;
  /** Epoch ms, exclusive; none: to the end of the log as it is when the export gets there. */
  until?: number;
  format: AuditFormat;
  out: Writable;
  /** Whether to end `out` when done (false for stdout). Default true. */
  end?: boolean;
  /** Entries read per page (default `PAGE_SIZE`); tests make it small to cross pages. */
  pageSize?: number;
}

/**
 * Streams the audit entries in [since, until) oldest first into `out` in `format`. Memory stays
 * constant: one page of entries (plus a bounded cache of directory names) at a time, with
 * backpressure from `out`. Resolves with the number of entries written once `out` has them all.
 */
export async function exportAudit(options: AuditExportOptions): Promise<{ entries: number }> {
  let count = 0;
  const names = new NameResolver(options.directory);
  async function* rows(): AsyncGenerator<AuditRow> {
    for await (const page of auditPages(options.store, options.since, options.until, options.pageSize ?? PAGE_SIZE)) {
      const resolved = await names.rows(page);
      count += resolved.length;
      yield* resolved;
    }
  }
  await pipeline(Readable.from(rows()), formatter(options.format), options.out, { end: options.end ?? true });
  return { entries: count };
}

/**
 * The entries of `audit:all` with `since <= at < until`, a page at a time, oldest first, through
 * `RequestRepository.auditFrom` (as `RequestEngine.auditSince` reads them), stopping at the first
 * entry at or after `until`: the index is ordered by time, so nothing later is read.
 */
export async function* auditPages(store: DurableStore, since: number, until: number | undefined, pageSize: number): AsyncGenerator<AuditEntry[]> {
  // Read-only: the repository's lifecycle settings only matter to commits, which this never makes.
  const repo = new RequestRepository(store, systemClock, { approverReminderMs: 0, requestExpiryMs: 0, maxRechecks: 0 });
  let before: string | undefined;
  do {
    const page = await repo.auditFrom(since, { limit: pageSize, ...(before ? { before } : {}) });
    const ended = until !== undefined ? page.entries.findIndex((entry) => entry.at >= until) : -1;
    // A fractional `since` may let in entries of the same millisecond just before it.
    const entries = (ended >= 0 ? page.entries.slice(0, ended) : page.entries).filter((entry) => entry.at >= since);
    if (entries.length) yield entries;
    if (ended >= 0) return;
    before = page.next;
  } while (before);
}

/**
 * Mail addresses (else display names) for people and mailboxes/groups, from the directory. Lookups
 * run a few at a time and are cached, up to `limit` ids (then the cache starts over), so a long
 * export asks the directory about each person about once without holding the whole tenant.
 */
class NameResolver {
  private readonly cache = new Map<string, Promise<string>>();
  private readonly lookups = pLimit(8);

  constructor(
    private readonly directory: Directory,
    private readonly limit = 10_000,
  ) {}

  async rows(entries: AuditEntry[]): Promise<AuditRow[]> {
    return Promise.all(
      entries.map(async (e): Promise<AuditRow> => {
        const [actor, grantee, target] = await Promise.all([this.person(e.actorId), this.person(e.granteeId), this.target(e.targetId)]);
        return {
          at: new Date(e.at).toISOString(),
          id: e.id,
          requestId: e.requestId,
          action: e.action,
          outcome: e.outcome,
          actorId: e.actorId,
          actor,
          granteeId: e.granteeId,
          grantee,
          targetId: e.targetId,
          target,
          from: e.from ?? '',
          to: e.to ?? '',
          detail: e.detail ?? '',
        };
      }),
    );
  }

  private person(id: string): Promise<string> {
    if (id === '' || id === 'system') return Promise.resolve(id);
    return this.cached(`p:${id}`, async () => {
      const user = await this.directory.getUser(id);
      return user?.mail || user?.displayName || id;
    });
  }

  private target(id: string): Promise<string> {
    if (id === '') return Promise.resolve('');
    return this.cached(`t:${id}`, async () => {
      const target = await this.directory.getTarget(id);
      return target?.mail || target?.displayName || id;
    });
  }

  private cached(key: string, load: () => Promise<string>): Promise<string> {
    let hit = this.cache.get(key);
    if (!hit) {
      if (this.cache.size >= this.limit) this.cache.clear();
      hit = this.lookups(load);
      this.cache.set(key, hit);
    }
    return hit;
  }
}

/** Rows in, text out: CSV with a header row, or one JSON object per line. Both end lines with "\n". */
function formatter(format: AuditFormat): Transform {
  if (format === 'csv') {
    // `detail` (and a reason, a name) can carry text a user typed. A spreadsheet opening the file
    // runs a cell starting with = + - @ (or tab/CR) as a formula, which can fetch URLs or run
    // commands (CSV injection): `escape_formulas` prefixes such values with a single quote, so they
    // show as text. Quoting of commas, quotes and newlines is csv-stringify's (RFC 4180).
    return stringify({ header: true, columns: [...COLUMNS], escape_formulas: true });
  }
  return new Transform({
    writableObjectMode: true,
    transform(row: AuditRow, _encoding, done) {
      // JSON needs no such escaping; empty values (no from/to/detail, no request) are left out.
      const compact = Object.fromEntries(Object.entries(row).filter(([, value]) => value !== ''));
      done(null, `${JSON.stringify(compact)}\n`);
    },
  });
}

// --- arguments -------------------------------------------------------------------------------

/** A setup problem: one line on stderr, exit code 2, nothing written. */
export class UsageError extends Error {}

export interface AuditArgs {
  /** Epoch ms, inclusive. */
  since: number;
  /** Epoch ms, exclusive. */
  until?: number;
  format: AuditFormat;
  out?: string;
  help: boolean;
}

/** Parses the command line (`--name VALUE` or `--name=VALUE`); throws `UsageError` on anything wrong. */
export function parseArgs(argv: string[]): AuditArgs {
  const values: Partial<Record<'since' | 'until' | 'format' | 'out', string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { since: 0, format: 'jsonl', help: true };
    const m = /^--(since|until|format|out)(?:=(.*))?$/s.exec(arg);
    if (!m) throw new UsageError(`unexpected argument ${JSON.stringify(arg)} (see --help)`);
    const name = m[1] as keyof typeof values;
    if (values[name] !== undefined) throw new UsageError(`--${name} given twice`);
    // "--since --format csv": the next option is not --since's value.
    const value = m[2] ?? (argv[i + 1]?.startsWith('--') ? undefined : argv[++i]);
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    values[name] = value;
  }
  if (values.since === undefined) throw new UsageError('--since WHEN is required (e.g. --since 2026-12-01; see --help)');
  const since = parseWhen('--since', values.since);
  const until = values.until === undefined ? undefined : parseWhen('--until', values.until);
  if (until !== undefined && until <= since) throw new UsageError(`--until ${values.until} is not after --since ${values.since}`);
  const format = values.format ?? 'jsonl';
  if (format !== 'csv' && format !== 'jsonl') throw new UsageError(`--format ${JSON.stringify(format)} is not csv or jsonl`);
  return { since, ...(until !== undefined ? { until } : {}), format, ...(values.out !== undefined ? { out: values.out } : {}), help: false };
}

const WHEN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * An ISO 8601 date or date-time as epoch ms. A date is midnight UTC; a date-time without a zone is
 * UTC (not the machine's zone, so a command means the same everywhere). Impossible dates
 * (2026-02-30, 24:00) are refused rather than rolled over.
 */
export function parseWhen(option: string, text: string): number {
  const m = WHEN.exec(text.trim());
  const bad = () => new UsageError(`${option} ${JSON.stringify(text)} is not an ISO 8601 date or date-time (e.g. 2026-12-01 or 2026-12-01T08:00Z)`);
  if (!m) throw bad();
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const utc = new Date(Date.UTC(year!, month! - 1, day!, hour, minute, second, ms));
  utc.setUTCFullYear(year!); // Date.UTC reads years 0-99 as 1900-1999
  if (utc.getUTCMonth() !== month! - 1 || utc.getUTCDate() !== day! || utc.getUTCHours() !== hour || utc.getUTCMinutes() !== minute || utc.getUTCSeconds() !== second) {
    throw bad();
  }
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2));
    if (hours > 23 || minutes > 59) throw bad();
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  return utc.getTime() - offsetMinutes * 60_000;
}

// --- the command -----------------------------------------------------------------------------

/**
 * The command: arguments, configuration, directory, store, output, export. Returns the exit code;
 * writes only data to `stdout` and at most one line to `stderr` (plus the store's own warnings).
 */
export async function runAuditExport(
  argv: string[],
  io: { env: Record<string, string | undefined>; stdout: Writable; stderr: Writable } = { env: process.env, stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const say = (line: string) => io.stderr.write(`audit-export: ${line}\n`);
  let args: AuditArgs;
  let setup: { store: DurableStore; directory: Directory };
  try {
    args = parseArgs(argv);
    if (args.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    setup = await openSources(io.env, say);
  } catch (error) {
    say(oneLine(error));
    return 2;
  }
  try {
    let out: Writable = io.stdout;
    let file: { path: string; partial?: string; stream: WriteStream } | undefined;
    if (args.out !== undefined && args.out !== '-') {
      try {
        file = await openOutput(args.out);
        out = file.stream;
      } catch (error) {
        say(oneLine(error));
        return 2;
      }
    }
    try {
      const { entries } = await exportAudit({ ...setup, since: args.since, ...(args.until !== undefined ? { until: args.until } : {}), format: args.format, out, end: file !== undefined });
      if (file) {
        if (file.partial) await rename(file.partial, file.path);
        say(`${entries} entries written to ${args.out}`);
      }
      return 0;
    } catch (error) {
      if (file) {
        file.stream.destroy();
        if (file.partial) await rm(file.partial, { force: true });
      }
      say(`export failed: ${oneLine(error)}`);
      return 1;
    }
  } finally {
    await setup.store.close();
  }
}

/** The configuration, the directory and the store, as the bot opens them; throws with one line. */
async function openSources(env: Record<string, string | undefined>, say: (line: string) => void): Promise<{ store: DurableStore; directory: Directory }> {
  const config = loadConfig(env);
  if (config.STORE.kind === 'memory') throw new UsageError('STORE=memory lives inside the bot process: there is no log to export from here; set STORE to the bot\'s sqlite:, redis:// or postgres:// store');
  // Opening a SQLite path creates the file: a mistyped path would export an empty log (and leave a file behind).
  if (config.STORE.kind === 'sqlite' && !existsSync(resolve(config.STORE.path))) throw new UsageError(`STORE: no SQLite file at ${resolve(config.STORE.path)}`);
  let directory: Directory;
  try {
    directory = await loadDirectory(config);
  } catch (error) {
    // A file's problems name DIRECTORY already (`DIRECTORY: file ... cannot be read (no such file)`).
    const reason = oneLine(error);
    throw new UsageError(`the directory ${reason.startsWith('DIRECTORY:') ? '' : '(DIRECTORY) '}cannot be loaded: ${reason}`);
  }
  let store: DurableStore;
  try {
    // An export only reads: it never upgrades a file a bot of the older release may still need.
    store = await openStore(config.STORE, (message, error) => say(`store: ${message}${error ? `: ${oneLine(error)}` : ''}`), { upgrade: false });
  } catch (error) {
    // openStore's refusals already name STORE (`STORE: cannot open ...`); others get the prefix.
    const message = oneLine(error);
    throw new UsageError(message.startsWith('STORE:') ? message : `the store (STORE) cannot be opened: ${message}`);
  }
  // Another tenant's directory would name other people (or nobody) for the ids in the log.
  const mismatch = await storeTenantMismatch(store, directory, 'check', Date.now()).catch(async (error: unknown) => {
    await store.close();
    throw new UsageError(`the store (STORE) cannot be read: ${oneLine(error)}`);
  });
  if (mismatch) {
    await store.close();
    throw new UsageError(mismatch.message);
  }
  return { store, directory };
}

/**
 * Where `--out` writes. A regular file (or a new one) is written as a temporary file beside it,
 * with the old file's mode, and renamed over it when the export completes, so a failed export
 * leaves the old file as it was; a symbolic link is followed, so the file it points to is the one
 * replaced. Anything else that is not a directory (`/dev/null`, a pipe) is written in place:
 * renaming over a device would replace the device. `-` is stdout.
 */
async function openOutput(path: string): Promise<{ path: string; partial?: string; stream: WriteStream }> {
  const target = resolve(path);
  const existing = await stat(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new UsageError(`cannot write ${path}: ${oneLine(error)}`);
  });
  if (existing?.isDirectory()) throw new UsageError(`cannot write ${path}: it is a directory; give a file name`);
  const opened = async (file: string, flags: string) => {
    const stream = createWriteStream(file, { flags });
    await new Promise<void>((ready, failed) => {
      stream.once('open', () => ready());
      stream.once('error', (error) => failed(new UsageError(`cannot write ${path}: ${oneLine(error)}`)));
    });
    return stream;
  };
  if (existing && !existing.isFile()) return { path: target, stream: await opened(target, 'w') };
  const real = existing ? await realpath(target) : target;
  const partial = join(dirname(real), `.${basename(real)}.${process.pid}.partial`);
  const stream = await opened(partial, 'wx');
  if (existing) await chmod(partial, existing.mode & 0o7777);
  return { path: real, partial, stream };
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/** True when this module is the program node runs (not imported by a test). */
function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  dotenv.config({ quiet: true });
  process.exitCode = await runAuditExport(process.argv.slice(2));
}
