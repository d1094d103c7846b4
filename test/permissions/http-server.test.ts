import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/domain/clock.js';
import { isBotError } from '../../src/domain/errors.js';
import { createExchangePermissionService } from '../../src/permissions/exchange.js';
import { bearerMatches, startPermissionServiceServer, type PermissionServiceServer } from '../../src/permissions/http-server.js';
import { createRemotePermissionService, RemotePermissionService } from '../../src/permissions/remote.js';
import { SimulatedPermissionService } from '../../src/permissions/simulated.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { startCloudFakes, type CloudFakes } from '../fakes/microsoft-cloud.js';
import { contractFixture, permissionServiceContract } from './permission-service-contract.js';

const TOKEN = 'test-token-0123456789abcdef';
const serverConfig = (env: Record<string, string> = {}) => loadConfig({ PERMISSION_SERVICE: 'simulated', PERMISSION_SERVICE_TOKEN: TOKEN, PERMISSION_SERVICE_PORT: '0', ...env });
const client = (server: PermissionServiceServer, token = TOKEN) =>
  createRemotePermissionService(loadConfig({ PERMISSION_SERVICE: server.url, PERMISSION_SERVICE_TOKEN: token }), { sleep: async () => {} });

permissionServiceContract('remote (HTTP client over the permission service, simulated backend)', async (fixture) => {
  const clock = new ManualClock();
  const backend = new SimulatedPermissionService({ store: createMemoryStore(), directory: fixture.directory, clock, visibilityDelayMs: 60_000 });
  const server = await startPermissionServiceServer(serverConfig(), backend);
  return { service: client(server), settle: async () => void clock.advance(60_000), close: () => server.close() };
});

permissionServiceContract('remote (HTTP client over the permission service, Exchange backend over the fake)', async (fixture) => {
  const fakes = await startCloudFakes({ directory: fixture.directory });
  const server = await startPermissionServiceServer({ ...fakes.config, ...serverConfig({ PERMISSION_SERVICE: 'exchange' }) }, createExchangePermissionService(fakes.config, fakes.deps));
  return {
    service: client(server),
    settle: async () => {},
    close: async () => {
      await server.close();
      const violations = fakes.violations();
      await fakes.close();
      expect(violations).toEqual([]);
    },
  };
});

describe('permission service HTTP server', () => {
  const fixture = contractFixture();
  let server: PermissionServiceServer | undefined;
  let fakes: CloudFakes | undefined;
  afterEach(async () => {
    await server?.close();
    await fakes?.close();
    server = undefined;
    fakes = undefined;
  });
  const simulatedServer = async () => {
    const clock = new ManualClock();
    const backend = new SimulatedPermissionService({ store: createMemoryStore(), directory: fixture.directory, clock, visibilityDelayMs: 0 });
    server = await startPermissionServiceServer(serverConfig(), backend);
    return { server, backend };
  };
  const post = (path: string, body: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) =>
    fetch(`${server!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('refuses to start without a token, with a short one, or on a remote backend', async () => {
    const service = new RemotePermissionService({ baseUrl: 'http://127.0.0.1:9', token: 'x' });
    await expect(startPermissionServiceServer(serverConfig({ PERMISSION_SERVICE_TOKEN: '' }), service)).rejects.toSatisfy((e) => isBotError(e, 'config_invalid'));
    await expect(startPermissionServiceServer(serverConfig({ PERMISSION_SERVICE_TOKEN: 'short' }), service)).rejects.toSatisfy((e) => isBotError(e, 'config_invalid'));
    await expect(startPermissionServiceServer(serverConfig({ PERMISSION_SERVICE: 'https://perms.example.com' }), service)).rejects.toSatisfy(
      (e) => isBotError(e, 'config_invalid') && /real backend/.test(e.message),
    );
  });

  it('binds 127.0.0.1 by default and answers /healthz without a token', async () => {
    await simulatedServer();
    expect(server!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${server!.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('answers 401 without a token and with a wrong one, and the backend is not called', async () => {
    const { backend } = await simulatedServer();
    const body = JSON.stringify({ target: fixture.targets.shared, trustee: fixture.trustees.member, right: 'SendAs' });
    for (const headers of <Record<string, string>[]>[{}, { authorization: `Bearer ${TOKEN}x` }, { authorization: TOKEN }, { authorization: `Basic ${TOKEN}` }]) {
      const response = await post('/v1/grant', body, headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    expect(await backend.check(fixture.targets.shared, fixture.trustees.member, 'SendAs')).toBe(false);
    await expect(client(server!, 'wrong-token-0123456789').check(fixture.targets.shared, fixture.trustees.member, 'SendAs')).rejects.toSatisfy(
      (e) => isBotError(e, 'permission_service_rejected') && e.details.status === 401,
    );
  });

  it('answers bad input with 400 invalid_request and changes nothing', async () => {
    const { backend } = await simulatedServer();
    const cases = [
      '{not json',
      JSON.stringify({ target: fixture.targets.shared, trustee: fixture.trustees.member, right: 'Owner' }),
      JSON.stringify({ target: { ...fixture.targets.shared, kind: 'room' }, trustee: fixture.trustees.member, right: 'SendAs' }),
      JSON.stringify({ target: fixture.targets.shared, trustee: { ...fixture.trustees.member, mail: 'x; Remove-Mailbox' }, right: 'SendAs' }),
      JSON.stringify({ target: fixture.targets.shared, trustee: { ...fixture.trustees.member, mail: 'a\u0007@b.c' }, right: 'SendAs' }),
      JSON.stringify({ target: fixture.targets.shared, trustee: fixture.trustees.member, right: 'SendAs', extra: 1 }),
    ];
    for (const body of cases) {
      const response = await post('/v1/grant', body);
      expect(response.status, body).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    }
    const huge = await post('/v1/grant', JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(await backend.check(fixture.targets.shared, fixture.trustees.member, 'SendAs')).toBe(false);
  });

  it('answers unknown routes, wrong methods and non-JSON bodies in the same error shape', async () => {
    await simulatedServer();
    const auth = { authorization: `Bearer ${TOKEN}` };
    const cases: [Promise<Response>, number, string][] = [
      [post('/v1/nothing', '{}'), 404, 'not_found'],
      [fetch(`${server!.url}/v1/check`, { headers: auth }), 405, 'not_found'],
      [fetch(`${server!.url}/v1/check`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'hello' }), 415, 'invalid_request'],
    ];
    for (const [response, status, code] of cases) {
      const answer = await response;
      expect(answer.status).toBe(status);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe(code);
    }
  });

  it('maps domain errors to statuses and the client maps them back', async () => {
    await simulatedServer();
    const response = await post('/v1/grant', JSON.stringify({ target: fixture.targets.group, trustee: fixture.trustees.member, right: 'FullAccess' }));
    expect(response.status).toBe(400);
    await expect(client(server!).grant(fixture.targets.group, fixture.trustees.member, 'FullAccess')).rejects.toSatisfy((e) => isBotError(e, 'invalid_request'));
  });

  it('passes throttling through: 503 with Retry-After becomes permission_service_unavailable with retryAfterMs', async () => {
    fakes = await startCloudFakes({ directory: contractFixture().directory });
    server = await startPermissionServiceServer({ ...fakes.config, ...serverConfig({ PERMISSION_SERVICE: 'exchange' }) }, createExchangePermissionService(fakes.config, fakes.deps));
    fakes.exchange.faults.push({ status: 429, headers: { 'retry-after': '600' } });
    const raw = await post('/v1/check', JSON.stringify({ target: fixture.targets.shared, trustee: fixture.trustees.other, right: 'FullAccess' }));
    expect(raw.status).toBe(503);
    expect(raw.headers.get('retry-after')).toBe('600');
    fakes.exchange.faults.push({ status: 429, headers: { 'retry-after': '600' } });
    await expect(client(server).check(fixture.targets.shared, fixture.trustees.other, 'FullAccess')).rejects.toSatisfy(
      (e) => isBotError(e, 'permission_service_unavailable') && e.details.retryAfterMs === 600_000,
    );
  });

  it('client: an unreachable service is unavailable after a few connection attempts', async () => {
    const sleeps: number[] = [];
    const remote = new RemotePermissionService({ baseUrl: 'http://127.0.0.1:9', token: TOKEN, sleep: async (ms) => void sleeps.push(ms) });
    await expect(remote.check(fixture.targets.shared, fixture.trustees.other, 'FullAccess')).rejects.toSatisfy((e) => isBotError(e, 'permission_service_unavailable'));
    expect(sleeps).toHaveLength(2);
  });

  it('client: refuses plain http to another machine and a missing token', () => {
    expect(() => createRemotePermissionService(loadConfig({ PERMISSION_SERVICE: 'http://perms.example.com', PERMISSION_SERVICE_TOKEN: TOKEN }))).toThrow(/https/);
    expect(() => createRemotePermissionService(loadConfig({ PERMISSION_SERVICE: 'https://perms.example.com' }))).toThrow(/PERMISSION_SERVICE_TOKEN/);
  });

  it('bearer comparison accepts only the exact token', () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`Bearer ${TOKEN.slice(0, -1)}`, TOKEN)).toBe(false);
    expect(bearerMatches(undefined, TOKEN)).toBe(false);
    expect(bearerMatches('Bearer ', '')).toBe(false);
  });
});

describe('permission service OpenAPI document', () => {
  it('documents every route the server serves and the schemas it validates', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../docs/permission-service.openapi.yaml', import.meta.url), 'utf8');
    for (const path of ['/healthz:', '/v1/grant:', '/v1/revoke:', '/v1/check:', '/v1/delegates:', '/v1/holdings:']) expect(doc).toContain(`  ${path}`);
    expect(doc).toContain('enum: [FullAccess, SendAs, SendOnBehalf]');
    expect(doc).toContain('enum: [user, shared, group]');
  });
});
