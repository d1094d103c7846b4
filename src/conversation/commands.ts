import { normalizeName } from '../directory/normalize.js';
import { readAuditQuestion, type AuditPeriod } from '../language/audit-question.js';
import type { Understanding } from '../language/understand.js';

/**
 * Admin commands the language layer does not name as intents (yet): "retry REQ-7K2F9" /
 * "probeer REQ-7K2F9 opnieuw" (the language layer reads it as `status` with the request id), and
 * "audit REQ-7K2F9" / "audit Support" / "geschiedenis van Priya" (read as `unknown`, or `status`
 * with an id), and the audit questions of `readAuditQuestion` ("what did the bot do today?"). Read
 * from the words the language layer normalises with; the name after "audit" is resolved by the
 * language layer too (`resolveAnswer`).
 */
export type Command =
  | { verb: 'retry'; requestId: string }
  /** "more", "next", "older" / "meer", "volgende", "oudere": the next page of the last paged answer; `lang` is the paging word's. */
  | { verb: 'more'; lang: 'en' | 'nl' }
  /**
   * `requestId` when one was named; else `subject`, the rest of the text, for the language layer to
   * resolve (may be ''). `question`: asked in everyday words ("what did the bot do today?", "wat is er
   * met Support gebeurd?"), where no subject means everything the bot did; `period` limits it. `split`:
   * the subject read as a person and a mailbox or group ("for Liam on Support"; `AuditQuestion.split`).
   */
  | { verb: 'audit'; requestId?: string; subject: string; question?: true; period?: AuditPeriod; split?: { person: string; place: string } };

/** Words that ask for the next page, and the language each is. */
const MORE_WORDS = new Map<string, 'en' | 'nl'>([
  ['more', 'en'], ['next', 'en'], ['older', 'en'], ['meer', 'nl'], ['volgende', 'nl'], ['oudere', 'nl'], ['verder', 'nl'],
]);
/** Words that may stand around them: "show more", "next page please", "toon meer", "volgende pagina graag". */
const MORE_FILLERS = new Set([
  'show', 'toon', 'give', 'geef', 'me', 'mij', 'please', 'pls', 'graag', 'aub', 'svp', 'even', 'nog', 'some', 'the', 'de', 'het', 'a', 'een',
  'page', 'pagina', 'entries', 'items', 'lines', 'regels', 'results', 'resultaten', 'one', 'ones',
]);
const RETRY_WORDS = new Set(['retry', 'opnieuw', 'herhaal']);
const AUDIT_WORDS = new Set(['audit', 'auditlog', 'history', 'geschiedenis', 'logboek', 'historie']);
/** "history of Support", "geschiedenis van Priya", "audit for Sales". */
const LINKING_WORDS = new Set(['of', 'for', 'van', 'voor', 'the', 'de', 'het', 'log', 'trail', 'logboek', 'me', 'mij', 'show', 'toon']);

/** The command a message gives, read from its words and the language layer's reading of it; `undefined` for none. */
export function readCommand(text: string, understanding: Understanding): Command | undefined {
  const words = normalizeName(text).split(' ').filter(Boolean);
  // Only the paging words and fillers: a name or anything else in the message makes it no paging request.
  const paging = words.filter((w) => MORE_WORDS.has(w));
  if (understanding.intent === 'unknown' && paging.length > 0 && words.length <= 5 && words.every((w) => MORE_WORDS.has(w) || MORE_FILLERS.has(w))) {
    return { verb: 'more', lang: MORE_WORDS.get(paging[0]!)! };
  }
  if (understanding.requestRef && understanding.intent === 'status' && words.some((w) => RETRY_WORDS.has(w))) {
    return { verb: 'retry', requestId: understanding.requestRef };
  }
  // "what did the bot do today?", "wat heeft de bot voor Zoë gedaan?": read as a question only when
  // the language layer found no request id in it ("what happened to REQ-7K2F9" is that request's
  // status). Also over a grant or removal it read: "what did the bot remove today" (no question mark)
  // has a removing verb, but the whole message asks what the bot did and asks for nothing.
  const readable = ['unknown', 'query', 'grant', 'revoke'].includes(understanding.intent);
  if (readable && !understanding.requestRef) {
    const question = readAuditQuestion(text);
    if (question) {
      return { verb: 'audit', subject: question.subject, question: true, ...(question.split ? { split: question.split } : {}), ...(question.period ? { period: question.period } : {}) };
    }
  }
  const lead = words.findIndex((w) => AUDIT_WORDS.has(w));
  // "audit ..." leads the message (after "show" / "toon"): "who has access" never contains it.
  if (lead < 0 || words.slice(0, lead).some((w) => !LINKING_WORDS.has(w))) return undefined;
  if (understanding.intent !== 'unknown' && understanding.intent !== 'status') return undefined;
  if (understanding.requestRef) return { verb: 'audit', requestId: understanding.requestRef, subject: '' };
  return { verb: 'audit', subject: subjectAfter(text, words[lead]!) };
}

/** The text after the audit word and its linking words, as typed (the language layer normalises it again). */
function subjectAfter(text: string, word: string): string {
  const tokens = text.trim().split(/\s+/);
  let i = tokens.findIndex((token) => normalizeName(token) === word) + 1;
  while (i < tokens.length && LINKING_WORDS.has(normalizeName(tokens[i]!))) i++;
  return tokens.slice(i).join(' ').replace(/[?!.]+$/, '').trim();
}
