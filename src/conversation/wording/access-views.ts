import type { PropagatingRight, TargetAccessReport, TimeBoundRight, TrusteeAccessReport } from '../../domain/engine-api.js';
import { RIGHTS, rightAppliesTo, type Right } from '../../domain/rights.js';
import type { AccessView, Audience, Lang } from '../types.js';
import { formatClock, formatEnd } from './format.js';
import type { Names } from './names.js';
import { rightLabel } from './requests.js';
import { t } from './strings.js';

/**
 * The two access answers, "who has access to X" and "what can Y access", as view models. Both show
 * one row per right (or per mailbox or group) in which every holder (or right) carries its own end
 * and what the bot still checks about it, so nothing one entry says is read as another's.
 */

/**
 * One holder (in "who has access to X") or one right (in "what can Y access") of an access row:
 * its name (escaped), when it ends (epoch ms; none: it has no end date) and what the bot is still
 * checking about it ("applied 09:00, effective by about 09:10"; already worded).
 */
export interface AccessEntry {
  name: string;
  endsAt?: number;
  note?: string;
}

/**
 * The value of one access row. Nothing to add to any entry: the names, "Megan Bowen, Alex Wilber".
 * Otherwise each entry says its own: "Full Access (read and manage): no end date; Send on Behalf:
 * until the end of Friday, 11 December 2026". Once one entry of the row has an end, every other one
 * says it has none, so no end is read as everyone's.
 */
export function accessLine(entries: readonly AccessEntry[], audience: Audience): string {
  const { lang } = audience;
  const anyEnd = entries.some((e) => e.endsAt !== undefined);
  if (!anyEnd && entries.every((e) => !e.note)) return entries.map((e) => e.name).join(', ');
  return entries
    .map((e) => {
      const end = e.endsAt !== undefined ? formatEnd(e.endsAt, audience) : anyEnd ? t(lang, 'access.noEnd') : '';
      const details = [end, e.note ?? ''].filter(Boolean).join(', ');
      return details ? t(lang, 'access.entry', { name: e.name, details }) : e.name;
    })
    .join('; ');
}

/**
 * "Who has access to X": one row per right that exists on X (no Full Access on a group) with its
 * holders, those the service lists and those the bot is still adding or removing, each with their
 * own end (`report.timeBound`) and note (`report.propagating`). A person's mailbox is titled as a
 * mailbox: "your mailbox" for `options.viewerId` themselves, else "Sofie van der Berg's mailbox".
 * `adminUrl`: the admin center link, '' for none (offer it to admins only).
 */
export async function accessView(report: TargetAccessReport, names: Names, audience: Audience, adminUrl = '', options: { viewerId?: string } = {}): Promise<AccessView> {
  const { lang } = audience;
  const propagating = report.propagating ?? [];
  const rows = await Promise.all(
    RIGHTS.filter((right) => rightAppliesTo(right, report.target.kind)).map(async (right) => {
      const changing = propagating.filter((p) => p.right === right);
      const holders = unique([...report.holders[right], ...changing.map((p) => p.granteeId)]);
      const entries = await Promise.all(
        holders.map(async (id) => entry(await names.person(id), endOf(report.timeBound, id, report.target.id, right), changing.filter((p) => p.granteeId === id), audience)),
      );
      return { title: rightLabel(right, lang), value: entries.length ? accessLine(entries, audience) : t(lang, 'access.none') };
    }),
  );
  return {
    title: accessTitle(report.target, names, lang, options.viewerId),
    subtitle: `${names.escape(report.target.mail, 200)} (${t(lang, `kind.${report.target.kind}`)})`,
    rows,
    adminUrl,
    adminLabel: t(lang, 'access.adminCenter'),
  };
}

/** "Who has access to Support", "… to your mailbox", "… to Sofie van der Berg's mailbox". */
function accessTitle(target: TargetAccessReport['target'], names: Names, lang: Lang, viewerId: string | undefined): string {
  if (target.kind !== 'user') return t(lang, 'access.title', { target: names.escape(target.displayName, 120) });
  return target.id === viewerId ? t(lang, 'access.title.own') : t(lang, 'access.title.user', { target: names.escape(target.displayName, 120) });
}

/**
 * "What can Y access": one row per mailbox or group, "Support (shared mailbox)", with the rights held
 * there, those the service lists and those the bot is still adding or removing, each with its own end
 * (`report.timeBound`) and note (`report.propagating`). No rights at all: the subtitle says so.
 */
export async function holdingsView(report: TrusteeAccessReport, names: Names, audience: Audience): Promise<AccessView> {
  const { lang } = audience;
  const grantee = await names.person(report.trusteeId);
  const propagating = report.propagating ?? [];
  const targets = new Map(report.holdings.map((h) => [h.targetId, { name: names.escape(h.displayName, 120), kind: h.targetKind as string, rights: h.rights }]));
  for (const p of propagating) {
    const known = targets.get(p.targetId) ?? { ...(await names.target(p.targetId)), rights: [] };
    targets.set(p.targetId, { name: known.name, kind: known.kind, rights: unique([...known.rights, p.right]) });
  }
  const rows = [...targets].map(([targetId, target]) => {
    const rights = RIGHTS.filter((right) => target.rights.includes(right));
    const entries = rights.map((right) =>
      entry(rightLabel(right, lang), endOf(report.timeBound, report.trusteeId, targetId, right), propagating.filter((p) => p.targetId === targetId && p.right === right), audience),
    );
    return { title: `${target.name} (${t(lang, `kind.${target.kind}`)})`, value: accessLine(entries, audience) };
  });
  return { title: t(lang, 'holdings.title', { grantee }), subtitle: rows.length ? '' : t(lang, 'holdings.none'), rows, adminUrl: '', adminLabel: '' };
}

/** One entry, with the note of the newest change the bot is still checking for it (a grant then its removal: the removal). */
function entry(name: string, endsAt: number | undefined, changes: readonly PropagatingRight[], audience: Audience): AccessEntry {
  const newest = changes.reduce<PropagatingRight | undefined>((a, p) => (!a || p.appliedAt > a.appliedAt ? p : a), undefined);
  return { name, ...(endsAt !== undefined ? { endsAt } : {}), ...(newest ? { note: propagatingNote(newest, audience) } : {}) };
}

/** When one person's right on one target ends (epoch ms): the earliest timed revoke of it, or undefined (no end date). */
function endOf(timeBound: readonly TimeBoundRight[] | undefined, granteeId: string, targetId: string, right: Right): number | undefined {
  const ends = (timeBound ?? []).filter((b) => b.granteeId === granteeId && b.targetId === targetId && b.right === right).map((b) => b.endsAt);
  return ends.length ? Math.min(...ends) : undefined;
}

/**
 * A change the bot applied whose propagation it has not confirmed yet: "applied 09:00, effective by
 * about 10:00", "removed 09:00, gone by about 10:00", or, past the window with the admins told, that
 * Exchange did not show it (still showed it) when last checked.
 */
function propagatingNote(p: PropagatingRight, audience: Audience): string {
  const { lang } = audience;
  if (p.unconfirmedAt !== undefined) {
    return t(lang, p.kind === 'grant' ? 'access.propagatingUnconfirmed' : 'access.propagatingRemovalUnconfirmed', {
      appliedAt: formatClock(p.appliedAt, audience),
      checkedAt: formatClock(p.unconfirmedAt, audience),
    });
  }
  return t(lang, p.kind === 'grant' ? 'access.propagating' : 'access.propagatingRemoval', {
    appliedAt: formatClock(p.appliedAt, audience),
    effectiveBy: formatClock(p.effectiveBy, audience),
  });
}

function unique<T>(list: readonly T[]): T[] {
  return [...new Set(list)];
}
