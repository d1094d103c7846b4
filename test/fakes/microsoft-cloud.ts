import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from '../../src/config.js';
import type { FileDirectory } from '../../src/directory/file-directory.js';
import type { HttpDeps } from '../../src/permissions/http-retry.js';
import { ExchangeFake } from './exchange-fake.js';
import { GraphFake } from './graph-fake.js';
import { TokenFake } from './token-fake.js';

export const TEST_CERTIFICATE_PATH = fileURLToPath(new URL('../fixtures/certs/test-app.pem', import.meta.url));
export const TENANT_ID = '11111111-2222-3333-4444-555555555555';
export const CLIENT_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
export const CLIENT_SECRET = 'fake-secret-value';

/** Token, Exchange and Graph fakes on loopback, and a Config pointing at them. */
export interface CloudFakes {
  token: TokenFake;
  exchange: ExchangeFake;
  graph: GraphFake;
  config: Config;
  /** Instant sleeps, recorded: what the client would have waited. */
  sleeps: number[];
  deps: HttpDeps;
  violations(): string[];
  close(): Promise<void>;
}

export async function startCloudFakes(options: { directory?: FileDirectory; credential?: 'secret' | 'certificate'; env?: Record<string, string> } = {}): Promise<CloudFakes> {
  const pem = readFileSync(TEST_CERTIFICATE_PATH, 'utf8');
  const certificatePem = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)![0];
  const thumbprintSha256 = new X509Certificate(certificatePem).fingerprint256.replace(/:/g, '');
  const certificate = options.credential === 'certificate';
  const exchangeScope = 'https://outlook.office365.com/.default';
  const graphScope = 'https://graph.microsoft.com/.default';
  const token = await new TokenFake(TENANT_ID, CLIENT_ID, certificate ? { certificatePem, thumbprintSha256 } : { secret: CLIENT_SECRET }, [exchangeScope, graphScope]).start();
  const exchange = await new ExchangeFake(TENANT_ID, token, exchangeScope).start();
  const graph = await new GraphFake(token, graphScope).start();
  if (options.directory) {
    await exchange.seed(options.directory);
    await graph.seed(options.directory).seedGroups(options.directory);
  }
  const config = loadConfig({
    AZURE_TENANT_ID: TENANT_ID,
    AZURE_CLIENT_ID: CLIENT_ID,
    ...(certificate ? { AZURE_CLIENT_CERTIFICATE_PATH: TEST_CERTIFICATE_PATH } : { AZURE_CLIENT_SECRET: CLIENT_SECRET }),
    EXCHANGE_ORGANIZATION: 'fixture.onmicrosoft.com',
    EXCHANGE_BASE_URL: exchange.baseUrl,
    LOGIN_BASE_URL: token.baseUrl,
    GRAPH_BASE_URL: graph.baseUrl,
    EXCHANGE_REQUEST_TIMEOUT: '2s',
    ...options.env,
  });
  const sleeps: number[] = [];
  const deps: HttpDeps = {
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
  };
  return {
    token,
    exchange,
    graph,
    config,
    sleeps,
    deps,
    violations: () => [...token.violations, ...exchange.violations, ...graph.violations],
    async close() {
      await Promise.all([token.close(), exchange.close(), graph.close()]);
    },
  };
}
