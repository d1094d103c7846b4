/**
 * Stage 6: roles. Each mention gets a grantee score `g` and a target score `t` from the words around
 * it; every contribution is a named cue in `CUES` (or a reset in `RESETS`), and the cues that fired are
 * kept on the score, so a corpus miss shows why a name got its role (`understand --explain`). Then the
 * best grantee/target pair is chosen; a tie, or another name with a role of its own, makes the answer
 * unknown (the bot asks).
 */
import {
  ALSO,
  ARTICLES,
  CONTROL_VERBS,
  FOR_PREPS,
  FROM_PREPS,
  GRANTEE_AFTER,
  GRANTEE_PREPS,
  GROUP_WORDS,
  MAILBOX_WORDS,
  MODALS,
  NOUN_BEFORE,
  OBJECT_BEFORE,
  OF_PREPS,
  QUERY_TOPIC,
  REVOKE_IMPERATIVES,
  REVOKE_SPLIT_VERBS,
  REVOKE_VERBS,
  SELF_SUBJECT,
  SHARED_WORDS,
  SOFTENERS,
  SUBJECT_BEFORE,
  SUBJECT_FILLERS,
  TARGET_PREPS,
  TO_PREPS,
  YOU,
} from './lexicon.js';
import { isPersonish, isTargetOnly, type Mention } from './mentions.js';
import type { RightMention } from './right-phrases.js';
import type { Token } from './tokens.js';

/** How a query names its subject: "who has X" (target), "what can Y" (person), "does Y have X" (check). */
export type QueryForm = 'target' | 'person' | 'check';

/** A cue: what it adds to a mention's grantee and target scores, and the words it stands for. */
interface Cue {
  g: number;
  t: number;
  example: string;
}

/**
 * The role cues, in the order they are tried. The weights are relative: a grantee needs `g >= 1` and a
 * target `t >= 1`; the best pair wins, ties ask.
 */
export const CUES = {
  mailboxNoun: { g: 0, t: 5, example: "Megan's mailbox, the Training group, het postvak Info, the mailbox of Megan" },
  possessiveDelegates: { g: 0, t: 4, example: "Megan's delegates" },
  possessiveRight: { g: 4, t: 0, example: "Megan's send as, Adele's access (the holder of the right)" },
  possessiveBare: { g: 0, t: 1, example: "Megan's (no noun after)" },
  afterTargetRight: { g: 0, t: 5, example: 'send as Training, namens Sales, on behalf of Marketing' },
  afterOtherRight: { g: 0.5, t: 0, example: 'give full access Megan (rare, weak)' },
  afterOn: { g: 0, t: 3, example: 'on Training, op Support, in Sales' },
  accessTo: { g: 0, t: 4, example: 'full access to Info, toegang tot Support' },
  accessToPerson: { g: 2, t: 0, example: 'full mailbox access to Liam (for the Klantenservice mailbox)' },
  toGrantee: { g: 4, t: 0, example: 'send as rights to Lynne, give it to Megan' },
  toUnclear: { g: 2, t: 2, example: 'to Megan (no right or verb before)' },
  forMailbox: { g: 0, t: 3, example: 'for Support (a mailbox or group)' },
  forPerson: { g: 3, t: 0, example: 'for Megan, voor Lee' },
  rightFromPerson: { g: 3, t: 0, example: 'remove send as from Megan' },
  fromMailbox: { g: 0, t: 3, example: 'from Support, uit Sales, off Training' },
  delegatesOf: { g: 0, t: 4, example: 'the delegates of Support, de eigenaren van Sales' },
  rightOfPerson: { g: 3, t: 0, example: 'send as of Megan (the holder)' },
  aan: { g: 4, t: 0, example: 'aan Megan, toegang geven aan Lee' },
  afterVerb: { g: 3, t: 0, example: 'give Megan, laat Lee, remove Joni, neem Zoë' },
  modalYouBefore: { g: 3, t: 0, example: 'kun je Megan, could you Megan' },
  subjectOfVerb: { g: 3, t: 0, example: 'Lee needs, Kwame no longer needs, Mark hoeft niet meer' },
  afterThat: { g: 3, t: 0, example: 'Alex wil dat Megan, I want that Megan' },
  beforeRight: { g: 2, t: 0, example: 'Megan send as, Lee full access' },
  label: { g: 2.5, t: 0, example: 'Joni Sherman: remove send on behalf on Marketing' },
  toControlVerb: { g: 3, t: 0, example: 'I want Megan to have, we need Priya to get' },
  beforeInfinitive: { g: 3, t: 0, example: 'Zoë toevoegen aan het postvak Support, Jan toestaan om ...' },
  selfSubject: { g: 3, t: 0, example: 'I need, ik wil' },
  selfObject: { g: 2, t: 0, example: 'give me, geef mij' },
  inDirectory: { g: 0.5, t: 0.5, example: 'a name the directory knows' },
  mailboxOrGroup: { g: 0, t: 1, example: 'a name that is only a mailbox or group' },
  whoQuery: { g: 0, t: 2, example: 'who has access to X (X is the target)' },
  whatQuery: { g: 2, t: 0, example: 'what can Y access (Y is the grantee)' },
  checkQuery: { g: 1.5, t: 0, example: 'does Y have send as on X (Y is the grantee)' },
} as const satisfies Record<string, Cue>;

/** Resets: a score set outright (later cues still add to it), for what a cue cannot weigh. */
export const RESETS = {
  askerNotGrantee: { role: 'g', value: 0, example: "I'd like to request Send As for Megan: the asker is not the grantee" },
  selfNotTarget: { role: 't', value: -Infinity, example: '"me" without a mailbox noun is never the target' },
  mailboxNeverGrantee: { role: 'g', value: -Infinity, example: 'a mailbox or group never receives a right' },
  unknownNeedsGranteeCue: { role: 'g', value: 0, example: 'a word the directory does not know is a grantee only on a real cue (give Bob)' },
  unknownNeedsTargetCue: { role: 't', value: 0, example: 'a word the directory does not know is a target only on a real cue (on Finance)' },
} as const satisfies Record<string, { role: 'g' | 't'; value: number; example: string }>;

export type CueName = keyof typeof CUES | keyof typeof RESETS;

/** A mention with its scores and the cues that made them. */
export interface Scored {
  m: Mention;
  g: number;
  t: number;
  cues: CueName[];
  /**
   * For a name that is only a mailbox or group (`isTargetOnly`): the grantee score the words around it gave
   * before `mailboxNeverGrantee` took it away ("give Training send as on Support": 3.5), so a group or shared
   * mailbox named where the person goes is not dropped unseen (`granteeNotPerson`).
   */
  gAsPerson?: number;
}

function fire(s: Scored, cue: keyof typeof CUES): void {
  const c = CUES[cue];
  s.g += c.g;
  s.t += c.t;
  s.cues.push(cue);
}

function reset(s: Scored, name: keyof typeof RESETS): void {
  const r = RESETS[name];
  if (r.role === 'g') s.g = r.value;
  else s.t = r.value;
  s.cues.push(name);
}

function endsRight(rights: RightMention[], index: number): RightMention | undefined {
  return rights.find((r) => r.end - 1 === index);
}

/** What `scoreMention` looks at besides the mention. */
export interface RoleContext {
  tokens: Token[];
  rights: RightMention[];
  mentions: Mention[];
  queryForm?: QueryForm;
}

/** The index of the first word at or before `j` that is not an article. */
function skipBack(tokens: Token[], j: number): number {
  while (j >= 0 && ARTICLES.has(tokens[j]!.norm)) j--;
  return j;
}

/** The grantee and target scores of `m`, with the cues that fired, from the words around it. */
export function scoreMention(m: Mention, ctx: RoleContext): Scored {
  const { tokens, rights, mentions } = ctx;
  const s: Scored = { m, g: 0, t: 0, cues: [] };

  // The word after: "Megan's mailbox", "the Training group", "Lee needs", "Megan send as".
  const next = tokens[m.end];
  const nextRight = rights.find((r) => r.start === m.end);
  let noun: 'mailbox' | 'group' | undefined;
  if (next && !next.breakBefore) {
    if (MAILBOX_WORDS.has(next.norm) || SHARED_WORDS.has(next.norm)) noun = 'mailbox';
    else if (GROUP_WORDS.has(next.norm)) noun = 'group';
  }

  // The words before: skip articles, then maybe a noun ("het postvak Info", "the mailbox of Megan").
  let j = skipBack(tokens, m.start - 1);
  let prev = tokens[j];
  if (prev && !tokens[m.start]!.breakBefore && NOUN_BEFORE.has(prev.norm) && !endsRight(rights, j)) {
    noun ??= GROUP_WORDS.has(prev.norm) ? 'group' : 'mailbox';
    j = skipBack(tokens, j - 1);
    while (j >= 0 && SHARED_WORDS.has(tokens[j]!.norm)) j = skipBack(tokens, j - 1);
    prev = tokens[j];
  }
  const prevNorm = prev?.norm ?? '';
  const rightBefore = endsRight(rights, j);
  const k = skipBack(tokens, j - 1);
  const beforePrep = tokens[k];
  const rightBeforePrep = endsRight(rights, k);

  // "the mailbox of Megan", "de mail van Nestor", "het postvak van Thomas".
  if (!noun && OF_PREPS.has(prevNorm) && beforePrep && !rightBeforePrep) {
    if (MAILBOX_WORDS.has(beforePrep.norm)) noun = 'mailbox';
    else if (GROUP_WORDS.has(beforePrep.norm)) noun = 'group';
  }
  if (noun) fire(s, 'mailboxNoun');
  if (m.possessive) {
    if (next && /^(delegates?|gemachtigden?)$/.test(next.norm)) fire(s, 'possessiveDelegates');
    else if (nextRight || (next && QUERY_TOPIC.has(next.norm))) fire(s, 'possessiveRight');
    else if (!noun) fire(s, 'possessiveBare');
  }
  if (rightBefore?.targetAfter && !m.possessive && !tokens[m.start]!.breakBefore) fire(s, 'afterTargetRight');
  else if (rightBefore && !noun && !m.possessive) fire(s, 'afterOtherRight');
  if (TARGET_PREPS.has(prevNorm)) fire(s, 'afterOn');
  if (TO_PREPS.has(prevNorm)) {
    const accessNoun = rightBeforePrep && (rightBeforePrep.right === 'access' || rightBeforePrep.right === 'FullAccess' || rightBeforePrep.right === 'read');
    // "full access to Info" names the target; "send as rights to Lynne", "give Megan to" name the grantee.
    if (prevNorm === 'tot' || accessNoun) {
      fire(s, 'accessTo');
      // "full mailbox access to Liam for the Klantenservice mailbox": a person may still be the grantee
      // when another name is plainly the mailbox.
      if (isPersonish(m) && prevNorm === 'to') fire(s, 'accessToPerson');
    } else if (rightBeforePrep || mentions.some((o) => o !== m && o.end - 1 === k) || (beforePrep && GRANTEE_AFTER.has(beforePrep.norm))) {
      fire(s, 'toGrantee');
    } else fire(s, 'toUnclear');
  }
  if (FOR_PREPS.has(prevNorm)) fire(s, isTargetOnly(m) ? 'forMailbox' : 'forPerson');
  if (FROM_PREPS.has(prevNorm)) fire(s, rightBeforePrep && !noun && !isTargetOnly(m) ? 'rightFromPerson' : 'fromMailbox');
  if (OF_PREPS.has(prevNorm) && !noun) {
    if (beforePrep && /^(delegates?|gemachtigden?|owners|eigenaren|members|leden)$/.test(beforePrep.norm)) fire(s, 'delegatesOf');
    else if (rightBeforePrep) fire(s, 'rightOfPerson');
  }
  if (GRANTEE_PREPS.has(prevNorm)) fire(s, 'aan');
  // The word before, past politeness: "Trek alsjeblieft Megan ...", "give please Megan ...".
  let d = m.start - 1;
  while (d >= 0 && SOFTENERS.has(tokens[d]!.norm)) d--;
  const direct = tokens[d];
  if (direct && (GRANTEE_AFTER.has(direct.norm) || REVOKE_VERBS.has(direct.norm) || REVOKE_IMPERATIVES.has(direct.norm) || REVOKE_SPLIT_VERBS.has(direct.norm)) && !noun) fire(s, 'afterVerb');
  // "kunnen jullie Lee ... geven", "kun je Megan ... geven", "could you Megan ..."
  const twoBack = tokens[m.start - 2];
  if (direct && YOU.has(direct.norm) && twoBack && MODALS.has(twoBack.norm) && !noun && (m.kind !== 'unknown' || tokens[m.start]!.cap)) fire(s, 'modalYouBefore');
  // "Lee needs", "Kwame no longer needs", "Liam doesn't need", "Mark hoeft niet meer".
  let n = m.end;
  while (n < tokens.length && n < m.end + 3 && SUBJECT_FILLERS.has(tokens[n]!.norm) && !tokens[n]!.breakBefore) n++;
  const subjectVerb = tokens[n];
  // ... unless another person follows as the object: "Alex wants Megan to have", "Alex wil dat Megan ...".
  const personObjectAfter = mentions.some(
    (o) => o !== m && o.kind === 'name' && o.users.length > 0 && !o.possessive && o.start > n && o.start <= n + 2 &&
      !(tokens[o.start - 1] && (TO_PREPS.has(tokens[o.start - 1]!.norm) || TARGET_PREPS.has(tokens[o.start - 1]!.norm) || OF_PREPS.has(tokens[o.start - 1]!.norm))),
  );
  if (subjectVerb && !subjectVerb.breakBefore && SUBJECT_BEFORE.has(subjectVerb.norm) && !personObjectAfter) fire(s, 'subjectOfVerb');
  // "Alex wil dat Megan ...", "I want that Megan ...".
  if (direct && (direct.norm === 'dat' || direct.norm === 'that') && m.kind !== 'unknown') fire(s, 'afterThat');
  if (nextRight && !m.possessive && !noun) fire(s, 'beforeRight');
  // "Joni Sherman: remove send on behalf on Marketing", "Megan - send as Training".
  if (m.start === 0 && next?.labelBefore && isPersonish(m)) fire(s, 'label');
  // "I want Megan to have ...", "we need Priya to get ...".
  if (next && next.norm === 'to' && CONTROL_VERBS.has(tokens[m.end + 1]?.norm ?? '') && !noun && m.kind !== 'unknown') fire(s, 'toControlVerb');
  if (next && !next.breakBefore && OBJECT_BEFORE.has(next.norm) && !m.possessive && m.kind !== 'unknown') fire(s, 'beforeInfinitive');

  if (m.kind === 'self') {
    const objectAfter =
      mentions.some((o) => o.kind === 'name' && o.start > m.end && o.start <= m.end + 3 && o.users.length > 0 && !o.possessive) ||
      // "I'd like to request Send As for Megan": the asker is not the grantee.
      mentions.some((o) => o.kind === 'name' && o.users.length > 0 && /^(for|voor|aan)$/.test(tokens[o.start - 1]?.norm ?? ''));
    if (SELF_SUBJECT.has(tokens[m.start]!.norm) && objectAfter && !nextRight) reset(s, 'askerNotGrantee');
    else if (SELF_SUBJECT.has(tokens[m.start]!.norm)) fire(s, 'selfSubject');
    else if (!m.possessive) fire(s, 'selfObject');
    if (!noun) reset(s, 'selfNotTarget');
  }
  if (m.kind === 'name') fire(s, 'inDirectory');
  if (isTargetOnly(m)) {
    s.gAsPerson = s.g;
    reset(s, 'mailboxNeverGrantee');
    fire(s, 'mailboxOrGroup');
  }
  if (ctx.queryForm === 'target' && m.kind !== 'self') fire(s, 'whoQuery');
  if (ctx.queryForm === 'person' && isPersonish(m) && !noun) fire(s, 'whatQuery');
  if (ctx.queryForm === 'check' && m.kind === 'name' && m.users.length > 0 && !noun && !m.possessive) fire(s, 'checkQuery');
  // A word the directory does not know takes a role only on a real cue ("give Bob", "on Finance").
  if (m.kind === 'unknown' && s.g !== 0 && s.g < 3) reset(s, 'unknownNeedsGranteeCue');
  if (m.kind === 'unknown' && s.t !== 0 && s.t < 3) reset(s, 'unknownNeedsTargetCue');
  return s;
}

/**
 * The best grantee/target pair (either may be missing): the highest sum, a little more when the grantee
 * comes first; `tie` when two full pairs score the same (the bot asks).
 */
export function assignRoles(scored: Scored[]): { g?: Mention; t?: Mention; tie: boolean } {
  let best = { score: 0, g: undefined as Scored | undefined, t: undefined as Scored | undefined };
  let tie = false;
  const options: Array<Scored | undefined> = [undefined, ...scored];
  for (const g of options) {
    if (g && !(g.g >= 1)) continue;
    for (const t of options) {
      if (t && !(t.t >= 1)) continue;
      if (g && t && g === t) continue;
      let score = (g?.g ?? 0) + (t?.t ?? 0);
      if (g && t && g.m.start < t.m.start) score += 0.25;
      // On a tie between one name as grantee or as target, prefer grantee: a missing target makes the bot ask.
      if (g && !t) score += 0.01;
      if (score > best.score + 1e-9) {
        best = { score, g, t };
        tie = false;
      } else if (Math.abs(score - best.score) <= 1e-9 && score > 0 && g && t && best.g && best.t) {
        tie = true;
      }
    }
  }
  return { g: best.g?.m, t: best.t?.m, tie };
}
/** Whether two mentions name the same people and mailboxes. */
const mentionIds = (m: Mention | undefined) => (m ? [...m.users.map((u) => u.id), ...m.targets.map((x) => x.id)].sort().join(',') : '');
const sameAs = (m: Mention, other: Mention | undefined) => !!other && m.kind === 'name' && mentionIds(m) !== '' && mentionIds(m) === mentionIds(other);
// "..., Mark too", "Lee ook": someone added on; the request is for more than one person.
const addedOn = (m: Mention, tokens: Token[]) => ALSO.has(tokens[m.end]?.norm ?? '') && m.kind !== 'pronoun';

/**
 * Another person or mailbox with a role cue of its own ("... for Alex", "... and Alex full access to
 * Info") means more than one request, or one misread: the bot asks rather than act on part of it.
 */
/** The least grantee score a name's words must give it to be read as named for the grantee: a cue such as "give X", "X send as", "to X". */
const GRANTEE_PLACE = 2;

/**
 * A mailbox or group (`isTargetOnly`) named where the grantee goes ("give Training send as on Support",
 * "Support needs full access to Facturen", "geef Training verzenden als op Support"), other than the
 * target `roles.t`; undefined when there is none. Rights are given to people, so it is no grantee, and
 * must be said, never dropped (the bot would ask "for whom?", or take another name said beside it).
 */
export function granteeNotPerson(scored: readonly Scored[], roles: { t?: Mention }): Mention | undefined {
  return scored.find((x) => x.m !== roles.t && !sameAs(x.m, roles.t) && isTargetOnly(x.m) && (x.gAsPerson ?? 0) >= GRANTEE_PLACE)?.m;
}

export function hasLeftover(scored: Scored[], roles: { g?: Mention; t?: Mention }, tokens: Token[]): boolean {
  return scored.some(
    (x) =>
      x.m !== roles.g && x.m !== roles.t && addedOn(x.m, tokens) && !sameAs(x.m, roles.g) && !sameAs(x.m, roles.t),
  ) || scored.some(
    (x) =>
      x.m !== roles.g && x.m !== roles.t && (x.m.kind === 'name' || x.m.kind === 'self') && Math.max(x.g, x.t) >= 2 &&
      // The asker as subject ("I hope you can give Bill ...") is not a second request.
      !(x.m.kind === 'self' && SELF_SUBJECT.has(tokens[x.m.start]!.norm) && roles.g !== undefined) &&
      // "Megan Bowen (meganb@contoso.com)" names one person twice.
      !sameAs(x.m, roles.g) && !sameAs(x.m, roles.t),
  );
}
