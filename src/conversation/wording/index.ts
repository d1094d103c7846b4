/**
 * Wording once: the en/nl strings and the formatting of names, rights, durations, moments, ends and
 * "how to use it", shared by the conversation, the notifications and every channel. A channel adds
 * only layout (Adaptive Cards, Block Kit) and its escaping of user-supplied text.
 */
export { escapeMarkdown } from './escape.js';
export { endOf, formatClock, formatDate, formatDuration, formatEnd, formatMoment } from './format.js';
export { Names } from './names.js';
export { endFact, explanation, howToUse, requestFacts, requestWords, rightLabel, rightsLabel, stateLine, warningLines, type RequestWords } from './requests.js';
export { langOf, LANGS, strings, STRINGS_DIR, t, type Lang } from './strings.js';
export { accessLine, accessView, holdingsView, type AccessEntry } from './access-views.js';
export { approvalView, auditView, helpExamples, helpView, noticeView, statusView, summaryView, type ExampleNames } from './views.js';
export { outboundReply, revokedLine } from './notices.js';
