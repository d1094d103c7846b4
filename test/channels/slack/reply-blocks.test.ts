import { describe, expect, it } from 'vitest';
import { approvalMessage, replyMessage } from '../../../src/channels/slack/reply-blocks.js';
import { rejectModal } from '../../../src/channels/slack/reject-modal.js';
import type { ApprovalView, Reply, StatusItem } from '../../../src/conversation/types.js';
import { blockKitProblems } from '../../fakes/slack-block-kit.js';

const long = (n: number) => 'x'.repeat(n);
const approval: ApprovalView = {
  requestId: 'REQ-7K2F9A',
  title: 'Alex Wilber asks for Send As for Megan Bowen on Training',
  explanation: 'Can send mail that appears to come from the mailbox or group itself.',
  facts: Array.from({ length: 13 }, (_, i) => ({ title: `Fact ${i}`, value: long(2500) })),
  warnings: ['Megan Bowen holds Send on Behalf; Send As replaces it.'],
  status: '',
  tone: 'default',
  actionable: true,
  reminder: 'Reminder: this request is still waiting for you.',
  labels: { approve: 'Approve', reject: 'Reject', rejectReason: 'Reason (optional)' },
};
const item = (i: number): StatusItem => ({ requestId: `REQ-${i}`, title: `REQ-${i}: Send As for Megan`, status: 'Waiting for approval', ends: '', cancellable: i % 2 === 0, cancelLabel: `Cancel REQ-${i} ${long(100)}` });

const replies: Reply[] = [
  { kind: 'text', text: long(5000), tone: 'good' },
  { kind: 'ask', slot: 'grantee', text: 'For whom?' },
  { kind: 'refusal', code: 'not_an_approver', text: 'You are not an approver of this request.', details: {} },
  { kind: 'choice', slot: 'grantee', draftId: 'd1', step: 1, title: 'Which one?', question: 'Which Jan?', options: Array.from({ length: 6 }, (_, i) => ({ label: `Jan ${i} (${long(120)})`, pick: i })) },
  { kind: 'notice', view: { title: 'Mailbox access', lines: ['Applied.'], tone: 'attention', facts: [], actions: [{ title: 'Retry', verb: 'retry', data: { requestId: 'REQ-1' } }] } },
  { kind: 'help', view: { title: 'Help', intro: 'I can…', examplesTitle: 'Examples', examples: ['give Megan send-as on Training'], rights: 'Full Access, Send As, Send on Behalf' } },
  { kind: 'access', report: {} as never, view: { title: 'Who has access to Support', subtitle: 'support@contoso.example', rows: [{ title: 'Full Access', value: 'Isaiah Langer' }], adminUrl: 'https://admin.exchange.microsoft.com/#/mailboxes', adminLabel: 'Exchange admin center' } },
  { kind: 'requests', mine: [], awaiting: [], view: { title: 'Your requests', empty: 'None', items: Array.from({ length: 60 }, (_, i) => item(i)), awaitingTitle: 'Waiting for you', awaiting: ['REQ-9: x'] } },
  { kind: 'audit', filter: {}, page: { entries: [] }, view: { title: 'Audit', empty: 'Nothing', lines: [{ at: '23 Nov 2026 09:00', text: 'approved', outcome: 'ok' }], more: { label: 'Older', verb: 'audit', data: { requestId: 'REQ-1', before: 'c1' } } } },
];

describe('Block Kit layout of the core replies', () => {
  it.each(replies.map((r) => [r.kind, r] as const))('%s: within Block Kit rules and limits', (_kind, reply) => {
    const message = replyMessage(reply);
    expect(blockKitProblems(message.blocks, 'message')).toEqual([]);
    expect(message.text.length).toBeGreaterThan(0);
    expect(message.text.length).toBeLessThanOrEqual(3000);
  });

  it('separates a notice\'s title from its lines in the notification text', () => {
    const notice = (title: string, lines: string[]) => replyMessage({ kind: 'notice', view: { title, lines, tone: 'good', facts: [], actions: [] } }).text;
    expect(notice('Mailbox access', ['Approved: Send As for Megan Bowen on Training, by Adele Vance.', 'Applying it now.'])).toBe(
      'Mailbox access: Approved: Send As for Megan Bowen on Training, by Adele Vance. Applying it now.',
    );
    expect(notice('Please choose:', ['✓ Megan Bowen'])).toBe('Please choose: ✓ Megan Bowen');
    expect(notice('Mailbox access', [])).toBe('Mailbox access');
  });

  it('puts Approve and Reject on a pending approval, the verb in action_id and only the request id in value', () => {
    const buttons = approvalMessage(approval).blocks.flatMap((b: any) => (b.type === 'actions' ? b.elements : []));
    expect(buttons.map((b: any) => [b.action_id, b.value, b.style])).toEqual([
      ['approve', '{"requestId":"REQ-7K2F9A"}', 'primary'],
      ['reject', '{"requestId":"REQ-7K2F9A"}', 'danger'],
    ]);
    expect(blockKitProblems(approvalMessage(approval).blocks, 'message')).toEqual([]);
  });

  it('shows who decided instead of buttons once decided', () => {
    const decided = approvalMessage({ ...approval, actionable: false, reminder: '', status: 'Approved by Adele Vance at 23 Nov 2026 09:00', tone: 'good' });
    expect(JSON.stringify(decided.blocks)).toContain('Approved by Adele Vance');
    expect(decided.blocks.some((b: any) => b.type === 'actions')).toBe(false);
  });

  it('builds a reject modal Slack accepts, in both languages', () => {
    for (const lang of ['en', 'nl'] as const) {
      const view = rejectModal({ requestId: 'REQ-<!here>', channel: 'D000000001', ts: '1763884800.000001' }, lang) as { blocks: unknown };
      expect(blockKitProblems(view.blocks, 'modal')).toEqual([]);
      expect(JSON.stringify(view.blocks)).not.toContain('<!here>');
    }
  });
});
