import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import type { Config } from '../config.js';
import { BotError } from '../domain/errors.js';
import { resolveEndpoints } from './clouds.js';
import type { FetchLike } from './http-retry.js';

/** App-only bearer tokens for one resource scope (`https://outlook.office365.com/.default`...). */
export interface TokenProvider {
  getToken(scope: string): Promise<string>;
}

interface Credential {
  clientSecret?: string;
  clientCertificate?: { thumbprintSha256: string; privateKey: string; x5c: string };
}

/**
 * Reads AZURE_CLIENT_CERTIFICATE_PATH: one PEM file holding the private key and the certificate
 * (`cat key.pem cert.pem > app.pem`). The certificate is sent as x5c so the key can be rolled.
 */
export function loadCertificate(path: string): NonNullable<Credential['clientCertificate']> {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new BotError('config_invalid', `AZURE_CLIENT_CERTIFICATE_PATH ${path} cannot be read`, { cause });
  }
  const key = pem.match(/-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/);
  const cert = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/);
  if (!key || !cert) {
    throw new BotError('config_invalid', `AZURE_CLIENT_CERTIFICATE_PATH ${path} must contain a PEM private key and a PEM certificate`);
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert[0]);
  } catch (cause) {
    throw new BotError('config_invalid', `AZURE_CLIENT_CERTIFICATE_PATH ${path}: the certificate cannot be parsed`, { cause });
  }
  return { thumbprintSha256: x509.fingerprint256.replace(/:/g, ''), privateKey: key[0], x5c: cert[0] };
}

function credentialFrom(config: Config): Credential {
  if (config.AZURE_CLIENT_CERTIFICATE_PATH) return { clientCertificate: loadCertificate(config.AZURE_CLIENT_CERTIFICATE_PATH) };
  if (config.AZURE_CLIENT_SECRET) return { clientSecret: config.AZURE_CLIENT_SECRET };
  throw new BotError('config_invalid', 'Set AZURE_CLIENT_CERTIFICATE_PATH (preferred) or AZURE_CLIENT_SECRET for app-only access');
}

/** AZURE_TENANT_ID and AZURE_CLIENT_ID, or `config_invalid` naming what is missing. */
export function requireAppIdentity(config: Config, purpose: string): { tenantId: string; clientId: string } {
  const missing = (['AZURE_TENANT_ID', 'AZURE_CLIENT_ID'] as const).filter((name) => !config[name]);
  if (missing.length) throw new BotError('config_invalid', `${purpose} needs ${missing.join(' and ')}`);
  return { tenantId: config.AZURE_TENANT_ID!, clientId: config.AZURE_CLIENT_ID! };
}

/**
 * Client-credentials tokens through @azure/msal-node (which caches them until shortly before expiry).
 * MSAL's network calls go through `fetch`, with the cloud's login origin swapped for LOGIN_BASE_URL
 * when set; authority metadata is supplied so the token request is the only call MSAL makes.
 */
export function createTokenProvider(config: Config, deps: { fetch?: FetchLike } = {}): TokenProvider {
  const { tenantId, clientId } = requireAppIdentity(config, 'App-only access to Exchange Online and Graph');
  const resolved = resolveEndpoints(config);
  const loginHost = resolved.endpoints.loginHost;
  const cloudOrigin = `https://${loginHost}`;
  const authority = `${cloudOrigin}/${tenantId}`;
  const doFetch = deps.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const rewrite = (url: string) => (url.startsWith(cloudOrigin) ? resolved.loginBaseUrl + url.slice(cloudOrigin.length) : url);
  const toResponse = async (response: Response) => {
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = { error: 'invalid_response', error_description: text.slice(0, 200) };
    }
    return { headers, status: response.status, body: body as never };
  };
  const msalConfig: Configuration = {
    auth: {
      clientId,
      authority,
      ...credentialFrom(config),
      knownAuthorities: [loginHost],
      cloudDiscoveryMetadata: JSON.stringify({
        tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: loginHost, preferred_cache: loginHost, aliases: [loginHost] }],
      }),
      authorityMetadata: JSON.stringify({
        token_endpoint: `${authority}/oauth2/v2.0/token`,
        authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
        issuer: `${cloudOrigin}/${tenantId}/v2.0`,
        jwks_uri: `${cloudOrigin}/${tenantId}/discovery/v2.0/keys`,
      }),
    },
    system: {
      networkClient: {
        sendGetRequestAsync: async (url, options, timeout) =>
          toResponse(await doFetch(rewrite(url), { method: 'GET', headers: options?.headers, signal: AbortSignal.timeout(timeout ?? 30_000) })),
        sendPostRequestAsync: async (url, options) =>
          toResponse(await doFetch(rewrite(url), { method: 'POST', headers: options?.headers, body: options?.body, signal: AbortSignal.timeout(30_000) })),
      },
    },
  };
  const app = new ConfidentialClientApplication(msalConfig);
  return {
    async getToken(scope) {
      try {
        const result = await app.acquireTokenByClientCredential({ scopes: [scope] });
        if (!result?.accessToken) throw new Error('no access token in the answer');
        return result.accessToken;
      } catch (cause) {
        const text = cause instanceof Error ? cause.message : String(cause);
        // invalid_client / unauthorized_client: the app registration is wrong, retrying cannot help.
        const refused = /invalid_client|unauthorized_client|invalid_grant|AADSTS7000215|AADSTS700016|AADSTS700027/i.test(text);
        throw new BotError(refused ? 'permission_service_rejected' : 'permission_service_unavailable', `Token request for ${scope} failed: ${text.split('\n')[0]}`, {
          cause,
        });
      }
    },
  };
}
