/**
 * Text -> typed request (SPEC section 5), English and Dutch, no model and no network.
 *
 * Pipeline: clean the text (refuse control characters and huge input), take out the parts with a fixed
 * shape (request id, "without automapping", the reason, durations and end dates), tokenise, mark right
 * phrases, find names by longest n-gram against the directory's exact-after-normalisation index, then
 * decide the intent and give each name a role (grantee or target) from the words around it.
 * Precision first: when roles, names or rights are unclear the result says so and the bot asks.
 */
import type { Directory, DirectoryUser, MailTarget } from '../directory/directory.js';
import { normalizeName } from '../directory/normalize.js';
import type { Right, TargetKind } from '../domain/rights.js';
import { extractTimeSpan } from './dates.js';
import * as L from './lexicon.js';

export type Resolution =
  | { status: 'resolved'; id: string }
  | { status: 'ambiguous'; candidates: string[] }
  | { status: 'unknown'; text: string };
export type Intent = 'grant' | 'revoke' | 'query' | 'status' | 'cancel' | 'help' | 'unknown';
export interface Understanding {
  intent: Intent;
  permission: Right | null;
  grantee: Resolution | null;
  target: Resolution | null;
  duration: string | null;
  until: string | null;
  language: 'en' | 'nl';
  /** false when the text says "without automapping" / "zonder automapping". */
  autoMapping?: boolean;
  /** "because ..." / "omdat ..." text if given (trimmed, max 500 chars). */
  reason?: string;
  /** A request id mentioned, e.g. "cancel REQ-7K2F9" -> "REQ-7K2F9". */
  requestRef?: string;
}
export interface UnderstandOptions {
  directory: Directory;
  requesterId: string;
  now: Date;
  /** minutes east of UTC for "until Friday" etc.; default 0 */
  utcOffsetMinutes?: number;
  /**
   * Rights currently held on a target (e.g. read from the permission service). Used only to settle a
   * revoke: "remove Joni's send on behalf on Marketing" means the Joni who holds it. Default: the
   * directory's `initialPermissions()`.
   */
  rightsOn?: (targetId: string) => Promise<Array<{ trustee: string; right: Right }>>;
}

/** Longer messages are not requests (and would cost time): answered as unknown. */
export const MAX_TEXT_LENGTH = 2000;
const MAX_REASON = 500;
const MAX_NGRAM = 5;
// C0/C1 control characters other than tab; a request line never contains them.
const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F]/;
const INVISIBLE = /[\u00AD\u200B-\u200F\u2060\uFEFF]/g;
/** Any character the clean-up in `understand` replaces: invisible ones, line breaks, markup, entities. */
const NOISE = /[\u00AD\u200B-\u200F\u2060\uFEFF\r\n<&]/;

/** The SPEC section 5 JSON object (only the contract keys, in that order). */
export function toContractJson(u: Understanding): object {
  return {
    intent: u.intent,
    permission: u.permission,
    grantee: u.grantee,
    target: u.target,
    duration: u.duration,
    until: u.until,
    language: u.language,
  };
}

// Word sets used in `understand`, built once.
const OPENERS = new Set('hi hey hello hallo hoi dear beste good morning afternoon evening goedemorgen goedemiddag goedenavond dag team all allemaal'.split(' '));
const GREETINGS = new Set(['hi', 'hey', 'hello', 'hallo', 'hoi', 'ok', 'okay', 'so', 'dear', 'beste', 'goedemorgen', 'morning']);
/** "I will send as IT tomorrow" announces; with no verb that asks it is not a request. */
const FUTURE = new Set('will shall going zal zullen gaat gaan'.split(' '));
/** "we may need to grant more access someday": a maybe is not a request. */
const HEDGES = new Set('maybe perhaps someday sometime eventually possibly misschien wellicht ooit'.split(' '));
const GRANT_IMPERATIVES = new Set(['give', 'grant', 'geef', 'verleen']);
const PASSIVE_REVOKE = new Set('removed revoked deleted withdrawn ingetrokken verwijderd weggehaald afgenomen'.split(' '));
const OVERVIEW_WORDS = new Set('overview overzicht report rapport rapportage'.split(' '));
const LIST_WORDS = new Set('list show display toon overzicht overview lijst'.split(' '));
const EVERYONE = new Set('everyone everybody anyone anybody iedereen'.split(' '));
const WHO_VERBS = new Set('has have had can could is are was may might should heeft hebben had kan kunnen mag mogen is zijn'.split(' '));
const CHECK_WORDS = new Set('check whether verify confirm controleer controleren nakijken navragen checken verifieer'.split(' '));
/** Requests the bot cannot carry out as one grant: copying or moving someone's rights. */
const UNSUPPORTED = new Set('same dezelfde zelfde copy kopieer kopieren mirror transfer move verplaats overzetten overdragen swap replace vervang'.split(' '));
const WITHDRAW_WORDS = new Set(['withdraw', 'intrekken', 'intrek', 'trek', 'annuleer', 'delete', 'verwijder', 'remove']);
const PENDING_WORDS = new Set(['pending', 'openstaande', 'openstaand', 'lopende', 'outstanding', 'open']);
const WHO_WORDS = new Set(['delegates', 'gemachtigden', 'who', 'wie']);
const NO_MORE_WORDS = new Set(['meer', 'anymore', 'longer', 'langer']);
const ALL_WORDS = new Set(['all', 'alle', 'alles', 'everything']);

// ---------------------------------------------------------------------------------------------
// Language

const NL_MARKERS = new Set(
  ('geef geeft geen mag kan kun kunt wil wilt ik mij mijn het de een van op tot toegang postvak verzenden versturen ' +
    'namens als lezen wie heeft hebben heb voor weken dagen maand maanden uur verwijder verwijderen intrekken hulp ' +
    'aanvragen aanvraag verzoek graag nodig alsjeblieft alstublieft laat met zonder omdat niet meer en ook dit dat ' +
    'zijn waar wat welke toe gedeelde beheren lezen openen krijgen vrijdag maandag dinsdag woensdag donderdag ' +
    'zaterdag zondag morgen vandaag goedemorgen goedemiddag goedenavond dag  twee drie vier vijf week mailen annuleer annuleren rechten lees beheer ' +
    'volledige volledig hallo hoi bedankt dank svp aub moet zou even collega kunnen mogen u jij je haal weg uit neem ' +
    'trek zet bij naar er nog wel maar hoe waarom alle graag af aan mailen versturen kijken postvakken groep').split(/\s+/).filter(Boolean),
);
const EN_MARKERS = new Set(
  ('give grant the to on for of me my i need needs send access who has have can remove revoke please let read ' +
    'weeks days month months hours until and with without because what which help requests request status full ' +
    'as should would like want could allow add take away from all get able manage open friday monday tuesday ' +
    'wednesday thursday saturday sunday tomorrow two three four five hello hi thanks cancel delegates list show ' +
    'rights permissions mail mailbox inbox does do group team pls you it').split(/\s+/).filter(Boolean),
);

function detectLanguage(words: string[]): 'en' | 'nl' {
  let nl = 0;
  let en = 0;
  for (const w of words) {
    if (NL_MARKERS.has(w)) nl++;
    if (EN_MARKERS.has(w)) en++;
  }
  if (nl !== en) return nl > en ? 'nl' : 'en';
  // A tie ("haal Liam weg uit Support" has few marker words): Dutch spelling decides.
  const dutchSpelling = words.filter((w) => /(ij|aa|oe|uu|sch)/.test(w)).length;
  return dutchSpelling > 0 && nl > 0 ? 'nl' : 'en';
}

// ---------------------------------------------------------------------------------------------
// Tokens

interface Token {
  raw: string;
  norm: string;
  start: number;
  cap: boolean;
  possessive: boolean;
  mail: boolean;
  /** Punctuation (not a hyphen or apostrophe) between the previous token and this one. */
  breakBefore: boolean;
  /** A colon or dash before this token: "Joni Sherman: remove ...". */
  labelBefore: boolean;
  sentenceStart: boolean;
}

// A Map, not an object literal: a word such as "constructor" must not find Object.prototype's members.
const EXPANSIONS = new Map<string, string[]>([
  ['gimme', ['give', 'me']], ['lemme', ['let', 'me']], ['wanna', ['want', 'to']], ['gotta', ['have', 'to']], ['gonna', ['going', 'to']],
]);
const ASCII_WORD = /^[A-Za-z0-9]+$/;
const TOKEN_RE = /([^\s@<>(),;:"'’[\]]+@[^\s@<>(),;:"'’[\]]+\.[A-Za-z]{2,})|([\p{L}\p{M}\p{N}]+(?:['’`][\p{L}\p{M}\p{N}]+)*['’`]?)/gu;
// Punctuation between two tokens: a break (not a hyphen or apostrophe), a label ("Megan: ..."), a sentence end.
const BREAK_GAP = /[^\s\-‐‑–'’&+]/u;
const LABEL_GAP = /[:–—]|\s-\s/;
const SENTENCE_GAP = /[.!?:;]/;
const POSSESSIVE_WORD = /^(.+?)['’`]s$/iu;
const CONTRACTION = /^(i|we|you|they|he|she)['’`](d|m|ve|ll|re)$/iu;
const TRAILING_APOSTROPHE = /['’`]$/;
const CONTRACTION_BASES = new Set(['it', 'that', 'what', 'who', 'let', 'there', 'here', 'he', 'she', 'where', 'how', 'whats']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m; m = TOKEN_RE.exec(text)) {
    const gap = text.slice(last, m.index);
    last = m.index + m[0].length;
    // Most gaps are a single space (or nothing, at the start): no punctuation to look at.
    const plainGap = gap === ' ' || gap === '';
    const breakBefore = !plainGap && BREAK_GAP.test(gap);
    const labelBefore = !plainGap && LABEL_GAP.test(gap);
    const sentenceStart = tokens.length === 0 || (!plainGap && SENTENCE_GAP.test(gap));
    if (m[1]) {
      // "meganb@contoso.com's mailbox": the possessive sits outside the address.
      const tail = /^['’`]s(?![\p{L}\p{N}])/u.exec(text.slice(last));
      if (tail) last += tail[0].length;
      tokens.push({ raw: m[1], norm: m[1].toLowerCase(), start: m.index, cap: false, possessive: !!tail, mail: true, breakBefore, labelBefore, sentenceStart });
      TOKEN_RE.lastIndex = last;
      continue;
    }
    let raw = m[2]!;
    let possessive = false;
    let ascii = ASCII_WORD.test(raw);
    // A plain ASCII word has no apostrophe: no possessive or contraction to take off.
    if (!ascii) {
      const pm = POSSESSIVE_WORD.exec(raw);
      const contraction = CONTRACTION.exec(raw);
      if (contraction) raw = contraction[1]!;
      else if (pm) {
        raw = pm[1]!;
        possessive = !CONTRACTION_BASES.has(raw.toLowerCase());
      } else if (TRAILING_APOSTROPHE.test(raw)) {
        raw = raw.slice(0, -1);
        possessive = /[sxz]$/i.test(raw);
      }
      ascii = ASCII_WORD.test(raw);
    }
    // Plain ASCII words fold by lower-casing alone; only the rest needs the full Unicode fold.
    const norm = ascii ? raw.toLowerCase() : normalizeName(raw).replace(/[ .@]/g, '');
    if (!norm) continue;
    const expanded = EXPANSIONS.get(norm);
    if (expanded) {
      // Chat spelling: "gimme" is "give me", "wanna" is "want to".
      expanded.forEach((word, k) =>
        tokens.push({ raw: word, norm: word, start: m!.index, cap: false, possessive: false, mail: false, breakBefore: k === 0 && breakBefore, labelBefore: k === 0 && labelBefore, sentenceStart: k === 0 && sentenceStart }),
      );
      continue;
    }
    tokens.push({ raw, norm, start: m.index, cap: /^\p{Lu}/u.test(raw), possessive, mail: false, breakBefore, labelBefore, sentenceStart });
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Right phrases

interface RightMention {
  start: number;
  end: number; // exclusive token index
  right: L.RightWord;
  targetAfter: boolean;
}

const PHRASES_BY_FIRST = new Map<string, typeof L.RIGHT_PHRASES>();
for (const p of L.RIGHT_PHRASES) {
  const list = PHRASES_BY_FIRST.get(p.words[0]!) ?? [];
  list.push(p);
  PHRASES_BY_FIRST.set(p.words[0]!, list);
}
for (const list of PHRASES_BY_FIRST.values()) list.sort((a, b) => b.words.length - a.words.length);

function findRights(tokens: Token[]): RightMention[] {
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

// ---------------------------------------------------------------------------------------------
// Names

type MentionKind = 'name' | 'unknown' | 'self' | 'pronoun';
interface Mention {
  start: number;
  end: number; // exclusive
  text: string;
  kind: MentionKind;
  users: DirectoryUser[];
  targets: MailTarget[];
  possessive: boolean;
  /** Coordinated names ("Megan and Alex"): every part counts. */
  parts?: Mention[];
}

// Any word the lexicon uses is not a name on its own (a capitalised one mid-sentence may be: "give Grant ...").
const HARD = new Set<string>([
  ...L.STOPWORDS, ...L.GRANT_VERBS, ...L.REVOKE_VERBS, ...L.NL_SEND_VERBS, ...L.MAILBOX_WORDS, ...L.GROUP_WORDS,
  ...L.SHARED_WORDS, ...L.NEGATIONS, ...L.PAST_WORDS, ...L.STATE_VERBS, ...L.CANCEL_WORDS, ...L.STATUS_WORDS,
  ...L.REQUEST_NOUNS, ...L.HELP_WORDS, ...L.QUERY_START_TARGET, ...L.QUERY_START_PERSON, ...L.QUERY_START_CHECK,
  ...L.QUERY_TOPIC, ...L.PEOPLE_NOUNS, ...L.SELF_OBJECT, ...L.SELF_SUBJECT, ...L.SELF_POSSESSIVE,
  ...L.OTHER_PRONOUNS, ...L.OTHER_POSSESSIVE, ...L.TARGET_PREPS, ...L.TO_PREPS, ...L.FOR_PREPS, ...L.FROM_PREPS,
  ...L.OF_PREPS, ...L.GRANTEE_PREPS, ...L.COORDINATORS, ...L.OUT_OF_SCOPE, ...L.ARTICLES, ...L.SUBJECT_BEFORE,
  ...L.GRANTEE_AFTER, ...L.REVOKE_IMPERATIVES,
  ...'take away back end stop longer anymore meer rid neem haal trek weg af in behalf naam uit sent send sending sends verzend verzenden versturen owners members eigenaren leden'.split(' '),
]);
/**
 * Names that are also everyday words: written in lower case among capitalised names, they are words
 * ("I hope you can ...", "niet langer", "the admin's mailbox"), not Hope, Isaiah Langer or Ines Admin.
 */
const WORD_NAMES = new Set(
  ('hope will may mark bill rose summer dean grant joy faith grace june april august hunter chase frank sue pat art ' +
    'jack guy penny ruby amber ivy lily daisy holly robin sky rob bas roos wil mees kim sterre bloem storm ' +
    'langer long young king best white black brown green price power hall bell page wood hill field stone ' +
    'little small short strong sharp rich gold silver day north south west east admin manager office ' +
    'bos berg dam hof kok vos wit groot klein jong lang kort bakker visser smit koster boer molenaar mulder ' +
    'schouten timmerman beek dijk veld brink kuiper').split(' '),
);
/** Words that may sit inside a multi-word name but never end one. */
const INNER_WORDS = new Set(['and', 'en', 'of', 'the', 'for', 'voor', 'de', 'het', 'van', 'on', 'op', 'in', 'a', 'to']);
const NEVER_NAME = new Set<string>([
  ...L.SELF_OBJECT, ...L.SELF_SUBJECT, ...L.SELF_POSSESSIVE, ...L.OTHER_PRONOUNS, ...L.OTHER_POSSESSIVE,
  ...L.ARTICLES, ...L.TARGET_PREPS, ...L.TO_PREPS, ...L.FOR_PREPS, ...L.FROM_PREPS, ...L.OF_PREPS,
  ...L.GRANTEE_PREPS, ...L.COORDINATORS, ...L.NEGATIONS,
]);

async function lookup(directory: Directory, key: string): Promise<{ users: DirectoryUser[]; targets: MailTarget[] }> {
  if (directory.findNamed) return directory.findNamed(key);
  // Sequential awaits: cheaper than Promise.all for in-memory lookups, same for remote ones that cache.
  const users = await directory.findUsers(key);
  const targets = await directory.findTargets(key);
  return { users, targets };
}

/**
 * Whether `tokens[i]` may be (the end of) a name. A lexicon word counts as a name only when capitalised
 * mid-sentence ("give Grant send-as"); capitals tell names from words only when the writer uses them at all.
 */
function nameable(tokens: Token[], i: number, writesCapitals: boolean): boolean {
  const t = tokens[i]!;
  if (t.mail) return true;
  if (!HARD.has(t.norm)) {
    // "I hope you can ..." is not Hope Adeyemi when names are written with capitals.
    return !(writesCapitals && !t.cap && WORD_NAMES.has(t.norm));
  }
  if (!t.cap || t.raw.length < 2 || NEVER_NAME.has(t.norm)) return false;
  // "give Grant send-as": a capitalised lexicon word mid-sentence; "Will needs ...": at the start before a verb.
  let v = i + 1;
  while (v < tokens.length && v <= i + 3 && SUBJECT_FILLERS.has(tokens[v]!.norm)) v++;
  return !t.sentenceStart || L.SUBJECT_BEFORE.has(tokens[v]?.norm ?? '');
}

async function findMentions(tokens: Token[], used: boolean[], directory: Directory, text: string): Promise<Mention[]> {
  const mentions: Mention[] = [];
  const writesCapitals = tokens.some((t) => t.cap && !t.sentenceStart);
  // The unknown name being read: already in `mentions`, and the next word may still extend it.
  let unknownRun: Mention | undefined;
  for (let i = 0; i < tokens.length; ) {
    const first = tokens[i]!;
    // A multi-word name may start with a lexicon word ("Team Noord", "All Company", "help desk"): it is
    // looked up whole, never on its own.
    const startable =
      nameable(tokens, i, writesCapitals) ||
      WORD_NAMES.has(first.norm) ||
      L.NAME_PARTICLES.has(first.norm) ||
      ((first.cap || !writesCapitals || L.GROUP_WORDS.has(first.norm) || L.MAILBOX_WORDS.has(first.norm)) && !NEVER_NAME.has(first.norm));
    if (used[i] || !startable) {
      unknownRun = undefined;
      i++;
      continue;
    }
    let hit: Mention | undefined;
    // A mail local part typed alone: "jan.devries", "sales.benelux" (words joined by dots, no spaces).
    let dotted = i;
    while (dotted + 1 < tokens.length && text.slice(tokens[dotted]!.start + tokens[dotted]!.raw.length, tokens[dotted + 1]!.start) === '.') dotted++;
    if (!first.mail && dotted > i) {
      const key = tokens.slice(i, dotted + 1).map((t) => t.norm).join('.');
      const r = await lookup(directory, key);
      if (r.users.length || r.targets.length) {
        hit = { start: i, end: dotted + 1, text: key, kind: 'name', ...r, possessive: tokens[dotted]!.possessive };
      }
    }
    if (!hit && first.mail) {
      const r = await lookup(directory, first.norm);
      hit = { start: i, end: i + 1, text: first.raw, kind: 'name', ...r, possessive: false };
      if (!r.users.length && !r.targets.length) hit.kind = 'unknown';
    } else if (!hit) {
      // Inner words may be anything ("Sales and Marketing", "Team van de Week"); the ends must be nameable.
      let maxLen = 0;
      while (maxLen < MAX_NGRAM && i + maxLen < tokens.length) {
        const t = tokens[i + maxLen]!;
        if (used[i + maxLen] || t.mail || (maxLen > 0 && t.breakBefore)) break;
        // Inside a longer name an everyday word is part of it ("jan bakker"); only alone is it a word.
        if (!nameable(tokens, i + maxLen, writesCapitals) && !L.NAME_PARTICLES.has(t.norm) && !INNER_WORDS.has(t.norm) && !WORD_NAMES.has(t.norm)) break;
        maxLen++;
        if (t.possessive) break;
      }
      for (let len = maxLen; len >= 1 && !hit; len--) {
        const last = tokens[i + len - 1]!;
        if ((L.NAME_PARTICLES.has(last.norm) || INNER_WORDS.has(last.norm)) && (len === 1 || !nameable(tokens, i + len - 1, writesCapitals))) continue;
        if (len === 1 && !nameable(tokens, i, writesCapitals)) continue;
        const key = tokens.slice(i, i + len).map((t) => t.norm).join(' ');
        let r = await lookup(directory, key);
        // "Events and Outreach" for "Events & Outreach", and the other way round.
        if (!r.users.length && !r.targets.length && len >= 2) {
          const alternative = / (and|en) /.test(key) ? key.replace(/ (and|en) /g, ' ') : len === 2 && /&/.test(text.slice(tokens[i]!.start, tokens[i + 1]!.start)) ? key.replace(' ', ' and ') : undefined;
          if (alternative) r = await lookup(directory, alternative);
        }
        if (r.users.length || r.targets.length) {
          hit = { start: i, end: i + len, text: rawSpan(tokens, i, i + len), kind: 'name', ...r, possessive: last.possessive };
        }
      }
      // Dutch and hurried English possessives without an apostrophe: "Megans postvak", "Thomass mailbox".
      const next = tokens[i + 1];
      if (!hit && maxLen >= 1 && first.norm.length > 3 && first.norm.endsWith('s') && next && L.MAILBOX_WORDS.has(next.norm)) {
        const r = await lookup(directory, first.norm.slice(0, -1));
        if (r.users.length) hit = { start: i, end: i + 1, text: first.raw, kind: 'name', users: r.users, targets: [], possessive: true };
      }
    }
    if (hit) {
      unknownRun = undefined;
      mentions.push(hit);
      i = hit.end;
      continue;
    }
    // Not in the directory: a name-like word becomes (part of) an unknown name, so the bot can ask.
    if (!HARD.has(first.norm) && /^\p{L}[\p{L}'’-]*$/u.test(first.raw) && first.norm.length >= 2) {
      if (unknownRun && unknownRun.end === i && !first.breakBefore && unknownRun.end - unknownRun.start < 3 && !unknownRun.possessive) {
        unknownRun.end = i + 1;
        unknownRun.text = rawSpan(tokens, unknownRun.start, i + 1);
        unknownRun.possessive = first.possessive;
      } else {
        unknownRun = { start: i, end: i + 1, text: first.raw, kind: 'unknown', users: [], targets: [], possessive: first.possessive };
        mentions.push(unknownRun);
      }
    } else unknownRun = undefined;
    i++;
  }
  return joinNameParts(mentions, tokens);
}

/** A name that found people only (not typed as a mail address), or a word the directory does not know. */
const people = (x: Mention, tokens: Token[]) => x.kind === 'name' && x.users.length > 0 && x.targets.length === 0 && !tokens[x.start]!.mail;
const looseWord = (x: Mention, tokens: Token[]) => x.kind === 'unknown' && !tokens[x.start]!.mail;

/**
 * "Alex Jansen" where no one has exactly that name but "Alex" and "Jansen" each match people: one name
 * span, meaning the people who match both (or an unknown name when nobody does), never two people.
 */
function joinNameParts(mentions: Mention[], tokens: Token[]): Mention[] {
  const out: Mention[] = [];
  for (const m of mentions) {
    const prev = out.at(-1);
    const adjacent = prev && prev.end === m.start && !tokens[m.start]!.breakBefore && !prev.possessive;
    // "Sanne Jansen" when nobody is called Sanne: one unknown name, not an unknown word beside a Jansen.
    if (adjacent && ((looseWord(prev, tokens) && people(m, tokens)) || (people(prev, tokens) && looseWord(m, tokens)))) {
      out[out.length - 1] = {
        start: prev.start, end: m.end, text: rawSpan(tokens, prev.start, m.end), kind: 'unknown', users: [], targets: [], possessive: m.possessive,
      };
      continue;
    }
    if (adjacent && people(prev, tokens) && people(m, tokens)) {
      // A common first name and a common surname each match hundreds: no array in between.
      const ids = new Set<string>();
      for (const u of m.users) ids.add(u.id);
      const both = prev.users.filter((u) => ids.has(u.id));
      out[out.length - 1] = {
        start: prev.start,
        end: m.end,
        text: rawSpan(tokens, prev.start, m.end),
        kind: both.length ? 'name' : 'unknown',
        users: both,
        targets: [],
        possessive: m.possessive,
      };
      continue;
    }
    out.push(m);
  }
  return out;
}

function rawSpan(tokens: Token[], start: number, end: number): string {
  return tokens
    .slice(start, end)
    .map((t) => t.raw)
    .join(' ');
}

// ---------------------------------------------------------------------------------------------
// Roles

interface Scored {
  m: Mention;
  g: number;
  t: number;
}

const SUBJECT_FILLERS = new Set('no longer not dont doesnt does do did still also really now only just shouldnt wont cant mustnt cannot niet geen meer ook nog al nu alleen echt'.split(' '));
/** Singular nouns that name what follows: "het postvak Info", "the group Training" (not "mailboxes Megan can open"). */
const NOUN_BEFORE = new Set('mailbox inbox postvak postbus group groep team mail'.split(' '));
const ALSO = new Set('too also ook eveneens'.split(' '));
const SOFTENERS = new Set('alsjeblieft alstublieft even svp aub please pls plz kindly graag ff nog'.split(' '));
const YOU = new Set('you je jij jullie u ye'.split(' '));
const MODALS = new Set('can could would will kun kan kunt kunnen zou zouden wil wilt willen'.split(' '));
const CONTROL_VERBS = new Set('have get be send read open manage access receive use'.split(' '));
const isTargetOnly = (m: Mention) => m.kind === 'name' && m.users.length === 0 && m.targets.length > 0;
const isPersonish = (m: Mention) => m.kind !== 'name' || m.users.length > 0;

function endsRight(rights: RightMention[], index: number): RightMention | undefined {
  return rights.find((r) => r.end - 1 === index);
}

interface Context {
  tokens: Token[];
  rights: RightMention[];
  mentions: Mention[];
  queryForm?: 'target' | 'person' | 'check';
}

/** The index of the first word at or before `j` that is not an article. */
function skipBack(tokens: Token[], j: number): number {
  while (j >= 0 && L.ARTICLES.has(tokens[j]!.norm)) j--;
  return j;
}

function scoreMention(m: Mention, ctx: Context): Scored {
  const { tokens, rights, mentions } = ctx;
  let g = 0;
  let t = 0;

  // The word after: "Megan's mailbox", "the Training group", "Lee needs", "Megan send as".
  const next = tokens[m.end];
  const nextRight = rights.find((r) => r.start === m.end);
  let noun: 'mailbox' | 'group' | undefined;
  if (next && !next.breakBefore) {
    if (L.MAILBOX_WORDS.has(next.norm) || L.SHARED_WORDS.has(next.norm)) noun = 'mailbox';
    else if (L.GROUP_WORDS.has(next.norm)) noun = 'group';
  }

  // The words before: skip articles, then maybe a noun ("het postvak Info", "the mailbox of Megan").
  let j = skipBack(tokens, m.start - 1);
  let prev = tokens[j];
  if (prev && !tokens[m.start]!.breakBefore && NOUN_BEFORE.has(prev.norm) && !endsRight(rights, j)) {
    noun ??= L.GROUP_WORDS.has(prev.norm) ? 'group' : 'mailbox';
    j = skipBack(tokens, j - 1);
    while (j >= 0 && L.SHARED_WORDS.has(tokens[j]!.norm)) j = skipBack(tokens, j - 1);
    prev = tokens[j];
  }
  const prevNorm = prev?.norm ?? '';
  const rightBefore = endsRight(rights, j);
  const k = skipBack(tokens, j - 1);
  const beforePrep = tokens[k];
  const rightBeforePrep = endsRight(rights, k);

  // "the mailbox of Megan", "de mail van Nestor", "het postvak van Thomas".
  if (!noun && L.OF_PREPS.has(prevNorm) && beforePrep && !rightBeforePrep) {
    if (L.MAILBOX_WORDS.has(beforePrep.norm)) noun = 'mailbox';
    else if (L.GROUP_WORDS.has(beforePrep.norm)) noun = 'group';
  }
  if (noun) t += 5;
  if (m.possessive) {
    if (next && /^(delegates?|gemachtigden?)$/.test(next.norm)) t += 4;
    else if (nextRight || (next && L.QUERY_TOPIC.has(next.norm))) g += 4;
    else if (!noun) t += 1;
  }
  if (rightBefore?.targetAfter && !m.possessive && !tokens[m.start]!.breakBefore) t += 5;
  else if (rightBefore && !noun && !m.possessive) {
    // "give Megan full access Support" is rare; "geef volledige toegang Megan" likewise: weak either way.
    g += 0.5;
  }
  if (L.TARGET_PREPS.has(prevNorm)) t += 3;
  if (L.TO_PREPS.has(prevNorm)) {
    const accessNoun = rightBeforePrep && (rightBeforePrep.right === 'access' || rightBeforePrep.right === 'FullAccess' || rightBeforePrep.right === 'read');
    // "full access to Info" names the target; "send as rights to Lynne", "give Megan to" name the grantee.
    if (prevNorm === 'tot' || accessNoun) {
      t += 4;
      // "full mailbox access to Liam for the Klantenservice mailbox": a person may still be the grantee
      // when another name is plainly the mailbox.
      if (isPersonish(m) && prevNorm === 'to') g += 2;
    }
    else if (rightBeforePrep || mentions.some((o) => o !== m && o.end - 1 === k) || (beforePrep && L.GRANTEE_AFTER.has(beforePrep.norm))) g += 4;
    else {
      g += 2;
      t += 2;
    }
  }
  if (L.FOR_PREPS.has(prevNorm)) {
    if (isTargetOnly(m)) t += 3;
    else g += 3;
  }
  if (L.FROM_PREPS.has(prevNorm)) {
    if (rightBeforePrep && !noun && !isTargetOnly(m)) g += 3;
    else t += 3;
  }
  if (L.OF_PREPS.has(prevNorm) && !noun) {
    if (beforePrep && /^(delegates?|gemachtigden?|owners|eigenaren|members|leden)$/.test(beforePrep.norm)) t += 4;
    else if (rightBeforePrep) g += 3;
  }
  if (L.GRANTEE_PREPS.has(prevNorm)) g += 4;
  // The word before, past politeness: "Trek alsjeblieft Megan ...", "give please Megan ...".
  let d = m.start - 1;
  while (d >= 0 && SOFTENERS.has(tokens[d]!.norm)) d--;
  const direct = tokens[d];
  if (direct && (L.GRANTEE_AFTER.has(direct.norm) || L.REVOKE_VERBS.has(direct.norm) || L.REVOKE_IMPERATIVES.has(direct.norm) || REVOKE_SPLIT_VERBS.has(direct.norm)) && !noun) g += 3;
  // "kunnen jullie Lee ... geven", "kun je Megan ... geven", "could you Megan ..."
  const twoBack = tokens[m.start - 2];
  if (direct && YOU.has(direct.norm) && twoBack && MODALS.has(twoBack.norm) && !noun && (m.kind !== 'unknown' || tokens[m.start]!.cap)) g += 3;
  // "Lee needs", "Kwame no longer needs", "Liam doesn't need", "Mark hoeft niet meer".
  let n = m.end;
  while (n < tokens.length && n < m.end + 3 && SUBJECT_FILLERS.has(tokens[n]!.norm) && !tokens[n]!.breakBefore) n++;
  const subjectVerb = tokens[n];
  // ... unless another person follows as the object: "Alex wants Megan to have", "Alex wil dat Megan ...".
  const personObjectAfter = mentions.some(
    (o) => o !== m && o.kind === 'name' && o.users.length > 0 && !o.possessive && o.start > n && o.start <= n + 2 &&
      !(tokens[o.start - 1] && (L.TO_PREPS.has(tokens[o.start - 1]!.norm) || L.TARGET_PREPS.has(tokens[o.start - 1]!.norm) || L.OF_PREPS.has(tokens[o.start - 1]!.norm))),
  );
  if (subjectVerb && !subjectVerb.breakBefore && L.SUBJECT_BEFORE.has(subjectVerb.norm) && !personObjectAfter) g += 3;
  // "Alex wil dat Megan ...", "I want that Megan ...".
  if (direct && (direct.norm === 'dat' || direct.norm === 'that') && m.kind !== 'unknown') g += 3;
  if (nextRight && !m.possessive && !noun) g += 2;
  // "Joni Sherman: remove send on behalf on Marketing", "Megan - send as Training".
  if (m.start === 0 && next?.labelBefore && isPersonish(m)) g += 2.5;
  // "I want Megan to have ...", "we need Priya to get ...".
  if (next && next.norm === 'to' && CONTROL_VERBS.has(tokens[m.end + 1]?.norm ?? '') && !noun && m.kind !== 'unknown') g += 3;

  if (m.kind === 'self') {
    const objectAfter =
      mentions.some((o) => o.kind === 'name' && o.start > m.end && o.start <= m.end + 3 && o.users.length > 0 && !o.possessive) ||
      // "I'd like to request Send As for Megan": the asker is not the grantee.
      mentions.some((o) => o.kind === 'name' && o.users.length > 0 && /^(for|voor|aan)$/.test(tokens[o.start - 1]?.norm ?? ''));
    if (L.SELF_SUBJECT.has(tokens[m.start]!.norm) && objectAfter && !nextRight) g = 0;
    else if (L.SELF_SUBJECT.has(tokens[m.start]!.norm)) g += 3;
    else if (!m.possessive) g += 2;
    if (!noun) t = -Infinity;
  }
  if (m.kind === 'name') {
    g += 0.5;
    t += 0.5;
  }
  if (isTargetOnly(m)) {
    g = -Infinity;
    t += 1;
  }
  if (ctx.queryForm === 'target' && m.kind !== 'self') t += 2;
  if (ctx.queryForm === 'person' && isPersonish(m) && !noun) g += 2;
  if (ctx.queryForm === 'check' && m.kind === 'name' && m.users.length > 0 && !noun && !m.possessive) g += 1.5;
  // A word the directory does not know takes a role only on a real cue ("give Bob", "on Finance").
  if (m.kind === 'unknown' && g < 3) g = 0;
  if (m.kind === 'unknown' && t < 3) t = 0;
  return { m, g, t };
}

function assignRoles(scored: Scored[]): { g?: Mention; t?: Mention; tie: boolean } {
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

// ---------------------------------------------------------------------------------------------
// Resolutions

function asGrantee(m: Mention, requesterId: string): Resolution {
  if (m.parts) return combine(m.parts.map((p) => asGrantee(p, requesterId)), m.text);
  if (m.kind === 'self') return { status: 'resolved', id: requesterId };
  if (m.kind !== 'name' || m.users.length === 0) return { status: 'unknown', text: m.text };
  // The directory returns each person once.
  return m.users.length === 1 ? { status: 'resolved', id: m.users[0]!.id } : { status: 'ambiguous', candidates: m.users.map((u) => u.id) };
}

function asTarget(m: Mention, requesterId: string, noun: 'mailbox' | 'group' | undefined): Resolution {
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

function nounOf(m: Mention, tokens: Token[]): 'mailbox' | 'group' | undefined {
  const next = tokens[m.end];
  if (next && L.GROUP_WORDS.has(next.norm)) return 'group';
  if (next && (L.MAILBOX_WORDS.has(next.norm) || L.SHARED_WORDS.has(next.norm))) return 'mailbox';
  let j = m.start - 1;
  while (j >= 0 && L.ARTICLES.has(tokens[j]!.norm)) j--;
  let prev = tokens[j];
  if (prev && L.OF_PREPS.has(prev.norm)) {
    j--;
    while (j >= 0 && L.ARTICLES.has(tokens[j]!.norm)) j--;
    prev = tokens[j];
  }
  if (prev && L.GROUP_WORDS.has(prev.norm)) return 'group';
  if (prev && L.MAILBOX_WORDS.has(prev.norm)) return 'mailbox';
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

// ---------------------------------------------------------------------------------------------
// The whole thing

const REQUEST_REF_RE = /(?<![\p{L}\p{N}])REQ-[A-Z0-9]{5,}(?![\p{L}\p{N}])/iu;
const AUTOMAPPING_RE =
  /(?<![\p{L}])(?:without|w\/o|no|zonder|geen|disable|disabled|uit|turn\s+off|not?\s+using)\s+(?:the\s+|de\s+)?auto[\s-]?(?:mapping|map|mappen)(?![\p{L}])|(?<![\p{L}])auto[\s-]?(?:mapping|map)\s+(?:off|uit|disabled|uitgeschakeld)(?![\p{L}])/iu;
const REASON_RE = /(?<![\p{L}])(because|cause|coz|cuz|so\s+that|reason\s*:|the\s+reason\s+is|omdat|vanwege|aangezien|zodat|wegens|reden\s*:|i\.v\.m\.|ivm|want)(?![\p{L}])/iu;

/** The lexicon's revoke phrases as text, for `hasSeq` in `decideIntent`, and the words they start with. */
const REVOKE_PHRASES = L.REVOKE_PHRASES.map((words) => words.join(' '));
const REVOKE_PHRASE_STARTS = new Set(L.REVOKE_PHRASES.map((words) => words[0]!));
const REVOKE_SPLIT_VERBS = new Set(['take', 'neem', 'haal', 'trek', 'cut']);
const SPLIT_REVOKE: Array<[string, Set<string>]> = [
  ['take', new Set(['off', 'away', 'out'])],
  ['neem', new Set(['af', 'weg'])],
  ['haal', new Set(['weg', 'af'])],
  ['trek', new Set(['in'])],
  ['zet', new Set(['uit'])],
  ['schakel', new Set(['uit'])],
];

/** Sets the intent; only requests about rights carry slots, and an answer of "unknown" never half-fills them. */
function finish(result: Understanding, intent: Intent): Understanding {
  result.intent = intent;
  if (intent !== 'grant' && intent !== 'revoke') {
    result.duration = null;
    result.until = null;
  }
  if (intent !== 'grant' && intent !== 'revoke' && intent !== 'query') {
    result.permission = null;
    result.grantee = null;
    result.target = null;
  }
  return result;
}

function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + ' '.repeat(Math.max(0, end - start)) + text.slice(end);
}

export async function understand(text: string, options: UnderstandOptions): Promise<Understanding> {
  const result: Understanding = {
    intent: 'unknown',
    permission: null,
    grantee: null,
    target: null,
    duration: null,
    until: null,
    language: 'en',
  };
  if (typeof text !== 'string') return result;
  if (text.length > MAX_TEXT_LENGTH) {
    result.language = detectLanguage(text.slice(0, 400).toLowerCase().split(/[^\p{L}]+/u));
    return result;
  }
  // Teams may wrap text in simple markup; entities and invisible characters are noise here.
  let work = text.normalize('NFC');
  // Most messages have none of them: then there is nothing to replace.
  if (NOISE.test(work)) {
    work = work
      .replace(INVISIBLE, '')
      // A chat message may span lines; the CLI already splits on "\n", so here a line break is a space.
      .replace(/\r\n?|\n/g, ' ')
      // Teams puts the bot's own name in <at>...</at>: not part of the request.
      .replace(/<at>[^<>]{0,200}<\/at>/gi, ' ')
      .replace(/<[^<>]{0,200}>/g, ' ')
      .replace(/&nbsp;/gi, ' ')
      .replace(/&amp;/gi, '&');
  }
  const plainWords = normalizeName(work).split(' ');
  result.language = detectLanguage(plainWords);
  if (CONTROL.test(work) || !work.trim()) return result;

  const fixed = takeOutFixedShapes(work, result, options);
  work = fixed.rest;
  const ref = fixed.ref;

  const tokens = tokenize(work);
  const norms = tokens.map((t) => t.norm);

  // Nothing left but a request id ("REQ-7K2F9?") or a bare "?".
  if (!tokens.length) return finish(result, ref ? 'status' : /\?/.test(work) ? 'help' : 'unknown');

  const rights = findRights(tokens);
  const used = new Array<boolean>(tokens.length).fill(false);
  for (const r of rights) for (let i = r.start; i < r.end; i++) used[i] = true;

  const pronounMentions = findPronouns(tokens, used, rights);
  const named = await findMentions(tokens, used, options.directory, work);
  // "Adele haar toegang", "Megan d'r postvak": a possessive pronoun right after a name is that name's.
  for (const p of pronounMentions.filter((x) => x.kind === 'pronoun' && x.possessive && ownerOf(x, named))) {
    const owner = ownerOf(p, named)!;
    owner.possessive = true;
    owner.end = p.end;
    pronounMentions.splice(pronounMentions.indexOf(p), 1);
  }
  let mentions = [...named, ...pronounMentions].sort((a, b) => a.start - b.start);

  // Dutch "als Marketing verzenden": "als" + name + send verb is Send As on that name.
  for (const m of mentions) {
    const before = tokens[m.start - 1];
    if (before && before.norm === 'als' && !used[m.start - 1] && norms.slice(m.end, m.end + 4).some((w) => L.NL_SEND_VERBS.has(w))) {
      rights.push({ start: m.start - 1, end: m.start, right: 'SendAs', targetAfter: true });
      used[m.start - 1] = true;
    }
  }
  rights.sort((a, b) => a.start - b.start);

  // "Megan and Alex", "Megan, Alex": one mention with several parts, so the bot never picks one silently.
  mentions = coordinate(mentions, tokens, work);

  // The reply language comes from the sentence around the names and right names: "geef Megan send as op
  // Training" is Dutch even though "send as" is English product wording.
  const inPhrase = new Set<number>();
  for (const r of rights) for (let i = r.start; i < r.end; i++) inPhrase.add(i);
  for (const m of mentions) if (m.kind === 'name') for (let i = m.start; i < m.end; i++) inPhrase.add(i);
  const sentenceWords = norms.filter((_, i) => !inPhrase.has(i));
  if (sentenceWords.some((w) => NL_MARKERS.has(w) || EN_MARKERS.has(w))) result.language = detectLanguage(sentenceWords);

  const decided = decideIntent({ tokens, norms, rights, mentions, ref, question: /\?\s*$/.test(work) });
  const intent = decided.intent;
  const queryForm = decided.queryForm;
  if (intent !== 'grant' && intent !== 'revoke' && intent !== 'query') return finish(result, intent);
  // "until 2026-02-30", "for 0 weeks": a limit was asked for but not understood; never grant without it.
  if (intent === 'grant' && fixed.unreadTime) return finish(result, 'unknown');

  // ---- roles
  const ctx: Context = { tokens, rights, mentions, queryForm: intent === 'query' ? queryForm : undefined };
  let candidates = mentions;
  if (intent === 'query') {
    // "show me who ...", "can you tell me ...": the asker is not the subject unless "I"/"my".
    candidates = mentions.filter((m) => !(m.kind === 'self' && L.SELF_OBJECT.has(tokens[m.start]!.norm)));
  }
  const scored = candidates.map((m) => scoreMention(m, ctx));
  const roles = assignRoles(scored);
  if (roles.tie && (intent === 'grant' || intent === 'revoke')) return finish(result, 'unknown');
  if ((intent === 'grant' || intent === 'revoke') && hasLeftover(scored, roles, tokens)) return finish(result, 'unknown');

  if (roles.g) result.grantee = asGrantee(roles.g, options.requesterId);
  if (roles.t) result.target = asTarget(roles.t, options.requesterId, nounOf(roles.t, tokens));

  // ---- the right; for a revoke, who actually holds it
  const explicit = new Set(rights.map((r) => r.right).filter((r): r is Right => r !== 'access' && r !== 'read' && r !== 'rights'));
  if (intent === 'revoke') await settleRevoke(result, explicit, options);
  const noun = roles.t ? nounOf(roles.t, tokens) : undefined;
  const saysAll = norms.some((w) => ALL_WORDS.has(w));
  result.permission = await choosePermission(intent, rights, result.target, noun, saysAll, options.directory);
  // "open a ticket for Megan on Training", "Megan needs to read Training": reading verbs say nothing
  // about a group's rights, so rather than a grant with no right, the bot asks what is meant.
  if (intent === 'grant' && result.permission === null && rights.every((r) => r.right === 'read')) return finish(result, 'unknown');
  return finish(result, intent);
}

/** The name a possessive pronoun right after it belongs to. */
function ownerOf(pronoun: Mention, named: Mention[]): Mention | undefined {
  return named.find((n) => n.end === pronoun.start && n.kind === 'name' && !n.possessive);
}

/**
 * Takes out the parts with a fixed shape, so their words are not read as names or rights: the request
 * id, "without automapping", the reason (its words never negate or name anything), durations and dates.
 * Fills those fields of `result`; returns the rest of the text, blanked in place.
 */
function takeOutFixedShapes(
  text: string,
  result: Understanding,
  options: UnderstandOptions,
): { rest: string; ref: boolean; unreadTime: boolean } {
  let work = text;
  const lang = result.language;
  const ref = REQUEST_REF_RE.exec(work);
  if (ref) {
    result.requestRef = ref[0].toUpperCase();
    work = blank(work, ref.index, ref.index + ref[0].length);
  }
  const am = AUTOMAPPING_RE.exec(work);
  if (am) {
    result.autoMapping = false;
    work = blank(work, am.index, am.index + am[0].length);
  }
  const reason = REASON_RE.exec(work);
  if (reason && !(reason[1]!.toLowerCase() === 'want' && lang !== 'nl')) {
    const before = work.slice(0, reason.index);
    const afterStart = reason.index + reason[0].length;
    let end = work.length;
    if (!before.trim()) {
      // "Because Megan is away, give Alex ..." : the reason runs to the first comma.
      const comma = work.slice(afterStart).search(/[,;]/);
      end = comma >= 0 ? afterStart + comma : work.length;
    }
    const said = work.slice(afterStart, end).replace(/^[\s:,-]+|[\s.!?]+$/g, '').replace(/^of\s+/i, '').trim();
    if (said) result.reason = said.slice(0, MAX_REASON).trim();
    work = blank(work, reason.index, end);
  }
  const span = extractTimeSpan(work, options.now, options.utcOffsetMinutes ?? 0, lang);
  work = span.rest;
  result.duration = span.duration;
  result.until = span.until;
  return { rest: work, ref: ref !== null, unreadTime: span.unread };
}

/** "me", "I", "my mailbox", "her", "his mailbox": the requester, or someone the bot has to ask about. */
function findPronouns(tokens: Token[], used: boolean[], rights: RightMention[]): Mention[] {
  const pronounMentions: Mention[] = [];
  tokens.forEach((t, i) => {
    if (used[i]) return;
    const next = tokens[i + 1];
    const nextIsNounOrRight =
      !!next && (L.MAILBOX_WORDS.has(next.norm) || rights.some((r) => r.start === i + 1) || L.QUERY_TOPIC.has(next.norm));
    if (L.SELF_OBJECT.has(t.norm) || L.SELF_SUBJECT.has(t.norm)) {
      pronounMentions.push({ start: i, end: i + 1, text: t.raw, kind: 'self', users: [], targets: [], possessive: false });
    } else if (L.SELF_POSSESSIVE.has(t.norm) && nextIsNounOrRight) {
      pronounMentions.push({ start: i, end: i + 1, text: t.raw, kind: 'self', users: [], targets: [], possessive: true });
    } else if (L.OTHER_POSSESSIVE.has(t.norm) && nextIsNounOrRight) {
      pronounMentions.push({ start: i, end: i + 1, text: t.raw, kind: 'pronoun', users: [], targets: [], possessive: true });
    } else if (L.OTHER_PRONOUNS.has(t.norm) && t.norm !== 'ons') {
      pronounMentions.push({ start: i, end: i + 1, text: t.raw, kind: 'pronoun', users: [], targets: [], possessive: false });
    }
    if (pronounMentions.at(-1)?.start === i) used[i] = true;
  });
  return pronounMentions;
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
function hasLeftover(scored: Scored[], roles: { g?: Mention; t?: Mention }, tokens: Token[]): boolean {
  return scored.some(
    (x) =>
      x.m !== roles.g && x.m !== roles.t && addedOn(x.m, tokens) && !sameAs(x.m, roles.g) && !sameAs(x.m, roles.t),
  ) || scored.some(
    (x) =>
      x.m !== roles.g && x.m !== roles.t && (x.m.kind === 'name' || x.m.kind === 'self') && Math.max(x.g, x.t) >= 2 &&
      // The asker as subject ("I hope you can give Bill ...") is not a second request.
      !(x.m.kind === 'self' && L.SELF_SUBJECT.has(tokens[x.m.start]!.norm) && roles.g !== undefined) &&
      // "Megan Bowen (meganb@contoso.com)" names one person twice.
      !sameAs(x.m, roles.g) && !sameAs(x.m, roles.t),
  );
}

type QueryForm = 'target' | 'person' | 'check';

/**
 * The word sets `decideIntent` asks about, one bit each, and for every word the bits of the sets it is in:
 * a message's words are looked up once, then "is any word in this set" is one AND instead of a lookup per
 * word (`Words.has` scans for a set not listed here).
 */
const ASKED_SETS = [
  L.CANCEL_WORDS, L.GRANT_VERBS, L.HELP_WORDS, L.PAST_WORDS, L.PEOPLE_NOUNS, L.QUERY_TOPIC, L.REQUEST_NOUNS,
  L.REVOKE_VERBS, L.STATE_VERBS, CHECK_WORDS, EVERYONE, FUTURE, GRANT_IMPERATIVES, HEDGES, LIST_WORDS, NO_MORE_WORDS,
  OVERVIEW_WORDS, PASSIVE_REVOKE, PENDING_WORDS, REVOKE_PHRASE_STARTS, UNSUPPORTED, WHO_WORDS, WITHDRAW_WORDS,
];
if (ASKED_SETS.length > 31) throw new Error('ASKED_SETS: at most 31 sets fit the bits of a number');
const SET_BIT = new Map(ASKED_SETS.map((words, i) => [words, 1 << i]));
const WORD_BITS = new Map<string, number>();
for (const [words, bit] of SET_BIT) for (const w of words) WORD_BITS.set(w, (WORD_BITS.get(w) ?? 0) | bit);

/**
 * The words of a message with the lookups the intent rules make. Methods rather than closures made per
 * message: tsx (esbuild's keepNames) gives each named closure its name when it is created, at a cost
 * greater than the lookups themselves.
 */
class Words {
  /** A norm is never empty and holds no space, so consecutive words are a substring between spaces. */
  private readonly spaced: string;
  /** The bits (SET_BIT) of the word sets any of the words is in. */
  private readonly bits: number;
  constructor(private readonly norms: string[]) {
    this.spaced = ` ${norms.join(' ')} `;
    let bits = 0;
    for (const w of norms) bits |= WORD_BITS.get(w) ?? 0;
    this.bits = bits;
  }
  has(words: Set<string>): boolean {
    const bit = SET_BIT.get(words);
    if (bit !== undefined) return (this.bits & bit) !== 0;
    for (const w of this.norms) if (words.has(w)) return true;
    return false;
  }
  /** The words of `phrase` (one space between them) follow each other in the message. */
  hasSeq(phrase: string): boolean {
    // ` ${phrase} ` in `spaced`, without building that string for every question.
    for (let i = this.spaced.indexOf(phrase); i >= 0; i = this.spaced.indexOf(phrase, i + 1)) {
      if (this.spaced[i - 1] === ' ' && this.spaced[i + phrase.length] === ' ') return true;
    }
    return false;
  }
  /** A word of `words` among the first four, with only lexicon words before it ("can you tell me who ..."). */
  leading(words: Set<string>): boolean {
    const i = this.norms.findIndex((w) => words.has(w));
    return i >= 0 && i <= 3 && this.norms.slice(0, i).every((w) => HARD.has(w));
  }
}

/** Everything the intent and role rules look at, read once. */
interface Sentence {
  tokens: Token[];
  norms: string[];
  rights: RightMention[];
  mentions: Mention[];
  /** A request id was written. */
  ref: boolean;
  /** The message ends with a question mark. */
  question: boolean;
}

/**
 * The intent, in order: out of scope, cancel, status, help, query, then revoke or grant with the vetoes
 * (negation, reports about the past, statements of what someone holds, unknown leading verbs).
 */
function decideIntent(s: Sentence): { intent: Intent; queryForm?: QueryForm } {
  const { tokens, norms, rights, mentions } = s;
  const said = new Words(norms);
  const hasRight = rights.length > 0;
  const resolvedNames = mentions.filter((m) => m.kind === 'name');

  // Calendars, folders, ownership, membership: not these three rights. (A name such as "Agenda Team" is not.)
  const outOfScope = norms.some((w, i) => L.OUT_OF_SCOPE.has(w) && !mentions.some((m) => m.kind === 'name' && m.start <= i && i < m.end));
  if (outOfScope) return { intent: 'unknown' };

  const myRequest = tokens.some((t, i) => L.SELF_POSSESSIVE.has(t.norm) && L.REQUEST_NOUNS.has(norms[i + 1] ?? ''));
  const requestNoun = said.has(L.REQUEST_NOUNS);
  const withdrawRequest = requestNoun && said.has(WITHDRAW_WORDS);
  if (said.has(L.CANCEL_WORDS) || said.hasSeq('never mind') || (withdrawRequest && (myRequest || s.ref))) {
    return { intent: 'cancel' };
  }
  const statusLike =
    norms.includes('status') ||
    myRequest ||
    (requestNoun && said.has(PENDING_WORDS)) ||
    (s.ref && !hasRight);
  if (statusLike && !said.has(L.REVOKE_VERBS)) return { intent: 'status' };

  // Greetings in front do not change what is asked: "Goedemiddag, wat kan deze bot?".
  let lead = 0;
  while (lead < norms.length - 1 && OPENERS.has(norms[lead]!)) lead++;
  const flat = norms.slice(lead).join(' ');
  if (
    /^(what can you do|what do you do|wat kan je( allemaal)?( doen)?|wat kun je( allemaal)?( doen)?|wat (kan|kun|kunt) (jij|u)( allemaal)?( doen)?|wat doe je|how does (this|it) work|hoe werkt (dit|het)( precies)?|how do i use (this|you|it)|hoe gebruik ik (dit|je|jou|het))$/.test(flat) ||
    /^(how (do|can|should|would) (i|we|you)|hoe (kan|moet|doe|vraag) (ik|je|jij|we)|hoe werkt)\b/.test(flat) ||
    /^(what can i (do|ask)( with (this|you|the|this bot|the bot))?( bot)?( here)?|what do you do|what can (this|the) bot do|wat kan ik (hier|met (deze|de|jou|je|dit|jullie))( bot)?( doen| vragen)?|wat (kan|doet) (deze|de|die) bot( allemaal)?( doen)?)$/.test(flat) ||
    (said.has(L.HELP_WORDS) && (!hasRight || resolvedNames.length === 0 || /\b(help|hulp) (with|bij|met)\b/.test(flat)))
  ) {
    return { intent: 'help' };
  }

  const topic = said.has(L.QUERY_TOPIC) || hasRight || said.has(WHO_WORDS);
  let queryForm: Context['queryForm'];
  if (said.leading(L.QUERY_START_TARGET)) queryForm = 'target';
  else if (said.leading(L.QUERY_START_PERSON) && topic) {
    queryForm = tokens.some((t, i) => L.PEOPLE_NOUNS.has(t.norm) && i <= 3) ? 'target' : 'person';
  } else if (/^(list|show|display|toon|geef een overzicht|overview|overzicht|report|rapport)\b/.test(flat) && topic) {
    queryForm = said.has(WHO_WORDS) ? 'target' : 'check';
  } else if (/^(does|do|did|has|is|are|heeft|hebben|check|controleer|kijk)\b/.test(flat) && topic && !said.has(L.REVOKE_VERBS)) {
    queryForm = 'check';
  } else if (/\b(delegates of|gemachtigden van)\b/.test(flat)) queryForm = 'target';
  // Questions inside a sentence: "can you tell me who has access to X", "could you check whether Megan has ...",
  // "kun je kijken of ...": never a grant.
  if (!queryForm) {
    const whoAt = norms.findIndex((w, i) => L.QUERY_START_TARGET.has(w) && norms.slice(i + 1, i + 4).some((v) => WHO_VERBS.has(v)));
    const whatAt = norms.findIndex((w) => w === 'what' || w === 'which' || w === 'welke' || w === 'waar' || w === 'waartoe');
    if (whoAt >= 0) queryForm = 'target';
    else if (whatAt >= 0 && topic && !said.has(GRANT_IMPERATIVES)) queryForm = 'person';
    else if (said.has(CHECK_WORDS) || said.hasSeq('kijken of') || said.hasSeq('kijk of') || said.hasSeq('check if')) queryForm = 'check';
    else if (said.has(LIST_WORDS) && (said.has(L.PEOPLE_NOUNS) || said.has(EVERYONE) || said.has(WHO_WORDS))) queryForm = 'target';
    else if (said.hasSeq('laat zien') || said.hasSeq('show me')) queryForm = 'check';
  }
  if (!queryForm && /^(why|waarom|how come|hoezo)\b/.test(flat)) queryForm = 'check';
  if (!queryForm && said.leading(L.QUERY_START_PERSON) && said.has(L.STATE_VERBS)) queryForm = 'person';
  if (!queryForm && said.has(OVERVIEW_WORDS) && !said.has(L.GRANT_VERBS)) queryForm = 'check';
  if (queryForm === 'check' && /^(is|would|zou) (it|het) (be )?(possible|mogelijk)\b/.test(flat)) queryForm = undefined;
  if (said.has(UNSUPPORTED)) return { intent: 'unknown' };

  let intent: Intent;
  if (queryForm) intent = 'query';
  else {
    const negationIdx = norms.findIndex((w, i) => L.NEGATIONS.has(w) && !(w === 'no' && norms[i + 1] === 'longer'));
    const revokePhrase = (said.has(REVOKE_PHRASE_STARTS) && REVOKE_PHRASES.some((p) => said.hasSeq(p))) || (negationIdx >= 0 && said.has(NO_MORE_WORDS));
    // Split verbs: "take Zoe off Sales", "neem Zoë de rechten af", "haal Priya's toegang weg".
    const splitVerb = SPLIT_REVOKE.some(([verb, particles]) => {
      const i = norms.indexOf(verb);
      return i >= 0 && norms.slice(i + 2).some((w) => particles.has(w));
    });
    // "Lee's access can be removed" asks; "... was removed yesterday" reports (caught as past below).
    const passiveRevoke = said.has(PASSIVE_REVOKE) && (norms.includes('be') || norms.includes('worden') || norms.includes('wordt'));
    const commandAt = norms.findIndex((w) => !L.POLITE.has(w));
    const imperativeRevoke = commandAt >= 0 && L.REVOKE_IMPERATIVES.has(norms[commandAt]!);
    const revokeCue = said.has(L.REVOKE_VERBS) || revokePhrase || splitVerb || passiveRevoke || imperativeRevoke;
    const negated = negationIdx >= 0;
    const negationIsTheRevoke = negated && said.has(NO_MORE_WORDS);
    // "needs to be granted" asks; "was granted", "sent ... yesterday" report.
    const past = said.has(L.PAST_WORDS) && !said.hasSeq('be granted') && !said.hasSeq('be given');
    const grantCue = said.has(L.GRANT_VERBS);
    if (revokeCue) intent = negated && !negationIsTheRevoke ? 'unknown' : past && !(said.has(L.REVOKE_VERBS) && !passiveRevoke) ? 'unknown' : 'revoke';
    else if (negated || past) intent = 'unknown';
    else if (hasRight && (grantCue || mentions.length > 0)) {
      // "Diego's full access on ..." describes a right someone holds; with no verb that asks, it is not a grant.
      const describesHeld = mentions.some((m) => m.possessive && m.kind !== 'pronoun' && rights.some((r) => r.start === m.end));
      // Without a verb that asks, only a bare request counts ("Megan: send as Training", "sendas for megan ...");
      // an unknown leading verb ("Pull ...", "Reset ...") is not a grant.
      const first = tokens[0]!;
      const bare =
        mentions.some((m) => m.start === 0 && m.kind !== 'unknown') || rights.some((r) => r.start === 0) || GREETINGS.has(first.norm);
      if (said.has(L.STATE_VERBS) && !grantCue && !said.hasSeq('has to') && !said.hasSeq('have to')) {
        intent = s.question ? 'query' : 'unknown';
        queryForm = 'check';
      } else if (!grantCue && (describesHeld || !bare || said.has(FUTURE))) intent = 'unknown';
      else if (said.has(HEDGES) && !(commandAt >= 0 && GRANT_IMPERATIVES.has(norms[commandAt]!))) intent = 'unknown';
      else if (!grantCue && rights.every((r) => r.right === 'access' || r.right === 'rights')) {
        // "permissions on Helpdesk?", "access for Lee": a noun alone does not ask for anything.
        intent = s.question ? 'query' : 'unknown';
        queryForm = 'check';
      }
      else if (describesHeld && !said.has(GRANT_IMPERATIVES)) intent = 'unknown';
      else intent = 'grant';
    } else intent = 'unknown';
  }
  return { intent, queryForm };
}

/**
 * The right asked for. An explicit right wins (two different ones: `null`, the bot asks). Softer words:
 * reading or opening is Full Access except on a group; plain "access" is Full Access on a mailbox and
 * `null` on a group or an unknown target; in a revoke it means every right, in a query every holder.
 */
async function choosePermission(
  intent: 'grant' | 'revoke' | 'query',
  rights: RightMention[],
  target: Resolution | null,
  noun: 'mailbox' | 'group' | undefined,
  saysAll: boolean,
  directory: Directory,
): Promise<Right | null> {
  const explicit = new Set(rights.map((r) => r.right).filter((r): r is Right => r !== 'access' && r !== 'read' && r !== 'rights'));
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

function coordinate(mentions: Mention[], tokens: Token[], text: string): Mention[] {
  const out: Mention[] = [];
  for (const m of mentions) {
    const prev = out.at(-1);
    if (prev && !(m.kind === 'self' && m.possessive) && !(prev.kind === 'self' && prev.possessive)) {
      const between = tokens.slice(prev.end, m.start);
      const gapText = text.slice(tokens[prev.end - 1]!.start + tokens[prev.end - 1]!.raw.length, tokens[m.start]!.start);
      const bothNames = prev.kind === 'name' && m.kind === 'name';
      const joined =
        (between.length === 1 && L.COORDINATORS.has(between[0]!.norm)) ||
        (between.length === 0 && /^\s*(&|\+|and|en)\s*$/i.test(gapText)) ||
        (between.length === 0 && /^\s*,\s*$/.test(gapText) && bothNames);
      const sameSort = (isTargetOnly(prev) === isTargetOnly(m) || prev.kind === 'unknown' || m.kind === 'unknown') && !prev.possessive;
      if (joined && sameSort) {
        const parts = [...(prev.parts ?? [prev]), ...(m.parts ?? [m])];
        out[out.length - 1] = {
          ...m,
          start: prev.start,
          text: `${prev.text}${gapText.trim() === ',' ? ', ' : ` ${gapText.trim() || 'and'} `}${m.text}`,
          parts,
          possessive: m.possessive,
        };
        continue;
      }
    }
    out.push(m);
  }
  return out;
}

async function rightsHeldOn(targetId: string, options: UnderstandOptions): Promise<Array<{ trustee: string; right: Right }>> {
  if (options.rightsOn) return options.rightsOn(targetId);
  const all = await options.directory.initialPermissions();
  return all.filter((p) => p.target === targetId);
}

/**
 * A right can only be revoked from someone who holds it: when the grantee (or the target) is ambiguous
 * and exactly one candidate holds the right in question, that is the one meant.
 */
async function settleRevoke(result: Understanding, explicit: Set<Right>, options: UnderstandOptions): Promise<void> {
  const right = explicit.size === 1 ? [...explicit][0] : undefined;
  const g = result.grantee;
  const t = result.target;
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
