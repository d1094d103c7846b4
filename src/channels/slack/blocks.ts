import type { types } from '@slack/bolt';
import type { ActionVerb, Fact, Tone } from '../../conversation/types.js';

/**
 * Block Kit building blocks shared by the Slack layouts. Every string handed in is already phrased
 * by the conversation core and escaped with `escapeSlack` where it holds user-supplied text; these
 * helpers only lay it out and keep within Block Kit's limits (3,000 characters of section text,
 * 2,000 per field, 10 fields per section, 75 per button label).
 */

export type SlackBlock = types.KnownBlock | types.Block;

/** A message as `chat.postMessage` / `chat.update` take it: blocks plus the notification text. */
export interface SlackMessage {
  /** Plain fallback shown in notifications and by clients without Block Kit. */
  text: string;
  blocks: SlackBlock[];
}

/** A message holds at most 50 blocks; the Home tab and modals 100. */
export const MESSAGE_BLOCK_LIMIT = 50;

const TONE_MARK: Record<Tone, string> = { default: '', accent: ':hourglass_flowing_sand: ', good: ':white_check_mark: ', warning: ':warning: ', attention: ':no_entry: ' };

/** The status line's tone as an emoji in front of it (Block Kit has no text colours). */
export function toned(text: string, tone: Tone = 'default'): string {
  return `${TONE_MARK[tone]}${text}`;
}

/** Cuts at `max` characters with an ellipsis (Block Kit refuses longer text outright). */
export function cap(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function mrkdwn(text: string): { type: 'mrkdwn'; text: string; verbatim: true } {
  // verbatim: Slack does not auto-link channel names and URLs in text the bot composes.
  return { type: 'mrkdwn', text: cap(text || ' ', 3000), verbatim: true };
}

/** Plain text (button labels, titles); Slack shows `:emoji:` codes in it by default. */
export function plain(text: string, max = 3000): { type: 'plain_text'; text: string } {
  return { type: 'plain_text', text: cap(text || ' ', max) };
}

export function section(text: string): SlackBlock {
  return { type: 'section', text: mrkdwn(text) };
}

/** A bold title line. */
export function title(text: string): SlackBlock {
  return section(`*${text}*`);
}

export function context(text: string): SlackBlock {
  return { type: 'context', elements: [mrkdwn(text)] };
}

export const divider: SlackBlock = { type: 'divider' };

/** Facts as two-column section fields, ten to a section. */
export function factBlocks(facts: readonly Fact[]): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  for (let i = 0; i < facts.length; i += 10) {
    blocks.push({ type: 'section', fields: facts.slice(i, i + 10).map((f) => mrkdwn(cap(`*${f.title}*\n${f.value}`, 2000))) });
  }
  return blocks;
}

/** A button as the core's actions name them: the verb in `action_id`, the action's data (ids only) as JSON in `value`. */
export interface ButtonSpec {
  label: string;
  verb: ActionVerb;
  data: Record<string, string | number>;
  style?: 'primary' | 'danger';
}

/**
 * A button. `action_id` is the verb, with `:n` when a message holds several buttons of one verb
 * (Slack wants action ids unique per message); `value` is the data the core reads, which it checks
 * against the stored request or draft and the clicking user, never trusting it.
 */
export function button(spec: ButtonSpec, index?: number): Record<string, unknown> {
  return {
    type: 'button',
    text: plain(spec.label, 75),
    action_id: index === undefined ? spec.verb : `${spec.verb}:${index}`,
    value: JSON.stringify(spec.data),
    ...(spec.style ? { style: spec.style } : {}),
  };
}

/** A section with one button beside its text (a Cancel next to a request in "my requests"). */
export function sectionWithButton(text: string, spec: ButtonSpec, index?: number): SlackBlock {
  return { type: 'section', text: mrkdwn(text), accessory: button(spec, index) } as SlackBlock;
}

export function actions(buttons: readonly ButtonSpec[], blockId?: string): SlackBlock {
  const verbs = buttons.map((b) => b.verb);
  return {
    type: 'actions',
    ...(blockId ? { block_id: blockId } : {}),
    elements: buttons.slice(0, 25).map((b, i) => button(b, verbs.indexOf(b.verb) === verbs.lastIndexOf(b.verb) ? undefined : i)) as never,
  };
}

/** Keeps a message within 50 blocks: the rest is summarised as "…". */
export function message(text: string, blocks: SlackBlock[]): SlackMessage {
  const kept = blocks.length <= MESSAGE_BLOCK_LIMIT ? blocks : [...blocks.slice(0, MESSAGE_BLOCK_LIMIT - 1), context('…')];
  return { text: cap(fallback(text), 3000), blocks: kept };
}

/**
 * A header and its body as one notification line, "Mailbox access: Approved: …": notifications show
 * `text` on one line, where a bare space ran them together ("Mailbox access Approved: …"). A header
 * that ends in punctuation keeps it; body lines are sentences, joined by spaces.
 */
export function headed(header: string, body: readonly string[]): string {
  const head = header.trim();
  const rest = body.map((line) => line.trim()).filter(Boolean).join(' ');
  if (!rest) return head;
  if (!head) return rest;
  return /[:.!?…]$/.test(head) ? `${head} ${rest}` : `${head}: ${rest}`;
}

/**
 * The notification text: the bot's own bold markers removed, entities kept (Slack decodes them); a
 * mark a person typed (`escapeSlackProse`'s date token) is the mark itself again, as they wrote it.
 */
function fallback(text: string): string {
  return text.replace(/<!date\^00000000\^\{_\}\|([*_~`])>|\*/g, (_whole, typed?: string) => typed ?? '').trim() || '…';
}
