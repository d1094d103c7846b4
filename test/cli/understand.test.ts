import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_NOW, judge, readCorpus } from '../language/score.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../language/fixtures/${name}`, import.meta.url));

/** Runs the real command exactly as the scorer does: `npm run --silent understand -- ...`. */
function run(args: string[], input: string) {
  return spawnSync('npm', ['run', '--silent', 'understand', '--', ...args], { cwd: root, input, encoding: 'utf8', timeout: 150_000 });
}
/** The same entry point without npm in front (faster, for the error paths). */
function runDirect(args: string[], input: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/understand.ts', ...args], { cwd: root, input, encoding: 'utf8', timeout: 150_000 });
}

// Each test starts real processes (tsx compiles the CLI on every start): seconds each on an idle machine,
// far more on a busy one, so these tests get minutes rather than the suite's default.
const SPAWNING = { timeout: 300_000 };

describe('understand command', () => {
  it('answers the shared sample with one clean JSON line per request, all understood', SPAWNING, () => {
    const cases = readCorpus(fixture('eval-sample/understand-sample.jsonl'));
    const groups = new Map<string, number[]>();
    cases.forEach((c, i) => {
      const key = `${c.as}\u0000${c.now ?? DEFAULT_NOW}`;
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    let passed = 0;
    let wrong = 0;
    for (const [key, indexes] of groups) {
      const [as, now] = key.split('\u0000') as [string, string];
      const r = run(['--directory', fixture('eval-sample/sample-directory.json'), '--as', as, '--now', now], indexes.map((i) => cases[i]!.text).join('\n') + '\n');
      expect(r.status).toBe(0);
      const lines = r.stdout.split('\n').filter((l) => l !== '');
      expect(lines).toHaveLength(indexes.length);
      indexes.forEach((caseIndex, k) => {
        const out = JSON.parse(lines[k]!);
        expect(Object.keys(out)).toEqual(['intent', 'permission', 'grantee', 'target', 'duration', 'until', 'language']);
        const verdict = judge(cases[caseIndex]!, out);
        if (verdict.ok) passed++;
        if (verdict.wrongAction) wrong++;
      });
    }
    expect(passed).toBe(cases.length);
    expect(wrong).toBe(0);
  });

  it('reads a question about what the bot did as no request, with or without its question mark', SPAWNING, () => {
    const [first] = readCorpus(fixture('eval-sample/understand-sample.jsonl'));
    const texts = ['what did the bot remove today', 'what did the bot remove today?', 'wat heeft de bot vandaag weggehaald', 'what has the bot revoked on Training', "remove Megan's send as on Training"];
    const r = runDirect(['--directory', fixture('eval-sample/sample-directory.json'), '--as', first!.as, '--now', DEFAULT_NOW], texts.join('\n') + '\n');
    expect(r.status).toBe(0);
    const intents = r.stdout.trim().split('\n').map((l) => JSON.parse(l).intent);
    expect(intents).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'revoke']);
  });

  it('keeps line counts for bad lines: empty, 100 KB, control characters, lone CR, U+2028, markup', SPAWNING, () => {
    const bad = ['', 'x'.repeat(100 * 1024), 'give Megan\u0000 send-as on Training', 'give Megan\rsend-as', 'a\u2028b', '<script>alert(1)</script>', "x; Remove-Mailbox -Identity Support", '\u0007\u001b[31m'];
    const r = run(['--directory', fixture('eval-sample/sample-directory.json'), '--as', 'u-alex', '--now', DEFAULT_NOW], bad.join('\n') + '\n');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(bad.length);
    const outs = lines.map((l) => JSON.parse(l));
    expect(outs[0].intent).toBe('unknown');
    expect(outs[1].intent).toBe('unknown');
    expect(outs[2].intent).toBe('unknown');
    // None of them may come out as a fully resolved grant or revoke.
    const confident = outs.filter((o) => ['grant', 'revoke'].includes(o.intent) && o.grantee?.status === 'resolved' && o.target?.status === 'resolved');
    expect(confident).toEqual([]);
  });

  it('prints the usage on stdout and exits 0 for --help and -h, also after other arguments', SPAWNING, () => {
    for (const args of [['--help'], ['-h'], ['--directory', '/nonexistent/dir.json', '--help']]) {
      const r = runDirect(args, '');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^usage: understand --directory PATH --as USER_ID/);
      expect(r.stdout).toContain('--explain');
      expect(r.stderr).toBe('');
    }
  });

  it('exits 2 with a message on stderr and nothing on stdout for a bad directory, an unknown --as or a bad --now', SPAWNING, () => {
    const cases = [
      ['--directory', '/nonexistent/dir.json', '--as', 'u-alex'],
      ['--directory', fixture('eval-sample/sample-directory.json'), '--as', 'u-nobody'],
      ['--directory', fixture('eval-sample/sample-directory.json'), '--as', 'u-alex', '--now', 'next tuesday'],
      ['--directory', fixture('eval-sample/sample-directory.json')],
    ];
    for (const args of cases) {
      const r = runDirect(args, 'help\n');
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/understand: /);
    }
  });

  it('reads entities the way the bot does, and with --html each line as an HTML attachment of an empty message', SPAWNING, () => {
    const args = ['--directory', fixture('northwind-directory.json'), '--as', 'u-emma', '--now', DEFAULT_NOW];
    const plain = runDirect(args, 'give Priya send on behalf of &quot;Training&quot;\ngive O&#39;Connor full access to Facturen\n');
    expect(plain.status).toBe(0);
    expect(plain.stdout.trim().split('\n').map((l) => JSON.parse(l))).toMatchObject([
      { intent: 'grant', permission: 'SendOnBehalf', grantee: { id: 'u-priya' }, target: { id: 'g-training' } },
      { intent: 'grant', permission: 'FullAccess', grantee: { id: 'u-liam' }, target: { id: 's-invoices' } },
    ]);
    const html = runDirect([...args, '--html'], '<div><at id="0">Bot</at>&nbsp;geef <b>O&#39;Connor</b> volledige toegang tot Facturen</div>\n');
    expect(JSON.parse(html.stdout)).toMatchObject({ intent: 'grant', permission: 'FullAccess', grantee: { id: 'u-liam' }, language: 'nl' });
  });

  it('answers a request with pasted PowerShell after it as unknown, never as a query (en, nl)', SPAWNING, () => {
    const args = ['--directory', fixture('northwind-directory.json'), '--as', 'u-liam', '--now', DEFAULT_NOW];
    const lines = [
      'give Zoë full access to Support -Confirm:$false',
      "give Zoë full access to Support'; Remove-Mailbox -Identity x -Confirm:$false; '",
      'geef Zoë volledige toegang tot Support -Confirm:$false',
      'give Zoë full access to Support',
    ];
    const r = runDirect(args, lines.join('\n') + '\n');
    expect(r.status).toBe(0);
    const unknown = { intent: 'unknown', permission: null, grantee: null, target: null, duration: null, until: null };
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { ...unknown, language: 'en' },
      { ...unknown, language: 'en' },
      { ...unknown, language: 'nl' },
      { intent: 'grant', permission: 'FullAccess', grantee: { status: 'resolved', id: 'u-zoe' }, target: { status: 'resolved', id: 's-support' }, duration: null, until: null, language: 'en' },
    ]);
  });

  it('adds grantees and the explanation after the contract keys with --explain, and only then', SPAWNING, () => {
    const args = ['--directory', fixture('northwind-directory.json'), '--as', 'u-emma', '--now', DEFAULT_NOW];
    const r = runDirect([...args, '--explain'], 'give Zoë and Priya full access to Facturen\n');
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['intent', 'permission', 'grantee', 'target', 'duration', 'until', 'language', 'grantees', 'explain']);
    expect(out.grantees).toEqual([{ status: 'resolved', id: 'u-zoe' }, { status: 'resolved', id: 'u-priya' }]);
    expect(out.explain.mentions.find((m: { role?: string }) => m.role === 'target')).toMatchObject({ text: 'Facturen', cues: expect.arrayContaining(['accessTo']) });
    expect(Object.keys(JSON.parse(runDirect(args, 'give Zoë and Priya full access to Facturen\n').stdout))).toHaveLength(7);
  });

  it('reads numeric dates in the --locale given, and without one in the requester\'s directory language', SPAWNING, () => {
    const args = ['--directory', fixture('eval-sample/sample-directory.json'), '--as', 'u-alex', '--now', DEFAULT_NOW];
    const text = 'give Lynne send as on Info until 1/2\n';
    const until = (extra: string[]) => JSON.parse(runDirect([...args, ...extra], text).stdout);
    expect(until(['--locale', 'en-US'])).toMatchObject({ intent: 'grant', until: '2027-01-02' });
    expect(until(['--locale=nl-NL'])).toMatchObject({ intent: 'grant', until: '2027-02-01' });
    // Without --locale, the requester's language in the directory (Alex: en-US).
    const fallback = until([]);
    expect(Object.keys(fallback)).toHaveLength(7);
    expect(fallback).toMatchObject({ intent: 'grant', until: '2027-01-02' });
  });
});
