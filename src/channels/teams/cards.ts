import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The languages the bot speaks. */
export type Lang = 'en' | 'nl';
export const LANGS: readonly Lang[] = ['en', 'nl'];

/** Card templates in `cards/`, one layout each; strings live in `cards/strings/<lang>.json`. */
export const CARD_NAMES = ['approval', 'summary', 'choice', 'notice', 'status', 'access', 'help'] as const;
export type CardName = (typeof CARD_NAMES)[number];

export const CARDS_DIR = fileURLToPath(new URL('../../../cards/', import.meta.url));

/** An Adaptive Card as JSON. */
export type CardJson = Record<string, unknown>;

// adaptivecards-templating ships CommonJS only.
const require = createRequire(import.meta.url);
const { Template } = require('adaptivecards-templating') as {
  Template: new (payload: unknown) => CardTemplate;
};

type CardTemplate = { expand(context: { $root: unknown }): unknown };

// A Template parses every `${...}` of its payload once, when it is built, and "can be bound to
// different data objects in a loop" (adaptivecards-templating's own words): one per card, kept.
// `expand` is synchronous, so concurrent turns cannot interleave inside it.
const templates = new Map<CardName, CardTemplate>();
function template(name: CardName): CardTemplate {
  let compiled = templates.get(name);
  if (!compiled) {
    compiled = new Template(JSON.parse(readFileSync(`${CARDS_DIR}${name}.json`, 'utf8')));
    templates.set(name, compiled);
  }
  return compiled;
}

const stringTables = new Map<Lang, Record<string, string>>();
export function strings(lang: Lang): Record<string, string> {
  let table = stringTables.get(lang);
  if (!table) {
    table = JSON.parse(readFileSync(`${CARDS_DIR}strings/${lang}.json`, 'utf8')) as Record<string, string>;
    stringTables.set(lang, table);
  }
  return table;
}

/**
 * A localised string with `{name}` placeholders filled in. Parameters are inserted as given:
 * escape user-controlled values with `escapeText` before passing them.
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

// Control characters (but not tab/newline), bidi overrides and zero-width characters.
const UNSAFE_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * Makes user-supplied text inert in a card: Adaptive Cards render a Markdown subset, so `*`, `_`,
 * `[...]`, `<...>` would turn a reason or a name into formatting or a link, a leading `-`, `#` or
 * `1.` into a list or heading, and `$`/`{` look like template or Teams date functions. Those are
 * backslash-escaped (Markdown shows the bare character); plain punctuation such as the hyphen in
 * Anne-Marie is left alone. Control and bidi characters are removed and the text is capped.
 */
export function escapeText(value: string, max = 500): string {
  let text = value.replace(UNSAFE_CHARS, '').replace(/\r\n?/g, '\n');
  if (text.length > max) text = `${text.slice(0, max - 1)}…`;
  return text
    .replace(/[\\`*_{}[\]<>~$]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#+-]|\d+\.)/gm, (_whole, space: string, mark: string) => `${space}\\${mark}`);
}

/** Expands a template with `data` (which must already hold escaped user text). */
export function renderCard(name: CardName, data: Record<string, unknown>): CardJson {
  return template(name).expand({ $root: data }) as CardJson;
}

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export function cardAttachment(card: CardJson): { contentType: string; content: CardJson } {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card };
}
