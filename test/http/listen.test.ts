import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTeamsBot } from '../../src/channels/teams/launch.js';
import { loadConfig } from '../../src/config.js';
import { isBotError } from '../../src/domain/errors.js';
import { understand } from '../../src/language/understand.js';
import { startPermissionServiceServer } from '../../src/permissions/http-server.js';
import { SimulatedPermissionService } from '../../src/permissions/simulated.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { ManualClock } from '../../src/domain/clock.js';
import { contractFixture } from '../permissions/permission-service-contract.js';

const DIRECTORY = fileURLToPath(new URL('../fixtures/contoso-directory.json', import.meta.url));
// With credentials the bot may listen beyond loopback, so HOST reaches the listener.
const CREDENTIALS = { MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'not-a-real-secret', MicrosoftAppType: 'MultiTenant' };

describe('a port already in use', () => {
  let occupant: Server;
  let port: number;
  beforeAll(async () => {
    occupant = createServer();
    await new Promise<void>((resolve) => occupant.listen(0, '127.0.0.1', resolve));
    port = (occupant.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => occupant.close(() => resolve())));

  it('stops the bot\'s start with one line naming PORT', async () => {
    const config = loadConfig({ STORE: 'memory', DIRECTORY: `file:${DIRECTORY}`, PORT: String(port), LOG_LEVEL: 'silent' });
    const error = await launchTeamsBot(config, understand, { logger: pino({ level: 'silent' }) }).catch((e) => e);
    expect(isBotError(error, 'config_invalid')).toBe(true);
    expect(error.message).toBe(`PORT: 127.0.0.1:${port} is already in use by another process (another instance of the bot?); stop it or choose another PORT`);
  });

  it('stops the permission service\'s start with one line naming PERMISSION_SERVICE_PORT', async () => {
    const fixture = contractFixture();
    const service = new SimulatedPermissionService({ store: createMemoryStore(), directory: fixture.directory, clock: new ManualClock(), visibilityDelayMs: 0 });
    const config = loadConfig({ PERMISSION_SERVICE_TOKEN: 'a-long-enough-token-123', PERMISSION_SERVICE_PORT: String(port) });
    const error = await startPermissionServiceServer(config, service).catch((e) => e);
    expect(isBotError(error, 'config_invalid')).toBe(true);
    expect(error.message).toMatch(/^PERMISSION_SERVICE_PORT: 127\.0\.0\.1:\d+ is already in use/);
  });

  it('names HOST when the address is not this machine\'s', async () => {
    const config = loadConfig({ STORE: 'memory', DIRECTORY: `file:${DIRECTORY}`, PORT: '0', HOST: '192.0.2.1', LOG_LEVEL: 'silent', ...CREDENTIALS });
    const error = await launchTeamsBot(config, understand, { logger: pino({ level: 'silent' }) }).catch((e) => e);
    expect(isBotError(error, 'config_invalid')).toBe(true);
    expect(error.message).toBe('HOST: 192.0.2.1 is not an address of this machine');
  });

  it('names HOST when it is a name that does not resolve (.invalid never does, RFC 2606)', async () => {
    const config = loadConfig({ STORE: 'memory', DIRECTORY: `file:${DIRECTORY}`, PORT: '0', HOST: 'no-such-host.invalid', LOG_LEVEL: 'silent', ...CREDENTIALS });
    const error = await launchTeamsBot(config, understand, { logger: pino({ level: 'silent' }) }).catch((e) => e);
    expect(isBotError(error, 'config_invalid')).toBe(true);
    expect(error.message).toMatch(/^HOST: no-such-host\.invalid is not a name this machine can resolve/);
  });
});
