/**
 * `npm run --silent understand -- --directory PATH --as USER_ID [--now ISO_TIME] [--locale BCP47] [--html] [--explain]`
 * (`--help` or `-h`: the usage on stdout, exit 0)
 *
 * One request per line on stdin, one SPEC section 5 JSON object per line on stdout, same order.
 * Nothing else goes to stdout. Setup errors (bad directory, unknown --as, bad --now) go to stderr
 * with exit code 2; a bad request line still gets its own (unknown) line, so counts always match.
 * Each line is cleaned as the bot cleans a message (`cleanInput`: entities, markup); `--html` reads
 * each line as the content of a `text/html` attachment of a message with empty text (Teams sends
 * some messages only so). `--explain` adds an `explain` key (rights, mentions, role cues) to each
 * object, after the contract keys: for tuning phrasings, not for the scorer. `--locale` is the requester's
 * client locale (`en-US`: numeric dates month first; any other: day first); without it a date such as
 * "1/2" that reads two ways is `unknown`, as the bot asks which is meant.
 */
import { loadDirectoryFile } from '../directory/file-directory.js';
import { cleanInput, toContractJson, understand } from '../language/understand.js';

function fail(message: string): never {
  process.stderr.write(`understand: ${message}\n`);
  process.exit(2);
}

const USAGE = 'usage: understand --directory PATH --as USER_ID [--now ISO_TIME] [--locale BCP47] [--html] [--explain]';

const HELP = `${USAGE}

Reads one request per line on stdin and writes one JSON object per line on stdout, in the same order.
  --directory PATH  the directory file (JSON) that names people and mailboxes
  --as USER_ID      the directory user who is asking
  --now ISO_TIME    the time of the requests, its offset the requester's (default: now; no offset: UTC)
  --locale BCP47    the requester's client locale (en-US: 1/2 is 2 January; others: 1 February; none: ask)
  --html            read each line as the HTML attachment of a message with empty text (Teams)
  --explain         add an "explain" key (rights, mentions, role cues) after the contract keys
  -h, --help        show this help
Setup errors go to stderr with exit code 2.
`;

/** The command line: required `--directory` and `--as`, optional `--now`, `--locale`, `--html`, `--explain`; exits on misuse. */
export function parseArgs(argv: string[]): { directory: string; as: string; now?: string; locale?: string; html: boolean; explain: boolean } {
  const out: Record<string, string> = {};
  const flags = { html: false, explain: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      // Asked for, so not an error: the usage on stdout, exit 0.
      process.stdout.write(HELP);
      process.exit(0);
    }
    if (arg === '--html' || arg === '--explain') {
      flags[arg.slice(2) as 'html' | 'explain'] = true;
      continue;
    }
    const m = /^--(directory|as|now|locale)(?:=(.*))?$/.exec(arg);
    if (!m) fail(`unexpected argument ${JSON.stringify(arg)}; ${USAGE}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '') fail(`--${m[1]} needs a value`);
    out[m[1]!] = value;
  }
  if (!out.directory) fail('--directory PATH is required');
  if (!out.as) fail('--as USER_ID is required');
  return { directory: out.directory, as: out.as, now: out.now, ...(out.locale ? { locale: out.locale } : {}), ...flags };
}

/** The instant and the UTC offset written in an ISO time ("2026-11-23T09:00:00+01:00" -> +60). */
export function parseNow(iso: string | undefined): { now: Date; utcOffsetMinutes: number } {
  if (iso === undefined) return { now: new Date(), utcOffsetMinutes: -new Date().getTimezoneOffset() };
  const text = iso.trim();
  const m = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text);
  // Without an offset the time is UTC (not the machine's zone), so a run reads the same everywhere.
  const now = new Date(m && !m[1] && text.length > 10 ? `${text.replace(' ', 'T')}Z` : text);
  if (!m || Number.isNaN(now.getTime())) fail(`--now ${JSON.stringify(iso)} is not an ISO 8601 time`);
  let utcOffsetMinutes = 0;
  const zone = m[1];
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    utcOffsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  return { now, utcOffsetMinutes };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let directory;
  try {
    directory = loadDirectoryFile(args.directory, '--directory');
  } catch (error) {
    fail((error as Error).message);
  }
  if (!(await directory.getUser(args.as))) fail(`--as ${JSON.stringify(args.as)} is not a user in ${args.directory}`);
  const { now, utcOffsetMinutes } = parseNow(args.now);

  // Split on "\n" only (not on a lone "\r" or U+2028 as readline would), so one line in is one line out.
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const input = Buffer.concat(chunks).toString('utf8');
  const lines = input.split('\n');
  if (lines.at(-1) === '') lines.pop();

  const out: string[] = [];
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    let json: object;
    try {
      const text = args.html ? cleanInput('', [line]) : cleanInput(line);
      const u = await understand(text, { directory, requesterId: args.as, now, utcOffsetMinutes, explain: args.explain, ...(args.locale ? { locale: args.locale } : {}) });
      json = args.explain
        ? { ...toContractJson(u), ...(u.grantees ? { grantees: u.grantees } : {}), ...(u.periodChoice ? { periodChoice: u.periodChoice } : {}), explain: u.explain }
        : toContractJson(u);
    } catch (error) {
      // A request line never stops the run; the reason goes to stderr.
      process.stderr.write(`understand: line ${out.length + 1}: ${(error as Error).message}\n`);
      json = { intent: 'unknown', permission: null, grantee: null, target: null, duration: null, until: null, language: 'en' };
    }
    out.push(JSON.stringify(json));
    if (out.length >= 1000) {
      process.stdout.write(out.join('\n') + '\n');
      out.length = 0;
    }
  }
  if (out.length) process.stdout.write(out.join('\n') + '\n');
}

await main();
