import { ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import { ConnectorClient } from 'botframework-connector';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BotConnectorHttp, withPlainJsonActivityCalls, type RequestSigner } from '../../../src/channels/teams/bot-connector-http.js';
import { ReusedClientsAuthentication } from '../../../src/channels/teams/bot-framework-auth.js';
import { FakeConnector } from '../../fakes/fake-connector.js';

const TENANT = '7e57be4c-0000-4000-8000-00000000be4c';
const TOKEN = 'Bearer token-from-the-credentials';

/** Credentials as botframework-connector's AppCredentials behave with an app id: they sign every request. */
const signer: RequestSigner = {
  async signRequest(webResource) {
    webResource.headers.set('Authorization', TOKEN);
    return webResource;
  },
};

/** The calls both implementations offer: the library's `conversations` operations and ours. */
interface ActivityCalls {
  sendToConversation(conversationId: string, activity: Partial<Activity>): Promise<{ id?: string }>;
  replyToActivity(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<{ id?: string }>;
  updateActivity(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<{ id?: string }>;
}

const connector = new FakeConnector(TENANT);
beforeAll(() => connector.start());
afterAll(() => connector.close());

const implementations: [string, () => ActivityCalls][] = [
  // The reference: botframework-connector as botbuilder uses it.
  ['botframework-connector ConnectorClient', () => new ConnectorClient(signer as never, { baseUri: connector.serviceUrl }).conversations as unknown as ActivityCalls],
  ['BotConnectorHttp', () => new BotConnectorHttp(connector.serviceUrl, signer)],
];

const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Approve *this*? <b>x</b> ${not a template}' }] };
function message(conversationId: string): Partial<Activity> {
  return {
    type: 'message',
    from: { id: '28:bot', name: 'Mailbox bot' },
    recipient: { id: '29:user', name: 'Megan', aadObjectId: 'u-megan' } as Activity['recipient'],
    conversation: { id: conversationId, conversationType: 'personal', tenantId: TENANT } as Activity['conversation'],
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    locale: 'nl-NL',
    summary: 'Approval needed',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
    channelData: { tenant: { id: TENANT }, notification: { alert: true } },
    entities: [{ type: 'mention', text: '<at>Megan</at>', mentioned: { id: '29:user', name: 'Megan' } }],
  };
}

describe.each(implementations)('Bot Connector activity calls: %s', (_name, create) => {
  beforeEach(() => {
    connector.sent.length = 0;
    connector.updates.length = 0;
    connector.requests.length = 0;
    connector.rejected.length = 0;
  });

  it('sends an activity into a conversation as Teams expects it, signed, and returns the new id', async () => {
    const calls = create();
    const conversationId = 'a:1to1-u-megan';
    const response = await calls.sendToConversation(conversationId, message(conversationId));
    expect(response.id).toMatch(/^m-\d+$/);
    const sent = connector.sent.at(-1)!;
    expect(sent).toMatchObject({ conversationId, id: response.id });
    expect(sent.replyToId).toBeUndefined();
    expect(sent.activity).toEqual(JSON.parse(JSON.stringify(message(conversationId))));
    expect(connector.requests.at(-1)).toMatchObject({
      method: 'POST',
      headers: { authorization: TOKEN, 'content-type': expect.stringMatching(/^application\/json/) },
    });
    expect(connector.rejected).toEqual([]);
  });

  it('replies to an activity and updates one it sent, with ids that need escaping in the path', async () => {
    const calls = create();
    const conversationId = '19:abc123@thread.tacv2;messageid=1700000000000';
    const first = await calls.sendToConversation(conversationId, message(conversationId));
    const reply = await calls.replyToActivity(conversationId, first.id!, { ...message(conversationId), text: 'a reply' });
    expect(connector.sent.at(-1)).toMatchObject({ conversationId, replyToId: first.id, id: reply.id, activity: { text: 'a reply' } });
    await calls.updateActivity(conversationId, first.id!, { ...message(conversationId), id: first.id!, text: 'updated' });
    expect(connector.updates.at(-1)).toMatchObject({ conversationId, activityId: first.id, activity: { text: 'updated', id: first.id } });
    expect(connector.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'PUT']);
    expect(connector.rejected).toEqual([]);
  });

  it('a refused call rejects with the status and the connector error code', async () => {
    const calls = create();
    const error = await calls.updateActivity('a:1to1-u-megan', 'm-never-sent', message('a:1to1-u-megan')).catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 400, code: 'BadArgument' });
    expect(connector.updates).toEqual([]);
  });

  it('throttled (429 with Retry-After): waits and sends again, and the message arrives once', async () => {
    const calls = create();
    connector.throttle(2, 0);
    const response = await calls.sendToConversation('a:1to1-u-megan', message('a:1to1-u-megan'));
    expect(connector.throttledAnswers.splice(0)).toHaveLength(2);
    expect(connector.sent.map((s) => s.id)).toEqual([response.id]);
  });
});

describe('BotConnectorHttp retries', () => {
  beforeEach(() => {
    connector.sent.length = 0;
    connector.throttledAnswers.length = 0;
  });

  function client() {
    const waits: number[] = [];
    const http = new BotConnectorHttp(connector.serviceUrl, signer, { sleep: async (ms) => void waits.push(ms), random: () => 0.5 });
    return { http, waits };
  }

  it('backs off exponentially from 1 s on 503 without Retry-After, and on 408 and 500', async () => {
    const { http, waits } = client();
    connector.failNext(1, 503);
    connector.failNext(1, 408);
    connector.failNext(1, 500);
    await http.sendToConversation('a:1to1-u-megan', message('a:1to1-u-megan'));
    expect(waits).toEqual([750, 1500, 3000]);
    expect(connector.sent).toHaveLength(1);
  });

  it('backs off on 429 without Retry-After too (Teams asks bots to), where the library gave up', async () => {
    const { http, waits } = client();
    connector.failNext(2, 429);
    await http.sendToConversation('a:1to1-u-megan', message('a:1to1-u-megan'));
    expect(waits).toEqual([750, 1500]);
    expect(connector.sent).toHaveLength(1);
  });

  it('waits out Retry-After on 503 (and retry-after-ms when given)', async () => {
    const { http, waits } = client();
    connector.failNext(1, 503, { 'retry-after': '2' });
    connector.failNext(1, 429, { 'retry-after-ms': '250' });
    await http.sendToConversation('a:1to1-u-megan', message('a:1to1-u-megan'));
    expect(waits).toEqual([2000, 250]);
  });

  it('gives up after 3 retries with the last status and its Retry-After', async () => {
    const { http, waits } = client();
    connector.throttle(4, 1);
    const error = await http.sendToConversation('a:1to1-u-megan', message('a:1to1-u-megan')).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'BotConnectorError', statusCode: 429, code: 'Throttled', retryAfterMs: 1000 });
    expect(waits).toEqual([1000, 1000, 1000]);
    expect(connector.sent).toEqual([]);
  });

  it('does not wait out a Retry-After above 10 s, nor send sooner: fails at once, saying how long to wait', async () => {
    const { http, waits } = client();
    connector.failNext(1, 429, { 'retry-after': '600' });
    connector.failNext(1, 503, { 'retry-after': '11' });
    for (const [status, retryAfterMs] of [
      [429, 600_000],
      [503, 11_000],
    ]) {
      const error = await http.sendToConversation('a:1to1-u-megan', message('a:1to1-u-megan')).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'BotConnectorError', statusCode: status, retryAfterMs });
    }
    expect(waits).toEqual([]);
    expect(connector.throttledAnswers).toHaveLength(2);
    expect(connector.sent).toEqual([]);
  });

  it('does not retry what will not change: 400, 403, 404, 501', async () => {
    for (const status of [400, 403, 404, 501]) {
      const { http, waits } = client();
      connector.failNext(1, status);
      await expect(http.sendToConversation('a:1to1-u-megan', message('a:1to1-u-megan'))).rejects.toMatchObject({ statusCode: status });
      expect(waits).toEqual([]);
    }
    expect(connector.sent).toEqual([]);
  });

  it('a connector that cannot be reached: retried, then a clear error with the network code', async () => {
    const unreachable = new FakeConnector(TENANT);
    await unreachable.start();
    const serviceUrl = unreachable.serviceUrl;
    await unreachable.close();
    const waits: number[] = [];
    const http = new BotConnectorHttp(serviceUrl, signer, { sleep: async (ms) => void waits.push(ms), random: () => 0.5 });
    const error = await http.sendToConversation('a:1', message('a:1')).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'BotConnectorError', code: 'ECONNREFUSED' });
    expect(waits).toHaveLength(3);
  });
});

describe('withPlainJsonActivityCalls', () => {
  beforeEach(() => {
    connector.requests.length = 0;
  });

  it('routes a ConnectorClient’s send, reply and update as plain JSON; calls with options stay with the library', async () => {
    const library = new ConnectorClient(signer as never, { baseUri: connector.serviceUrl });
    const client = withPlainJsonActivityCalls(library, new BotConnectorHttp(connector.serviceUrl, signer));
    await client.conversations.sendToConversation('a:1to1-u-megan', message('a:1to1-u-megan') as Activity);
    await client.conversations.sendToConversation('a:1to1-u-megan', message('a:1to1-u-megan') as Activity, { customHeaders: { 'x-test': '1' } });
    // The library's pipeline stamps a client request id on each request; the plain call does not.
    expect(connector.requests.map((r) => Boolean(r.headers['x-ms-client-request-id']))).toEqual([false, true]);
    expect(connector.requests.every((r) => r.headers.authorization === TOKEN)).toBe(true);
  });

  it('every client botbuilder gets from the bot’s authentication sends this way', async () => {
    const auth = new ReusedClientsAuthentication(new ConfigurationBotFrameworkAuthentication({}));
    const result = await auth.authenticateRequest({ type: 'message', channelId: 'msteams', serviceUrl: connector.serviceUrl } as Activity, '');
    const client = await result.connectorFactory!.create(connector.serviceUrl, result.audience);
    await client.conversations.replyToActivity('a:1to1-u-megan', 'm-1', message('a:1to1-u-megan') as Activity);
    expect(connector.requests.at(-1)).toMatchObject({ method: 'POST', headers: { 'x-ms-client-request-id': undefined, 'user-agent': expect.stringMatching(/Microsoft-BotFramework/) } });
    // No credentials configured: nothing to sign with, as with the library.
    expect(connector.requests.at(-1)!.headers.authorization).toBeUndefined();
  });
});
