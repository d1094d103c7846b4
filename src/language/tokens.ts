/**
 * Stage 3: tokens. Words with their folded form (`norm`), position, capitals, possessive ("Megan's",
 * "Thomas'"), mail addresses kept whole, and the punctuation between words (a break, a label colon,
 * a sentence end), which later stages use to keep names and phrases from running across it.
 */
import { normalizeName } from '../directory/normalize.js';
import { CONTRACTION_BASES, EXPANSIONS } from './lexicon.js';

/** One word of the message. */
export interface Token {
  /** As written, less a possessive ending. */
  raw: string;
  /** Folded: lower case, no diacritics or apostrophes (`normalizeName`); a mail address lower-cased. */
  norm: string;
  /** Offset in the text. */
  start: number;
  /** Starts with a capital letter. */
  cap: boolean;
  possessive: boolean;
  mail: boolean;
  /** Punctuation (not a hyphen or apostrophe) between the previous token and this one. */
  breakBefore: boolean;
  /** A colon or dash before this token: "Joni Sherman: remove ...". */
  labelBefore: boolean;
  /** First word, or after a sentence end (. ! ? : ;). */
  sentenceStart: boolean;
}

const ASCII_WORD = /^[A-Za-z0-9]+$/;
const TOKEN_RE = /([^\s@<>(),;:"'’[\]]+@[^\s@<>(),;:"'’[\]]+\.[A-Za-z]{2,})|([\p{L}\p{M}\p{N}]+(?:['’`][\p{L}\p{M}\p{N}]+)*['’`]?)/gu;
// Punctuation between two tokens: a break (not a hyphen or apostrophe), a label ("Megan: ..."), a sentence end.
const BREAK_GAP = /[^\s\-‐‑–'’&+]/u;
const LABEL_GAP = /[:–—]|\s-\s/;
const SENTENCE_GAP = /[.!?:;]/;
const POSSESSIVE_WORD = /^(.+?)['’`]s$/iu;
const CONTRACTION = /^(i|we|you|they|he|she)['’`](d|m|ve|ll|re)$/iu;
const TRAILING_APOSTROPHE = /['’`]$/;

/** The words of `text`, in order ("gimme" becomes "give me"). */
export function tokenize(text: string): Token[] {
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
