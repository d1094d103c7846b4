import { markedAfter } from '../language/marked.js';
import type { Resolution, UnderstandOptions } from '../language/understand.js';
import type { UnderstandFn } from './types.js';

/**
 * A name typed on its own, read by the language layer: the answer to "For whom?" / "On which
 * mailbox or group?", or the subject of "audit ...". The language layer resolves names only inside
 * a sentence, so the answer is put in the one sentence whose role for it is fixed: a grant's
 * grantee ("give <answer> access") or a query's target ("who has access to <answer>?"). The
 * language layer then applies its own rules: "me"/"mij" for the writer, longest-match names,
 * namesakes as candidates, unknown text as unknown.
 */
export async function resolveAnswer(text: string, slot: 'grantee' | 'target', understand: UnderstandFn, options: UnderstandOptions): Promise<Resolution> {
  return (await resolveAnswerWithEnd(text, slot, understand, options)).resolution;
}

/**
 * `resolveAnswer`, and the end the answer gave with the name ("Megan for 2 weeks", "Jan Smit until
 * Friday"): read for a grantee only (the grant's sentence carries it), so it is not dropped unsaid.
 */
export async function resolveAnswerWithEnd(
  text: string,
  slot: 'grantee' | 'target',
  understand: UnderstandFn,
  options: UnderstandOptions,
): Promise<{ resolution: Resolution; end?: { duration: string | null; until: string | null } }> {
  const answer = text.trim();
  const before = slot === 'grantee' ? 'give ' : 'who has access to ';
  const sentence = `${before}${answer}${slot === 'grantee' ? ' access' : '?'}`;
  // The channel said where it marked people in the answer; in the sentence they stand after `before`.
  const understood = await understand(sentence, options.mentions ? { ...options, mentions: markedAfter(before, options.mentions) } : options);
  const resolution = understood[slot] ?? { status: 'unknown' as const, text: answer };
  const end = slot === 'grantee' && (understood.duration || understood.until) ? { duration: understood.duration, until: understood.until } : undefined;
  return end ? { resolution, end } : { resolution };
}
