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
 * The spans of `tokens` that spell a marked mention's `text` (word by word, after folding), as
 * mentions: `name` with the one directory user, or `unknown` when the channel found no directory
 * user (or the id is no longer in the directory); words that several marked people share are all of
 * them (`unknown` if one of them has no directory user). Each matched token is set in `used`. Longer texts are matched first, and spans never overlap.
 */
export async function findMarked(tokens: Token[], used: boolean[], marked: readonly MarkedMention[], directory: Directory): Promise<Mention[]> {
  const found: Mention[] = [];
  // Marks spelled the same are one set of words: two namesakes ("<@Jan Smit> <@Jan Smit>") cannot be told
  // apart by where their words stand, so those words are all of them (the bot asks which, never picks),
  // and when one of them is someone the bot does not serve, the words are nobody it may act for.
  const byWords = new Map<string, { norms: string[]; ids: Set<string>; unserved: boolean }>();
  for (const m of marked) {
    const norms = tokenize(m.text).map((t) => t.norm);
    if (norms.length === 0) continue;
    const key = norms.join(' ');
    const entry = byWords.get(key) ?? { norms, ids: new Set<string>(), unserved: false };
    if (m.userId) entry.ids.add(m.userId);
    else entry.unserved = true;
    byWords.set(key, entry);
  }
  const byLength = [...byWords.values()].sort((a, b) => b.norms.length - a.norms.length);
  for (const { norms, ids, unserved } of byLength) {
    const users: DirectoryUser[] = [];
    for (const id of unserved ? [] : ids) {
      const user = await directory.getUser(id);
      if (user) users.push(user);
    }
    for (let i = 0; i + norms.length <= tokens.length; i++) {
      if (!norms.every((norm, k) => !used[i + k] && tokens[i + k]!.norm === norm)) continue;
      const end = i + norms.length;
      for (let k = i; k < end; k++) used[k] = true;
      found.push({ start: i, end, text: rawSpan(tokens, i, end), kind: users.length ? 'name' : 'unknown', users, targets: [], possessive: tokens[end - 1]!.possessive, marked: true });
      i = end - 1;
    }
  }
  return found.sort((a, b) => a.start - b.start);
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
