import type { Escape } from '../types.js';

// Control characters (but not tab/newline), bidi overrides and zero-width characters.
const UNSAFE_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * Makes user-supplied text inert in Markdown (Adaptive Cards render a Markdown subset): `*`, `_`,
 * `[...]`, `<...>` would turn a reason or a name into formatting or a link, a leading `-`, `#` or
 * `1.` into a list or heading, and `$`/`{` look like template or Teams date functions. Those are
 * backslash-escaped (Markdown shows the bare character); plain punctuation such as the hyphen in
 * Anne-Marie is left alone. Control and bidi characters are removed and the text is capped at
 * `max` characters (default 500).
 */
export const escapeMarkdown: Escape = (value: string, max = 500): string => {
  let text = value.replace(UNSAFE_CHARS, '').replace(/\r\n?/g, '\n');
  if (text.length > max) text = `${text.slice(0, max - 1)}…`;
  return text
    .replace(/[\\`*_{}[\]<>~$]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#+-]|\d+\.)/gm, (_whole, space: string, mark: string) => `${space}\\${mark}`);
};
