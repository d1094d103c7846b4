import { describe, expect, it } from 'vitest';
import { canOpenBrowser, logTail } from '../../scripts/playground-config.js';

/**
 * `npm run playground` on a machine without a display: the playground must not try to open a
 * browser (it exits 1 with only `spawn xdg-open ENOENT` in its log), and when it exits anyway the
 * end of its log is shown.
 */
describe('npm run playground: opening a browser', () => {
  const has = (names: string[]) => (name: string) => names.includes(name);

  it('does not try without a display or without xdg-open on Linux', () => {
    expect(canOpenBrowser({ platform: 'linux', env: {}, noBrowser: false, hasCommand: has(['xdg-open']) })).toBe(false);
    expect(canOpenBrowser({ platform: 'linux', env: { DISPLAY: ':0' }, noBrowser: false, hasCommand: has([]) })).toBe(false);
    expect(canOpenBrowser({ platform: 'freebsd', env: {}, noBrowser: false, hasCommand: has(['xdg-open']) })).toBe(false);
  });

  it('tries with a display (X11 or Wayland) and xdg-open, and on macOS and Windows', () => {
    expect(canOpenBrowser({ platform: 'linux', env: { DISPLAY: ':0' }, noBrowser: false, hasCommand: has(['xdg-open']) })).toBe(true);
    expect(canOpenBrowser({ platform: 'linux', env: { WAYLAND_DISPLAY: 'wayland-0' }, noBrowser: false, hasCommand: has(['xdg-open']) })).toBe(true);
    expect(canOpenBrowser({ platform: 'darwin', env: {}, noBrowser: false, hasCommand: has([]) })).toBe(true);
    expect(canOpenBrowser({ platform: 'win32', env: {}, noBrowser: false, hasCommand: has([]) })).toBe(true);
  });

  it('never with --no-browser or TEAMSAPPTESTER_BROWSER=none', () => {
    expect(canOpenBrowser({ platform: 'darwin', env: {}, noBrowser: true, hasCommand: has([]) })).toBe(false);
    expect(canOpenBrowser({ platform: 'linux', env: { DISPLAY: ':0', TEAMSAPPTESTER_BROWSER: 'none' }, noBrowser: false, hasCommand: has(['xdg-open']) })).toBe(false);
  });
});

describe('npm run playground: the end of the log', () => {
  it('keeps the last non-empty lines', () => {
    const log = ['log Listening on 56150', '', 'error Error: spawn xdg-open ENOENT', '    at ChildProcess._handle.onexit', ''].join('\n');
    expect(logTail(log, 2)).toBe('error Error: spawn xdg-open ENOENT\n    at ChildProcess._handle.onexit');
    expect(logTail(log)).toBe('log Listening on 56150\nerror Error: spawn xdg-open ENOENT\n    at ChildProcess._handle.onexit');
    expect(logTail('')).toBe('');
  });
});
