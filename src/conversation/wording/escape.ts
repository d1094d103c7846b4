import type { Escape } from '../types.js';

// Control characters (but not tab/newline), bidi overrides and zero-width characters.
const UNSAFE_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * Makes user-supplied text inert in Markdown (Adaptive Cards and Teams text messages, sent as
 * `textFormat: 'markdown'`, render a Markdown subset): `*`, `_`, `[...]`, `<...>` would turn a
 * reason or a name into formatting, a link or a tag, a leading `-`, `#`, `1.` or `1)` into a list
 * or heading, and `$`/`{` look like template or Teams date functions. Those are backslash-escaped
 * (Markdown shows the bare character; after `1` the dot or bracket is, as a backslash before a
 * digit is no escape and would show); plain punctuation such as the hyphen in Anne-Marie is left
 * alone. Control and bidi characters are removed and the text is capped at `max` characters
 * (default 500).
 */
export const escapeMarkdown: Escape = (value: string, max = 500): string => {
  let text = value.replace(UNSAFE_CHARS, '').replace(/\r\n?/g, '\n');
  if (text.length > max) text = `${text.slice(0, max - 1)}…`;
  return text
    .replace(/[\\`*_{}[\]<>~$]/g, (c) => `\\${c}`)
    .replace(/^(\s*)(?:([#+-])|(\d+)([.)]))/gm, (_whole, space: string, mark?: string, number?: string, dot?: string) =>
      mark ? `${space}\\${mark}` : `${space}${number}\\${dot}`);
};
