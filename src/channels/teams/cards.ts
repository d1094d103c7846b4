import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { escapeMarkdown } from '../../conversation/wording/escape.js';

// The strings are shared by every channel (src/conversation/wording); these names stay for the Teams code that uses them.
export { LANGS, strings, t, type Lang } from '../../conversation/wording/strings.js';

/** Adaptive Cards render Markdown: user-supplied text is made inert the Markdown way (see `escapeMarkdown`). */
export const escapeText = escapeMarkdown;

/** Card templates in `cards/`, one layout each; their words come from the shared wording (`cards/strings/`). */
export const CARD_NAMES = ['approval', 'summary', 'choice', 'notice', 'status', 'access', 'help', 'audit'] as const;
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

/** Expands a template with `data` (which must already hold escaped user text). */
export function renderCard(name: CardName, data: Record<string, unknown>): CardJson {
  return template(name).expand({ $root: data }) as CardJson;
}

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export function cardAttachment(card: CardJson): { contentType: string; content: CardJson } {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card };
}
