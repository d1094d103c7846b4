/**
 * Stage 7: intent. Out of scope, cancel, status, help, query, then revoke or grant with the vetoes
 * (negation, reports about the past, statements of what someone holds, hedges, unknown leading verbs).
 * Precision first: what is not plainly a request for a right is `unknown`, so the bot asks.
 */
import {
  CANCEL_WORDS,
  CHECK_WORDS,
  EVERYONE,
  FUTURE,
  GRANT_IMPERATIVES,
  GRANT_VERBS,
  GREETINGS,
  HEDGES,
  HELP_WORDS,
  LEXICON_WORDS,
  LIST_WORDS,
  NEGATIONS,
  NO_MORE_WORDS,
  OPENERS,
  OUT_OF_SCOPE,
  OVERVIEW_WORDS,
  PASSIVE_REVOKE,
  PAST_WORDS,
  PENDING_WORDS,
  PEOPLE_NOUNS,
  POLITE,
  QUERY_START_PERSON,
  QUERY_START_TARGET,
  QUERY_TOPIC,
  RELATIVE_ANTECEDENTS,
  REQUEST_NOUNS,
  REVOKE_IMPERATIVES,
  REVOKE_PHRASE_STARTS,
  REVOKE_PHRASE_TEXTS,
  REVOKE_VERBS,
  SELF_POSSESSIVE,
  SENTENCE_WORDS,
  SPLIT_REVOKE,
  STATE_VERBS,
  UNSUPPORTED,
  WHO_VERBS,
  WHO_WORDS,
  WITHDRAW_WORDS,
} from './lexicon.js';
import type { Mention } from './mentions.js';
import type { RightMention } from './right-phrases.js';
import type { QueryForm } from './roles.js';
import type { Intent } from './types.js';
import type { Token } from './tokens.js';


/**
 * The word sets `decideIntent` asks about, one bit each, and for every word the bits of the sets it is in:
 * a message's words are looked up once, then "is any word in this set" is one AND instead of a lookup per
 * word (`Words.has` scans for a set not listed here).
 */
const ASKED_SETS = [
  CANCEL_WORDS, GRANT_VERBS, HELP_WORDS, PAST_WORDS, PEOPLE_NOUNS, QUERY_TOPIC, REQUEST_NOUNS,
  REVOKE_VERBS, STATE_VERBS, CHECK_WORDS, EVERYONE, FUTURE, GRANT_IMPERATIVES, HEDGES, LIST_WORDS, NO_MORE_WORDS,
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
    return i >= 0 && i <= 3 && this.norms.slice(0, i).every((w) => LEXICON_WORDS.has(w));
  }
}

/** Everything the intent and role rules look at, read once. */
export interface Sentence {
  tokens: Token[];
  norms: string[];
  rights: RightMention[];
  mentions: Mention[];
  /** A request id was written. */
  ref: boolean;
  /** The message ends with a question mark. */
  question: boolean;
  /** The text the tokens were read from (their `start` offsets are into it). */
  text: string;
}

/**
 * The intent, in order: out of scope, cancel, status, help, query, then revoke or grant with the vetoes
 * (negation, reports about the past, statements of what someone holds, unknown leading verbs).
 * `removalLater`, with a grant only: the grant's end was said as a removal later ("..., then remove it
 * when he is back"), and these are its words as written (`laterRemoval`); the grant must not go ahead.
 */
export function decideIntent(s: Sentence): { intent: Intent; queryForm?: QueryForm; removalLater?: string } {
  const { tokens, rights, mentions } = s;
  const cmdlets = cmdletsIn(s);
  // A right after a pasted PowerShell command ("x; Remove-Mailbox send as on Sales") is that command's:
  // asked by no verb of a request, so neither a grant nor a removal.
  if (cmdlets.length > 0 && rights.some((r) => r.start > cmdlets[0]!)) return { intent: 'unknown' };
  const norms = withoutCmdlets(withNamesMasked(s.norms, mentions), cmdlets);
  const said = new Words(norms);
  const hasRight = rights.length > 0;
  const resolvedNames = mentions.filter((m) => m.kind === 'name');

  // Calendars, folders, ownership, membership: not these three rights. (A name such as "Agenda Team" is not.)
  const outOfScope = norms.some((w, i) => OUT_OF_SCOPE.has(w) && !mentions.some((m) => m.kind === 'name' && m.start <= i && i < m.end));
  if (outOfScope) return { intent: 'unknown' };

  const flatAll = norms.filter(Boolean).join(' ');
  const myRequest = tokens.some((t, i) => SELF_POSSESSIVE.has(t.norm) && REQUEST_NOUNS.has(norms[i + 1] ?? ''));
  const requestNoun = said.has(REQUEST_NOUNS);
  const withdrawRequest = requestNoun && said.has(WITHDRAW_WORDS);
  if (said.has(CANCEL_WORDS) || said.hasSeq('never mind') || (withdrawRequest && (myRequest || s.ref))) {
    return { intent: 'cancel' };
  }
  const statusLike =
    norms.includes('status') ||
    AWAITING_ME.test(flatAll) ||
    myRequest ||
    (requestNoun && said.has(PENDING_WORDS)) ||
    (s.ref && !hasRight);
  if (statusLike && !said.has(REVOKE_VERBS)) return { intent: 'status' };

  // Greetings in front do not change what is asked: "Goedemiddag, wat kan deze bot?".
  let lead = 0;
  while (lead < norms.length - 1 && OPENERS.has(norms[lead]!)) lead++;
  const flat = norms.slice(lead).join(' ');
  if (
    /^(what can you do|what do you do|wat kan je( allemaal)?( doen)?|wat kun je( allemaal)?( doen)?|wat (kan|kun|kunt) (jij|u)( allemaal)?( doen)?|wat doe je|how does (this|it) work|hoe werkt (dit|het)( precies)?|how do i use (this|you|it)|hoe gebruik ik (dit|je|jou|het))$/.test(flat) ||
    /^(how (do|can|should|would) (i|we|you)|hoe (kan|moet|doe|vraag) (ik|je|jij|we)|hoe werkt)\b/.test(flat) ||
    /^(what can i (do|ask)( with (this|you|the|this bot|the bot))?( bot)?( here)?|what do you do|what can (this|the) bot do|wat kan ik (hier|met (deze|de|jou|je|dit|jullie))( bot)?( doen| vragen)?|wat (kan|doet) (deze|de|die) bot( allemaal)?( doen)?)$/.test(flat) ||
    (said.has(HELP_WORDS) && (!hasRight || resolvedNames.length === 0 || /\b(help|hulp) (with|bij|met)\b/.test(flat)))
  ) {
    return { intent: 'help' };
  }

  const topic = said.has(QUERY_TOPIC) || hasRight || said.has(WHO_WORDS);
  // "do not give Zoë full access ...", "please don't ...": a command not to act, with no question mark,
  // so no yes/no question ("do Zoë and Priya have access?"); it falls to the negation veto below.
  const negatedCommand = !s.question && /^(?:please |pls |kindly )?(?:do|does) (?:not|never)\b/.test(flat);
  let queryForm: QueryForm | undefined;
  if (said.leading(QUERY_START_TARGET)) queryForm = 'target';
  else if (said.leading(QUERY_START_PERSON) && topic) {
    queryForm = tokens.some((t, i) => PEOPLE_NOUNS.has(t.norm) && i <= 3) ? 'target' : 'person';
  } else if (/^(list|show|display|toon|geef een overzicht|overview|overzicht|report|rapport)\b/.test(flat) && topic) {
    queryForm = said.has(WHO_WORDS) ? 'target' : 'check';
  } else if (/^(does|do|did|has|is|are|heeft|hebben|check|controleer|kijk)\b/.test(flat) && topic && !said.has(REVOKE_VERBS) && !negatedCommand) {
    queryForm = 'check';
  } else if (/\b(delegates of|gemachtigden van)\b/.test(flat)) queryForm = 'target';
  // Questions inside a sentence: "can you tell me who has access to X", "could you check whether Megan has ...",
  // "kun je kijken of ...": never a grant.
  if (!queryForm) {
    const whoAt = norms.findIndex(
      (w, i) => QUERY_START_TARGET.has(w) && norms.slice(i + 1, i + 4).some((v) => WHO_VERBS.has(v)) && !relativeWho(s, i),
    );
    const whatAt = norms.findIndex((w) => w === 'what' || w === 'which' || w === 'welke' || w === 'waar' || w === 'waartoe');
    if (whoAt >= 0) queryForm = 'target';
    else if (whatAt >= 0 && topic && !said.has(GRANT_IMPERATIVES)) queryForm = 'person';
    else if (said.has(CHECK_WORDS) || said.hasSeq('kijken of') || said.hasSeq('kijk of') || said.hasSeq('check if')) queryForm = 'check';
    else if (said.has(LIST_WORDS) && (said.has(PEOPLE_NOUNS) || said.has(EVERYONE) || said.has(WHO_WORDS))) queryForm = 'target';
    else if (said.hasSeq('laat zien') || said.hasSeq('show me')) queryForm = 'check';
  }
  if (!queryForm && /^(why|waarom|how come|hoezo)\b/.test(flat)) queryForm = 'check';
  if (!queryForm && said.leading(QUERY_START_PERSON) && said.has(STATE_VERBS)) queryForm = 'person';
  if (!queryForm && said.has(OVERVIEW_WORDS) && !said.has(GRANT_VERBS)) queryForm = 'check';
  if (queryForm === 'check' && /^(is|would|zou) (it|het) (be )?(possible|mogelijk)\b/.test(flat)) queryForm = undefined;
  // "what did Megan do to get access?", "wat moet Megan doen om toegang te krijgen?": about what someone
  // did or must do, not about who holds which right; a question the bot cannot answer, never a query
  // that then asks for a mailbox.
  if (queryForm && ASKS_WHAT_SOMEONE_DOES.test(flat)) return { intent: 'unknown' };
  if (said.has(UNSUPPORTED)) return { intent: 'unknown' };

  let intent: Intent;
  if (queryForm) intent = 'query';
  else {
    const negationIdx = norms.findIndex((w, i) => NEGATIONS.has(w) && !(w === 'no' && norms[i + 1] === 'longer'));
    const revokePhrase = (said.has(REVOKE_PHRASE_STARTS) && REVOKE_PHRASE_TEXTS.some((p) => said.hasSeq(p))) || (negationIdx >= 0 && said.has(NO_MORE_WORDS));
    // Split verbs: "take Zoe off Sales", "neem Zoë de rechten af", "haal Priya's toegang weg".
    const splitVerb = SPLIT_REVOKE.some(([verb, particles]) => {
      const i = norms.indexOf(verb);
      return i >= 0 && norms.slice(i + 2).some((w) => particles.has(w));
    });
    // "Lee's access can be removed" asks; "... was removed yesterday" reports (caught as past below).
    const passiveRevoke = said.has(PASSIVE_REVOKE) && (norms.includes('be') || norms.includes('worden') || norms.includes('wordt'));
    const commandAt = norms.findIndex((w) => !POLITE.has(w));
    // "stop Megan's send as" removes; "stop" alone names no right and nobody, and asks for nothing.
    const imperativeRevoke = commandAt >= 0 && REVOKE_IMPERATIVES.has(norms[commandAt]!) && (hasRight || mentions.length > 0);
    const revokeCue = said.has(REVOKE_VERBS) || revokePhrase || splitVerb || passiveRevoke || imperativeRevoke;
    const negated = negationIdx >= 0;
    const negationIsTheRevoke = negated && said.has(NO_MORE_WORDS);
    // "needs to be granted" asks; "was granted", "sent ... yesterday" report.
    const past = said.has(PAST_WORDS) && !said.hasSeq('be granted') && !said.hasSeq('be given');
    const grantCue = said.has(GRANT_VERBS);
    // "give Liam full access, then remove it when he is back": a grant whose end is a removal said later,
    // never a removal now; any other message with both a giving and a removing verb is neither for sure.
    const giveAt = revokeCue ? norms.findIndex((w) => GIVE_WORDS.has(w)) : -1;
    const removalLater = giveAt >= 0 ? laterRemoval(norms, giveAt, s) : undefined;
    if (revokeCue && giveAt >= 0 && removalLater === undefined) intent = 'unknown';
    else if (revokeCue && removalLater === undefined) intent = negated && !negationIsTheRevoke ? 'unknown' : past && !(said.has(REVOKE_VERBS) && !passiveRevoke) ? 'unknown' : 'revoke';
    else if (negated || past) intent = 'unknown';
    else if (hasRight && (grantCue || mentions.length > 0)) {
      // "Diego's full access on ..." describes a right someone holds; with no verb that asks, it is not a grant.
      const describesHeld = mentions.some((m) => m.possessive && m.kind !== 'pronoun' && rights.some((r) => r.start === m.end));
      // Without a verb that asks, only a bare request counts ("Megan: send as Training", "sendas for megan ...");
      // an unknown leading verb ("Pull ...", "Reset ...") is not a grant.
      const first = tokens[0]!;
      const bare =
        mentions.some((m) => m.start === 0 && m.kind !== 'unknown') || rights.some((r) => r.start === 0) || GREETINGS.has(first.norm);
      if (said.has(STATE_VERBS) && !grantCue && !said.hasSeq('has to') && !said.hasSeq('have to')) {
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
    if (removalLater !== undefined) return intent === 'grant' ? { intent, removalLater } : { intent: 'unknown' };
    // "what did the bot revoke on Facturen?", "wat heeft de bot weggehaald?": asks what someone did,
    // so it reports the past and asks for nothing; never a grant or a removal.
    if ((intent === 'grant' || intent === 'revoke') && s.question && ASKS_WHAT_WAS_DONE.test(flat)) intent = 'unknown';
  }
  return { intent, queryForm };
}

/**
 * A question about what someone did or must do, with "do" as its own verb: "what did Megan do ...", "what
 * should I do to ...", "what has Megan done", "wat heeft Megan gedaan ...", "wat moet ik doen om ...".
 * Not "what do I have access to" ("do" only helps there) nor "what can Megan do", which asks about rights.
 * Names are blanked in the words read (`withNamesMasked`), so a word between may be empty.
 */
const ASKS_WHAT_SOMEONE_DOES =
  /^(?:what (?:did|does|do|has|have|had|should|must|would|will|need|needs) (?:\S* ){1,4}(?:do|done)|wat (?:heeft|hebben|heb|had|hadden|moet|moeten|zou|zouden|deed|deden|doet|doe) (?:\S* ){0,4}(?:gedaan|doen))\b/;

/** A question about what someone did: "what did ...", "what has ...", "wat heeft ...", "wat deed ...". */
const ASKS_WHAT_WAS_DONE = /^(?:what (?:did|has|have|had)|wat (?:heeft|hebben|heb|had|hadden|deed|deden))\b/;

/** Verbs that give a right: with a removing verb in the same message, it asks for neither for sure. */
const GIVE_WORDS = new Set(
  'give gives giving grant grants granting assign provide add adding enable geef geeft geven verleen verleent verlenen toekennen voeg toevoegen machtig machtigen'.split(' '),
);
/** Words that say the removal comes after the grant: "then", "later", "again", "daarna", "weer". */
const AFTERWARDS = new Set('then later afterwards after again and dan daarna later weer en vervolgens'.split(' '));
/** What is removed in "remove it", "take that away", "haal het weg": the right just asked for. */
const THE_RIGHT_AGAIN = new Set('it that this them het dat dit die ze'.split(' '));

/**
 * The words after a removal said after a grant, as written ("when he is back" of "give Liam full
 * access to Support, then remove it when he is back"; the whole removal when nothing follows it):
 * the grant's end, said as a later removal. Undefined unless a removing verb follows the giving one
 * (`giveAt`) after "then"/"and"/"daarna" or with "it"/"het" as its object.
 */
function laterRemoval(norms: readonly string[], giveAt: number, s: Sentence): string | undefined {
  const removeAt = norms.findIndex((w, i) => i > giveAt && (REVOKE_VERBS.has(w) || REVOKE_IMPERATIVES.has(w) || SPLIT_REVOKE.some(([verb]) => verb === w)));
  if (removeAt < 0 || norms.slice(0, giveAt).some((w) => REVOKE_VERBS.has(w))) return undefined;
  const around = norms.slice(Math.max(giveAt + 1, removeAt - 2), removeAt + 3);
  if (!around.some((w) => THE_RIGHT_AGAIN.has(w)) || !norms.slice(giveAt + 1, removeAt).some((w) => AFTERWARDS.has(w))) return undefined;
  // After the removing verb, its object and particles: the words that say when.
  let from = removeAt + 1;
  while (from < norms.length && (THE_RIGHT_AGAIN.has(norms[from]!) || AFTERWARDS.has(norms[from]!) || /^(away|off|back|weg|af|in)$/.test(norms[from]!))) from++;
  const at = s.tokens[from] ?? s.tokens[removeAt]!;
  return s.text.slice(at.start).replace(/[\s.!?]+$/u, '').replace(/\s+/g, ' ').trim();
}

/** PowerShell verbs that start a cmdlet name ("Remove-MailboxPermission", "Add-MailboxPermission"). */
const CMDLET_VERBS = new Set('add remove get set new enable disable grant revoke'.split(' '));

/**
 * Where PowerShell cmdlet names start ("Remove-Mailbox", "Add-MailboxPermission": a capital verb of
 * `CMDLET_VERBS`, a hyphen and a capital noun with nothing between), as token indexes, in order.
 */
export function cmdletsIn(s: Sentence): number[] {
  const at: number[] = [];
  for (let i = 0; i + 1 < s.tokens.length; i++) {
    const verb = s.tokens[i]!;
    const noun = s.tokens[i + 1]!;
    const end = verb.start + verb.raw.length;
    if (verb.cap && noun.cap && CMDLET_VERBS.has(verb.norm) && noun.start === end + 1 && /[-‐‑]/.test(s.text[end] ?? '')) at.push(i);
  }
  return at;
}

/** `norms` with the cmdlet names at `cmdlets` (`cmdletsIn`) blanked: a pasted command, whose verb asks nothing. */
function withoutCmdlets(norms: string[], cmdlets: readonly number[]): string[] {
  if (cmdlets.length === 0) return norms;
  const out = [...norms];
  for (const i of cmdlets) {
    out[i] = '';
    out[i + 1] = '';
  }
  return out;
}

/**
 * Whether the message reads as a sentence rather than a name: it names a right, or, outside the names
 * the directory knows (and the people the channel marked), it has a verb or question word
 * (`SENTENCE_WORDS`) among several words, or several words and a question mark. A bot that asked
 * "On which mailbox or group?" takes such a message as a new one ("what did the bot do?"), and
 * anything else as the name it asked for ("Nonexistent", "Sales and Marketing").
 */
export function readsAsSentence(s: Sentence): boolean {
  if (s.rights.length > 0) return true;
  const words = withNamesMasked(s.norms, s.mentions).filter(Boolean);
  if (s.norms.length < 2 || words.length === 0) return false;
  return words.some((w) => SENTENCE_WORDS.has(w)) || (s.question && words.length >= 2);
}

/**
 * What waits for the asker's decision, asked without the word "request": "what is waiting for me?",
 * "what do I need to approve?", "wat wacht er op mij?", "wat moet ik goedkeuren?". Answered as
 * "my requests", whose second part is what awaits their decision.
 */
const AWAITING_ME =
  /^(?:(?:hi|hello|hey|hoi|hallo) )?(?:what s|whats|what is|what are|what|is there anything|anything|wat|is er iets|ligt er iets)( still| nog)? (?:(?:waiting|pending|open) (?:for|on) (?:me|my (?:approval|decision|review|sign ?off))|(?:do|should|must|have) i (?:still )?(?:need to |have to |got to )?(?:approve|decide on|review|sign off)|(?:er )?(?:nog )?(?:wacht(?:en)?|ligt|ligger) (?:er )?(?:nog )?(?:op|voor|bij) (?:mij|me)(?: te [a-z]+)?|moet ik (?:nog )?(?:goedkeuren|beoordelen|beslissen|accorderen))$/;

/**
 * `norms` with the words of every name the directory knows blanked out (same length, so indexes still
 * line up): they are that person's, group's or mailbox's name, never a cue. "give Ama Status send
 * as ..." is no status question; a group called "Help Desk" asks for no help. The same for a person
 * the channel marked (a Slack or Teams mention), known or not: "give @Nobody Home send as" is a
 * grant, for that person or answered with "could not find Nobody Home". (Typed, a name that starts
 * with a negation, "Nobody Smith", is still not looked up: `NEVER_NAME` keeps negations out of names.)
 */
function withNamesMasked(norms: string[], mentions: readonly Mention[]): string[] {
  const isName = (m: Mention) => m.kind === 'name' || m.marked === true;
  if (!mentions.some(isName)) return norms;
  const masked = [...norms];
  for (const m of mentions) if (isName(m)) for (let i = m.start; i < m.end; i++) masked[i] = '';
  return masked;
}

/**
 * "who" at `i` opens a relative clause about the word before it ("a delegate who can send ...", "Priya,
 * who is new, needs ..."), so it asks nothing.
 */
function relativeWho(s: Sentence, i: number): boolean {
  if (i === 0) return false;
  if (RELATIVE_ANTECEDENTS.has(s.norms[i - 1]!)) return true;
  return s.mentions.some((m) => m.end === i && m.kind === 'name' && m.users.length > 0);
}
