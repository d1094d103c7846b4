/**
 * Adaptive Card layout of the conversation's view models. The words (en, nl) and the formatting of
 * names, rights, moments and ends are shared by every channel (`src/conversation/wording`); this file
 * only puts them on cards.
 */
import type { TargetAccessReport, TrusteeAccessReport } from '../../domain/engine-api.js';
import type { PermissionRequest } from '../../domain/request.js';
import type { AccessView, ApprovalView, Audience, AuditView, ChoiceOption, HelpView, NoticeView, RequestView, StatusView, Tone } from '../../conversation/types.js';
import { accessView, holdingsView } from '../../conversation/wording/access-views.js';
import { approvalView, helpView, statusView, summaryView, type ExampleNames } from '../../conversation/wording/views.js';
import type { Names } from '../../conversation/wording/names.js';
import { renderCard, t, type CardJson, type Lang } from './cards.js';

// The shared wording, under the names the Teams notifier uses.
export {
  formatClock,
  formatDate,
  formatDuration,
  formatEnd,
  formatMoment,
  howToUse,
  langOf,
  Names,
  requestWords,
  rightLabel,
  rightsLabel,
  type RequestWords,
} from '../../conversation/wording/index.js';
export { adminCenterUrl } from '../../conversation/admin-center.js';
export type { Audience } from '../../conversation/types.js';

/** Adaptive Cards' text colours for the conversation's tones. */
const COLORS: Record<Tone, string> = { default: 'Default', accent: 'Accent', good: 'Good', warning: 'Warning', attention: 'Attention' };

export function approvalLayout(view: ApprovalView): CardJson {
  return renderCard('approval', {
    s: view.labels,
    reminder: view.reminder,
    title: view.title,
    explanation: view.explanation,
    facts: view.facts,
    warnings: view.warnings,
    status: view.status,
    statusColor: COLORS[view.tone],
    actionable: view.actionable,
    requestId: view.requestId,
  });
}

export function summaryLayout(view: RequestView): CardJson {
  return renderCard('summary', {
    title: view.title,
    explanation: view.explanation,
    facts: view.facts,
    warnings: view.warnings,
    status: view.status,
    statusColor: COLORS[view.tone],
  });
}

export function noticeLayout(view: NoticeView): CardJson {
  return renderCard('notice', {
    title: view.title,
    color: COLORS[view.tone],
    lines: view.lines,
    facts: view.facts,
    actions: view.actions.map((a) => ({ title: a.title, verb: a.verb, requestId: a.data.requestId ?? '' })),
  });
}

/** A choice card: each button sends `choose` with the draft, `step` (which of its questions this is) and its `pick`. */
export function choiceLayout(title: string, question: string, draftId: string, step: number, options: readonly ChoiceOption[]): CardJson {
  return renderCard('choice', { title, question, draftId, step, choices: options.map((o) => ({ label: o.label, pick: o.pick })) });
}

export function statusLayout(view: StatusView): CardJson {
  return renderCard('status', { ...view });
}

export function accessLayout(view: AccessView): CardJson {
  return renderCard('access', { ...view });
}

export function helpLayout(view: HelpView): CardJson {
  return renderCard('help', { ...view });
}

export function auditLayout(view: AuditView): CardJson {
  return renderCard('audit', {
    title: view.title,
    empty: view.empty,
    lines: view.lines.map((line) => ({ at: line.at, text: line.text, color: line.outcome === 'ok' ? 'Default' : 'Attention' })),
    more: view.more ? [{ title: view.more.label, data: view.more.data }] : [],
  });
}

// ---- the card builders the notifier and the scripts use (view model + layout) ----------------------

/** The approver's card: decision controls while pending, who decided and when after. */
export async function approvalCard(request: PermissionRequest, names: Names, audience: Audience, options: { reminder?: boolean; note?: string } = {}): Promise<CardJson> {
  return approvalLayout(await approvalView(request, names, audience, options));
}

/** The requester's summary. */
export async function summaryCard(request: PermissionRequest, names: Names, audience: Audience): Promise<CardJson> {
  return summaryLayout(await summaryView(request, names, audience));
}

/** A short card with a title and lines of (already escaped) text; `color` is an Adaptive Cards colour name. */
export function noticeCard(
  lang: Lang,
  lines: string[],
  options: { title?: string; color?: string; facts?: { title: string; value: string }[]; actions?: { title: string; verb: string; requestId: string }[] } = {},
): CardJson {
  return renderCard('notice', {
    title: options.title ?? t(lang, 'post.title'),
    color: options.color ?? 'Default',
    lines,
    facts: options.facts ?? [],
    actions: options.actions ?? [],
  });
}

export function choiceCard(lang: Lang, question: string, draftId: string, step: number, labels: string[]): CardJson {
  return choiceLayout(t(lang, 'choose.title'), question, draftId, step, labels.map((label, pick) => ({ label, pick })));
}

export async function statusCard(requests: readonly PermissionRequest[], awaiting: readonly PermissionRequest[], names: Names, audience: Audience): Promise<CardJson> {
  return statusLayout(await statusView(requests, awaiting, names, audience));
}

/** "Who has access to X", with a link to the admin center of the bot's cloud. */
export async function accessCard(report: TargetAccessReport, names: Names, audience: Audience, adminUrl = ''): Promise<CardJson> {
  return accessLayout(await accessView(report, names, audience, adminUrl));
}

/** "What can Y access". */
export async function holdingsCard(report: TrusteeAccessReport, names: Names, audience: Audience): Promise<CardJson> {
  return accessLayout(await holdingsView(report, names, audience));
}

/** The help card, with examples named from the directory in use (`ExampleSource`). */
export function helpCard(lang: Lang, examples: ExampleNames): CardJson {
  return helpLayout(helpView(lang, examples));
}
