import type { Config } from '../config.js';

export type Cloud = Config['CLOUD'];

/** Where a Microsoft cloud's services live. Hosts are bare host names; URLs are absolute. */
export interface CloudEndpoints {
  cloud: Cloud;
  /** Exchange Online admin API host (`/adminapi/beta/{tenant}/InvokeCommand`); also the token audience. */
  exchangeHost: string;
  /** Microsoft Entra sign-in host (token endpoint). */
  loginHost: string;
  /** Microsoft Graph host. */
  graphHost: string;
  /** The Exchange admin center, for links on cards. */
  exchangeAdminCenterUrl: string;
  /** The Microsoft 365 admin center. */
  adminCenterUrl: string;
}

// Sovereign clouds per Microsoft's "Connect-ExchangeOnline -ExchangeEnvironmentName" and
// national cloud documentation. The Germany cloud was retired in 2021 and is not offered.
const ENDPOINTS: Record<Cloud, Omit<CloudEndpoints, 'cloud'>> = {
  worldwide: {
    exchangeHost: 'outlook.office365.com',
    loginHost: 'login.microsoftonline.com',
    graphHost: 'graph.microsoft.com',
    exchangeAdminCenterUrl: 'https://admin.exchange.microsoft.com',
    adminCenterUrl: 'https://admin.microsoft.com',
  },
  gcchigh: {
    exchangeHost: 'outlook.office365.us',
    loginHost: 'login.microsoftonline.us',
    graphHost: 'graph.microsoft.us',
    exchangeAdminCenterUrl: 'https://admin.exchange.office365.us',
    adminCenterUrl: 'https://portal.office365.us',
  },
  dod: {
    exchangeHost: 'webmail.apps.mil',
    loginHost: 'login.microsoftonline.us',
    graphHost: 'dod-graph.microsoft.us',
    exchangeAdminCenterUrl: 'https://admin.exchange.apps.mil',
    adminCenterUrl: 'https://portal.apps.mil',
  },
  china: {
    exchangeHost: 'partner.outlook.cn',
    loginHost: 'login.chinacloudapi.cn',
    graphHost: 'microsoftgraph.chinacloudapi.cn',
    exchangeAdminCenterUrl: 'https://admin.exchange.partner.outlook.cn',
    adminCenterUrl: 'https://portal.partner.microsoftonline.cn',
  },
};

/** The endpoints of one cloud (`CLOUD`). */
export function cloudEndpoints(cloud: Cloud): CloudEndpoints {
  return { cloud, ...ENDPOINTS[cloud] };
}

/** Base URLs actually used: the cloud's, unless EXCHANGE_BASE_URL / LOGIN_BASE_URL / GRAPH_BASE_URL override them. */
export interface ResolvedEndpoints {
  endpoints: CloudEndpoints;
  exchangeBaseUrl: string;
  loginBaseUrl: string;
  graphBaseUrl: string;
  /** Token audiences stay those of the cloud even when a base URL is overridden (a proxy or a test fake). */
  exchangeScope: string;
  graphScope: string;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

export function resolveEndpoints(config: Pick<Config, 'CLOUD' | 'EXCHANGE_BASE_URL' | 'LOGIN_BASE_URL' | 'GRAPH_BASE_URL'>): ResolvedEndpoints {
  const endpoints = cloudEndpoints(config.CLOUD);
  return {
    endpoints,
    exchangeBaseUrl: trimSlash(config.EXCHANGE_BASE_URL ?? `https://${endpoints.exchangeHost}`),
    loginBaseUrl: trimSlash(config.LOGIN_BASE_URL ?? `https://${endpoints.loginHost}`),
    graphBaseUrl: trimSlash(config.GRAPH_BASE_URL ?? `https://${endpoints.graphHost}`),
    exchangeScope: `https://${endpoints.exchangeHost}/.default`,
    graphScope: `https://${endpoints.graphHost}/.default`,
  };
}
