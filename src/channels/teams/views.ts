import type { PropagatingRight } from '../../domain/engine-api.js';
import type { Directory } from '../../directory/directory.js';
import type { TargetAccessReport, TrusteeAccessReport } from '../../domain/engine-api.js';
import type { PermissionRequest, PreflightWarning } from '../../domain/request.js';
import { RIGHTS, type Right, type TargetKind } from '../../domain/rights.js';
import { isTimeZone } from '../../domain/time.js';
import type { CloudEndpoints } from '../../permissions/clouds.js';
import { escapeText, renderCard, strings, t, type CardJson, type Lang } from './cards.js';

/** Who a card is rendered for: their language and, when Teams told us, their time zone. */
export interface Audience {
  lang: Lang;
  timeZone?: string;
}

/** Picks the bot's language from a BCP 47 tag (`nl-NL`, `nl-BE`, `en-US`...). */
export function langOf(tag: string | undefined | null): Lang | undefined {
  if (!tag) return undefined;
  const primary = tag.toLowerCase().split(/[-_]/)[0];
  return primary === 'nl' ? 'nl' : primary === 'en' ? 'en' : undefined;
}

// Intl formatters are costly to build; a handful of languages and zones cover every user.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(lang: Lang, zone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${lang}|${zone}|${JSON.stringify(options)}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', { ...options, timeZone: zone });
    if (formatters.size > 500) formatters.clear();
    formatters.set(key, format);
  }
  return format;
}

/** The audience's zone when the runtime knows it (Teams sends IANA names), else undefined. */
function validZone(zone: string | undefined): string | undefined {
  return isTimeZone(zone) ? zone : undefined;
}

/** "14:05" in the audience's zone; "14:05 UTC" when the zone is unknown. */
export function formatClock(ms: number, audience: Audience): string {
  const zone = validZone(audience.timeZone);
  const text = formatter(audience.lang, zone ?? 'UTC', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
  return zone ? text : `${text} UTC`;
}

/** "22 Nov 2026 14:05" (with UTC when the zone is unknown). */
export function formatMoment(ms: number, audience: Audience): string {
  const zone = validZone(audience.timeZone);
  const date = formatter(audience.lang, zone ?? 'UTC', { day: 'numeric', month: 'short', year: 'numeric' }).format(ms);
  return `${date} ${formatClock(ms, audience)}`;
}

export function formatDate(ms: number, audience: Audience): string {
  return formatter(audience.lang, validZone(audience.timeZone) ?? 'UTC', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(ms);
}

const UNIT_WORDS: Record<Lang, Record<string, [string, string]>> = {
  en: { D: ['day', 'days'], W: ['week', 'weeks'], M: ['month', 'months'], Y: ['year', 'years'], H: ['hour', 'hours'], MIN: ['minute', 'minutes'] },
  nl: { D: ['dag', 'dagen'], W: ['week', 'weken'], M: ['maand', 'maanden'], Y: ['jaar', 'jaar'], H: ['uur', 'uur'], MIN: ['minuut', 'minuten'] },
};

/** "P14D" -> "14 days" / "14 dagen"; unknown shapes are shown as given. */
export function formatDuration(iso: string, lang: Lang): string {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(iso);
  if (!match || iso === 'P' || iso === 'PT') return escapeText(iso, 40);
  const units = ['Y', 'M', 'W', 'D', 'H', 'MIN'];
  const parts: string[] = [];
  units.forEach((unit, i) => {
    const n = match[i + 1];
    if (n === undefined) return;
    const [one, many] = UNIT_WORDS[lang][unit]!;
    parts.push(`${Number(n)} ${Number(n) === 1 ? one : many}`);
  });
  return parts.join(' ');
}

/** Display names for ids, escaped for cards; an id the directory doesn't know is shown as is. */
export class Names {
  private readonly cache = new Map<string, string>();
  constructor(private readonly directory: Directory) {}

  async person(id: string): Promise<string> {
    const hit = this.cache.get(id);
    if (hit !== undefined) return hit;
    const user = await this.directory.getUser(id);
    const name = escapeText(user?.displayName ?? (await this.directory.getTarget(id))?.displayName ?? id, 120);
    this.cache.set(id, name);
    return name;
  }

  async target(id: string): Promise<{ name: string; mail: string; kind: string }> {
    const target = await this.directory.getTarget(id);
    return {
      name: escapeText(target?.displayName ?? id, 120),
      mail: escapeText(target?.mail ?? '', 200),
      kind: target?.kind ?? 'user',
    };
  }

  async people(ids: readonly string[]): Promise<string> {
    return (await Promise.all(ids.map((id) => this.person(id)))).join(', ');
  }
}

export function rightLabel(right: Right, lang: Lang): string {
  return t(lang, `right.${right}`);
}

export function rightsLabel(rights: readonly Right[], lang: Lang): string {
  return rights.length === 0 ? t(lang, 'allRights') : rights.map((r) => rightLabel(r, lang)).join(', ');
}

/** The parts every sentence about a request is made of, escaped. */
export interface RequestWords {
  requester: string;
  grantee: string;
  target: string;
  targetMail: string;
  targetKind: string;
  right: string;
  /** "Send As for Megan Bowen on Training" */
  summary: string;
}

export async function requestWords(request: PermissionRequest, names: Names, lang: Lang): Promise<RequestWords> {
  const [requester, grantee, target] = await Promise.all([
    names.person(request.requesterId),
    names.person(request.granteeId),
    names.target(request.targetId),
  ]);
  const right = rightsLabel(request.rights, lang);
  const key = request.kind === 'grant' ? 'summary.title.grant' : 'summary.title.revoke';
  // The summary title minus its "Request:" lead-in, reused in post-backs.
  const summary = t(lang, key, { right, grantee, target: target.name }).replace(/^[^:]+:\s*/, '');
  return { requester, grantee, target: target.name, targetMail: target.mail, targetKind: target.kind, right, summary };
}

/** One line: what state the request is in, who decided and when. */
export async function stateLine(
  request: PermissionRequest,
  names: Names,
  audience: Audience,
): Promise<{ status: string; statusColor: string }> {
  const { lang } = audience;
  const decision = request.decision;
  const by = decision ? await names.person(decision.by) : '';
  const at = decision ? formatMoment(decision.at, audience) : '';
  switch (request.state) {
    case 'pending':
      return { status: t(lang, 'state.pending'), statusColor: 'Accent' };
    case 'approved':
    case 'applying':
      return { status: t(lang, `state.${request.state}`, { by, at }), statusColor: 'Good' };
    case 'applied':
      return {
        status: t(lang, 'state.applied', { by, at, effectiveBy: request.effectiveBy ? formatClock(request.effectiveBy, audience) : '?' }),
        statusColor: 'Good',
      };
    case 'effective':
      return { status: t(lang, 'state.effective', { by, at }), statusColor: 'Good' };
    case 'failed':
      return { status: t(lang, 'state.failed', { by, at }), statusColor: 'Attention' };
    case 'rejected':
      return decision?.reason
        ? { status: t(lang, 'state.rejectedReason', { by, at, reason: escapeText(decision.reason) }), statusColor: 'Attention' }
        : { status: t(lang, 'state.rejected', { by, at }), statusColor: 'Attention' };
    case 'cancelled':
      return { status: t(lang, 'state.cancelled', { at: formatMoment(request.updatedAt, audience) }), statusColor: 'Warning' };
    case 'expired':
      return { status: t(lang, 'state.expired', { at: formatMoment(request.updatedAt, audience) }), statusColor: 'Warning' };
    case 'revoked':
      return { status: t(lang, 'state.revoked', { at: formatMoment(request.revokedAt ?? request.updatedAt, audience) }), statusColor: 'Warning' };
  }
}

async function warningLines(warnings: readonly PreflightWarning[], words: RequestWords, lang: Lang): Promise<string[]> {
  return warnings.map((w) => {
    switch (w.code) {
      case 'replacement':
        return `⚠ ${t(lang, 'warning.replacement', { grantee: words.grantee, replaces: rightLabel(w.replaces, lang) })}`;
      case 'not_a_member':
        return `⚠ ${t(lang, 'warning.not_a_member', { grantee: words.grantee })}`;
      case 'already_pending':
        return `⚠ ${t(lang, 'warning.already_pending', { requestId: escapeText(w.requestId, 80) })}`;
    }
  });
}

async function requestFacts(request: PermissionRequest, words: RequestWords, names: Names, audience: Audience, withApprovers: boolean) {
  const { lang } = audience;
  const facts: { title: string; value: string }[] = [
    { title: t(lang, 'label.requester'), value: words.requester },
    { title: t(lang, 'label.grantee'), value: words.grantee },
    { title: t(lang, 'label.right'), value: words.right },
    { title: t(lang, 'label.target'), value: `${words.target} (${t(lang, `kind.${words.targetKind}`)})` },
  ];
  if (request.kind === 'grant') {
    if (request.duration) facts.push({ title: t(lang, 'label.duration'), value: formatDuration(request.duration, lang) });
    else if (request.until) facts.push({ title: t(lang, 'label.until'), value: escapeText(request.until, 40) });
    else facts.push({ title: t(lang, 'label.duration'), value: t(lang, 'label.permanent') });
  }
  if (request.reason) facts.push({ title: t(lang, 'label.reason'), value: escapeText(request.reason) });
  if (request.rights.includes('FullAccess') && request.kind === 'grant' && !request.autoMapping) {
    facts.push({ title: t(lang, 'label.autoMapping'), value: t(lang, 'label.autoMappingOff') });
  }
  if (withApprovers) facts.push({ title: t(lang, 'label.approvers'), value: await names.people(request.approverIds) });
  facts.push({ title: t(lang, 'label.request'), value: escapeText(request.id, 80) });
  return facts;
}

function explanation(request: PermissionRequest, words: RequestWords, lang: Lang): string {
  return request.rights
    .map((right) => t(lang, `explain.${right}`, { grantee: words.grantee, target: words.target }))
    .join(' ');
}

/**
 * The approver's card. `actionable` shows the reason box and the Approve / Reject buttons; a card
 * for a decided (or otherwise closed) request shows who decided and when instead.
 */
export async function approvalCard(
  request: PermissionRequest,
  names: Names,
  audience: Audience,
  options: { reminder?: boolean; note?: string } = {},
): Promise<CardJson> {
  const { lang } = audience;
  const words = await requestWords(request, names, lang);
  const actionable = request.state === 'pending';
  const state = await stateLine(request, names, audience);
  const s = strings(lang);
  return renderCard('approval', {
    s: { approve: s['approval.approve'], reject: s['approval.reject'], rejectReason: s['approval.rejectReason'] },
    reminder: options.reminder && actionable ? t(lang, 'approval.reminder') : '',
    title: t(lang, request.kind === 'grant' ? 'approval.title.grant' : 'approval.title.revoke', {
      requester: words.requester,
      right: words.right,
      grantee: words.grantee,
      target: words.target,
    }),
    explanation: explanation(request, words, lang),
    facts: await requestFacts(request, words, names, audience, false),
    warnings: await warningLines(request.warnings, words, lang),
    status: options.note ?? (actionable ? '' : state.status),
    statusColor: options.note ? 'Attention' : state.statusColor,
    actionable,
    requestId: request.id,
  });
}

/** The requester's summary: what, for whom, who will approve, the request id and its state. */
export async function summaryCard(request: PermissionRequest, names: Names, audience: Audience): Promise<CardJson> {
  const { lang } = audience;
  const words = await requestWords(request, names, lang);
  const state = await stateLine(request, names, audience);
  return renderCard('summary', {
    title: t(lang, request.kind === 'grant' ? 'summary.title.grant' : 'summary.title.revoke', {
      right: words.right,
      grantee: words.grantee,
      target: words.target,
    }),
    explanation: explanation(request, words, lang),
    facts: await requestFacts(request, words, names, audience, true),
    warnings: await warningLines(request.warnings, words, lang),
    status: state.status,
    statusColor: state.statusColor,
  });
}

/** A short card with a title and lines of (already escaped) text. */
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

export function choiceCard(lang: Lang, question: string, draftId: string, labels: string[]): CardJson {
  return renderCard('choice', {
    title: t(lang, 'choose.title'),
    question,
    draftId,
    choices: labels.map((label, pick) => ({ label, pick })),
  });
}

export function helpCard(lang: Lang): CardJson {
  return renderCard('help', {
    title: t(lang, 'help.title'),
    intro: t(lang, 'help.intro'),
    examplesTitle: t(lang, 'help.examples'),
    examples: [1, 2, 3, 4, 5, 6, 7].map((n) => t(lang, `help.ex${n}`)),
    rights: t(lang, 'help.rights'),
  });
}

export async function statusCard(
  requests: readonly PermissionRequest[],
  awaiting: readonly PermissionRequest[],
  names: Names,
  audience: Audience,
): Promise<CardJson> {
  const { lang } = audience;
  const items = await Promise.all(
    requests.map(async (request) => {
      const words = await requestWords(request, names, lang);
      const state = await stateLine(request, names, audience);
      return {
        title: `${escapeText(request.id, 80)}: ${words.summary}`,
        status: state.status,
        cancellable: request.state === 'pending',
        cancelLabel: t(lang, 'status.cancel', { requestId: escapeText(request.id, 80) }),
        requestId: request.id,
      };
    }),
  );
  const awaitingLines = await Promise.all(
    awaiting.map(async (request) => `${escapeText(request.id, 80)}: ${(await requestWords(request, names, lang)).summary}`),
  );
  return renderCard('status', {
    title: t(lang, 'status.title'),
    empty: t(lang, 'reply.noRequests'),
    items,
    awaitingTitle: t(lang, 'status.awaiting'),
    awaiting: awaitingLines,
  });
}

/** "Who has access to X": one row per right with its holders, and a link to the admin center of the bot's cloud. */
export async function accessCard(report: TargetAccessReport, names: Names, audience: Audience, adminUrl = ''): Promise<CardJson> {
  const { lang } = audience;
  const rows = await Promise.all(
    RIGHTS.map(async (right) => ({
      title: rightLabel(right, lang),
      value: report.holders[right].length ? await names.people(report.holders[right]) : t(lang, 'access.none'),
    })),
  );
  rows.push(...(await propagatingRows(report.propagating, names, audience, (p) => names.person(p.granteeId))));
  return renderCard('access', {
    title: t(lang, 'access.title', { target: escapeText(report.target.displayName, 120) }),
    subtitle: `${escapeText(report.target.mail, 200)} (${t(lang, `kind.${report.target.kind}`)})`,
    rows,
    adminUrl,
    adminLabel: t(lang, 'access.adminCenter'),
  });
}

/** "What can Y access": one row per mailbox or group with the rights held there. */
export async function holdingsCard(report: TrusteeAccessReport, names: Names, audience: Audience): Promise<CardJson> {
  const { lang } = audience;
  const grantee = await names.person(report.trusteeId);
  const rows = report.holdings.map((h) => ({
    title: `${escapeText(h.displayName, 120)} (${t(lang, `kind.${h.targetKind}`)})`,
    value: rightsLabel(h.rights, lang),
  }));
  rows.push(...(await propagatingRows(report.propagating, names, audience, async (p) => (await names.target(p.targetId)).name)));
  return renderCard('access', {
    title: t(lang, 'holdings.title', { grantee }),
    subtitle: rows.length ? '' : t(lang, 'holdings.none'),
    rows,
    adminUrl: '',
    adminLabel: '',
  });
}

/**
 * Rights the bot applied whose window has not passed: the service may not show them yet, so they
 * are listed as such ("applied 09:00, effective by about 10:00"; a removal likewise).
 */
async function propagatingRows(
  list: readonly PropagatingRight[],
  names: Names,
  audience: Audience,
  who: (p: PropagatingRight) => Promise<string>,
): Promise<{ title: string; value: string }[]> {
  const { lang } = audience;
  return Promise.all(
    list.map(async (p) => ({
      title: `${await who(p)} (${rightLabel(p.right, lang)})`,
      value: t(lang, p.kind === 'grant' ? 'access.propagating' : 'access.propagatingRemoval', {
        appliedAt: formatClock(p.appliedAt, audience),
        effectiveBy: formatClock(p.effectiveBy, audience),
      }),
    })),
  );
}

/** How to use a right, for the "effective" post-back. */
export function howToUse(request: PermissionRequest, words: RequestWords, lang: Lang): string {
  return request.rights
    .map((right) =>
      t(lang, `use.${right}`, {
        mail: words.targetMail,
        target: words.target,
        grantee: words.grantee,
        automap: t(lang, request.autoMapping ? 'use.automap' : 'use.noAutomap'),
      }),
    )
    .join(' ');
}

/** Where an admin manages a target in the bot's cloud: mailboxes in the Exchange admin center, groups in the Microsoft 365 admin center. */
export function adminCenterUrl(endpoints: Pick<CloudEndpoints, 'exchangeAdminCenterUrl' | 'adminCenterUrl'>, kind: TargetKind): string {
  return kind === 'group' ? `${endpoints.adminCenterUrl}/#/groups` : `${endpoints.exchangeAdminCenterUrl}/#/mailboxes`;
}
