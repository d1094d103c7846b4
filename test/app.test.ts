import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { isBotError } from '../src/domain/errors.js';
import { ExchangePermissionService } from '../src/permissions/exchange.js';
import { RemotePermissionService } from '../src/permissions/remote.js';
import { SimulatedPermissionService } from '../src/permissions/simulated.js';

const logger = pino({ level: 'silent' });

describe('createApp wiring', () => {
  it('builds the embedded defaults: file directory, simulated service', async () => {
    const app = await createApp(loadConfig({ STORE: 'memory' }), { logger });
    expect(app.permissions).toBeInstanceOf(SimulatedPermissionService);
    expect(app.directory.tenantDomain).toBe('northwind.example');
    await app.close();
  });

  it('picks the remote and Exchange permission services from PERMISSION_SERVICE', async () => {
    const remote = await createApp(
      loadConfig({ STORE: 'memory', PERMISSION_SERVICE: 'http://127.0.0.1:1/', PERMISSION_SERVICE_TOKEN: 'a-long-enough-token-123' }),
      { logger },
    );
    expect(remote.permissions).toBeInstanceOf(RemotePermissionService);
    await remote.close();
    const exchange = await createApp(
      loadConfig({
        STORE: 'memory',
        PERMISSION_SERVICE: 'exchange',
        AZURE_TENANT_ID: '7d3c1f0e-5b7a-4c1e-9a51-2f0d6e4b8a90',
        AZURE_CLIENT_ID: '00000000-0000-0000-0000-000000000001',
        AZURE_CLIENT_SECRET: 'secret',
        EXCHANGE_ORGANIZATION: 'northwind.onmicrosoft.com',
      }),
      { logger },
    );
    expect(exchange.permissions).toBeInstanceOf(ExchangePermissionService);
    await exchange.close();
  });

  it('refuses a directory file that breaks the format, naming the entry', async () => {
    const error = await createApp(loadConfig({ STORE: 'memory', DIRECTORY: 'file:/nonexistent/dir.json' }), { logger }).catch((e) => e);
    expect(isBotError(error, 'config_invalid')).toBe(true);
    expect(error.message).toContain('/nonexistent/dir.json');
  });
});
