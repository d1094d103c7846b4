import type { Escape } from '../types.js';

// Control characters (but not tab/newline), bidi overrides and zero-width characters.
const UNSAFE_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * (`escapeMarkdown`) Makes user-supplied text inert in Markdown (Adaptive Cards and Teams text messages, sent as
 * `textFormat: 'markdown'`, render a Markdown subset): `*`, `_`, `[...]`, `<...>` would turn a
 * reason or a name into formatting, a link or a tag, a leading `-`, `#`, `1.` or `1)` into a list
 * or heading, and `$`/`{` look like template or Teams date functions. Those are backslash-escaped
 * (Markdown shows the bare character; after `1` the dot or bracket is, as a backslash before a
 * digit is no escape and would show); plain punctuation such as the hyphen in Anne-Marie is left
 * alone. Control and bidi characters are removed and the text is capped at `max` characters
 * (default 500).
 */
function escapeWith(marks: RegExp): (value: string, max?: number) => string {
  return (value, max = 500) => {
    let text = value.replace(UNSAFE_CHARS, '').replace(/\r\n?/g, '\n');
    if (text.length > max) text = `${text.slice(0, max - 1)}…`;
    return text
      .replace(marks, (c) => `\\${c}`)
      .replace(/^(\s*)(?:([#+-])|(\d+)([.)]))/gm, (_whole, space: string, mark?: string, number?: string, dot?: string) =>
        mark ? `${space}\\${mark}` : `${space}${number}\\${dot}`);
  };
}

/**
 * What a person wrote in their own words (a reason), for Adaptive Card text only (`Escape.prose`):
 * as `escapeMarkdown`, except `<` and `>`. A card's TextBlock and FactSet render a Markdown subset
 * (bold, italic, lists, links) and no HTML ("HTML isn't supported in Adaptive Cards", Teams' card
 * formatting reference), so `<b>` shows as typed; a backslash before it is not taken as an escape by
 * every Teams client and would show too (`Niet nodig \<b\>echt\</b\> niet`). Only Teams' mention
 * tag `<at>` keeps its backslash.
 */
export function escapeMarkdownProse(value: string, max = 500): string {
  // Teams' own mention tag (`<at>`) is the one tag a card gives meaning to: it stays broken.
  return escapeProseMarks(value, max).replace(/<(\/?at\b[^<>]*)(>?)/gi, (_tag, inner: string, close: string) => `\\<${inner}${close ? '\\>' : ''}`);
}
const escapeProseMarks = escapeWith(/[\\`*_{}[\]~$]/g);

/** User-supplied text made inert in Markdown (see `escapeWith` above); `prose` for a person's own words on a card. */
export const escapeMarkdown: Escape = Object.assign(escapeWith(/[\\`*_{}[\]<>~$]/g), { prose: escapeMarkdownProse });
