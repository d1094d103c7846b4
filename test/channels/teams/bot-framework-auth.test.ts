import { ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { ReusedClientsAuthentication } from '../../../src/channels/teams/bot-framework-auth.js';

const activity = (serviceUrl: string) => ({ type: 'message', channelId: 'msteams', serviceUrl, conversation: { id: 'a:1' } }) as unknown as Activity;

describe('ReusedClientsAuthentication', () => {
  it('hands out one connector client per service URL and audience across turns', async () => {
    const auth = new ReusedClientsAuthentication(new ConfigurationBotFrameworkAuthentication({}));
    const first = await auth.authenticateRequest(activity('http://127.0.0.1:1/'), '');
    const second = await auth.authenticateRequest(activity('http://127.0.0.1:1/'), '');
    const a = await first.connectorFactory!.create('http://127.0.0.1:1/', first.audience);
    const b = await second.connectorFactory!.create('http://127.0.0.1:1/', second.audience);
    expect(b).toBe(a);
    const other = await second.connectorFactory!.create('http://127.0.0.1:2/', second.audience);
    expect(other).not.toBe(a);
    // Proactive turns (continueConversation) go through createConnectorFactory: the same client.
    const proactive = await auth.createConnectorFactory(first.claimsIdentity).create('http://127.0.0.1:1/', first.audience);
    expect(proactive).toBe(a);
    expect(await auth.createUserTokenClient(first.claimsIdentity)).toBe(await auth.createUserTokenClient(second.claimsIdentity));
  });

  it('still validates every inbound request when credentials are set', async () => {
    const auth = new ReusedClientsAuthentication(
      new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '00000000-0000-4000-8000-000000000001', MicrosoftAppPassword: 'secret', MicrosoftAppType: 'MultiTenant' }),
    );
    await expect(auth.authenticateRequest(activity('https://smba.trafficmanager.net/emea/'), '')).rejects.toThrow(/Unauthorized|auth/i);
  });

  it('keeps a bounded number of clients: an endless stream of service URLs cannot grow memory', async () => {
    const auth = new ReusedClientsAuthentication(new ConfigurationBotFrameworkAuthentication({}));
    const result = await auth.authenticateRequest(activity('http://127.0.0.1:1/'), '');
    const factory = result.connectorFactory!;
    const oldest = await factory.create('http://127.0.0.1:1/', result.audience);
    for (let port = 2; port <= 70; port++) await factory.create(`http://127.0.0.1:${port}/`, result.audience);
    expect(await factory.create('http://127.0.0.1:70/', result.audience)).toBe(await factory.create('http://127.0.0.1:70/', result.audience));
    expect(await factory.create('http://127.0.0.1:1/', result.audience)).not.toBe(oldest);
  });
});
