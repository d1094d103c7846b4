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
import { bindStoreToTenant } from '../src/store-tenant.js';
import { createMemoryStore } from '../src/store/memory-store.js';

const CONTOSO = fileURLToPath(new URL('./fixtures/contoso-directory.json', import.meta.url));
const contoso = { tenantId: '3f2b8c1e-6d4a-4e7b-9c2f-0c0de5000001', tenantDomain: 'contoso.example' };
const northwind = { tenantId: '7d3c1f0e-5b7a-4c1e-9a51-2f0d6e4b8a90', tenantDomain: 'northwind.example' };
const logger = pino({ level: 'silent' });

describe('a store bound to the tenant of its first directory', () => {
  it('records the tenant on the first bind, accepts it again, and refuses another tenant naming both', async () => {
    const store = createMemoryStore();
    await bindStoreToTenant(store, contoso, 'bind', 1_000);
    expect((await store.get('meta', 'tenant'))?.value).toEqual({ id: contoso.tenantId, domain: 'contoso.example', boundAt: 1_000 });
    await bindStoreToTenant(store, { ...contoso, tenantId: contoso.tenantId.toUpperCase() }, 'bind', 2_000);
    const refused = await bindStoreToTenant(store, northwind, 'bind', 3_000).catch((e: unknown) => e);
    expect(isBotError(refused, 'config_invalid')).toBe(true);
    expect((refused as Error).message).toBe(
      `STORE holds the requests of tenant contoso.example (${contoso.tenantId}), but DIRECTORY is tenant northwind.example (${northwind.tenantId}); the same ids would name other people. Use that tenant's directory, or another STORE`,
    );
    expect((await store.get('meta', 'tenant'))?.version).toBe(1);
  });

  it('only compares in check mode: a store never bound stays unbound', async () => {
    const store = createMemoryStore();
    await bindStoreToTenant(store, northwind, 'check', 1_000);
    expect(await store.get('meta', 'tenant')).toBeUndefined();
  });

  describe('on a SQLite file', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'store-tenant-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('the bot and the audit export refuse a directory of another tenant; the right one still starts', async () => {
      const STORE = `sqlite:${join(dir, 'bot.sqlite')}`;
      const first = await createApp(loadConfig({ STORE, DIRECTORY: `file:${CONTOSO}` }), { logger });
      await first.close();

      // The default directory (the bundled Northwind sample) on Contoso's store.
      const refused = await createApp(loadConfig({ STORE }), { logger }).catch((e: unknown) => e);
      expect(isBotError(refused, 'config_invalid')).toBe(true);
      expect((refused as Error).message).toMatch(/^STORE holds the requests of tenant contoso\.example .* but DIRECTORY is tenant northwind\.example/);

      let stderr = '';
      const sink = (write: (text: string) => void) => new Writable({ write: (chunk: Buffer, _e, done) => (write(chunk.toString()), done()) });
      const code = await runAuditExport(['--since', '2026-12-01'], { env: { STORE }, stdout: sink(() => undefined), stderr: sink((text) => (stderr += text)) });
      expect(code).toBe(2);
      expect(stderr).toMatch(/^audit-export: STORE holds the requests of tenant contoso\.example/);

      // The store was closed on the refusals: the right directory opens it again.
      const again = await createApp(loadConfig({ STORE, DIRECTORY: `file:${CONTOSO}` }), { logger });
      await again.close();
    });
  });
});
