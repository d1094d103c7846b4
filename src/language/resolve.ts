/**
 * Stage 8: resolve. Turns the chosen mentions into SPEC section 5 resolutions (one id, candidates, or
 * the text), picks the right asked for, and settles a revoke on the one candidate who holds the right.
 */
import type { Directory } from '../directory/directory.js';
import type { Right, TargetKind } from '../domain/rights.js';
import { ARTICLES, GROUP_WORDS, MAILBOX_WORDS, OF_PREPS, SHARED_WORDS } from './lexicon.js';
import type { Mention } from './mentions.js';
import type { RightMention } from './right-phrases.js';
import type { Token } from './tokens.js';
import type { Resolution, Understanding, UnderstandOptions } from './types.js';

/** The grantee a mention names: the requester for "me"; every person for coordinated names (ambiguous when several). */
export function asGrantee(m: Mention, requesterId: string): Resolution {
  if (m.parts) return combine(m.parts.map((p) => asGrantee(p, requesterId)), m.text);
  if (m.kind === 'self') return { status: 'resolved', id: requesterId };
  if (m.kind !== 'name' || m.users.length === 0) return { status: 'unknown', text: m.text };
  // The directory returns each person once.
  return m.users.length === 1 ? { status: 'resolved', id: m.users[0]!.id } : { status: 'ambiguous', candidates: m.users.map((u) => u.id) };
}

/**
 * One resolution per person when a grantee mention names several ("Zoë and Priya", "Zoë, Priya en
 * Jan"), in the order written; `undefined` for one person (or several ways of writing the same one).
 */
export function granteesOf(m: Mention, requesterId: string): Resolution[] | undefined {
  if (!m.parts) return undefined;
  const each = m.parts.map((p) => asGrantee(p, requesterId));
  return asGrantee(m, requesterId).status === 'resolved' ? undefined : each;
}

/**
 * One resolution per mailbox or group when a target mention names several ("on Training and Support",
 * "op Training en Support"), in the order written; `undefined` for one (or one written twice).
 */
export function targetsOf(m: Mention, requesterId: string, noun: 'mailbox' | 'group' | undefined): Resolution[] | undefined {
  if (!m.parts) return undefined;
  const each = m.parts.map((p) => asTarget(p, requesterId, noun));
  return asTarget(m, requesterId, noun).status === 'resolved' ? undefined : each;
}

/**
 * The rights named outright (not "access", "read" or "rights"). A generic word ("delegate",
 * "gemachtigde": Send on Behalf) counts only when nothing else is named: "make Priya a delegate with
 * send-as rights" is Send As.
 */
export function explicitRights(rights: RightMention[]): Set<Right> {
  const named = new Set<Right>();
  let generic: Right | undefined;
  for (const r of rights) {
    if (r.right === 'access' || r.right === 'read' || r.right === 'rights') continue;
    if (r.generic) generic = r.right;
    else named.add(r.right);
  }
  if (named.size === 0 && generic) named.add(generic);
  return named;
}

/** The mailbox or group a mention names; a mailbox or group noun narrows it ("the Iris group", "Iris's mailbox"). */
export function asTarget(m: Mention, requesterId: string, noun: 'mailbox' | 'group' | undefined): Resolution {
  if (m.parts) return combine(m.parts.map((p) => asTarget(p, requesterId, noun)), m.text);
  if (m.kind === 'self') return { status: 'resolved', id: requesterId };
  if (m.kind !== 'name') return { status: 'unknown', text: m.text };
  const groups = m.targets.filter((x) => x.kind === 'group');
  const mailboxes = m.targets.filter((x) => x.kind !== 'group');
  let ids: string[];
  if (noun === 'group' && groups.length) ids = groups.map((x) => x.id);
  else if (m.possessive && m.users.length) ids = m.users.map((u) => u.id);
  else if (noun === 'mailbox' && (m.users.length || mailboxes.length)) ids = [...m.users.map((u) => u.id), ...mailboxes.map((x) => x.id)];
  else ids = [...m.users.map((u) => u.id), ...m.targets.map((x) => x.id)];
  return fromIds(ids);
}

/**
 * The target without the people the channel marked as the grantee: "give @Sales send-as on Sales",
 * where a person called Sales is marked and the group Sales is typed, means the group, not that
 * person's own mailbox. Only a typed target that could also be someone else is narrowed; a target
 * that is only the marked grantee (or is marked itself: "give Megan send-as on @Alex") stays as read.
 */
export function withoutMarkedGrantee(target: Resolution, g: Mention, t: Mention): Resolution {
  if (target.status !== 'ambiguous' || t.marked || t.parts?.some((p) => p.marked)) return target;
  const marked = new Set((g.parts ?? [g]).filter((p) => p.marked && p.kind === 'name').flatMap((p) => p.users.map((u) => u.id)));
  const others = target.candidates.filter((id) => !marked.has(id));
  return others.length > 0 && others.length < target.candidates.length ? fromIds(others) : target;
}

function fromIds(ids: string[]): Resolution {
  if (ids.length === 1) return { status: 'resolved', id: ids[0]! };
  const unique = [...new Set(ids)];
  if (unique.length === 1) return { status: 'resolved', id: unique[0]! };
  return { status: 'ambiguous', candidates: unique };
}

function combine(parts: Resolution[], text: string): Resolution {
  if (parts.some((p) => p.status === 'unknown')) return { status: 'unknown', text };
  const ids = parts.flatMap((p) => (p.status === 'resolved' ? [p.id] : p.status === 'ambiguous' ? p.candidates : []));
  const unique = [...new Set(ids)];
  // Several people at once: never act on one of them silently; the bot asks.
  return unique.length === 1 ? { status: 'resolved', id: unique[0]! } : { status: 'ambiguous', candidates: unique };
}

/** The noun right around a mention that says what it is: "the Training group", "het postvak van Thomas". */
export function nounOf(m: Mention, tokens: Token[]): 'mailbox' | 'group' | undefined {
  const next = tokens[m.end];
  if (next && GROUP_WORDS.has(next.norm)) return 'group';
  if (next && (MAILBOX_WORDS.has(next.norm) || SHARED_WORDS.has(next.norm))) return 'mailbox';
  let j = m.start - 1;
  while (j >= 0 && ARTICLES.has(tokens[j]!.norm)) j--;
  let prev = tokens[j];
  if (prev && OF_PREPS.has(prev.norm)) {
    j--;
    while (j >= 0 && ARTICLES.has(tokens[j]!.norm)) j--;
    prev = tokens[j];
  }
  if (prev && GROUP_WORDS.has(prev.norm)) return 'group';
  if (prev && MAILBOX_WORDS.has(prev.norm)) return 'mailbox';
  return undefined;
}

async function kindsOf(r: Resolution | null, directory: Directory): Promise<Set<TargetKind>> {
  const kinds = new Set<TargetKind>();
  if (!r || r.status === 'unknown') return kinds;
  const ids = r.status === 'resolved' ? [r.id] : r.candidates;
  for (const id of ids) {
    const t = await directory.getTarget(id);
    if (t) kinds.add(t.kind);
  }
  return kinds;
}
/**
 * The right asked for. An explicit right wins (two different ones: `null`, the bot asks). Softer words:
 * reading or opening is Full Access except on a group; plain "access" is Full Access on a mailbox and
 * `null` on a group or an unknown target; in a revoke it means every right, in a query every holder.
 */
export async function choosePermission(
  intent: 'grant' | 'revoke' | 'query',
  rights: RightMention[],
  target: Resolution | null,
  noun: 'mailbox' | 'group' | undefined,
  saysAll: boolean,
  directory: Directory,
): Promise<Right | null> {
  const explicit = explicitRights(rights);
  const soft = new Set(rights.map((r) => r.right));
  if (explicit.size === 1) return [...explicit][0]!;
  if (explicit.size > 1) return null;
  if (intent === 'revoke') return soft.has('read') && !saysAll ? 'FullAccess' : null;
  if (intent === 'query') return soft.has('read') ? 'FullAccess' : null;
  const kinds = await kindsOf(target, directory);
  if (soft.has('read')) return kinds.has('group') || noun === 'group' ? null : 'FullAccess';
  if (soft.has('access') || soft.has('rights')) {
    const mailboxOnly = kinds.size > 0 && !kinds.has('group');
    return mailboxOnly || (noun === 'mailbox' && !kinds.has('group')) ? 'FullAccess' : null;
  }
  return null;
}


async function rightsHeldOn(targetId: string, options: UnderstandOptions): Promise<Array<{ trustee: string; right: Right }>> {
  if (options.rightsOn) return options.rightsOn(targetId);
  const all = await options.directory.initialPermissions();
  return all.filter((p) => p.target === targetId);
}

/**
 * A right can only be revoked from someone who holds it: when the grantee (or the target) is ambiguous
 * and exactly one candidate holds the right in question, that is the one meant. Not when several people
 * or several mailboxes or groups were named (`result.grantees`, `result.targets`): each of them was
 * asked about, so the bot asks which (as for a grant) rather than act on the one that holds the right.
 */
export async function settleRevoke(result: Understanding, explicit: Set<Right>, options: UnderstandOptions): Promise<void> {
  const right = explicit.size === 1 ? [...explicit][0] : undefined;
  const g = result.grantees ? null : result.grantee;
  const t = result.targets ? null : result.target;
  if (g?.status === 'ambiguous' && t?.status === 'resolved') {
    const held = (await rightsHeldOn(t.id, options)).filter((p) => right === undefined || p.right === right);
    const holders = new Set(held.map((p) => p.trustee));
    const holding = g.candidates.filter((id) => holders.has(id));
    if (holding.length === 1) result.grantee = { status: 'resolved', id: holding[0]! };
  } else if (t?.status === 'ambiguous' && g?.status === 'resolved') {
    const holding: string[] = [];
    for (const id of t.candidates) {
      if ((await rightsHeldOn(id, options)).some((p) => p.trustee === g.id && (right === undefined || p.right === right))) holding.push(id);
    }
    if (holding.length === 1) result.target = { status: 'resolved', id: holding[0]! };
  }
}
