/**
 * Stage 4: right phrases. Marks the words that name a right ("send as", "verzenden namens", "full
 * access", "lezen"), longest phrase first at each position, and, once names are known, the shapes
 * that name a right around a name: Dutch "als Marketing verzenden" (Send As) and "add Zoë to the
 * Support mailbox" / "voeg Zoë toe aan het postvak Support" (Full Access on that mailbox).
 */
import {
  ADDED,
  ADD_TO_PREPS,
  ADD_VERBS,
  ARTICLES,
  GROUP_WORDS,
  MAILBOX_WORDS,
  NL_SEND_VERBS,
  OF_PREPS,
  PASSIVE_AUX,
  RIGHT_PHRASES,
  SHARED_WORDS,
  type RightWord,
} from './lexicon.js';
import type { Mention } from './mentions.js';
import type { Token } from './tokens.js';

/** A right phrase found in the tokens. */
export interface RightMention {
  start: number;
  /** Exclusive token index. */
  end: number;
  right: RightWord;
  /** The name right after the phrase is the mailbox or group ("send as Training", "namens Sales"). */
  targetAfter: boolean;
  /** Names Send on Behalf only when no other right is named ("a delegate with send-as rights" is Send As). */
  generic?: boolean;
  /** How it was found, for `explain`: a lexicon phrase, or a shape around a name. */
  source?: 'phrase' | 'als-name-verb' | 'add-to-mailbox';
}

const PHRASES_BY_FIRST = new Map<string, typeof RIGHT_PHRASES>();
for (const p of RIGHT_PHRASES) {
  const list = PHRASES_BY_FIRST.get(p.words[0]!) ?? [];
  list.push(p);
  PHRASES_BY_FIRST.set(p.words[0]!, list);
}
for (const list of PHRASES_BY_FIRST.values()) list.sort((a, b) => b.words.length - a.words.length);

/** The right phrases of the lexicon in `tokens`, in order, not overlapping, none across punctuation. */
export function findRights(tokens: Token[]): RightMention[] {
  const found: RightMention[] = [];
  for (let i = 0; i < tokens.length; ) {
    const candidates = PHRASES_BY_FIRST.get(tokens[i]!.norm);
    let hit: RightMention | undefined;
    for (const p of candidates ?? []) {
      if (i + p.words.length > tokens.length) continue;
      let ok = true;
      for (let k = 0; k < p.words.length && ok; k++) {
        const t = tokens[i + k]!;
        ok = t.norm === p.words[k] && (k === 0 || !t.breakBefore) && !(t.possessive && k < p.words.length - 1);
      }
      if (ok) {
        hit = { start: i, end: i + p.words.length, right: p.right, targetAfter: !!p.targetAfter };
        if (p.generic) hit.generic = true;
        break;
      }
    }
    if (hit) {
      found.push(hit);
      i = hit.end;
    } else i++;
  }
  return found;
}

/**
 * Dutch "als Marketing verzenden": "als" + name + a send verb within four words is Send As on that
 * name. Adds the right (on the "als") to `rights` and marks it used.
 */
export function findAlsNameVerb(tokens: Token[], mentions: Mention[], rights: RightMention[], used: boolean[]): void {
  for (const m of mentions) {
    const before = tokens[m.start - 1];
    if (before && before.norm === 'als' && !used[m.start - 1] && tokens.slice(m.end, m.end + 4).some((t) => NL_SEND_VERBS.has(t.norm))) {
      rights.push({ start: m.start - 1, end: m.start, right: 'SendAs', targetAfter: true, source: 'als-name-verb' });
      used[m.start - 1] = true;
    }
  }
}

/**
 * "add Zoë to the Support shared mailbox", "add me to Emma's mailbox", "voeg Zoë toe aan de gedeelde
 * mailbox Support", "Zoë toevoegen aan het postvak van Emma": adding a person to a mailbox is how
 * many people ask for Full Access. With no right named, an add verb, and a name after "to"/"aan"
 * (past articles, "shared", a mailbox noun) that is a mailbox and not a group, the "to"/"aan" counts
 * as plain access naming that mailbox, so the permission follows the target (Full Access on a
 * mailbox). Someone to add must be named before the "to". Adding to a group is membership, which the
 * bot does not do: not marked, so not a grant.
 */
export function findAddToMailbox(tokens: Token[], mentions: Mention[], rights: RightMention[]): void {
  if (rights.length > 0 || !asksToAdd(tokens)) return;
  for (const m of mentions) {
    if (m.kind !== 'name' || m.targets.some((x) => x.kind === 'group')) continue;
    let j = m.start - 1;
    let mailboxNoun = MAILBOX_WORDS.has(tokens[m.end]?.norm ?? '') || SHARED_WORDS.has(tokens[m.end]?.norm ?? '');
    // Back over "the shared mailbox", "het postvak van", "de gedeelde mailbox".
    for (; j >= 0; j--) {
      const w = tokens[j]!.norm;
      if (GROUP_WORDS.has(w)) return;
      if (MAILBOX_WORDS.has(w)) mailboxNoun = true;
      else if (!(ARTICLES.has(w) || SHARED_WORDS.has(w) || (OF_PREPS.has(w) && MAILBOX_WORDS.has(tokens[j - 1]?.norm ?? '')))) break;
    }
    const prep = tokens[j];
    if (!prep || !ADD_TO_PREPS.has(prep.norm)) continue;
    // A person's name needs "mailbox" or a possessive: "add Zoë to Emma" adds to nothing.
    const mailbox = m.targets.length > 0 || ((mailboxNoun || m.possessive) && m.users.length > 0);
    if (!mailbox) continue;
    // Someone to add, before the "to": "add me", "voeg Zoë toe", "Zoë toevoegen" ("add a signature to ..." is not).
    const person = mentions.some(
      (o) => o.end <= j && (o.kind === 'self' || (o.kind === 'name' && o.users.length > 0) || (o.kind === 'unknown' && tokens[o.start]!.cap)),
    );
    if (!person) return;
    rights.push({ start: j, end: j + 1, right: 'access', targetAfter: true, source: 'add-to-mailbox' });
    return;
  }
}

/** An add verb, or its passive with "be"/"worden" ("was added" reports, and stays no request). */
function asksToAdd(tokens: Token[]): boolean {
  return tokens.some((t) => ADD_VERBS.has(t.norm)) || (tokens.some((t) => ADDED.has(t.norm)) && tokens.some((t) => PASSIVE_AUX.has(t.norm)));
}

/** Words that name group membership itself: "make Zoë a member of Marketing", "maak Zoë lid van Marketing". */
const MEMBER_WORDS = new Set('member members membership lid leden lidmaatschap'.split(' '));

/**
 * Whether the message is about group membership, which the bot does not manage: someone added to a
 * group ("add Zoë to the Marketing group", "voeg Kwame toe aan de groep Marketing": an add verb, a
 * person before the "to"/"aan", a group word or a group's name after it), or a word for membership
 * outside the names the directory knows ("make Zoë a member of Marketing", "maak Zoë lid van Marketing").
 */
export function asksMembership(tokens: Token[], mentions: Mention[]): boolean {
  const inName = (i: number) => mentions.some((m) => m.kind === 'name' && m.start <= i && i < m.end);
  if (tokens.some((t, i) => MEMBER_WORDS.has(t.norm) && !inName(i))) return true;
  if (!asksToAdd(tokens)) return false;
  for (let j = 0; j < tokens.length; j++) {
    if (!ADD_TO_PREPS.has(tokens[j]!.norm)) continue;
    const person = mentions.some((o) => o.end <= j && (o.kind === 'self' || o.kind === 'pronoun' || (o.kind === 'name' && o.users.length > 0)));
    if (!person) continue;
    // After the "to"/"aan": articles and names up to a group word, or a group's name ("to Marketing").
    for (let k = j + 1; k < tokens.length && k <= j + 6; k++) {
      const w = tokens[k]!.norm;
      if (GROUP_WORDS.has(w)) return true;
      const name = mentions.find((m) => m.kind === 'name' && m.start === k);
      if (name) {
        if (name.targets.some((x) => x.kind === 'group') && name.targets.every((x) => x.kind === 'group')) return true;
        k = name.end - 1;
      } else if (!ARTICLES.has(w)) break;
    }
  }
  return false;
}

/** The prepositions a removal from a group takes: "remove Zoë from the group", "take Zoë off the group", "haal Lotte uit (de) groep X", "verwijder Lotte van groep X". */
const OUT_OF_PREPS = new Set('from off uit van'.split(' '));
/** The word group itself marks membership here: "from the Support team" may well mean a mailbox. */
const GROUP_NOUNS = new Set('group groups groep groepen'.split(' '));
/** "team" marks membership only beside a name that is a group ("from the Sales team", "uit het Sales-team", "from team Sales"). */
const TEAM_NOUNS = new Set('team teams'.split(' '));

/** A name that is a group and nothing else among the mailboxes and groups (as `asksMembership` reads "to Marketing"). */
const isGroupName = (m: Mention | undefined) => !!m && m.targets.some((x) => x.kind === 'group') && m.targets.every((x) => x.kind === 'group');

/**
 * Whether a removal that names no right is about group membership ("remove Zoë from the Training
 * group", "remove Lotte from group Marketing", "haal Lotte uit de groep Marketing"): a person named
 * before the "from"/"uit"/"van", then within a few words (articles, names) the word group/groep, or
 * team right beside a group's name ("remove Zoë from the Sales team", "haal Lotte uit het Sales-team").
 * `rights` is the right phrases found; with any ("remove Zoë's send as from the Training group") it is
 * a removal of that right and this is false. Without the word group ("remove Zoë from Support") false;
 * so too "from the Support team" when Support is a mailbox.
 */
export function asksMembershipRemoval(tokens: Token[], mentions: Mention[], rights: readonly RightMention[]): boolean {
  if (rights.length > 0) return false;
  for (let j = 0; j < tokens.length; j++) {
    if (!OUT_OF_PREPS.has(tokens[j]!.norm)) continue;
    const person = mentions.some((o) => o.end <= j && (o.kind === 'self' || o.kind === 'pronoun' || (o.kind === 'name' && o.users.length > 0)));
    if (!person) continue;
    for (let k = j + 1; k < tokens.length && k <= j + 6; k++) {
      const w = tokens[k]!.norm;
      if (GROUP_NOUNS.has(w)) return true;
      const name = mentions.find((m) => m.kind === 'name' && m.start === k);
      if (name) {
        // "from the Training group" may be one name with its noun.
        if (tokens.slice(name.start, name.end).some((t) => GROUP_NOUNS.has(t.norm))) return true;
        k = name.end - 1;
      } else if (TEAM_NOUNS.has(w)) {
        const beside = mentions.filter((m) => m.kind === 'name' && (m.end === k || m.start === k + 1));
        if (beside.some(isGroupName)) return true;
      } else if (!ARTICLES.has(w)) break;
    }
  }
  return false;
}
