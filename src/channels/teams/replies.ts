import type { Reply } from '../../conversation/types.js';
import type { CardJson } from './cards.js';
import { accessLayout, approvalLayout, auditLayout, choiceLayout, helpLayout, noticeLayout, statusLayout, summaryLayout } from './views.js';

/** The Adaptive Card of a reply that is not plain text (text, questions and refusals are sent as text). */
export function replyCard(reply: Exclude<Reply, { kind: 'text' | 'ask' | 'refusal' }>): CardJson {
  switch (reply.kind) {
    case 'choice':
      return choiceLayout(reply.title, reply.question, reply.draftId, reply.options);
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
