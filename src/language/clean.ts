/**
 * Stage 1 of the pipeline: the text of a chat message as one plain line. The one place input is
 * cleaned: `understand` runs it on every message, and a channel runs it on what it receives before it
 * looks at the text at all (empty? too long? control characters?), so the bot and the `understand`
 * command read the same words.
 */
import { decodeHTMLStrict } from 'entities/decode';
import { Parser } from 'htmlparser2';

/** Longer messages are not requests (and would cost time): answered as unknown. */
export const MAX_TEXT_LENGTH = 2000;

// C0/C1 control characters other than tab; a request line never contains them (line breaks are
// spaces by the time this is asked).
const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F]/;
const INVISIBLE = /[\u00AD\u200B-\u200F\u2060\uFEFF]/g;
// Spaces of any width, tabs and line breaks (not \v or \f: those stay, and refuse the message).
const SPACES = /[ \t\r\n\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/g;
/** Anything `cleanInput` would change: markup or entities, invisible characters, other spaces than one. */
const NOISE = /[<&\u00AD\u200B-\u200F\u2060\uFEFF\t\r\n\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]|^ | $| {2}/;
/** A tag, a closing tag, a comment or a doctype: the text is HTML (Teams sends formatted messages so). */
const MARKUP = /<[A-Za-z/!]/;
// Elements whose end separates words; inline ones (<b>Zo</b>ë) do not.
const BLOCK = new Set(
  'address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul'.split(' '),
);
// Elements whose content is not part of what the person wrote.
const HIDDEN = new Set(['head', 'script', 'style', 'template', 'title', 'noscript']);

/** Options for `cleanInput`. */
export interface CleanOptions {
  /**
   * Whether a mention (`<at>...</at>`) that opens the message addresses the bot and is dropped. Default
   * true: in a channel or group chat a message to the bot starts with its mention. A channel that has
   * removed the bot's own mention already (Teams: `TeamsMentionResolver.read`) passes false,
   * so "<at>Priya</at> needs send as on Training" keeps Priya. Mentions later in a message are names
   * and are always kept as text.
   */
  dropLeadingMention?: boolean;
}

/**
 * The request text of a chat message: HTML character entities decoded (`&quot;` `&#39;` `&amp;`
 * `&eacute;` ...), markup removed, an HTML-only message read from its HTML, invisible characters
 * dropped, line breaks, tabs and runs of spaces as one space, trimmed, Unicode NFC.
 *
 * Channels must call this on every incoming message before anything else looks at the text:
 * Teams: `cleanInput(text, undefined, { dropLeadingMention: false })` on `activity.text` with the bot's
 * own mentions removed and user mentions written as marked words (`TeamsMentionResolver.read`), and
 * `cleanInput('', htmlAttachmentsOf(activity.attachments), ...)` when no words are left; Slack:
 * `cleanInput(event.text)`.
 * Then refuse `hasControlCharacters(text)`, an empty result, and `text.length > MAX_TEXT_LENGTH`, and
 * pass the result to `understand` (which cleans again; that is harmless: the result has no markup, and
 * a second pass changes only entities the writer typed out literally, "&amp;quot;").
 *
 * @param text the message text as delivered (may be empty; may be HTML: Teams' `activity.text` can hold
 *   `<p>`, `<at>` and entities such as `give Priya send on behalf of &quot;Training&quot;`).
 * @param htmlAttachments the contents of the message's `text/html` attachments (`htmlAttachmentsOf`),
 *   read only when `text` holds no words: Teams sometimes sends a message only that way.
 * @returns plain text, never longer than its source plus one space per block element; `''` when there
 *   are no words. Control characters other than line breaks and tabs are kept so the caller can refuse
 *   the message. Never throws.
 */
export function cleanInput(text: string, htmlAttachments?: readonly string[], options: CleanOptions = {}): string {
  const dropLeadingMention = options.dropLeadingMention ?? true;
  let plain = typeof text === 'string' ? toPlain(text, dropLeadingMention) : '';
  if (!plain && htmlAttachments) {
    for (const html of htmlAttachments) {
      if (typeof html !== 'string') continue;
      plain = tidy(htmlToText(html, dropLeadingMention));
      if (plain) break;
    }
  }
  return plain;
}

/**
 * The contents of the `text/html` attachments among a message's attachments (Bot Framework's
 * `activity.attachments`: `{ contentType, content }`), in order; other types and non-string contents
 * are skipped. For `cleanInput`'s second argument.
 */
export function htmlAttachmentsOf(attachments: ReadonlyArray<{ contentType?: string; content?: unknown }> | undefined): string[] {
  if (!Array.isArray(attachments)) return [];
  return attachments
    .filter((a) => typeof a?.contentType === 'string' && a.contentType.split(';')[0]!.trim().toLowerCase() === 'text/html' && typeof a.content === 'string')
    .map((a) => a.content as string);
}

/** Whether cleaned text holds a control character (a request never does: the bot refuses it). */
export function hasControlCharacters(text: string): boolean {
  return CONTROL.test(text);
}

function toPlain(text: string, dropLeadingMention: boolean): string {
  const nfc = text.normalize('NFC');
  // Most messages are plain words with single spaces: nothing to change.
  if (!NOISE.test(nfc)) return nfc;
  if (MARKUP.test(nfc)) return tidy(htmlToText(nfc, dropLeadingMention));
  return tidy(nfc.includes('&') ? decodeHTMLStrict(nfc) : nfc);
}

function tidy(text: string): string {
  return text.normalize('NFC').replace(INVISIBLE, '').replace(SPACES, ' ').trim();
}

/**
 * The words of an HTML fragment, by htmlparser2 (which also decodes its entities): block ends separate
 * words, hidden elements and (when asked) a leading `<at>` mention are left out.
 */
function htmlToText(html: string, dropLeadingMention: boolean): string {
  const parts: string[] = [];
  let skipping = 0;
  // Only the first mention, and only before any words, addresses the bot.
  let mayDropMention = dropLeadingMention;
  const parser = new Parser(
    {
      onopentag(name) {
        if (skipping || HIDDEN.has(name) || (name === 'at' && mayDropMention)) {
          skipping++;
          if (name === 'at') mayDropMention = false;
        } else if (BLOCK.has(name)) parts.push(' ');
      },
      ontext(data) {
        if (skipping) return;
        parts.push(data);
        if (mayDropMention && data.trim()) mayDropMention = false;
      },
      // htmlparser2 closes every element it opened (void and unclosed ones too), so the count balances.
      onclosetag(name) {
        if (skipping) skipping--;
        else if (BLOCK.has(name)) parts.push(' ');
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return parts.join('');
}
