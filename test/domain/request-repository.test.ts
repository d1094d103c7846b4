import { describe, expect, it } from 'vitest';
import { cursorOf, parseCursor } from '../../src/domain/request-repository.js';

describe('page cursors', () => {
  it('round-trip whole and fractional scores (the stores keep the clock number as it is)', () => {
    for (const entry of [
      { score: 1_764_000_000_000, member: 'aud-1' },
      { score: 1700.5, member: 'aud-0001700-5.x' },
      { score: 1700, member: '5.aud' },
      { score: 0, member: 'REQ-1' },
    ]) {
      expect(parseCursor(cursorOf(entry))).toEqual(entry);
    }
  });

  it('read the cursors of the version before (score.member, whole scores), which posted cards may carry', () => {
    expect(parseCursor('1764000000000.aud-1.x')).toEqual({ score: 1_764_000_000_000, member: 'aud-1.x' });
  });

  it('refuse what no page handed out', () => {
    for (const bad of ['abc', '.REQ-1', '12', '12.', 'x12.REQ-1', '1e3.REQ-1', '|REQ-1', '12|', 'x|REQ-1', '1e3|REQ-1']) {
      expect(() => parseCursor(bad), bad).toThrow(expect.objectContaining({ code: 'invalid_request' }));
    }
    expect(parseCursor(undefined)).toBeUndefined();
  });
});
