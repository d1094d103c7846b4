import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { isBotError } from '../src/domain/errors.js';

/** A pino logger writing JSON lines into `lines`. */
function capturingLogger(lines: Record<string, any>[]) {
  return pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
}

// The bundled sample directory: u-emma is Emma Clarke, ines.admin@northwind.example is Ines Admin.
describe('BOT_ADMINS at start', () => {
  it('stops the start with one line when it names nobody in the directory', async () => {
    const error = await createApp(loadConfig({ STORE: 'memory', BOT_ADMINS: 'u-nobody, ghost@northwind.example' }), { logger: pino({ level: 'silent' }) }).catch((e) => e);
    expect(isBotError(error, 'config_invalid')).toBe(true);
    expect(error.message).toBe('BOT_ADMINS: none of "u-nobody", "ghost@northwind.example" is a user in the directory (use directory ids or mail addresses)');
  });

  it('starts when some entries are users, and warns about the others', async () => {
    const lines: Record<string, any>[] = [];
    const app = await createApp(loadConfig({ STORE: 'memory', BOT_ADMINS: 'u-emma,typo@northwind.example,ines.admin@northwind.example' }), {
      logger: capturingLogger(lines),
    });
    await app.close();
    expect(lines).toEqual([expect.objectContaining({ level: 40, unknown: ['typo@northwind.example'], msg: expect.stringContaining('BOT_ADMINS') })]);
  });
});
