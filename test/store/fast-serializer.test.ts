import { defaultDeserialize, defaultSerialize } from '@keyv/serialize';
import { describe, expect, it } from 'vitest';
import { deserialize, serialize } from '../../src/store/fast-serializer.js';

// Values that take every path: plain records, strings keyv escapes, buffers, look-alikes inside text.
const samples: unknown[] = [
  { value: { v: 3, d: { id: 'REQ-1', state: 'pending', history: [{ at: 1, by: 'u-1' }], outbox: [] } }, expires: undefined },
  { value: { v: 1, d: { reason: ':) please', list: [':x', 'y:', '::z'], nested: { deep: ':base64:aGk=' } } } },
  { value: { v: 1, d: { ':key': 'keys are not escaped', 'a,":b': 'text with ,": inside', quote: 'say "hi", ":no' } } },
  { value: { v: 1, d: { file: Buffer.from('hello'), inArray: [Buffer.from([1, 2, 3])] } } },
  { value: { v: 1, d: { type: 'Buffer', data: [1, 2] } } },
  { value: { v: 1, d: { nothing: null, gone: undefined, n: 1.5, big: 1e21, nan: Number.NaN, text: 'Zoë \u2028 \\ \n ✓' } } },
  { value: { v: 1, d: [':first', null, undefined, 2] } },
  'plain string',
  ':colon string',
  null,
];

describe('fast keyv serializer', () => {
  it.each(samples.map((sample, index) => [index, sample]))('sample %i: writes exactly the text keyv writes', (_index, sample) => {
    expect(serialize(sample)).toBe(defaultSerialize(sample));
  });

  it.each(samples.map((sample, index) => [index, sample]))('sample %i: reads keyv text exactly as keyv reads it', (_index, sample) => {
    const text = defaultSerialize(sample);
    expect(deserialize(text)).toEqual(defaultDeserialize(text));
  });

  it('restores strings that start with a colon and buffers', () => {
    const value = { reason: ':)', file: Buffer.from('hi') };
    expect(deserialize(serialize(value))).toEqual(value);
  });
});
