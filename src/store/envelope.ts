import { serialize } from './fast-serializer.js';

/** What keyv stores for us: the version beside the data. */
export interface Envelope<T> {
  v: number;
  d: T;
}

/**
 * An envelope as keyv stores it (`{ value }` in keyv's text format), for the conditional writes
 * that bypass keyv. Every store here gives its Keyv the same `serialize`, so this is what keyv writes.
 */
export function envelopeText(envelope: Envelope<unknown>): string {
  return serialize({ value: envelope });
}
