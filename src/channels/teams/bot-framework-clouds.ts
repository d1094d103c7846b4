import { GovernmentConstants } from 'botframework-connector';
import { CallerIdConstants } from 'botbuilder';
import type { Config } from '../../config.js';

/**
 * The settings `ConfigurationBotFrameworkAuthentication` takes for a cloud, in botbuilder's own
 * names: where the bot gets its tokens (login URL and scope), which tokens it accepts (issuer,
 * OpenID metadata), and where the user token service is (OAuthUrl).
 */
export interface BotFrameworkCloudSettings {
  ChannelService?: string;
  ToChannelFromBotLoginUrl?: string;
  ToChannelFromBotOAuthScope?: string;
  ToBotFromChannelTokenIssuer?: string;
  ToBotFromChannelOpenIdMetadataUrl?: string;
  ToBotFromEmulatorOpenIdMetadataUrl?: string;
  OAuthUrl?: string;
  CallerId?: string;
  ValidateAuthority?: boolean;
}

/** Azure Government (Teams GCC High and DoD): botframework-connector's GovernmentConstants. */
const usGovernment = {
  ChannelService: GovernmentConstants.ChannelService, // https://botframework.azure.us
  ToChannelFromBotLoginUrl: GovernmentConstants.ToChannelFromBotLoginUrl, // https://login.microsoftonline.us/MicrosoftServices.onmicrosoft.us
  ToChannelFromBotOAuthScope: GovernmentConstants.ToChannelFromBotOAuthScope, // https://api.botframework.us
  ToBotFromChannelTokenIssuer: GovernmentConstants.ToBotFromChannelTokenIssuer, // https://api.botframework.us
  ToBotFromChannelOpenIdMetadataUrl: GovernmentConstants.ToBotFromChannelOpenIdMetadataUrl, // https://login.botframework.azure.us/v1/...
  ToBotFromEmulatorOpenIdMetadataUrl: GovernmentConstants.ToBotFromEmulatorOpenIdMetadataUrl,
  CallerId: CallerIdConstants.USGovChannel, // urn:botframework:azureusgov
  ValidateAuthority: true,
};

/** The 21Vianet sign-in host; a multi-tenant bot gets its tokens from the Bot Framework's own tenant there. */
const CHINA_LOGIN = 'https://login.partner.microsoftonline.cn';
const CHINA_CHANNEL_TENANT = 'microsoftservices.partner.onmschina.cn';

/**
 * The Bot Framework side of `CLOUD`. Worldwide is botbuilder's default (no settings). The
 * government clouds differ only in the user token service: GCC High has its own
 * (`tokengcch`), DoD uses `apiDoD` (Azure Bot Service's "Configure for Office 365 GCC High" and
 * the Teams SDK's sovereign-cloud presets). 21Vianet per Azure Bot Service's "Deploy bots to
 * Azure operated by 21Vianet": botbuilder signs in there with the login URL exactly as given, so
 * a single-tenant bot (MicrosoftAppTenantId) puts its own tenant in it.
 */
export function botFrameworkCloudSettings(config: Pick<Config, 'CLOUD' | 'MicrosoftAppTenantId'>): BotFrameworkCloudSettings {
  switch (config.CLOUD) {
    case 'worldwide':
      return {};
    case 'gcchigh':
      return { ...usGovernment, OAuthUrl: 'https://tokengcch.botframework.azure.us' };
    case 'dod':
      return { ...usGovernment, OAuthUrl: 'https://apiDoD.botframework.azure.us' };
    case 'china':
      return {
        ChannelService: 'https://botframework.azure.cn',
        ToChannelFromBotLoginUrl: `${CHINA_LOGIN}/${config.MicrosoftAppTenantId ?? CHINA_CHANNEL_TENANT}`,
        ToChannelFromBotOAuthScope: 'https://api.botframework.azure.cn',
        ToBotFromChannelTokenIssuer: 'https://api.botframework.azure.cn',
        ToBotFromChannelOpenIdMetadataUrl: 'https://login.botframework.azure.cn/v1/.well-known/openidconfiguration',
        OAuthUrl: 'https://token.botframework.azure.cn',
        ValidateAuthority: true,
      };
  }
}
