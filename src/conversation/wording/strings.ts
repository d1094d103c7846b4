import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Lang } from '../types.js';

export type { Lang } from '../types.js';
export const LANGS: readonly Lang[] = ['en', 'nl'];

/**
 * Where the strings live: `cards/strings/<lang>.json` (the card and reply strings, edited by
 * translators), `cards/strings/conversation/<lang>.json` (the conversation's refusals, examples and
 * audit lines) and `cards/strings/slack/<lang>.json` (Slack's own words: identity refusals, the
 * Reject modal, the Home tab). All are one table per language; a key is in exactly one file.
 */
export const STRINGS_DIR = fileURLToPath(new URL('../../../cards/strings/', import.meta.url));

const STRING_FILES = ['', 'conversation/', 'slack/'];

const stringTables = new Map<Lang, Record<string, string>>();

/** Every string of a language, `key -> text` with `{name}` placeholders. */
export function strings(lang: Lang): Record<string, string> {
  let table = stringTables.get(lang);
  if (!table) {
    table = {};
    for (const dir of STRING_FILES) Object.assign(table, JSON.parse(readFileSync(`${STRINGS_DIR}${dir}${lang}.json`, 'utf8')) as Record<string, string>);
    stringTables.set(lang, table);
  }
  return table;
}

/**
 * A localised string with `{name}` placeholders filled in. Parameters are inserted as given:
 * escape user-controlled values (the channel's `Escape`) before passing them. A missing parameter
 * stays visible as `{name}`; a key missing in `lang` falls back to English; an unknown key throws.
 */
export function t(lang: Lang, key: string, params: Record<string, string | number> = {}): string {
  let parts = compiledStrings.get(lang)?.get(key);
  if (!parts) {
    const text = strings(lang)[key] ?? strings('en')[key];
    if (text === undefined) throw new Error(`missing string ${key}`);
    parts = compileString(text);
    let table = compiledStrings.get(lang);
    if (!table) compiledStrings.set(lang, (table = new Map()));
    table.set(key, parts);
  }
  let out = '';
  for (const part of parts) out += typeof part === 'string' ? part : part.name in params ? String(params[part.name]) : `{${part.name}}`;
  return out;
}

/** A string split once at its `{name}` placeholders: a card turn calls `t` dozens of times. */
type StringPart = string | { name: string };
const compiledStrings = new Map<Lang, Map<string, StringPart[]>>();

function compileString(text: string): StringPart[] {
  const parts: StringPart[] = [];
  let last = 0;
  for (const match of text.matchAll(/\{(\w+)\}/g)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push({ name: match[1]! });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** Picks the bot's language from a BCP 47 tag (`nl-NL`, `nl-BE`, `en-US`...); undefined for any other. */
export function langOf(tag: string | undefined | null): Lang | undefined {
  if (!tag) return undefined;
  const primary = tag.toLowerCase().split(/[-_]/)[0];
  return primary === 'nl' ? 'nl' : primary === 'en' ? 'en' : undefined;
}
