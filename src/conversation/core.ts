import type { ConversationDeps, Escape } from './types.js';
import type { ExampleSource } from './examples.js';

/** What every part of the conversation uses: the dependencies, the channel's escaping and the example names. */
export interface Core extends ConversationDeps {
  escape: Escape;
  examples: ExampleSource;
}

/** More candidates than this are asked for in words, not with a choice. */
export const MAX_CHOICES = 6;
/** A draft older than this is forgotten. */
export const DRAFT_TTL_MS = 30 * 60_000;
