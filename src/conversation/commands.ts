import { normalizeName } from '../directory/normalize.js';
import type { Understanding } from '../language/understand.js';

/**
 * Admin commands the language layer does not name as intents (yet): "retry REQ-7K2F9" /
 * "probeer REQ-7K2F9 opnieuw" (the language layer reads it as `status` with the request id), and
 * "audit REQ-7K2F9" / "audit Support" / "geschiedenis van Priya" (read as `unknown`, or `status`
 * with an id). Read from the words the language layer normalises with; the name after "audit" is
 * resolved by the language layer too (`resolveAnswer`).
 */
export type Command =
  | { verb: 'retry'; requestId: string }
  /** `requestId` when one was named; else `subject`, the rest of the text, for the language layer to resolve (may be ''). */
  | { verb: 'audit'; requestId?: string; subject: string };

const RETRY_WORDS = new Set(['retry', 'opnieuw', 'herhaal']);
const AUDIT_WORDS = new Set(['audit', 'auditlog', 'history', 'geschiedenis', 'logboek', 'historie']);
/** "history of Support", "geschiedenis van Priya", "audit for Sales". */
const LINKING_WORDS = new Set(['of', 'for', 'van', 'voor', 'the', 'de', 'het', 'log', 'trail', 'logboek', 'me', 'mij', 'show', 'toon']);

export function readCommand(text: string, understanding: Understanding): Command | undefined {
  const words = normalizeName(text).split(' ').filter(Boolean);
  if (understanding.requestRef && understanding.intent === 'status' && words.some((w) => RETRY_WORDS.has(w))) {
    return { verb: 'retry', requestId: understanding.requestRef };
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
