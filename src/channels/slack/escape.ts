import type { Escape } from '../../conversation/types.js';

// Control characters (but not tab/newline), bidi overrides and zero-width characters.
const UNSAFE_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
/** Anything `escapeSlack` would change: most names and ids have none of it. */
const NEEDS_WORK = /[&<>\r\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

/**
 * Makes user-supplied text inert in Slack text objects (mrkdwn and plain_text alike). Slack's only
 * control sequences are `<...>`: user, channel and group mentions (`<@U..>`, `<#C..>`,
 * `<!here>`, `<!channel>`), dates and labelled links (`<https://evil|Approve here>`); with `&`,
 * `<` and `>` written as entities (Slack's own rule for "escaping text") none can be formed, and a
 * bare `@here` is plain text in a message the app posts without `link_names`. A bare URL is still
 * shown as a link by Slack's clients, with its real address. Control and bidi characters are
 * removed (a right-to-left override could make a name read backwards) and the text is capped at
 * `max` characters (default 500).
 */
function escapeEntities(value: string, max = 500): string {
  if (value.length <= max && !NEEDS_WORK.test(value)) return value;
  let text = value.replace(UNSAFE_CHARS, '').replace(/\r\n?/g, '\n');
  if (text.length > max) text = `${text.slice(0, max - 1)}…`;
  return text.replace(/[&<>]/g, (c) => ENTITIES[c]!);
}

/** mrkdwn's formatting marks: bold, italic, strike, code. */
const FORMATTING = /[*_~`]/g;

/**
 * What a person wrote in their own words (a reason), for mrkdwn only (`Escape.prose`): escaped as
 * `escapeSlack` does, and each formatting mark (`*`, `_`, `~`, a backquote) shown as typed without
 * formatting. mrkdwn has no backslash escape; a date token whose format is invalid
 * (`<!date^0^{_}|*>`) makes every Slack client show its fallback, the mark itself, as plain text
 * (the way jsx-slack's `<Escape>` keeps user text inert). Never for plain_text (button labels), where
 * the token would show as typed.
 */
export function escapeSlackProse(value: string, max = 500): string {
  return escapeEntities(value, max).replace(FORMATTING, (mark) => `<!date^00000000^{_}|${mark}>`);
}

export const escapeSlack: Escape = Object.assign(escapeEntities, { prose: escapeSlackProse });

/**
 * The plain text of a message as typed, from the text Slack delivers: mentions of the app removed
 * (`<@U0BOT>` in an app_mention), a user mention found in `people` (Slack user id -> the words that
 * stand for the person, see `readMentions`) replaced by those words, other mentions, channels and
 * links reduced to what the person saw (`<@U123|megan>` -> `@megan`, `<https://x|label>` ->
 * `label`), and `&amp;`, `&lt;`, `&gt;` decoded.
 */
export function plainTextOf(text: string, botUserId?: string, people?: ReadonlyMap<string, string>): string {
  return text
    .replace(/<([@#!])([^>|]*)(?:\|([^>]*))?>/g, (_all, sigil: string, id: string, label: string | undefined) => {
      if (sigil === '@' && id === botUserId) return ' ';
      const person = sigil === '@' ? people?.get(id) : undefined;
      if (person) return person;
      if (label) return sigil === '!' ? label : `${sigil === '#' ? '#' : '@'}${label}`;
      return sigil === '!' ? `@${id.split('^')[0]}` : `${sigil}${id}`;
    })
    .replace(/<((?:https?|mailto):[^>|]*)(?:\|([^>]*))?>/g, (_all, url: string, label: string | undefined) => label ?? url.replace(/^mailto:/, ''))
    .replace(/&(amp|lt|gt);/g, (_all, name: string) => ({ amp: '&', lt: '<', gt: '>' })[name]!);
}
