import { defaultDeserialize, defaultSerialize } from '@keyv/serialize';

/**
 * keyv's own text format, written and read faster.
 *
 * keyv's default serializer walks every value in JavaScript to escape strings that start with ':'
 * (and to write buffers as ':base64:...'), and its deserializer runs a reviver on every value to
 * undo that. For records without such strings the text is exactly `JSON.stringify`'s, so that is
 * tried first; the default serializer runs only when the text holds a string value starting with
 * ':' (a quote opening a value at the start or right after '[', ',' or ':'). Both directions stay byte-for-byte
 * keyv's format, so files and Redis keys written before read the same.
 */
const COLON_VALUE = /(?:^|[[,:])":/;

/** How JSON.stringify writes a Buffer; keyv's format has ':base64:...' instead. */
const BUFFER_JSON = '{"type":"Buffer","data":[';

export function serialize(data: unknown): string {
  const text = JSON.stringify(data);
  // `undefined` and functions have no JSON text; hand them to keyv's serializer as before.
  if (text === undefined || COLON_VALUE.test(text) || text.includes(BUFFER_JSON)) return defaultSerialize(data);
  return text;
}

export function deserialize<T>(text: string): T {
  return (COLON_VALUE.test(text) ? defaultDeserialize(text) : JSON.parse(text)) as T;
}
