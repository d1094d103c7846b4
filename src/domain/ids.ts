import { randomInt } from 'node:crypto';

// No 0/O or 1/I/L: request ids are read aloud and typed back ("cancel REQ-7K2F9Q").
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export function newRequestId(): string {
  let id = 'REQ-';
  for (let i = 0; i < 6; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}

export function newId(prefix: string): string {
  let id = `${prefix}-`;
  for (let i = 0; i < 12; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}
