import pino from 'pino';
import { ClaimsIdentity } from 'botframework-connector';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { createBotAdapter } from '../../../src/channels/teams/mount.js';

const APP_ID = '11111111-2222-3333-4444-555555555555';
const TENANT = '7d3c1f0e-5b7a-4c1e-9a51-2f0d6e4b8a90';

/** The bot's Bot Framework authentication for a cloud, as `npm start` builds it. */
function authFor(cloud: string, env: Record<string, string> = {}) {
  const config = loadConfig({ STORE: 'memory', CLOUD: cloud, MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-secret', ...env });
  return createBotAdapter(config, pino({ level: 'silent' })).auth;
}

/** What the bot would use to reply (the connector client's credentials) and to reach the user token service. */
async function outbound(cloud: string, env: Record<string, string> = {}) {
  const auth = authFor(cloud, env);
  const claims = new ClaimsIdentity([{ type: 'aud', value: APP_ID }], true);
  const client = await auth.createConnectorFactory(claims).create('https://smba.example/teams/', undefined);
  const credentials = client.credentials as unknown as { oAuthEndpoint: string; oAuthScope: string };
  const tokenClient = (await auth.createUserTokenClient(claims)) as unknown as { client: { baseUri: string } };
  return { authority: credentials.oAuthEndpoint, scope: credentials.oAuthScope, tokenService: tokenClient.client.baseUri };
}

/** Which tokens the bot accepts: the issuer and OpenID metadata botbuilder's authentication was built with. */
function inbound(cloud: string) {
  const inner = (authFor(cloud) as unknown as { inner: Record<string, unknown> }).inner;
  return { issuer: inner.toBotFromChannelTokenIssuer, openIdMetadata: inner.toBotFromChannelOpenIdMetadataUrl, callerId: inner.callerId };
}

const single = { MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: TENANT };

describe('CLOUD configures the Bot Framework side', () => {
  it('worldwide: botbuilder\'s public cloud', async () => {
    expect(await outbound('worldwide', single)).toEqual({
      authority: `https://login.microsoftonline.com/${TENANT}`,
      scope: 'https://api.botframework.com',
      tokenService: 'https://api.botframework.com',
    });
    expect(inbound('worldwide')).toEqual({
      issuer: 'https://api.botframework.com',
      openIdMetadata: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
      callerId: 'urn:botframework:azure',
    });
  });

  it('gcchigh: Azure Government sign-in and channel, the GCC High token service', async () => {
    expect(await outbound('gcchigh', single)).toEqual({
      authority: `https://login.microsoftonline.us/${TENANT}`,
      scope: 'https://api.botframework.us',
      tokenService: 'https://tokengcch.botframework.azure.us',
    });
    // A multi-tenant registration signs in at the Bot Framework's own government tenant.
    expect((await outbound('gcchigh')).authority).toBe('https://login.microsoftonline.us/MicrosoftServices.onmicrosoft.us');
    expect(inbound('gcchigh')).toEqual({
      issuer: 'https://api.botframework.us',
      openIdMetadata: 'https://login.botframework.azure.us/v1/.well-known/openidconfiguration',
      callerId: 'urn:botframework:azureusgov',
    });
  });

  it('dod: Azure Government like GCC High, with the DoD token service', async () => {
    expect(await outbound('dod', single)).toEqual({
      authority: `https://login.microsoftonline.us/${TENANT}`,
      scope: 'https://api.botframework.us',
      tokenService: 'https://apiDoD.botframework.azure.us',
    });
    expect(inbound('dod')).toEqual(inbound('gcchigh'));
  });

  it('china: the 21Vianet sign-in, channel and token service; a single-tenant bot signs in at its own tenant', async () => {
    expect(await outbound('china', single)).toEqual({
      authority: `https://login.partner.microsoftonline.cn/${TENANT}`,
      scope: 'https://api.botframework.azure.cn',
      tokenService: 'https://token.botframework.azure.cn',
    });
    expect((await outbound('china')).authority).toBe('https://login.partner.microsoftonline.cn/microsoftservices.partner.onmschina.cn');
    expect(inbound('china')).toEqual({
      issuer: 'https://api.botframework.azure.cn',
      openIdMetadata: 'https://login.botframework.azure.cn/v1/.well-known/openidconfiguration',
      callerId: undefined,
    });
  });
});
