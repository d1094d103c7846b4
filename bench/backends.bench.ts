// Throughput of the Exchange client and of the shared permission service over the loopback fakes:
// the client-side cost per operation (JSON, retries plumbing, concurrency limit, HTTP), not Exchange's.
// Run: npx tsx bench/backends.bench.ts
import { loadConfig } from '../src/config.js';
import { createExchangePermissionService } from '../src/permissions/exchange.js';
import { startPermissionServiceServer } from '../src/permissions/http-server.js';
import { createRemotePermissionService } from '../src/permissions/remote.js';
import type { PermissionService } from '../src/permissions/permission-service.js';
import { startCloudFakes } from '../test/fakes/microsoft-cloud.js';
import { contractFixture } from '../test/permissions/permission-service-contract.js';

async function run(label: string, service: PermissionService, count: number): Promise<void> {
  const { targets, trustees } = contractFixture();
  const started = performance.now();
  const ops: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    ops.push(i % 2 ? service.check(targets.shared, trustees.member, 'SendAs') : service.grant(targets.shared, trustees.member, 'SendAs'));
  }
  await Promise.all(ops);
  const ms = performance.now() - started;
  console.log(`${label}: ${count} operations in ${ms.toFixed(0)} ms (${(ms / count).toFixed(2)} ms/op, ${((count / ms) * 1000).toFixed(0)} op/s)`);
}

const fixture = contractFixture();
const fakes = await startCloudFakes({ directory: fixture.directory });
const exchange = createExchangePermissionService(fakes.config, fakes.deps);
await run('exchange client over the fake (3 concurrent calls)', exchange, 600);
const token = 'bench-token-0123456789abcdef';
const server = await startPermissionServiceServer(loadConfig({ ...process.env, PERMISSION_SERVICE: 'exchange', PERMISSION_SERVICE_TOKEN: token, PERMISSION_SERVICE_PORT: '0' }), exchange);
const remote = createRemotePermissionService(loadConfig({ PERMISSION_SERVICE: server.url, PERMISSION_SERVICE_TOKEN: token }));
await run('HTTP client -> permission service -> exchange client -> fake', remote, 600);
await server.close();
await fakes.close();
