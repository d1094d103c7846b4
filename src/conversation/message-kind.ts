import type { Understanding } from '../language/understand.js';
import type { Command } from './commands.js';
import type { Lang } from './types.js';

/** What `messageKind` needs of an open question (a draft waiting for an answer). */
export interface OpenQuestion {
  /** The buttons of a choice, when the question is one. */
  readonly options?: readonly string[] | undefined;
  /** The language the question was asked in. */
  readonly language: Lang;
}

/**
 * How a typed message relates to the question the bot asked before, if one is open:
 * - `stop-question`: it drops the open question; nothing was requested. `said` is `'stop'` for a stop word
 *   (said alone or in a short answer) and `'cancel'` for "cancel" / "annuleer"; `language` is the answer's.
 * - `nothing-to-stop`: a stop word with no question open; `language` is the answer's.
 * - `answer`: it may answer `question` (`answerDraft` decides; when it takes it not as the answer, the
 *   message is a new message after all). `readsAsName`: it may be the name the question asked for.
 * - `aside`: at an open choice, a request the bot does not carry out (group membership, "add Megan to the
 *   Sales group"): answered as such, and the choice stays open, since nothing new replaces it.
 * - `new-message`: a new message; it replaces whatever was being completed.
 */
export type MessageKind<Q extends OpenQuestion = OpenQuestion> =
  | { kind: 'stop-question'; said: 'stop' | 'cancel'; language: Lang }
  | { kind: 'nothing-to-stop'; language: Lang }
  | { kind: 'answer'; question: Q; readsAsName: boolean }
  | { kind: 'aside'; question: Q }
  | { kind: 'new-message' };

/**
 * Whether the message may stop or answer an open question, so the open question must be read.
 * Only such a message looks for one: a request goes on without reading one (a store read saved per turn).
 * When false, `messageKind` is `new-message` whatever is open.
 */
export function readsQuestion(u: Understanding, command: Command | undefined): boolean {
  return stopsQuestion(u) || stopsWithin(u, command) || mayAnswer(u, command) || asideOfChoice(u, command);
}

/**
 * The kind of a message (`u`, as the language layer read it; `command`, `readCommand`'s reading of it)
 * given the open question: `question` is undefined when none is open, or when none was read because
 * `readsQuestion` is false. A language it gives is the reply's: the question's (`question.language`) for a
 * stop word of no one language, else the stop word's, else the message's (`u.language`). Pure.
 */
export function messageKind<Q extends OpenQuestion>(u: Understanding, command: Command | undefined, question: Q | undefined): MessageKind<Q> {
  if (question && (stopsQuestion(u) || stopsWithin(u, command))) {
    // "cancel" said at a question: "cancel" again is about a request sent before; a stop word is not
    // "cancel", so the hint says the word to use. "stop" is Dutch and English alike: then the answer
    // is in the language the question was asked in.
    const stopped = u.stopSaid ?? u.stopAsking;
    return { kind: 'stop-question', said: stopped ? 'stop' : 'cancel', language: stopped === 'any' ? question.language : (stopped ?? u.language) };
  }
  if (!question && u.stopAsking && u.intent === 'unknown') {
    // "forget it", "laat maar" with nothing asked: said so, rather than "did not understand".
    return { kind: 'nothing-to-stop', language: u.stopAsking === 'any' ? u.language : u.stopAsking };
  }
  if (question && mayAnswer(u, command) && answersChoice(u, command, question)) return { kind: 'answer', question, readsAsName: readsAsAnswer(u, command) };
  if (question?.options && asideOfChoice(u, command)) return { kind: 'aside', question };
  return { kind: 'new-message' };
}

/**
 * Group membership asked for ("add Megan to the Sales group", "remove Megan from the Training group"):
 * never an answer, and no request the bot makes, so at an open choice it replaces nothing (`aside`).
 */
function asideOfChoice(u: Understanding, command: Command | undefined): boolean {
  return u.membership === true && u.intent === 'unknown' && !command;
}

/**
 * "cancel" / "annuleer" while a question is open leaves the question; nothing was requested yet.
 * So do "stop", "never mind", "laat maar" (in their language: "stoppen" reads as no language).
 */
function stopsQuestion(u: Understanding): boolean {
  return (u.intent === 'cancel' && !u.requestRef) || u.stopAsking !== undefined;
}

/**
 * A stop said in a short answer ("Isaiah, forget it", "stop Isaiah", "Send As, forget it") wins over
 * the rest of it: nothing is requested. Not a whole new request ("stop Megan's send as on Training"),
 * which names both whom and where: that is a removal of its own.
 */
function stopsWithin(u: Understanding, command: Command | undefined): boolean {
  return u.stopSaid !== undefined && !command && !u.requestRef && !(u.grantee && u.target);
}

/**
 * A free-text answer to the question asked before ("For whom?"): only what reads as a name (`readsAsAnswer`).
 * A message the language layer reads as a request or a sentence ("what did the bot do?",
 * "give @channel send-as on Training") is a new message, so nobody is held in the question;
 * except a name with words that only say it is the one ("Megan needs it"), and a right named
 * alone ("send as"), the words of a button of a choice of rights; and, with no command either, what may
 * answer a choice (`mayAnswerChoice`, kept to an open choice by `answersChoice`).
 */
function mayAnswer(u: Understanding, command: Command | undefined): boolean {
  return readsAsAnswer(u, command) || (!command && (u.answerName !== undefined || u.rightAlone !== undefined || mayAnswerChoice(u)));
}

/**
 * A message that may answer the question, read with it: a message that could only answer a choice
 * ("Send As, thanks") is not taken as an answer when no choice is open (it is a new message).
 */
function answersChoice(u: Understanding, command: Command | undefined, question: OpenQuestion): boolean {
  return question.options !== undefined || !mayAnswerChoice(u) || readsAsAnswer(u, command) || u.answerName !== undefined || u.rightAlone !== undefined;
}

/** A message that may be the name a question asked for: no request, command or sentence in it. */
function readsAsAnswer(u: Understanding, command: Command | undefined): boolean {
  return u.intent === 'unknown' && !u.periodChoice && !u.unreadEnd && !command && !u.sentence;
}

/**
 * A message that may answer an open choice though it reads as more than a name: an unclear sentence
 * ("Send As, thanks", "Send As for 2 weeks"), or a grant or removal that names neither whom nor where.
 * At a choice it picks an option or is pointed to the buttons, so the choice is not lost.
 */
function mayAnswerChoice(u: Understanding): boolean {
  // "add Kwame to the Marketing group", "give Training send as on Support": a request of its own (one the
  // bot does not do), no option's words.
  if (u.intent === 'unknown') return !u.periodChoice && !u.membership && !u.granteeNotPerson;
  return (u.intent === 'grant' || u.intent === 'revoke') && !u.grantee && !u.target;
}
