/**
 * Text -> typed request (SPEC section 5), English and Dutch, no model and no network.
 *
 * The pipeline, one stage per file:
 *   1. clean.ts         the text as one plain line (entities decoded, markup and invisible characters
 *                       out); refuse control characters and huge input (command-syntax.ts: and, once
 *                       the intent is known, pasted PowerShell: "-Confirm:$false", "'; Remove-Mailbox")
 *   2. fixed-shapes.ts  take out request id, "without automapping", the reason, durations and end dates
 *   3. tokens.ts        words, possessives, mail addresses, punctuation breaks; marked.ts the
 *                       channel's own mentions (Slack `<@U…>`), identified before anything else,
 *                       at the places the channel marked them
 *   4. right-phrases.ts mark right phrases ("send as", "verzenden namens", "add X to the mailbox")
 *   5. mentions.ts      names by longest n-gram against the directory's index; "me"; pronouns; "X and Y"
 *   6. roles.ts         grantee and target scores from a named cue table; the best pair
 *   7. intent.ts        grant, revoke, query, status, cancel, help or unknown, with the vetoes
 *   8. resolve.ts       resolutions, the right asked for, a revoke settled on who holds the right
 * Word lists live in lexicon.ts, language detection in detect-language.ts, dates in dates.ts.
 * Precision first: when roles, names or rights are unclear the result says so and the bot asks.
 */
import { normalizeName } from '../directory/normalize.js';
import { RIGHTS, type Right } from '../domain/rights.js';
import { readAuditQuestion } from './audit-question.js';
import { cleanInput, hasControlCharacters, MAX_TEXT_LENGTH } from './clean.js';
import { commandSyntaxAt } from './command-syntax.js';
import { detectLanguage, languageMarkedBy, languageOfSentence } from './detect-language.js';
import { explainReading } from './explain.js';
import { takeOutFixedShapes } from './fixed-shapes.js';
import { cmdletsIn, decideIntent, readsAsSentence } from './intent.js';
import { ALL_WORDS, ANSWER_FILLERS, ARTICLES, POLITE, REVOKE_IMPERATIVES, REVOKE_VERBS, SELF_OBJECT, STOP_ASKING, STOP_FILLERS, TIME_LEFTOVER } from './lexicon.js';
import { findMarked } from './marked.js';
import { coordinate, findMentions, findPronouns, isTargetOnly, type Mention, ownerOf } from './mentions.js';
import { asGrantee, asTarget, choosePermission, explicitRights, granteesOf, nounOf, settleRevoke, targetsOf, withoutMarkedGrantee } from './resolve.js';
import { asksMembership, asksMembershipRemoval, findAddToMailbox, findAlsNameVerb, findRights, type RightMention } from './right-phrases.js';
import { assignRoles, granteeNotPerson, hasLeftover, type RoleContext, scoreMention } from './roles.js';
import { type Token, tokenize } from './tokens.js';
import type { Intent, Understanding, UnderstandOptions } from './types.js';

export type { Intent, MarkedMention, PeriodChoice, PeriodOption, Resolution, Understanding, UnderstandOptions, UnreadEnd } from './types.js';
export type { Explanation } from './explain.js';
export { cleanInput, hasControlCharacters, htmlAttachmentsOf, MAX_TEXT_LENGTH } from './clean.js';

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

/** A day and month written as numbers ("1/2", "3-4-2027", "12.01."), whose order a locale decides. */
const NUMERIC_DAY_MONTH = /\d{1,2}[-/.]\d{1,2}/;

/**
 * What `text` asks, read against `options.directory` as `options.requesterId` at `options.now`.
 * `text` may be raw chat text: it is cleaned here (`cleanInput`) as well. Never throws for bad text
 * (an empty, huge or control-character message is `unknown`); throws only what the directory or
 * `rightsOn` throw (e.g. `BotError('directory_unavailable')`).
 */
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
  let work = cleanInput(text);
  const cleaned = work;
  // All the words, for reading dates and reasons; the answer's language is settled below.
  const allWords = normalizeName(work).split(' ');
  result.language = detectLanguage(allWords);
  if (hasControlCharacters(work) || !work) return result;

  // The client's locale orders a numeric date ("1/2"); without one, the requester's language in the
  // directory (`preferredLanguage`, e.g. en-US) stands in for it, as it does for the answers' language.
  // Read only when the text holds such a date: most messages have none, and a directory read may be remote.
  const locale = options.locale ?? (NUMERIC_DAY_MONTH.test(work) ? (await options.directory.getUser(options.requesterId))?.preferredLanguage : undefined);
  // The channel's marks count appearances of their words in the whole message, reason and dates included.
  const whole = options.mentions?.length ? { whole: tokenize(work), given: tokenize(text) } : undefined;
  const fixed = takeOutFixedShapes(work, result, locale ? { ...options, locale } : options);
  work = fixed.rest;
  const ref = fixed.ref;

  const tokens = tokenize(work);
  const norms = tokens.map((t) => t.norm);

  // Nothing left but a request id ("REQ-7K2F9?") or a bare "?".
  if (!tokens.length) {
    result.language = languageMarkedBy(allWords) ?? options.language ?? result.language;
    return finish(result, ref ? 'status' : /\?/.test(work) ? 'help' : 'unknown');
  }

  const used = new Array<boolean>(tokens.length).fill(false);
  // The channel's own mentions first: their words are that person, whatever else they could read as.
  const marked = options.mentions?.length ? await findMarked(tokens, used, options.mentions, options.directory, whole) : [];
  const rights = findRights(tokens).filter((r) => !used.slice(r.start, r.end).some(Boolean));
  for (const r of rights) for (let i = r.start; i < r.end; i++) used[i] = true;

  const pronounMentions = findPronouns(tokens, used, rights);
  const byName = await findMentions(tokens, used, options.directory, work);
  const named = marked.length ? [...marked, ...byName].sort((a, b) => a.start - b.start) : byName;
  // "Adele haar toegang", "Megan d'r postvak": a possessive pronoun right after a name is that name's.
  for (const p of pronounMentions.filter((x) => x.kind === 'pronoun' && x.possessive && ownerOf(x, named))) {
    const owner = ownerOf(p, named)!;
    owner.possessive = true;
    owner.end = p.end;
    pronounMentions.splice(pronounMentions.indexOf(p), 1);
  }
  let mentions = [...named, ...pronounMentions].sort((a, b) => a.start - b.start);

  findAlsNameVerb(tokens, mentions, rights, used);
  rights.sort((a, b) => a.start - b.start);

  // "Megan and Alex", "Megan, Alex": one mention with several parts, so the bot never picks one silently.
  mentions = coordinate(mentions, tokens, work);

  // The reply language comes from the sentence around the names and right names: "geef Megan send as op
  // Training" is Dutch even though "send as" is English product wording. Without a marker word there
  // ("ok", "Megan", "Send As") it is the person's own (`options.language`): such a short message
  // does not switch it. Without that, all the words decide. A channel's marked mention is left out
  // too when it is nobody the bot serves: its words are a name, or the channel's stand-in for one
  // ("the person you mentioned"), in the person's client language rather than the message's.
  const inPhrase = new Set<number>();
  for (const r of rights) for (let i = r.start; i < r.end; i++) inPhrase.add(i);
  for (const m of mentions) if (m.kind === 'name' || m.marked) for (let i = m.start; i < m.end; i++) inPhrase.add(i);
  const sentenceWords = norms.filter((_, i) => !inPhrase.has(i));
  const rightWords = rights.flatMap((r) => norms.slice(r.start, r.end));
  result.language = languageOfSentence(sentenceWords, rightWords) ?? options.language ?? result.language;

  // "add Zoë to the Support mailbox": Full Access, though no right is named (after the language, which
  // the "to"/"aan" it marks still counts for).
  findAddToMailbox(tokens, mentions, rights);

  const sentence = { tokens, norms, rights, mentions, ref, question: /\?\s*$/.test(work), text: work };
  const decided = decideIntent(sentence);
  if (readsAsSentence(sentence)) result.sentence = true;
  const stop = stopAskingIn(norms);
  if (stop) result.stopAsking = stop;
  const stopSaid = stop ?? stopSaidIn(norms);
  if (stopSaid) result.stopSaid = stopSaid;
  const intent = decided.intent;
  const queryForm = decided.queryForm;
  // "what did the bot remove today" (no question mark), "what has the bot revoked on Training": the whole
  // message asks what the bot did (`readAuditQuestion`, as the conversation reads it), so it is neither a
  // removal or grant nor a question of who has access; with or without its question mark.
  if ((intent === 'grant' || intent === 'revoke' || intent === 'query') && readAuditQuestion(cleaned)) return finish(result, 'unknown');
  // Only the words read here: no request id, period, date or reason was taken out of the message.
  const wordsOnly = fixed.rest === cleaned;
  const alone = wordsOnly ? rightAloneIn(norms, rights, mentions) : undefined;
  if (alone) result.rightAlone = alone;
  // "Send As for 2 weeks", "verzenden als tot vrijdag": one right and an end, nothing else taken out.
  const end = { duration: result.duration, until: result.until };
  if (!wordsOnly && !ref && !fixed.unreadTime && !fixed.period && result.reason === undefined && (end.duration || end.until)) {
    const right = rightAloneIn(norms, rights, mentions);
    if (right) result.rightWithEnd = { right, ...end };
  }
  // "give Liam send as on HR. Remove-MailboxPermission afterwards", "give Zoë full access to Support
  // -Confirm:$false", "...'; Remove-Mailbox -Identity x; '": a pasted or injected command beside the request
  // asks for something the bot cannot read; nothing is read from the rest alone, neither a grant or removal
  // nor a question its parameters happen to spell ("Confirm" is a checking word).
  if (intent !== 'unknown') {
    const cmdlet = cmdletsIn(sentence)[0];
    const marks = [cmdlet === undefined ? undefined : tokens[cmdlet]!.start, commandSyntaxAt(cleaned)].filter((i) => i !== undefined);
    if (marks.length) {
      // Answered in the language of the words before the command ("geef Zoë ...'; Remove-Mailbox ..."), not the cmdlet's English.
      const before = Math.min(...marks);
      const early = (i: number) => tokens[i]!.start < before;
      const wordsBefore = norms.filter((_, i) => early(i) && !inPhrase.has(i));
      const rightsBefore = rights.filter((r) => early(r.start)).flatMap((r) => norms.slice(r.start, r.end));
      result.language = languageOfSentence(wordsBefore, rightsBefore) ?? result.language;
      return finish(result, 'unknown');
    }
  }
  // "remove Zoë from the Training group", "haal Lotte uit de groep Marketing": membership, which the bot
  // does not manage; never a removal of whichever right Zoë holds on the group.
  if (intent === 'revoke' && asksMembershipRemoval(tokens, mentions, rights)) {
    result.membership = true;
    if (options.explain) result.explain = explainReading(work, tokens, rights, mentions.map((m) => ({ m, g: 0, t: 0, cues: [] })), {});
    return finish(result, 'unknown');
  }
  if (intent !== 'grant' && intent !== 'revoke' && intent !== 'query') {
    const name = wordsOnly ? answerNameIn(norms, rights, mentions) : undefined;
    if (name) result.answerName = name;
    if (intent === 'unknown' && asksMembership(tokens, mentions)) result.membership = true;
    if (options.explain) result.explain = explainReading(work, tokens, rights, mentions.map((m) => ({ m, g: 0, t: 0, cues: [] })), {});
    return finish(result, intent);
  }
  // "until 2026-02-30", "for 0 weeks": a limit was asked for but not understood; never grant without it.
  // So too a time word that nothing read ("around the weekend", "the coming week"): asked, not dropped.
  const leftover = intent === 'grant' && !fixed.unreadTime ? timeWordLeft(tokens, rights, mentions) : undefined;
  if (leftover) {
    fixed.unreadTime = true;
    fixed.unreadEnd = { why: 'unread', text: leftover };
  }
  // "from whenever", "starting overmorrow", "vanaf ooit": a start the time reader could not read; never
  // dropped, so the grant is not filed as if from now with no end.
  const startLeft = intent === 'grant' && !fixed.unreadTime ? startWordLeft(tokens, rights, mentions) : undefined;
  if (startLeft) {
    fixed.unreadTime = true;
    fixed.unreadEnd = { why: 'unread', text: startLeft };
  }
  // "give Liam full access to Facturen until Friday, then remove it": the removal repeats the end given,
  // so the grant goes ahead with that end. Only when nothing follows the removal ("remove it when he is
  // back" says another end, asked about below).
  // (`removalLater` starts at the removing verb itself when no words follow it.)
  const removalFirst = decided.removalLater === undefined ? undefined : tokenize(decided.removalLater)[0]?.norm;
  const nothingAfter = removalFirst !== undefined && (REVOKE_VERBS.has(removalFirst) || REVOKE_IMPERATIVES.has(removalFirst));
  const repeatsEnd = nothingAfter && !!(result.until || result.duration) && !fixed.period;
  // "give Liam full access to Support, then remove it when he is back": the end is said as a removal later,
  // which does not say when; asked about as an end without its length, never a removal now.
  if (decided.removalLater !== undefined && !repeatsEnd && !fixed.unreadTime) {
    fixed.unreadTime = true;
    fixed.unreadEnd = { why: 'vague', text: decided.removalLater };
  }
  if (intent === 'grant' && fixed.unreadTime) {
    // Still `unknown` (the contract), with the reason beside it, so the bot can say what was wrong with the end.
    if (fixed.unreadEnd) result.unreadEnd = fixed.unreadEnd;
    return finish(result, 'unknown');
  }
  // A removal is now and for good: "remove Zoë's access from Monday", "... next week", "... for 2 weeks" asked
  // for something else, and must not become a removal now. So too a time word nothing read ("in January").
  if (intent === 'revoke') {
    const word = fixed.revokeTime ? undefined : timeWordLeft(tokens, rights, mentions);
    const time = fixed.revokeTime ?? (word ? { why: 'later_removal' as const, text: word } : undefined);
    if (time) {
      result.unreadEnd = time;
      return finish(result, 'unknown');
    }
  }

  // ---- roles
  const ctx: RoleContext = { tokens, rights, mentions, queryForm: intent === 'query' ? queryForm : undefined };
  let candidates = mentions;
  if (intent === 'query') {
    // "show me who ...", "can you tell me ...": the asker is not the subject unless "I"/"my".
    candidates = mentions.filter((m) => !(m.kind === 'self' && SELF_OBJECT.has(tokens[m.start]!.norm)));
  }
  const scored = candidates.map((m) => scoreMention(m, ctx));
  const roles = assignRoles(scored);
  const act = intent === 'grant' || intent === 'revoke';
  // "give Training send as on Support": a group or mailbox where the grantee goes is said, never dropped
  // (before the vetoes: "give Training and Zoë ..." names it too, and is not a request for Zoë alone).
  const notPerson = intent === 'grant' ? granteeNotPerson(scored, roles) : undefined;
  if (notPerson) {
    result.granteeNotPerson = { text: notPerson.text, ids: notPerson.targets.map((x) => x.id) };
    if (options.explain) result.explain = explainReading(work, tokens, rights, scored, roles);
    return finish(result, 'unknown');
  }
  const veto = act && roles.tie ? 'tie' : act && hasLeftover(scored, roles, tokens) ? 'leftover' : undefined;
  if (options.explain) {
    result.explain = explainReading(work, tokens, rights, scored, roles);
    if (queryForm && intent === 'query') result.explain.queryForm = queryForm;
    if (veto) result.explain.veto = veto;
  }
  if (veto) {
    // "send as on Support and full access on Sales": several mailboxes or groups, each with its own cue, are
    // several requests; the bot says so rather than that it did not understand.
    const targetIds = new Set(scored.filter((x) => x.t >= 1 && isTargetOnly(x.m)).map((x) => x.m.targets.map((y) => y.id).sort().join(',')));
    if (veto === 'tie' && intent !== 'query' && rights.length > 0 && targetIds.size > 1) result.severalRequests = intent;
    return finish(result, 'unknown');
  }

  if (roles.g) {
    result.grantee = asGrantee(roles.g, options.requesterId);
    const each = granteesOf(roles.g, options.requesterId);
    if (each) result.grantees = each;
  }
  if (roles.t) {
    result.target = asTarget(roles.t, options.requesterId, nounOf(roles.t, tokens));
    const each = act ? targetsOf(roles.t, options.requesterId, nounOf(roles.t, tokens)) : undefined;
    if (each) result.targets = each;
  }
  // A person the channel marked as the grantee is exactly them: the typed target is someone or something else.
  if (roles.g && roles.t && result.target) result.target = withoutMarkedGrantee(result.target, roles.g, roles.t);

  // ---- the right; for a revoke, who actually holds it
  if (intent === 'revoke') await settleRevoke(result, explicitRights(rights), options);
  // One target after all (the channel's marked grantee taken out of it): no choice between targets.
  if (result.targets && result.target?.status !== 'ambiguous') delete result.targets;
  const noun = roles.t ? nounOf(roles.t, tokens) : undefined;
  const saysAll = norms.some((w) => ALL_WORDS.has(w));
  result.permission = await choosePermission(intent, rights, result.target, noun, saysAll, options.directory);
  // "send as and full access": a grant or a removal is one right, so the bot asks which of these, never
  // silently one (nor, for a removal, every right the person holds).
  const namedRights = intent === 'grant' || intent === 'revoke' ? [...explicitRights(rights)].filter((r): r is Right => (RIGHTS as readonly string[]).includes(r)) : [];
  if (namedRights.length > 1) result.permissions = namedRights;
  // "open a ticket for Megan on Training", "Megan needs to read Training": reading verbs say nothing
  // about a group's rights, so rather than a grant with no right, the bot asks what is meant.
  if (intent === 'grant' && result.permission === null && rights.every((r) => r.right === 'read')) return finish(result, 'unknown');
  if (fixed.period && (intent === 'grant' || intent === 'revoke')) {
    // "for 2 weeks until Friday", "until 1/2" with no locale: not a request to act on until the
    // requester picks the end; the reading is kept for the question.
    const request = { ...finish(result, intent), intent };
    delete request.explain;
    const unsettled = finish({ ...result }, 'unknown');
    unsettled.periodChoice = { why: fixed.period.why, options: fixed.period.options, request };
    return unsettled;
  }
  return finish(result, intent);
}

/** Words before a time word that make it a wish, not a time limit ("have a good weekend", "goede morgen"). */
const WISHES = new Set('good nice great lovely happy enjoy enjoyable relaxing goede goed fijn fijne prettig prettige mooie leuk leuke gezellig gezellige'.split(' '));

/**
 * The first word about time (`TIME_LEFTOVER`) that is no part of a known name or a right phrase, as written; the
 * time reader took out every time phrase it used, so such a word is one it did not.
 */
function timeWordLeft(tokens: readonly Token[], rights: readonly RightMention[], mentions: readonly Mention[]): string | undefined {
  // A name the directory does not know ("Friday" written with a capital) is no name: it is still the time word.
  const known = mentions.filter((m) => m.kind !== 'unknown');
  const taken = (i: number) => rights.some((r) => r.start <= i && i < r.end) || known.some((m) => m.start <= i && i < m.end);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    // "Goede morgen", "have a nice weekend", "happy Friday", "fijne vakantie" wish something; they set no end.
    if (WISHES.has(tokens[i - 1]?.norm ?? '')) continue;
    if (TIME_LEFTOVER.has(token.norm) && !taken(i)) return token.raw;
  }
  return undefined;
}

/** Words that open a start: "from Monday", "starting tomorrow", "vanaf maandag", "beginning next week". */
const START_WORDS = new Set('from starting beginning vanaf beginnend ingaande'.split(' '));

/** Words after a plain "from" that read as a moment the time reader could not place: vague ones, misspelt day words, anything with digits. */
const TIMEISH = /\d|^(whenever|when|sometime|someday|soon|later|then|overmorrow|tommorow|tomorow|tmrw|tmr|tonight|today|yesterday|next|this|last|early|earliest|asap|now-ish|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|week|month|morning|afternoon|evening|noon|midnight|christmas|easter|summer|winter|spring|autumn|fall)$/;

/** Words after a start word that make it no start: possessives and pronouns ("from my laptop", "from him"). */
const NOT_A_START = new Set(
  'my your his her its our their me you him us them mijn jouw je zijn haar hun ons onze mij hem jou jullie'.split(' '),
);

/**
 * A start word (`START_WORDS`) the time reader left, with the word after it, as written ("from whenever",
 * "starting overmorrow"), else undefined. The reader takes out every start it reads (a later one is refused
 * there, "from now" dropped), so one still here was not read. A start word before a name or a right ("from
 * the Support mailbox", "from Emma") is no start. Only for grants: "remove Zoë from Sales" is a removal.
 */
function startWordLeft(tokens: readonly Token[], rights: readonly RightMention[], mentions: readonly Mention[]): string | undefined {
  const taken = (i: number) => rights.some((r) => r.start <= i && i < r.end) || mentions.some((m) => m.kind !== 'unknown' && m.start <= i && i < m.end);
  for (let i = 0; i < tokens.length; i++) {
    if (!START_WORDS.has(tokens[i]!.norm) || taken(i)) continue;
    let k = i + 1;
    while (k < tokens.length && ARTICLES.has(tokens[k]!.norm)) k++;
    const next = tokens[k];
    // "from my laptop", "van haar collega": a person's thing, not a moment.
    if (!next || taken(k) || NOT_A_START.has(next.norm)) continue;
    // Plain "from" names a source as often as a start ("mails from customers"): only a word that
    // reads as a moment makes it one ("from whenever", "from overmorrow", "from 3rd").
    if (tokens[i]!.norm === 'from' && !TIMEISH.test(next.norm)) continue;
    return `${tokens[i]!.raw} ${next.raw}`;
  }
  return undefined;
}

/**
 * The language of a message that only asks the bot to stop (`STOP_ASKING`), else undefined. A stop
 * written alike in both ("stop") takes the language its polite words mark ("please stop"), else 'any'.
 */
function stopAskingIn(norms: readonly string[]): 'en' | 'nl' | 'any' | undefined {
  const said = norms.filter((w) => w && !POLITE.has(w) && !STOP_FILLERS.has(w)).join(' ');
  const lang = STOP_ASKING.find(([phrase]) => phrase === said)?.[1];
  return lang === 'any' ? (languageMarkedBy(norms) ?? 'any') : lang;
}

/** At most this many words (politeness aside) for a stop phrase among them to stop an open question. */
const STOP_WITHIN_WORDS = 6;
/** Stop phrases that only stop when said alone: "no", "nee" in a longer answer often correct it ("no, Megan"). */
const STOP_ONLY_ALONE = new Set(['no', 'nope', 'nee', 'niks', 'niets']);

/** The language of a stop phrase (`STOP_ASKING`) said among the words of a short message ("Isaiah, forget it"), else undefined. */
function stopSaidIn(norms: readonly string[]): 'en' | 'nl' | 'any' | undefined {
  const words = norms.filter((w) => w && !POLITE.has(w) && !STOP_FILLERS.has(w));
  if (words.length > STOP_WITHIN_WORDS) return undefined;
  for (const [phrase, lang] of STOP_ASKING) {
    if (STOP_ONLY_ALONE.has(phrase)) continue;
    const parts = phrase.split(' ');
    for (let i = 0; i + parts.length <= words.length; i++) if (parts.every((p, j) => words[i + j] === p)) return lang;
  }
  return undefined;
}

/** The one right a message names when it names nothing else (politeness aside): "Send As", "full access please". */
function rightAloneIn(norms: readonly string[], rights: readonly RightMention[], mentions: readonly Mention[]): Right | undefined {
  if (rights.length === 0 || mentions.length > 0) return undefined;
  // "Full Access (read and manage)", the button's whole label, names one right twice.
  const named = new Set(rights.map((r) => r.right));
  const [right] = named;
  if (named.size !== 1 || !(RIGHTS as readonly string[]).includes(right!)) return undefined;
  const inRight = (i: number) => rights.some((r) => r.start <= i && i < r.end);
  return norms.every((w, i) => !w || inRight(i) || POLITE.has(w)) ? (right as Right) : undefined;
}

/** The name written in "Megan needs it", "for Megan", "Megan heeft het nodig": one known person, the rest `ANSWER_FILLERS`. */
function answerNameIn(norms: readonly string[], rights: readonly RightMention[], mentions: readonly Mention[]): string | undefined {
  const [only] = mentions;
  // One person: not "Megan and Alex" (several requests, asked as such), not "Megan's" (whose what?).
  if (rights.length > 0 || mentions.length !== 1 || only!.kind !== 'name' || only!.users.length === 0 || only!.parts || only!.possessive) return undefined;
  const inName = (i: number) => only!.start <= i && i < only!.end;
  return norms.every((w, i) => !w || inName(i) || ANSWER_FILLERS.has(w) || POLITE.has(w)) ? only!.text : undefined;
}
