import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { runAuditExport } from '../src/cli/audit-export.js';
import { loadConfig } from '../src/config.js';
import { isBotError } from '../src/domain/errors.js';
import { storeTenantMismatch } from '../src/store-tenant.js';
import { createMemoryStore } from '../src/store/memory-store.js';

const CONTOSO = fileURLToPath(new URL('./fixtures/contoso-directory.json', import.meta.url));
const contoso = { tenantId: '3f2b8c1e-6d4a-4e7b-9c2f-0c0de5000001', tenantDomain: 'contoso.example' };
const northwind = { tenantId: '7d3c1f0e-5b7a-4c1e-9a51-2f0d6e4b8a90', tenantDomain: 'northwind.example' };
const logger = pino({ level: 'silent' });

describe('a store bound to the tenant of its first directory', () => {
  it('records the tenant on the first bind, accepts it again, and names both tenants for another', async () => {
    const store = createMemoryStore();
    expect(await storeTenantMismatch(store, contoso, 'bind', 1_000)).toBeUndefined();
    expect((await store.get('meta', 'tenant'))?.value).toEqual({ id: contoso.tenantId, domain: 'contoso.example', boundAt: 1_000 });
    expect(await storeTenantMismatch(store, { ...contoso, tenantId: contoso.tenantId.toUpperCase() }, 'bind', 2_000)).toBeUndefined();
    const mismatch = await storeTenantMismatch(store, northwind, 'bind', 3_000);
    expect(isBotError(mismatch, 'config_invalid')).toBe(true);
    expect(mismatch?.message).toBe(
      `STORE holds the requests of tenant contoso.example (${contoso.tenantId}), but DIRECTORY is tenant northwind.example (${northwind.tenantId}); the same ids would name other people. Use that tenant's directory, or another STORE`,
    );
    expect(mismatch?.details).toEqual({ storeTenant: contoso.tenantId, directoryTenant: northwind.tenantId });
    // The store stays bound to its first tenant.
    expect(await store.get('meta', 'tenant')).toMatchObject({ version: 1, value: { id: contoso.tenantId } });
  });

  it('only compares in check mode: a store never bound stays unbound', async () => {
    const store = createMemoryStore();
    expect(await storeTenantMismatch(store, northwind, 'check', 1_000)).toBeUndefined();
    expect(await store.get('meta', 'tenant')).toBeUndefined();
  });

  describe('on a SQLite file', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'store-tenant-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('the audit export refuses a directory of another tenant; the bot starts and logs it as an error', async () => {
      const STORE = `sqlite:${join(dir, 'bot.sqlite')}`;
      const first = await createApp(loadConfig({ STORE, DIRECTORY: `file:${CONTOSO}` }), { logger });
      await first.close();

      // The default directory (the bundled Northwind sample) on Contoso's store: the export would
      // name Northwind's people for Contoso's ids.
      let stderr = '';
      const sink = (write: (text: string) => void) => new Writable({ write: (chunk: Buffer, _e, done) => (write(chunk.toString()), done()) });
      const code = await runAuditExport(['--since', '2026-12-01'], { env: { STORE }, stdout: sink(() => undefined), stderr: sink((text) => (stderr += text)) });
      expect(code).toBe(2);
      expect(stderr).toMatch(/^audit-export: STORE holds the requests of tenant contoso\.example .* but DIRECTORY is tenant northwind\.example/);

      // The bot itself still starts (trying another sample directory on the default store), with an error in its log.
      const lines: string[] = [];
      const second = await createApp(loadConfig({ STORE }), { logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }) });
      await second.close();
      const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.level === 50);
      expect(logged).toEqual([expect.objectContaining({ code: 'config_invalid', storeTenant: contoso.tenantId, directoryTenant: northwind.tenantId, msg: expect.stringMatching(/^STORE holds the requests of tenant contoso\.example/) })]);

      // The right directory starts without a word about it.
      lines.length = 0;
      const again = await createApp(loadConfig({ STORE, DIRECTORY: `file:${CONTOSO}` }), { logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }) });
      await again.close();
      expect(lines.filter((line) => line.includes('STORE holds'))).toEqual([]);
    });
  });
});
