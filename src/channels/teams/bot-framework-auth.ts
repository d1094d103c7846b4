import {
  AuthenticationConstants,
  BotFrameworkAuthentication,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import type { Activity } from 'botbuilder';
import { BotConnectorHttp, withPlainJsonActivityCalls } from './bot-connector-http.js';
import type { Sleep } from '../../permissions/http-retry.js';

/** Distinct (app id, service URL, audience) clients kept; Teams uses a handful of service URLs. */
const MAX_CLIENTS = 64;

/** The app id the outbound credentials belong to, as botbuilder picks it: the audience claim, else the appid claim. */
function appIdOf(claims: ClaimsIdentity): string {
  return claims.getClaimValue(AuthenticationConstants.AudienceClaim) ?? claims.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}

/**
 * botbuilder's authentication with the outbound clients kept between turns.
 *
 * `CloudAdapter` asks for a new `ConnectorFactory`, `ConnectorClient` (HTTP pipeline, credentials)
 * and `UserTokenClient` on every turn and every proactive message. A client depends only on the
 * bot's app id, the service URL and the audience, and its credentials cache and refresh their own
 * tokens, so one client per such triple serves every turn. JWT validation of each inbound request
 * is unchanged: it is delegated to the wrapped authentication.
 */
export class ReusedClientsAuthentication extends BotFrameworkAuthentication {
  private readonly clients = new Map<string, Promise<ConnectorClient>>();
  private readonly factories = new Map<string, ConnectorFactory>();
  private readonly userTokenClients = new Map<string, Promise<UserTokenClient>>();

  constructor(
    private readonly inner: BotFrameworkAuthentication,
    /** How the clients' send, reply and update calls wait between retries (tests: at once). */
    readonly http: { sleep?: Sleep } = {},
  ) {
    super();
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateRequest(activity, authHeader);
    return { ...result, connectorFactory: this.factoryFor(result.claimsIdentity, () => result.connectorFactory) };
  }

  override async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.factoryFor(claimsIdentity, () => this.inner.createConnectorFactory(claimsIdentity));
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    const appId = appIdOf(claimsIdentity);
    let client = this.userTokenClients.get(appId);
    if (!client) {
      client = this.inner.createUserTokenClient(claimsIdentity);
      // A failed creation (e.g. a credential error) is not kept: the next turn tries again.
      client.catch(() => this.userTokenClients.delete(appId));
      this.remember(this.userTokenClients, appId, client);
    }
    return client;
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }

  private factoryFor(claimsIdentity: ClaimsIdentity, create: () => ConnectorFactory | undefined): ConnectorFactory {
    const appId = appIdOf(claimsIdentity);
    let factory = this.factories.get(appId);
    if (!factory) {
      const made = create();
      if (!made) throw new Error('botbuilder returned no connector factory');
      factory = new ReusingConnectorFactory(appId, made, this);
      this.remember(this.factories, appId, factory);
    }
    return factory;
  }

  /** @internal the client for (app id, service URL, audience), created once. */
  clientFor(appId: string, serviceUrl: string, audience: string | undefined, create: () => Promise<ConnectorClient>): Promise<ConnectorClient> {
    const key = `${appId}\n${serviceUrl}\n${audience ?? ''}`;
    let client = this.clients.get(key);
    if (!client) {
      client = create();
      client.catch(() => this.clients.delete(key));
      this.remember(this.clients, key, client);
    }
    return client;
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    // Bounded: an unexpected stream of service URLs cannot grow memory without end.
    if (map.size >= MAX_CLIENTS) map.delete(map.keys().next().value as string);
    map.set(key, value);
  }
}

class ReusingConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly appId: string,
    private readonly inner: ConnectorFactory,
    private readonly owner: ReusedClientsAuthentication,
  ) {
    super();
  }

  override create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    return this.owner.clientFor(this.appId, serviceUrl, audience, async () => {
      const client = await this.inner.create(serviceUrl, audience);
      // Sends, replies and updates as plain JSON with the client's own credentials (see BotConnectorHttp).
      // The user agent the library built for this client ("Microsoft-BotFramework/3.1 botbuilder-js/..."), kept for Teams' telemetry.
      const userAgent = (client as unknown as { options?: { userAgent?: unknown } }).options?.userAgent;
      const options = { ...this.owner.http, ...(typeof userAgent === 'string' ? { userAgent } : {}) };
      return withPlainJsonActivityCalls(client, new BotConnectorHttp(serviceUrl, client.credentials, options));
    });
  }
}
