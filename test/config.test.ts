import { describe, expect, it } from 'vitest';
import { loadConfig, parseDuration, SAMPLE_DIRECTORY_PATH } from '../src/config.js';
import { isBotError } from '../src/domain/errors.js';

describe('configuration', () => {
  it('has the SPEC defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3978,
      DIRECTORY: { kind: 'file', path: SAMPLE_DIRECTORY_PATH },
      PERMISSION_SERVICE: { kind: 'simulated' },
      STORE: { kind: 'sqlite', path: './data/bot.sqlite' },
      PROPAGATION_WINDOW: 60 * 60_000,
      CLOUD: 'worldwide',
      REQUEST_EXPIRY: 7 * 86_400_000,
      APPROVER_REMINDER: 24 * 3_600_000,
      LATE_CHECK_INTERVAL: 3_600_000,
      LATE_CHECK_UNTIL: 24 * 3_600_000,
    });
    expect(config.BOT_ADMINS).toBeUndefined();
    expect(config.MicrosoftAppId).toBeUndefined();
  });

  it('parses every form of the contract variables', () => {
    const config = loadConfig({
      PORT: '8080',
      DIRECTORY: 'file:/tmp/org.json',
      PERMISSION_SERVICE: 'https://perms.example/',
      STORE: 'redis://127.0.0.1:6379',
      PROPAGATION_WINDOW: '90s',
      BOT_ADMINS: 'u-1, admin@contoso.com ,',
      CLOUD: 'gcchigh',
      MicrosoftAppId: '',
    });
    expect(config).toMatchObject({
      PORT: 8080,
      DIRECTORY: { kind: 'file', path: '/tmp/org.json' },
      PERMISSION_SERVICE: { kind: 'remote', url: 'https://perms.example' },
      STORE: { kind: 'redis', url: 'redis://127.0.0.1:6379' },
      PROPAGATION_WINDOW: 90_000,
      BOT_ADMINS: ['u-1', 'admin@contoso.com'],
      CLOUD: 'gcchigh',
    });
    expect(config.MicrosoftAppId).toBeUndefined();
    expect(loadConfig({ STORE: 'memory', DIRECTORY: 'graph', PERMISSION_SERVICE: 'exchange' })).toMatchObject({
      STORE: { kind: 'memory' },
      DIRECTORY: { kind: 'graph' },
      PERMISSION_SERVICE: { kind: 'exchange' },
    });
    for (const url of ['postgres://bot:secret@db.example:5432/bot', 'postgresql://db.example/bot?options=-c%20search_path%3Dbot']) {
      expect(loadConfig({ STORE: url }).STORE).toEqual({ kind: 'postgres', url });
    }
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['STORE', 'mysql://db.example/bot'],
    ['STORE', 'postgres://'],
    ['STORE', 'postgres://user:pa ss@[db/bot'],
    ['STORE', 'sqlite:'],
    ['DIRECTORY', '/tmp/org.json'],
    ['PERMISSION_SERVICE', 'powershell'],
    ['PROPAGATION_WINDOW', '1 hour'],
    ['CLOUD', 'germany'],
    ['BOT_ADMINS', ' , '],
    ['BOT_ADMINS', ',,'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(isBotError(error, 'config_invalid')).toBe(true);
    expect((error as Error).message).toContain(name);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['PERMISSION_SERVICE_PORT', 'eighty'],
  ])('refuses %s=%s as not a port number, in words', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(`${name}: "${value}" is not a port number (0-65535)`);
  });

  it('takes ports 0 to 65535, and the default when empty', () => {
    expect(loadConfig({ PORT: '0', PERMISSION_SERVICE_PORT: '65535' })).toMatchObject({ PORT: 0, PERMISSION_SERVICE_PORT: 65535 });
    expect(loadConfig({ PORT: ' ', PERMISSION_SERVICE_PORT: '' })).toMatchObject({ PORT: 3978, PERMISSION_SERVICE_PORT: 3980 });
  });

  it('parses durations', () => {
    expect(parseDuration('60m')).toBe(3_600_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('')).toBeUndefined();
    expect(parseDuration('5 minutes')).toBeUndefined();
    expect(parseDuration('m')).toBeUndefined();
  });
});
