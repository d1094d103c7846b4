import type { AccessView, ApprovalView, AuditView, HelpView, NoticeView, Reply, RequestView, StatusView } from '../../conversation/types.js';
import { actions, context, divider, factBlocks, headed, message, section, sectionWithButton, title, toned, type SlackBlock, type SlackMessage } from './blocks.js';

/**
 * The conversation core's replies laid out in Block Kit. The core has phrased and escaped every
 * string; this file only decides blocks, order and buttons.
 */
export function replyMessage(reply: Reply): SlackMessage {
  switch (reply.kind) {
    case 'text':
      return message(reply.text, [section(toned(reply.text, reply.tone))]);
    case 'ask':
      return message(reply.text, [section(reply.text)]);
    case 'refusal':
      return message(reply.text, [section(toned(reply.text, 'warning'))]);
    case 'choice':
      return message(reply.question, [
        title(reply.title),
        section(reply.question),
        actions(reply.options.map((o) => ({ label: o.label, verb: 'choose' as const, data: { draftId: reply.draftId, step: reply.step, pick: o.pick } })), 'choice'),
      ]);
    case 'summary':
      return requestMessage(reply.view);
    case 'approval':
      return approvalMessage(reply.view);
    case 'access':
    case 'holdings':
      return accessMessage(reply.view);
    case 'requests':
      return statusMessage(reply.view);
    case 'audit':
      return auditMessage(reply.view);
    case 'help':
      return helpMessage(reply.view);
    case 'notice':
      return noticeMessage(reply.view);
  }
}

function requestBlocks(view: RequestView): SlackBlock[] {
  const blocks: SlackBlock[] = [title(view.title)];
  if (view.explanation) blocks.push(section(view.explanation));
  blocks.push(...factBlocks(view.facts));
  if (view.warnings.length) blocks.push(section(view.warnings.join('\n')));
  return blocks;
}

/** The requester's summary: the request and its state line. */
export function requestMessage(view: RequestView): SlackMessage {
  const blocks = requestBlocks(view);
  if (view.status) blocks.push(context(toned(view.status, view.tone)));
  return message(`${view.title}${view.status ? ` (${view.status})` : ''}`, blocks);
}

/**
 * The approval request: the request, then Approve / Reject while it is pending (Reject opens a
 * modal for the optional reason), or who decided and when once it is not. Each button's value is
 * `{"requestId":...}` and its `action_id` the verb.
 */
export function approvalMessage(view: ApprovalView): SlackMessage {
  const blocks: SlackBlock[] = [];
  if (view.reminder) blocks.push(context(toned(view.reminder, 'accent')));
  blocks.push(...requestBlocks(view));
  if (view.status) blocks.push(context(toned(view.status, view.tone)));
  if (view.actionable) {
    blocks.push(
      actions(
        [
          { label: view.labels.approve, verb: 'approve', data: { requestId: view.requestId }, style: 'primary' },
          { label: view.labels.reject, verb: 'reject', data: { requestId: view.requestId }, style: 'danger' },
        ],
        'decision',
      ),
    );
  }
  return message(`${view.reminder ? `${view.reminder} ` : ''}${view.title}${view.status ? ` (${view.status})` : ''}`, blocks);
}

function accessMessage(view: AccessView): SlackMessage {
  const blocks: SlackBlock[] = [title(view.title)];
  if (view.subtitle) blocks.push(context(view.subtitle));
  blocks.push(...factBlocks(view.rows));
  // The address comes from the bot's configuration (CLOUD), never from a user.
  if (view.adminUrl && !/[|<>\s]/.test(view.adminUrl)) blocks.push(context(`<${view.adminUrl}|${view.adminLabel}>`));
  return message(view.title, blocks);
}

function statusMessage(view: StatusView): SlackMessage {
  const blocks: SlackBlock[] = [title(view.title)];
  if (view.items.length === 0) blocks.push(section(view.empty));
  view.items.forEach((item, i) => {
    const lines = [`*${item.title}*`, toned(item.status), item.ends].filter(Boolean).join('\n');
    blocks.push(
      item.cancellable
        ? sectionWithButton(lines, { label: item.cancelLabel, verb: 'cancel', data: { requestId: item.requestId } }, i)
        : section(lines),
    );
  });
  if (view.awaiting.length) blocks.push(divider, title(view.awaitingTitle), section(view.awaiting.map((line) => `• ${line}`).join('\n')));
  return message(view.title, blocks);
}

function auditMessage(view: AuditView): SlackMessage {
  const blocks: SlackBlock[] = [title(view.title)];
  if (view.lines.length === 0) blocks.push(section(view.empty));
  for (const line of view.lines) blocks.push(section(`${toned(`_${line.at}_`, line.outcome === 'ok' ? 'default' : 'warning')}  ${line.text}`));
  if (view.more) blocks.push(actions([{ label: view.more.label, verb: 'audit', data: view.more.data }], 'more'));
  return message(view.title, blocks);
}

function helpMessage(view: HelpView): SlackMessage {
  return message(view.title, [
    title(view.title),
    section(view.intro),
    section(`*${view.examplesTitle}*\n${view.examples.map((e) => `• ${e}`).join('\n')}`),
    context(view.rights),
  ]);
}

/** A notice: title, lines, facts and its buttons (an admin's Retry). */
export function noticeMessage(view: NoticeView): SlackMessage {
  const blocks: SlackBlock[] = [title(toned(view.title, view.tone)), ...view.lines.map((line) => section(line)), ...factBlocks(view.facts)];
  if (view.actions.length) blocks.push(actions(view.actions.map((a) => ({ label: a.title, verb: a.verb, data: a.data })), 'notice'));
  return message(headed(view.title, view.lines), blocks);
}
