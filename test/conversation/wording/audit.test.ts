import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { strings } from '../../../src/conversation/wording/strings.js';
import { Names } from '../../../src/conversation/wording/names.js';
import { AUDIT_ACTION_KEYS, auditActionWords, auditView } from '../../../src/conversation/wording/views.js';
import { loadDirectoryFile } from '../../../src/directory/file-directory.js';
import type { AuditEntry } from '../../../src/domain/engine-api.js';
import { AUDIT_ACTIONS } from '../../../src/domain/engine-api.js';
import type { SimulatedPermissionService } from '../../../src/permissions/simulated.js';
import { CONTOSO, conversationHarness, type ConversationHarness } from '../harness.js';
import { PEOPLE } from '../scripts/spec-conversations.js';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
const MINUTE = 60_000;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Every audit action written in src/: the value given to `action` (each arm of a ternary too), and the
 * action argument of `moveTo(r, to, actor, 'action', ...)` and `auditRefusal(id, actor, 'action', ...)`.
 * The type check already holds writers to `AuditAction`; this also catches a writer that gets around it.
 */
function actionsWrittenInSrc(): Set<string> {
  const found = new Set<string>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    // `action: 'x'`, `action = 'x'`, and ternaries `action: a ? 'x' : b ? 'y' : 'z'` (not a type such as `action: 'revoke' | 'retry'`).
    for (const m of text.matchAll(/\baction(?::|\s*=)\s*((?:[\w.!]+\s*\?\s*'[a-z_]+'\s*:\s*)*'[a-z_]+')(?!\s*\|)/g)) {
      for (const word of m[1]!.matchAll(/'([a-z_]+)'/g)) found.add(word[1]!);
    }
    for (const m of text.matchAll(/moveTo\([^,]+,[^,]+,[^,]+,\s*'([a-z_]+)'/g)) found.add(m[1]!);
    for (const m of text.matchAll(/auditRefusal\([^,]+,[^,]+,\s*'([a-z_]+)'/g)) found.add(m[1]!);
  }
  return found;
}

describe('every audit action has words', () => {
  it('the actions written in src/ are all on the AUDIT_ACTIONS list', () => {
    const written = actionsWrittenInSrc();
    // The scan finds the writers it should (not an empty set from a broken pattern).
    for (const action of ['created', 'revoke_reminder', 'not_yet_visible', 'recheck_scheduled', 'checks_ended', 'removal_confirmed', 'apply_retry_scheduled', 'delivery_failed', 'decide']) expect(written).toContain(action);
    expect([...written].filter((action) => !(AUDIT_ACTIONS as readonly string[]).includes(action))).toEqual([]);
  });

  it('each action has its own phrase in English and Dutch, without codes or escapes', () => {
    expect(Object.keys(AUDIT_ACTION_KEYS).sort()).toEqual([...AUDIT_ACTIONS].sort());
    for (const lang of ['en', 'nl'] as const) {
      for (const action of AUDIT_ACTIONS) {
        const key = AUDIT_ACTION_KEYS[action];
        expect(strings(lang)[key], `${lang} ${key}`).toBeTruthy();
        const words = auditActionWords(action, lang);
        expect(words, `${lang} ${action}`).not.toMatch(/[_\\{}]/);
      }
      const phrases = AUDIT_ACTIONS.map((action) => auditActionWords(action, lang));
      expect(new Set(phrases).size, `${lang}: two actions share a phrase`).toBe(phrases.length);
    }
    for (const action of AUDIT_ACTIONS) expect(auditActionWords(action, 'nl'), action).not.toBe(auditActionWords(action, 'en'));
  });

  it('the actions the tester saw as codes read as words', () => {
    const en = (a: string) => auditActionWords(a, 'en');
    const nl = (a: string) => auditActionWords(a, 'nl');
    expect(['revoke_reminder', 'approver_reminder', 'apply_resumed', 'apply_retry_scheduled', 'recheck_scheduled', 'not_yet_visible'].map(en)).toEqual([
      'reminded the requester that it ends',
      'reminded the approvers',
      'resumed applying',
      'could not apply yet; will try again',
      'did not see it yet; will check again soon',
      'still did not see it; told the admins',
    ]);
    expect(['revoke_reminder', 'approver_reminder', 'apply_resumed', 'apply_retry_scheduled', 'recheck_scheduled', 'not_yet_visible'].map(nl)).toEqual([
      'herinnerde de aanvrager aan het einde',
      'herinnerde de goedkeurders',
      'ging verder met toepassen',
      'kon nog niet toepassen; probeert het opnieuw',
      'zag het nog niet; controleert zo opnieuw',
      'zag het nog steeds niet; beheerders ingelicht',
    ]);
    expect([en('approver_unreachable'), en('delivery_failed'), en('revoke_failed')]).toEqual(['could not reach an approver', 'could not deliver a message', 'failed to revoke']);
    expect([nl('approver_unreachable'), nl('delivery_failed'), nl('revoke_failed')]).toEqual(['kon een goedkeurder niet bereiken', 'kon een bericht niet bezorgen', 'intrekken mislukt']);
  });

  it('an action from a newer version is shown as plain words, never as an escaped code', () => {
    expect(auditActionWords('quota_warning', 'en')).toBe('recorded: quota warning');
    expect(auditActionWords('quota_warning', 'nl')).toBe('legde vast: quota warning');
    expect(auditActionWords('*[evil](x)*_{$}', 'en')).toBe('recorded: evil x');
    expect(auditActionWords('___', 'en')).toBe('recorded: ?');
    // Names of Object.prototype are not actions.
    expect(auditActionWords('constructor', 'en')).toBe('recorded: constructor');
  });
});

describe('the history card of a request the bot retried and rechecked', () => {
  let h: ConversationHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('reads as words in English and Dutch', async () => {
    // The simulated service shows a change only after 30 minutes: the first check, at 10, does not see it.
    h = await conversationHarness({ env: { SIMULATED_VISIBILITY_DELAY: '30m' } });
    await h.say('alex', 'give Megan send as on Training');
    const [request] = await h.app.engine.requestsOf(PEOPLE.alex.id);
    const id = request!.id;
    h.clock.advance(24 * 60 * MINUTE); // the approvers' reminder
    await h.app.engine.idle();
    (h.app.permissions as SimulatedPermissionService).faults.push({ kind: 'unavailable', status: 503 });
    await h.click('adele', 'approve', { requestId: id });
    for (let i = 0; i < 4; i++) {
      h.clock.advance(5 * MINUTE);
      await h.app.engine.idle();
    }
    const actions = (await h.app.engine.audit(PEOPLE.nestor.id, { requestId: id }, { limit: 50 })).entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['approver_reminder', 'apply_retry_scheduled', 'recheck_scheduled']));

    const en = await h.say('nestor', `audit ${id}`);
    const enLines = en[0]!.kind === 'audit' ? en[0]!.view.lines.map((l) => l.text) : [];
    const about = `(${id}: Megan Bowen on Training)`;
    expect(enLines).toContain(`the bot: reminded the approvers ${about}`);
    expect(enLines).toContain(`the bot: could not apply yet; will try again (error) ${about}`);
    expect(enLines).toContain(`the bot: did not see it yet; will check again soon ${about}`);
    expect(enLines.join('\n')).not.toMatch(/\\|_/);

    const nl = await h.say('nestor', `geschiedenis van ${id}`);
    const nlLines = nl[0]!.kind === 'audit' ? nl[0]!.view.lines.map((l) => l.text) : [];
    const over = `(${id}: Megan Bowen op Training)`;
    expect(nlLines).toContain(`de bot: herinnerde de goedkeurders ${over}`);
    expect(nlLines).toContain(`de bot: kon nog niet toepassen; probeert het opnieuw (fout) ${over}`);
    expect(nlLines).toContain(`de bot: zag het nog niet; controleert zo opnieuw ${over}`);
    expect(nlLines.join('\n')).not.toMatch(/\\|_/);
  });
});

describe('the line of the request itself', () => {
  let h2: ConversationHarness | undefined;
  afterEach(async () => {
    await h2?.close();
    h2 = undefined;
  });

  it('says a removal is a removal, and of which right, in English and Dutch; a grant names its right', async () => {
    h2 = await conversationHarness();
    await h2.say('miriam', "remove Isaiah's full access on Support");
    const [removal] = await h2.app.engine.requestsOf(PEOPLE.miriam.id);
    expect([removal?.kind, removal?.rights]).toEqual(['revoke', ['FullAccess']]);
    const id = removal!.id;
    const lines = async (text: string) => {
      const [reply] = await h2!.say('nestor', text);
      return reply?.kind === 'audit' ? reply.view.lines.map((l) => l.text) : [];
    };
    expect((await lines(`audit ${id}`)).at(-1)).toBe(`Miriam Graham: requested removal of Full Access (read and manage) for Isaiah Langer on Support (${id})`);
    expect((await lines(`geschiedenis van ${id}`)).at(-1)).toBe(`Miriam Graham: vroeg verwijdering van Volledige toegang (Lezen en beheren) aan voor Isaiah Langer op Support (${id})`);

    await h2.say('alex', 'give Megan send as on Training');
    const [grant] = await h2.app.engine.requestsOf(PEOPLE.alex.id);
    expect((await lines(`audit ${grant!.id}`)).at(-1)).toBe(`Alex Wilber: requested Send As for Megan Bowen on Training (${grant!.id})`);
    expect((await lines(`geschiedenis van ${grant!.id}`)).at(-1)).toBe(`Alex Wilber: vroeg Verzenden als aan voor Megan Bowen op Training (${grant!.id})`);
  });

  it('the approval and the apply name the kind and the right too, in English and Dutch', async () => {
    h2 = await conversationHarness();
    await h2.say('alex', 'give Megan send as on Training');
    const [grant] = await h2.app.engine.requestsOf(PEOPLE.alex.id);
    await h2.click('adele', 'approve', { requestId: grant!.id });
    await h2.say('miriam', "remove Isaiah's full access on Support");
    const [removal] = await h2.app.engine.requestsOf(PEOPLE.miriam.id);
    await h2.app.engine.decide(removal!.id, removal!.approverIds[0]!, 'approve');
    await h2.app.engine.idle();
    const lines = async (text: string) => {
      const [reply] = await h2!.say('nestor', text);
      return reply?.kind === 'audit' ? reply.view.lines.map((l) => l.text) : [];
    };
    const approver = (await h2.app.directory.getUser(removal!.approverIds[0]!))!.displayName;
    expect(await lines(`audit ${grant!.id}`)).toEqual(expect.arrayContaining([
      `Adele Vance: approved Send As for Megan Bowen on Training (${grant!.id})`,
      `the bot: applied Send As for Megan Bowen on Training (${grant!.id})`,
    ]));
    expect(await lines(`geschiedenis van ${grant!.id}`)).toEqual(expect.arrayContaining([
      `Adele Vance: keurde Verzenden als goed voor Megan Bowen op Training (${grant!.id})`,
      `de bot: paste Verzenden als toe voor Megan Bowen op Training (${grant!.id})`,
    ]));
    expect(await lines(`audit ${removal!.id}`)).toEqual(expect.arrayContaining([
      `${approver}: approved removal of Full Access (read and manage) for Isaiah Langer on Support (${removal!.id})`,
      `the bot: removed Full Access (read and manage) for Isaiah Langer on Support (${removal!.id})`,
    ]));
    expect(await lines(`geschiedenis van ${removal!.id}`)).toEqual(expect.arrayContaining([
      `${approver}: keurde verwijdering van Volledige toegang (Lezen en beheren) goed voor Isaiah Langer op Support (${removal!.id})`,
      `de bot: verwijderde Volledige toegang (Lezen en beheren) voor Isaiah Langer op Support (${removal!.id})`,
    ]));
  });
});

describe('the requests a page reads', () => {
  it('reads each request once per page, however many of its lines the page shows', async () => {
    const names = new Names(loadDirectoryFile(CONTOSO));
    const entry = (id: string, requestId: string, action: string, at: number): AuditEntry => ({
      id, at, requestId, targetId: '5b0e0001-cccc-4ddd-8eee-000000000001', granteeId: PEOPLE.megan.id, actorId: 'system', action, outcome: 'ok',
    });
    const entries = [entry('a-4', 'REQ-2', 'created', 4), entry('a-3', 'REQ-1', 'applied', 3), entry('a-2', 'REQ-1', 'approved', 2), entry('a-1', 'REQ-1', 'created', 1)];
    const reads: string[] = [];
    const requestOf = async (id: string) => {
      reads.push(id);
      return { kind: id === 'REQ-1' ? ('revoke' as const) : ('grant' as const), rights: ['SendAs' as const] };
    };
    for (const lang of ['en', 'nl'] as const) {
      reads.length = 0;
      const view = await auditView('Support', { targetId: 'x' }, entries, undefined, names, { lang, timeZone: 'UTC' }, requestOf);
      expect(reads.sort()).toEqual(['REQ-1', 'REQ-2']);
      expect(view.lines).toHaveLength(4);
      // Every line of REQ-1 still says what it was.
      expect(view.lines.slice(1).every((l) => l.text.includes(lang === 'en' ? 'removal of Send As' : 'verwijdering van Verzenden als') || l.text.includes(lang === 'en' ? 'removed Send As' : 'verwijderde Verzenden als'))).toBe(true);
    }
  });
});

describe('a grant closed or ended for another request names that request and the right', () => {
  it('already held and ended with the right kept, in English and Dutch; without the other id, the plain words', async () => {
    const names = new Names(loadDirectoryFile(CONTOSO));
    const entry = (requestId: string, action: string, actorId: string): AuditEntry => ({
      id: `a-${requestId}`, at: 1, requestId, targetId: '5b0e0001-cccc-4ddd-8eee-000000000001', granteeId: PEOPLE.megan.id, actorId, action, outcome: 'ok',
    });
    const entries = [entry('REQ-A', 'already_held', PEOPLE.nestor.id), entry('REQ-C', 'ended_kept', 'system'), entry('REQ-D', 'already_held', 'system')];
    const requestOf = async (id: string) => ({
      kind: 'grant' as const,
      rights: ['FullAccess' as const],
      ...(id === 'REQ-A' ? { heldBy: 'REQ-B' } : id === 'REQ-C' ? { rightKeptBy: 'REQ-B' } : {}),
    });
    const lines = async (lang: 'en' | 'nl') => (await auditView('Support', { targetId: 'x' }, entries, undefined, names, { lang, timeZone: 'UTC' }, requestOf)).lines.map((l) => l.text);
    const nestor = await names.person(PEOPLE.nestor.id);
    const megan = await names.person(PEOPLE.megan.id);
    const target = (await names.target('5b0e0001-cccc-4ddd-8eee-000000000001')).name;
    expect(await lines('en')).toEqual([
      `${nestor}: closed: Full Access (read and manage) for ${megan} on ${target} already held through REQ-B (REQ-A)`,
      `the bot: ended Full Access (read and manage) for ${megan} on ${target} as planned; the right stays through REQ-B (REQ-C)`,
      `the bot: closed it as already held (REQ-D: ${megan} on ${target})`,
    ]);
    expect(await lines('nl')).toEqual([
      `${nestor}: gesloten: Volledige toegang (Lezen en beheren) voor ${megan} op ${target} al in bezit via REQ-B (REQ-A)`,
      `de bot: beëindigde Volledige toegang (Lezen en beheren) voor ${megan} op ${target} zoals gepland; het recht blijft via REQ-B (REQ-C)`,
      `de bot: sloot het als al in bezit (REQ-D: ${megan} op ${target})`,
    ]);
  });
});
