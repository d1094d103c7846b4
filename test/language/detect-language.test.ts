import { describe, expect, it } from 'vitest';
import { markedLanguageOf } from '../../src/language/detect-language.js';

describe('markedLanguageOf', () => {
  it('reads the words around the right phrases, as understand does', () => {
    expect(markedLanguageOf('geef  send-as op Training')).toBe('nl');
    expect(markedLanguageOf('geef send as op Training')).toBe('nl');
    expect(markedLanguageOf('give  send-as on Training')).toBe('en');
    expect(markedLanguageOf('wie heeft toegang tot Training?')).toBe('nl');
  });

  it('is undefined when no word marks a language, so the caller falls back on the locale', () => {
    expect(markedLanguageOf('   ')).toBeUndefined();
    expect(markedLanguageOf('REQ-7K2F9')).toBeUndefined();
    expect(markedLanguageOf('&nbsp;<b>Training</b>')).toBeUndefined();
    for (const text of ['ok', 'Megan', 'Send As', 'send-as']) expect(markedLanguageOf(text), text).toBeUndefined();
  });

  it('takes words Dutch speakers use as they are ("status", "help", "stop", a request id) for no language', () => {
    for (const text of ['status', 'help', 'stop', 'status REQ-7K2F9', 'status req-7k2f9', 'help?']) expect(markedLanguageOf(text), text).toBeUndefined();
    // "van" is Dutch; "of", "what" English.
    expect(markedLanguageOf('status van REQ-7K2F9')).toBe('nl');
    expect(markedLanguageOf('status of REQ-7K2F9')).toBe('en');
    expect(markedLanguageOf('what is the status')).toBe('en');
  });

  it('reads short answers by the words that mark a language: "week" alone marks none', () => {
    for (const text of ['next week', 'tomorrow', 'yes', 'for a week']) expect(markedLanguageOf(text), text).toBe('en');
    for (const text of ['morgen', 'volgende week', 'ja', 'nee', 'voor een week', 'verzenden als']) expect(markedLanguageOf(text), text).toBe('nl');
  });
});
