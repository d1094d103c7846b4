import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CARD_NAMES, CARDS_DIR, LANGS, escapeText, strings, t, type CardJson, type Lang } from '../../../src/channels/teams/cards.js';
import {
  accessCard,
  approvalCard,
  choiceCard,
  formatDuration,
  helpCard,
  holdingsCard,
  Names,
  noticeCard,
  statusCard,
  summaryCard,
  auditLayout,
} from '../../../src/channels/teams/views.js';
import { auditView } from '../../../src/conversation/wording/views.js';
import { loadDirectoryFile } from '../../../src/directory/file-directory.js';
import { SAMPLE_DIRECTORY_PATH } from '../../../src/config.js';
import type { PermissionRequest } from '../../../src/domain/request.js';
import { cardProblems } from './card-validation.js';
import { sampleRequest } from './fixtures.js';

const directory = loadDirectoryFile(SAMPLE_DIRECTORY_PATH);

const hostile = "x; Remove-Mailbox **bold** [click](http://evil.example) ${s.approve} {{DATE(2020-01-01T00:00:00Z)}} <at>x</at>\u0007\u202e";

const variants: PermissionRequest[] = [
  sampleRequest(),
  sampleRequest({ warnings: [{ code: 'replacement', replaces: 'SendOnBehalf' }, { code: 'not_a_member' }, { code: 'already_pending', requestId: 'req-0' }], reason: hostile, duration: 'P14D' }),
  sampleRequest({ state: 'rejected', decision: { verdict: 'rejected', by: 'u-emma', at: Date.parse('2026-11-23T09:30:00Z'), reason: 'not needed' } }),
  sampleRequest({ state: 'applied', decision: { verdict: 'approved', by: 'u-emma', at: Date.parse('2026-11-23T09:30:00Z') }, effectiveBy: Date.parse('2026-11-23T10:30:00Z') }),
  sampleRequest({ kind: 'revoke', rights: [], targetId: 'u-emma', targetKind: 'user', state: 'cancelled' }),
  sampleRequest({ rights: ['FullAccess'], targetId: 's-support', targetKind: 'shared', autoMapping: false, until: '2026-12-31', state: 'expired' }),
];

/** Every template, rendered through the real view builders, per language. */
async function renderAll(lang: Lang): Promise<Record<string, CardJson[]>> {
  const names = new Names(directory);
  const audience = { lang, timeZone: 'Europe/Amsterdam' };
  const out: Record<string, CardJson[]> = {};
  out.approval = await Promise.all(variants.map((r) => approvalCard(r, names, audience)));
  out.approval.push(await approvalCard(variants[0]!, names, audience, { reminder: true }));
  out.summary = await Promise.all(variants.map((r) => summaryCard(r, names, audience)));
  out.choice = [choiceCard(lang, t(lang, 'reply.chooseGrantee'), 'draft-1', 2, ['Jan Bakker', 'Jan de Vries', escapeText(hostile)])];
  out.notice = [noticeCard(lang, [t(lang, 'reply.notUnderstood')]), noticeCard(lang, ['a'], { facts: [{ title: 'x', value: escapeText(hostile) }], color: 'Good' })];
  out.status = [await statusCard(variants, [variants[0]!], names, audience), await statusCard([], [], names, audience)];
  out.access = [
    await accessCard(
      { target: { id: 'g-training', kind: 'group', displayName: 'Training', mail: 'training@northwind.example' }, holders: { FullAccess: [], SendAs: ['u-zoe'], SendOnBehalf: ['u-liam', 'u-priya'] }, propagating: [{ requestId: 'REQ-AAAAAA', kind: 'grant', granteeId: 'u-jan-b', targetId: 'g-training', right: 'SendAs', appliedAt: Date.parse('2026-11-23T08:00:00Z'), effectiveBy: Date.parse('2026-11-23T09:00:00Z') }] },
      names,
      audience,
      'https://admin.exchange.microsoft.com/#/mailboxes',
    ),
    await holdingsCard({ trusteeId: 'u-zoe', holdings: [{ targetId: 'g-training', targetKind: 'group', displayName: 'Training', rights: ['SendAs'] }], propagating: [] }, names, audience),
    await holdingsCard({ trusteeId: 'u-zoe', holdings: [], propagating: [] }, names, audience),
  ];
  const entries = [
    { id: 'a-2', at: Date.parse('2026-11-23T09:30:00Z'), requestId: 'req-1', targetId: 'g-training', granteeId: 'u-zoe', actorId: 'u-emma', action: 'approved', outcome: 'ok' as const },
    { id: 'a-1', at: Date.parse('2026-11-23T09:00:00Z'), requestId: 'req-1', targetId: 'g-training', granteeId: 'u-zoe', actorId: 'u-liam', action: hostile, outcome: 'refused' as const },
  ];
  out.audit = [
    auditLayout(await auditView('Training', { targetId: 'g-training' }, entries, '1:a-1', names, audience)),
    auditLayout(await auditView(escapeText(hostile), { granteeId: 'u-zoe' }, [], undefined, names, audience)),
  ];
  out.help = [helpCard(lang, { person: 'Zoë', other: 'Liam', group: 'Training', shared: 'Support' })];
  return out;
}

describe('card templates', () => {
  it('has a template file for every card name and nothing else', () => {
    const files = readdirSync(CARDS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
    expect(files.sort()).toEqual([...CARD_NAMES].sort());
  });

  it('the validation used here does catch broken cards', () => {
    expect(cardProblems({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Bogus' }] })).not.toEqual([]);
    expect(cardProblems({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: '${x}' }] })).not.toEqual([]);
    expect(cardProblems({ type: 'AdaptiveCard', version: '1.5', actions: [{ type: 'Action.Execute', title: 'a', id: 'x' }, { type: 'Action.Execute', title: 'b', id: 'x' }] })).not.toEqual([]);
  });

  it('keeps the same string keys in every language', () => {
    expect(Object.keys(strings('nl')).sort()).toEqual(Object.keys(strings('en')).sort());
  });

  for (const lang of LANGS) {
    it(`renders every template in ${lang} into cards that parse and validate cleanly`, async () => {
      const all = await renderAll(lang);
      expect(Object.keys(all).sort()).toEqual([...CARD_NAMES].sort());
      for (const [name, cards] of Object.entries(all)) {
        for (const card of cards) {
          expect({ name, problems: cardProblems(card) }).toEqual({ name, problems: [] });
          expect(card.version).toBe('1.5');
        }
      }
    });
  }

  it('shows the approver what, for whom, the explanation, warnings and both buttons carrying only the request id', async () => {
    const card = await approvalCard(variants[1]!, new Names(directory), { lang: 'en' });
    const json = JSON.stringify(card);
    expect(json).toContain('Liam O');
    expect(json).toContain('Zoë Dubois');
    expect(json).toContain('Training');
    expect(json).toContain('appears to come from the mailbox or group itself');
    expect(json).toContain('14 days');
    expect(json).toContain('Replacement');
    expect(json).toContain('not a member');
    const actions = card.actions as { type: string; verb: string; data: unknown }[];
    expect(actions.map((a) => [a.type, a.verb, a.data])).toEqual([
      ['Action.Execute', 'approve', { requestId: 'req-1' }],
      ['Action.Execute', 'reject', { requestId: 'req-1' }],
    ]);
  });

  it('says when Outlook automapping is off', async () => {
    const card = await approvalCard(variants[5]!, new Names(directory), { lang: 'en' });
    const facts = (card.body as any[]).find((b) => b.type === 'FactSet').facts;
    expect(facts).toContainEqual({ title: 'Outlook automapping', value: 'off (add the mailbox by hand)' });
  });

  it('drops the buttons and names the decider once decided', async () => {
    const card = await approvalCard(variants[2]!, new Names(directory), { lang: 'nl', timeZone: 'Europe/Amsterdam' });
    expect(card.actions ?? []).toEqual([]);
    expect(JSON.stringify(card)).toContain('Afgewezen door Emma Clarke om 23 nov 2026 10:30: not needed');
  });

  it('keeps hostile user text inert: no links, no formatting, no template or control characters', async () => {
    const card = await approvalCard(variants[1]!, new Names(directory), { lang: 'en' });
    const json = JSON.stringify(card);
    expect(json).not.toContain('[click](');
    expect(json).not.toContain('**bold**');
    expect(json).not.toContain('${');
    expect(json).not.toContain('{{DATE');
    expect(json).not.toContain('<at>');
    expect(json).not.toMatch(/[\u0007\u202e]/);
    expect(json).toContain('x; Remove-Mailbox');
  });

  it('fills a string\'s placeholders once each, keeps unknown ones, and falls back to English', () => {
    expect(t('en', 'approval.title.grant', { requester: 'Megan', right: 'Send As', grantee: 'Jan', target: 'Training' })).toBe(
      'Megan asks for Send As for Jan on Training',
    );
    // A value that looks like a placeholder is not expanded again; a missing one stays visible.
    expect(t('en', 'approval.title.grant', { requester: '{grantee}', right: 'Send As', target: 'T' })).toBe('{grantee} asks for Send As for {grantee} on T');
    expect(t('en', 'approval.title.grant', { requester: 'A', right: 'B', grantee: 'C', target: 'D' })).toBe('A asks for B for C on D');
    expect(t('nl', 'approval.title.grant', { requester: 'A', right: 'B', grantee: 'C', target: 'D' })).not.toContain('{');
    expect(() => t('en', 'no.such.key')).toThrow(/missing string no.such.key/);
  });

  it('escapes markdown but leaves ordinary names readable', () => {
    expect(escapeText("Liam O'Connor")).toBe("Liam O'Connor");
    expect(escapeText('Anne-Marie Peeters')).toBe('Anne-Marie Peeters');
    // A backslash before a digit is no Markdown escape (it would show): after the number, the dot or bracket is escaped.
    expect(escapeText('- item\n# head\n1. one\n 12) two')).toBe('\\- item\n\\# head\n1\\. one\n 12\\) two');
    expect(escapeText('-3 days')).toBe('\\-3 days');
    expect(escapeText('[a](b) *c* _d_ `e` $f {g}')).toBe('\\[a\\](b) \\*c\\* \\_d\\_ \\`e\\` \\$f \\{g\\}');
    expect(escapeText('x'.repeat(600)).length).toBe(500);
  });

  it('formats durations in both languages', () => {
    expect(formatDuration('P14D', 'en')).toBe('14 days');
    expect(formatDuration('P1M', 'nl')).toBe('1 maand');
    expect(formatDuration('PT8H', 'en')).toBe('8 hours');
  });
});
