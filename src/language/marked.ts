/**
 * Stage 3b: marked mentions. People the channel marked in the text itself (a Slack `<@U…>`, which
 * the channel has replaced by the person's name and identified), found before right phrases and
 * names, so their words are that person and nothing else: never a right, a pronoun, or a name looked
 * up in the directory (where a namesake could answer).
 */
import type { Directory, DirectoryUser } from '../directory/directory.js';
import { rawSpan, type Mention } from './mentions.js';
import { tokenize, type Token } from './tokens.js';
import type { MarkedMention } from './types.js';

/**
 * Where a marked mention's words may stand: the message's tokens before anything was taken out of
 * them (`whole`: the cleaned text, whose offsets the blanked reading keeps), and the tokens of the
 * text as the channel handed it over (`given`), in which the channel counted `occurrences`.
 */
export interface MarkedSource {
  whole: readonly Token[];
  given: readonly Token[];
}

/**
 * The spans of `tokens` that spell a marked mention's `text` (word by word, after folding), as
 * mentions: `name` with the one directory user, or `unknown` when the channel found no directory
 * user (or the id is no longer in the directory). A mark with `occurrences` is only the appearances
 * of its words the channel marked; the others were typed and are left to be read as names (a person
 * called "Sales" marked before the group Sales is typed). Marks without `occurrences`, and all marks
 * of the same words when a place does not fit this text, are every appearance of their words; words
 * several marks share there are all of them (`unknown` if one of them has no directory user). Each matched token is set in `used`. Longer texts are matched
 * first, and spans never overlap.
 *
 * @param source where the appearances are counted; default `tokens` (nothing taken out, text as given).
 */
export async function findMarked(tokens: Token[], used: boolean[], marked: readonly MarkedMention[], directory: Directory, source?: MarkedSource): Promise<Mention[]> {
  const whole = source?.whole ?? tokens;
  const given = source?.given ?? whole;
  const found: Mention[] = [];
  // Marks spelled the same are one set of words. Two namesakes ("<@Jan Smit> <@Jan Smit>") cannot be
  // told apart by their words, only by where the channel says each one stands (`occurrences`); without
  // that, those words are all of them (the bot asks which, never picks), and when one of them is
  // someone the bot does not serve, the words are nobody it may act for.
  const byWords = new Map<string, { norms: string[]; marks: MarkedMention[] }>();
  for (const m of marked) {
    const norms = tokenize(m.text).map((t) => t.norm);
    if (norms.length === 0) continue;
    const key = norms.join(' ');
    const entry = byWords.get(key) ?? { norms, marks: [] };
    entry.marks.push(m);
    byWords.set(key, entry);
  }
  // The reading's token for each token of `whole` (same offsets; taken-out words have none).
  const readIndex = new Map<string, number>();
  tokens.forEach((t, i) => readIndex.set(`${t.start} ${t.norm}`, i));
  const users = new Map<string, DirectoryUser | undefined>();
  const byLength = [...byWords.values()].sort((a, b) => b.norms.length - a.norms.length);
  for (const { norms, marks } of byLength) {
    const appearances = wordsAppearances(whole, norms);
    // The channel counted in the text it handed over: when cleaning here changed how often the words
    // appear, its counts say nothing about this text, and the words are every mark's as before.
    const countsHold = source === undefined || wordsAppearances(given, norms).length === appearances.length;
    // A place past the words' last appearance means the channel counted in other text: no mark of these words is placed then.
    const fits = countsHold && marks.every((m) => m.occurrences === undefined || m.occurrences.every((k) => Number.isInteger(k) && k >= 0 && k < appearances.length));
    const placed = (m: MarkedMention) => fits && m.occurrences !== undefined && m.occurrences.length > 0;
    for (let k = 0; k < appearances.length; k++) {
      const owners = marks.filter((m) => (placed(m) ? m.occurrences!.includes(k) : true));
      if (owners.length === 0) continue;
      const w = appearances[k]!;
      const span: number[] = [];
      for (let n = 0; n < norms.length; n++) {
        const r = readIndex.get(`${whole[w + n]!.start} ${whole[w + n]!.norm}`);
        if (r === undefined || used[r] || (span.length > 0 && r !== span.at(-1)! + 1)) break;
        span.push(r);
      }
      // Taken out (a reason, a date) or part of a longer marked name: not a name to read here.
      if (span.length !== norms.length) continue;
      const people: DirectoryUser[] = [];
      let unserved = false;
      for (const m of owners) {
        if (!m.userId) {
          unserved = true;
          continue;
        }
        if (!users.has(m.userId)) users.set(m.userId, await directory.getUser(m.userId));
        const user = users.get(m.userId);
        if (user && !people.includes(user)) people.push(user);
      }
      const start = span[0]!;
      const end = span.at(-1)! + 1;
      for (let i = start; i < end; i++) used[i] = true;
      const kind = people.length && !unserved ? 'name' : 'unknown';
      found.push({ start, end, text: rawSpan(tokens, start, end), kind, users: kind === 'name' ? people : [], targets: [], possessive: tokens[end - 1]!.possessive, marked: true });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** The indices in `tokens` where the folded words `norms` appear, left to right, never overlapping: how marks are counted on both sides. */
export function wordsAppearances(tokens: readonly Token[], norms: readonly string[]): number[] {
  const at: number[] = [];
  if (norms.length === 0) return at;
  for (let i = 0; i + norms.length <= tokens.length; i++) {
    if (!norms.every((norm, k) => tokens[i + k]!.norm === norm)) continue;
    at.push(i);
    i += norms.length - 1;
  }
  return at;
}

/**
 * The marks of a message as marks of `prefix` + that message (the conversation reads a typed answer
 * inside a sentence of its own, "give <answer> access"): each place moved past the appearances of the
 * mark's words in `prefix`.
 */
export function markedAfter(prefix: string, marked: readonly MarkedMention[]): MarkedMention[] {
  const tokens = tokenize(prefix);
  return marked.map((m) => {
    if (!m.occurrences) return m;
    const before = wordsAppearances(tokens, tokenize(m.text).map((t) => t.norm)).length;
    return before ? { ...m, occurrences: m.occurrences.map((k) => k + before) } : m;
  });
}

// A channel writes a slot where a marked person's words go (private-use characters, which cleaning
// keeps and nobody types), and `placeMarked` fills the slots once the text is otherwise final, so the
// appearances are counted in the very text the core reads.
const SLOT_OPEN = '\uE000';
const SLOT_CLOSE = '\uE001';
const SLOT = /\uE000(\d{1,4})\uE001/g;
const SLOT_CHARS = /[\uE000\uE001]/g;
/** A letter or digit: words placed right against one get a space between. */
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;

/** Where the marked person `index` (into the words given to `placeMarked`) stands, until the text is final. */
export function markSlot(index: number): string {
  return `${SLOT_OPEN}${index}${SLOT_CLOSE}`;
}

/** `text` without the characters `markSlot` uses, so nothing typed can pass for a slot. */
export function withoutMarkSlots(text: string): string {
  return text.replace(SLOT_CHARS, '');
}

/**
 * The final text of a message in which a channel wrote `markSlot(i)` for each place it marked person
 * `i`: each slot replaced by `words[i]` (with a space between them and a letter or digit), and, per
 * person, which appearances of their words in that text the slots are (`MarkedMention.occurrences`,
 * counted as `findMarked` counts them). `undefined` for a person whose words do not read back at a
 * slot (the core then takes every appearance as them, as without counts).
 */
export function placeMarked(text: string, words: readonly string[]): { text: string; occurrences: Array<number[] | undefined> } {
  let out = '';
  let last = 0;
  const placed: Array<{ index: number; at: number }> = [];
  for (const m of text.matchAll(SLOT)) {
    out += text.slice(last, m.index);
    last = m.index + m[0].length;
    const index = Number(m[1]);
    const w = words[index];
    if (w === undefined) continue;
    if (WORD_CHAR.test(out.at(-1) ?? '')) out += ' ';
    placed.push({ index, at: out.length });
    out += w;
    if (WORD_CHAR.test(text[last] ?? '')) out += ' ';
  }
  out += text.slice(last);
  const tokens = tokenize(out);
  const occurrences = words.map((w, index): number[] | undefined => {
    const at = placed.filter((p) => p.index === index);
    if (at.length === 0) return undefined;
    const appearances = wordsAppearances(tokens, tokenize(w).map((t) => t.norm));
    const ordinals = at.map((p) => appearances.findIndex((i) => tokens[i]!.start === p.at));
    return ordinals.every((k) => k >= 0) ? [...new Set(ordinals)].sort((a, b) => a - b) : undefined;
  });
  return { text: out, occurrences };
}

/**
 * `placeMarked` for a channel's marked people: the final text, and each of `mentions` (person `i`
 * written as `markSlot(i)` in `text`) with its `occurrences` when they read back.
 */
export function placeMarkedMentions(text: string, mentions: readonly MarkedMention[]): { text: string; mentions: MarkedMention[] } {
  const placed = placeMarked(text, mentions.map((m) => m.text));
  return {
    text: placed.text,
    mentions: mentions.map((m, i) => {
      const occurrences = placed.occurrences[i];
      return occurrences ? { ...m, occurrences } : m;
    }),
  };
}

/**
 * A name as words a channel can put in a message's text for a marked mention: letters, digits,
 * spaces, apostrophes, dots and hyphens only (a profile or display name is user-supplied), at most 80
 * characters, Unicode NFC, so `findMarked` reads them back as the same words. Undefined when nothing
 * readable is left. Shared by the Slack and Teams channels.
 */
export function asMarkedWords(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const words = name.normalize('NFC').replace(/[^\p{L}\p{M}\p{N}'’ .-]+/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, 80).trim();
  return /[\p{L}\p{N}]/u.test(words) ? words : undefined;
}
