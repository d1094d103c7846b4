/**
 * Which language to answer in, English or Dutch, from marker words (lexicon `NL_MARKERS`, `EN_MARKERS`).
 * `understand` asks twice: on the whole message, then on the words around the names and right phrases
 * ("geef Megan send as op Training" is Dutch although "send as" is English product wording).
 */
import { EN_MARKERS, NL_MARKERS } from './lexicon.js';

/** The language of `words` (folded as `normalizeName` folds): the side with more marker words; on a tie Dutch spelling decides. */
export function detectLanguage(words: string[]): 'en' | 'nl' {
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
