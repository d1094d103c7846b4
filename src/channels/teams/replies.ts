import type { Activity, ConversationReference } from 'botbuilder';
import type { Reply } from '../../conversation/types.js';
import { cardAttachment, type CardJson } from './cards.js';
import type { TeamsRepository } from './repositories.js';
import { accessLayout, approvalLayout, auditLayout, choiceLayout, helpLayout, noticeLayout, statusLayout, summaryLayout } from './views.js';

/** A reply Teams sends as a text message rather than a card: text, questions and refusals. */
export type TextReply = Extract<Reply, { kind: 'text' | 'ask' | 'refusal' }>;

/** Whether `reply` is sent as a text message (`TextReply`); every other reply is a card (`replyCard`). */
export function isTextReply(reply: Reply): reply is TextReply {
  return reply.kind === 'text' || reply.kind === 'ask' || reply.kind === 'refusal';
}

/** The Adaptive Card of a reply that is not a text message (text, questions and refusals are sent as text). */
export function replyCard(reply: Exclude<Reply, { kind: 'text' | 'ask' | 'refusal' }>): CardJson {
  switch (reply.kind) {
    case 'choice':
      return choiceLayout(reply.title, reply.question, reply.draftId, reply.step, reply.options);
    case 'summary':
      return summaryLayout(reply.view);
    case 'approval':
      return approvalLayout(reply.view);
    case 'access':
    case 'holdings':
      return accessLayout(reply.view);
    case 'requests':
      return statusLayout(reply.view);
    case 'audit':
      return auditLayout(reply.view);
    case 'help':
      return helpLayout(reply.view);
    case 'notice':
      return noticeLayout(reply.view);
  }
}

/**
 * Every text message the bot sends in Teams, as Markdown: the conversation core escapes names and
 * quoted user text for Markdown (`escapeMarkdown`, the cards' escape too), so Teams renders
 * `\-3 days` as "-3 days" and `Megan\_B` as "Megan_B". As `plain` the escapes would be shown as
 * typed, and without these escapes user text could format the message.
 */
export function textActivity(text: string): Partial<Activity> {
  return { type: 'message', text, textFormat: 'markdown' };
}

/** A reply as a message activity: text, questions and refusals as a text message (`textActivity`), the rest as an Adaptive Card. */
export function replyActivity(reply: Reply): Partial<Activity> {
  if (isTextReply(reply)) return textActivity(reply.text);
  return { type: 'message', attachments: [cardAttachment(replyCard(reply))] };
}

/**
 * A requester's summary, once sent (`activityId` in the conversation of `reference`), is kept as a
 * copy of its request, so later changes update it (`TeamsMessaging.updateCopies`). Other replies:
 * nothing. Throws what the store throws.
 */
export async function keepSummaryCopy(repository: TeamsRepository, reply: Reply, reference: Partial<ConversationReference>, activityId: string): Promise<void> {
  if (reply.kind !== 'summary') return;
  await repository.addCardCopy(reply.request.id, { userId: reply.request.requesterId, role: 'summary', reference, activityId, ...reply.audience });
}
