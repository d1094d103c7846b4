/**
 * Which language to answer in, English or Dutch, from marker words (lexicon `NL_MARKERS`, `EN_MARKERS`).
 * `understand` asks twice: on the whole message, then on the words around the names and right phrases
 * ("geef Megan send as op Training" is Dutch although "send as" is English product wording); when none
 * of those marks a language, the person's known language is kept (`UnderstandOptions.language`).
 */
import { cleanInput } from './clean.js';
import { EN_MARKERS, NL_MARKERS } from './lexicon.js';
import { findRights } from './right-phrases.js';
import { tokenize } from './tokens.js';

/** The language of `words` (folded as `normalizeName` folds): the side with more marker words; on a tie Dutch spelling decides. */
export function detectLanguage(words: readonly string[]): 'en' | 'nl' {
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

/**
 * The language a chat message is written in, read as `understand` reads it (cleaned and folded; the
 * words around the right phrases decide, `languageOfSentence`), or undefined when none of them marks
 * either language (a bare name, a request id, "ok", "Send As" alone): the caller then falls back on
 * what it knows of the person (their client's locale), as `understand` does with
 * `UnderstandOptions.language`. For a channel that refuses a message at its edge without handing it
 * to `understand`; take the mentioned names out first, as `understand` leaves names out ("Van Dijk"
 * is no Dutch). Names typed as words cannot be told here.
 */
export function markedLanguageOf(text: string): 'en' | 'nl' | undefined {
  const clean = cleanInput(text);
  const tokens = tokenize(clean);
  const inPhrase = new Set<number>();
  for (const r of findRights(tokens)) for (let i = r.start; i < r.end; i++) inPhrase.add(i);
  return languageOfSentence(
    tokens.filter((_, i) => !inPhrase.has(i)).map((t) => t.norm),
    tokens.filter((_, i) => inPhrase.has(i)).map((t) => t.norm),
  );
}

/**
 * The language a message's words mark, its right phrases' words (`rightWords`) set apart from the
 * rest (`sentenceWords`, names left out): the words around the rights decide ("geef send as op
 * Training" is Dutch although "send as" is English product wording); else a right written in Dutch
 * ("verzenden als", "volledige toegang") marks Dutch, while one in English marks nothing, as Dutch
 * speakers use that wording too; else undefined, and the person's known language stays.
 */
export function languageOfSentence(sentenceWords: readonly string[], rightWords: readonly string[]): 'en' | 'nl' | undefined {
  return languageMarkedBy(sentenceWords) ?? (rightWords.some((w) => NL_MARKERS.has(w)) ? 'nl' : undefined);
}

/** `detectLanguage(words)` when at least one of `words` is a marker word of either language, else undefined. */
export function languageMarkedBy(words: readonly string[]): 'en' | 'nl' | undefined {
  return words.some((w) => NL_MARKERS.has(w) || EN_MARKERS.has(w)) ? detectLanguage(words) : undefined;
}
