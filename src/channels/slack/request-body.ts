import { parse as parseQuery } from 'node:querystring';
import { slackShapeProblem } from './request-shapes.js';

/** A signed body that is not one of Slack's request shapes; `message` is the short reason the 400 answer gives. */
export class MalformedSlackBody extends Error {}

/**
 * Slack's three body shapes, as one object for Bolt:
 * - an Events API envelope: JSON with a string `type` (`event_callback`, `url_verification`...);
 * - interactivity: a form whose `payload` field is a JSON object with a string `type`
 *   (`block_actions`, `view_submission`...);
 * - a slash command: plain form fields, `command` among them.
 * Anything else (`foo=bar`, a `payload` that is not JSON, an object without `type`, a form field
 * given twice, a body without the fields Slack always sends and Bolt reads: see `slackShapeProblem`)
 * throws `MalformedSlackBody`. Source: https://api.slack.com/apis/events-api,
 * https://api.slack.com/interactivity/handling#payloads, https://api.slack.com/interactivity/slash-commands.
 */
export function parseSlackBody(body: Buffer, contentType: string | undefined): Record<string, unknown> {
  const parsed = parseSlackEnvelope(body, contentType);
  const problem = slackShapeProblem(parsed);
  if (problem) throw new MalformedSlackBody(problem);
  return parsed;
}

function parseSlackEnvelope(body: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = body.toString('utf8');
  if (isForm(contentType)) {
    const form = parseQuery(text);
    // Slack sends each field once; with two, which one counts would be a guess (`payload` twice once gave a 500).
    const repeated = Object.keys(form).find((key) => Array.isArray(form[key]));
    if (repeated !== undefined) throw new MalformedSlackBody(`form field ${repeated.slice(0, 64)} given more than once`);
    if (typeof form.payload === 'string') return typed(parseJson(form.payload, 'payload is not a JSON object'), 'payload');
    if (typeof form.command !== 'string') throw new MalformedSlackBody('form body without payload or command');
    return { ...form };
  }
  return typed(parseJson(text, 'body is not a JSON object'), 'body');
}

/** Slack's certificate check (`ssl_check=1`, unsigned): answered without reading anything else. */
export function isSslCheck(body: Buffer, contentType: string | undefined): boolean {
  return isForm(contentType) && parseQuery(body.toString('utf8')).ssl_check === '1';
}

function isForm(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim() === 'application/x-www-form-urlencoded';
}

function parseJson(text: string | undefined, reason: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    throw new MalformedSlackBody(reason);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedSlackBody(reason);
  return value as Record<string, unknown>;
}

function typed(value: Record<string, unknown>, what: string): Record<string, unknown> {
  if (typeof value.type !== 'string' || !value.type) throw new MalformedSlackBody(`${what} names no type`);
  return value;
}
