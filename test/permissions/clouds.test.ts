import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { cloudEndpoints, resolveEndpoints } from '../../src/permissions/clouds.js';
import { trustedHostCheck } from '../../src/permissions/http-retry.js';

describe('clouds', () => {
  it('gives each cloud its Exchange, sign-in and Graph hosts and admin center', () => {
    expect(cloudEndpoints('worldwide')).toMatchObject({ exchangeHost: 'outlook.office365.com', loginHost: 'login.microsoftonline.com', graphHost: 'graph.microsoft.com', exchangeAdminCenterUrl: 'https://admin.exchange.microsoft.com' });
    expect(cloudEndpoints('gcchigh')).toMatchObject({ exchangeHost: 'outlook.office365.us', loginHost: 'login.microsoftonline.us', graphHost: 'graph.microsoft.us', exchangeAdminCenterUrl: 'https://admin.exchange.office365.us' });
    expect(cloudEndpoints('dod')).toMatchObject({ exchangeHost: 'webmail.apps.mil', loginHost: 'login.microsoftonline.us', graphHost: 'dod-graph.microsoft.us' });
    expect(cloudEndpoints('china')).toMatchObject({ exchangeHost: 'partner.outlook.cn', loginHost: 'login.chinacloudapi.cn', graphHost: 'microsoftgraph.chinacloudapi.cn' });
  });

  it('uses the overrides for URLs but keeps the cloud audience for tokens', () => {
    const resolved = resolveEndpoints(loadConfig({ CLOUD: 'gcchigh', EXCHANGE_BASE_URL: 'http://127.0.0.1:1234/' }));
    expect(resolved.exchangeBaseUrl).toBe('http://127.0.0.1:1234');
    expect(resolved.loginBaseUrl).toBe('https://login.microsoftonline.us');
    expect(resolved.exchangeScope).toBe('https://outlook.office365.us/.default');
    expect(resolved.graphScope).toBe('https://graph.microsoft.us/.default');
  });

  it('trusts redirects only to the same host or to hosts of the same cloud over https', () => {
    const trusted = trustedHostCheck('https://outlook.office365.com', 'outlook.office365.com');
    expect(trusted(new URL('https://nam12.outlook.office365.com/adminapi/beta/t/InvokeCommand'))).toBe(true);
    expect(trusted(new URL('https://outlook.office365.com/x'))).toBe(true);
    expect(trusted(new URL('http://nam12.outlook.office365.com/x'))).toBe(false);
    expect(trusted(new URL('https://outlook.office365.com.evil.example/x'))).toBe(false);
    expect(trusted(new URL('https://evil.example/x'))).toBe(false);
  });
});
