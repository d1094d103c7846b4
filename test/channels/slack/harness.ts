import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createApp, type App } from '../../../src/app.js';
import { createSlackChannel, type SlackChannel } from '../../../src/channels/slack/channel.js';
import type { AckDeadline } from '../../../src/channels/slack/inbound.js';
import { loadConfig } from '../../../src/config.js';
import { ManualClock } from '../../../src/domain/clock.js';
import type { Metrics } from '../../../src/domain/metrics.js';
import { understand } from '../../../src/language/understand.js';
import { startServer, type RunningServer } from '../../../src/server.js';
import type { DurableStore } from '../../../src/store/durable-store.js';
import { FAKE_TEAM, SlackApiFake, type PostedMessage, type SlackUser } from '../../fakes/slack-api-fake.js';
import {
  appHomeOpened,
  appMention,
  blockActions,
  eventEnvelope,
  eventId,
  findButton,
  interactionBody,
  messageIm,
  postToSlackEvents,
  SIGNING_SECRET,
  slashCommandBody,
  viewSubmission,
  type SignedPost,
  type SlackResponse,
} from '../../fakes/slack-requests.js';

export const DIRECTORY = fileURLToPath(new URL('../../fixtures/contoso-directory.json', import.meta.url));
export const TRAINING = '9f0e0001-bbbb-4ccc-8ddd-000000000001';

export interface SlackPersonFixture {
  id: string;
  name: string;
  email: string;
  locale: string;
  /** Their directory id (Contoso fixture). */
  aad: string;
  team?: string;
}

/** People of the Contoso fixture directory as members of its Slack workspace (profile email = directory mail). */
export const slackPeople: Record<'alex' | 'megan' | 'adele' | 'isaiah' | 'miriam' | 'janJansen' | 'nestor', SlackPersonFixture> = {
  alex: { id: 'U0ALEX0001', name: 'Alex Wilber', email: 'AlexW@contoso.example', locale: 'en-US', aad: '0a1e0001-aaaa-4bbb-8ccc-000000000001' },
  megan: { id: 'U0MEGAN001', name: 'Megan Bowen', email: 'meganb@contoso.example', locale: 'en-US', aad: '0a1e0002-aaaa-4bbb-8ccc-000000000002' },
  adele: { id: 'U0ADELE001', name: 'Adele Vance', email: 'adelev@contoso.example', locale: 'nl-NL', aad: '0a1e0003-aaaa-4bbb-8ccc-000000000003' },
  isaiah: { id: 'U0ISAIAH01', name: 'Isaiah Langer', email: 'isaiahl@contoso.example', locale: 'en-US', aad: '0a1e0004-aaaa-4bbb-8ccc-000000000004' },
  miriam: { id: 'U0MIRIAM01', name: 'Miriam Graham', email: 'miriamg@contoso.example', locale: 'en-US', aad: '0a1e0005-aaaa-4bbb-8ccc-000000000005' },
  janJansen: { id: 'U0JANJ0001', name: 'Jan Jansen', email: 'jan.jansen@contoso.example', locale: 'nl-NL', aad: '0a1e0006-aaaa-4bbb-8ccc-000000000006' },
  nestor: { id: 'U0NESTOR01', name: 'Nestor Wilke', email: 'nestorw@contoso.example', locale: 'en-US', aad: '0a1e0009-aaaa-4bbb-8ccc-000000000009' },
};

export interface SlackHarness {
  app: App;
  slack: SlackChannel;
  fake: SlackApiFake;
  server: RunningServer;
  clock: ManualClock;
  /** What the bot logged at warn and above (pino's JSON lines): client garbage must never be logged as an error. */
  logs: Array<{ level: number; msg: string; [key: string]: unknown }>;
  /** A signed POST to /slack/events (the clock's time unless `timestamp` is given); waits for the listeners. */
  post(post: SignedPost): Promise<SlackResponse>;
  /** `person` writes `text` in their DM with the app (`message.im`). */
  dm(person: SlackPersonFixture, text: string, options?: { eventId?: string; retryNum?: number }): Promise<SlackResponse>;
  mention(person: SlackPersonFixture, text: string, channel?: string): Promise<SlackResponse>;
  command(person: SlackPersonFixture, text: string, channel?: string): Promise<SlackResponse>;
  /** `person` clicks the button `actionId` on `message` (its own value unless `value` is given). */
  click(person: SlackPersonFixture, message: PostedMessage, actionId: string, options?: { value?: string; team?: string }): Promise<SlackResponse>;
  /** `person` submits the last modal opened, with `reason`. */
  submitReject(person: SlackPersonFixture, reason: string | null): Promise<SlackResponse>;
  openHome(person: SlackPersonFixture): Promise<SlackResponse>;
  inbox(person: SlackPersonFixture): PostedMessage[];
  /** The newest message in `person`'s DM whose text contains `marker`. */
  last(person: SlackPersonFixture, marker: string): PostedMessage | undefined;
  settle(): Promise<void>;
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Everything a reader sees in a posted message: its blocks' text (and the fallback). */
export function textOf(message: PostedMessage | undefined): string {
  if (!message) return '';
  return [message.text, JSON.stringify(message.blocks)].join(' ');
}

/**
 * The core, the Slack channel and the bot's HTTP server as `npm start` builds them (Contoso
 * directory, simulated permission service, memory store, manual clock), with the Slack Web API
 * faked on loopback (`SLACK_API_URL`) and Slack's side played by signed requests to /slack/events.
 */
export async function slackHarness(
  env: Record<string, string> = {},
  options: { store?: DurableStore; people?: SlackPersonFixture[]; metrics?: Metrics; commandAckDeadline?: AckDeadline } = {},
): Promise<SlackHarness> {
  const fake = await new SlackApiFake().start();
  for (const person of options.people ?? Object.values(slackPeople)) {
    fake.addUser({ id: person.id, name: person.name, email: person.email, locale: person.locale, ...(person.team ? { team_id: person.team } : {}) });
  }
  const clock = new ManualClock(Date.parse('2026-11-23T08:00:00Z'));
  const config = loadConfig({
    PORT: '0',
    DIRECTORY: `file:${DIRECTORY}`,
    PERMISSION_SERVICE: 'simulated',
    STORE: 'memory',
    PROPAGATION_WINDOW: '10m',
    SIMULATED_VISIBILITY_DELAY: '1m',
    LOG_LEVEL: 'silent',
    SLACK_BOT_TOKEN: fake.token,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    ...env,
  });
  const logs: SlackHarness['logs'] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logs.push(JSON.parse(line) as SlackHarness['logs'][number]) });
  const app = await createApp(config, { clock, logger, ...(options.store ? { store: options.store } : {}), ...(options.metrics ? { metrics: options.metrics } : {}) });
  const slack = createSlackChannel(app, { token: config.SLACK_BOT_TOKEN!, signingSecret: config.SLACK_SIGNING_SECRET!, apiUrl: config.SLACK_API_URL, understand, ...(options.commandAckDeadline ? { commandAckDeadline: options.commandAckDeadline } : {}) });
  await app.start();
  const server = await startServer({ channels: [slack.mount], logger, port: 0 });
  const baseUrl = `http://127.0.0.1:${server.port}`;

  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await slack.receiver.idle();
      await app.engine.idle();
    }
  };
  const post = async (signed: SignedPost) => {
    const response = await postToSlackEvents(baseUrl, { timestamp: Math.floor(clock.now() / 1000), ...signed });
    await settle();
    return response;
  };
  const json = (body: unknown, extra: Partial<SignedPost> = {}) => post({ body: JSON.stringify(body), contentType: 'application/json', ...extra });
  const form = (body: string) => post({ body, contentType: 'application/x-www-form-urlencoded' });

  return {
    app,
    slack,
    fake,
    server,
    clock,
    logs,
    post,
    dm: (person, text, opts = {}) =>
      json(eventEnvelope(messageIm(person, text, fake.openDmAsUser(person.id)), { ...(person.team ? { team: person.team } : {}), eventId: opts.eventId ?? eventId() }), opts.retryNum !== undefined ? { retryNum: opts.retryNum } : {}),
    mention: (person, text, channel = 'C0GENERAL1') => json(eventEnvelope(appMention(person, text, channel))),
    command: (person, text, channel = 'C0GENERAL1') => form(slashCommandBody(person, text, channel)),
    click: (person, message, actionId, opts = {}) =>
      form(interactionBody(blockActions(person, message, { actionId, ...(opts.value !== undefined ? { value: opts.value } : {}) }, fake.issueTrigger(), opts.team ? { team: opts.team } : {}))),
    submitReject: (person, reason) => {
      const modal = fake.modals.at(-1);
      if (!modal) throw new Error('no modal was opened');
      return form(interactionBody(viewSubmission(person, modal.view, { reason: { reason } }, { viewId: modal.id })));
    },
    openHome: (person) => json(eventEnvelope(appHomeOpened(person, fake.openDmAsUser(person.id)))),
    inbox: (person) => fake.inbox(person.id),
    last: (person, marker) => [...fake.inbox(person.id)].reverse().find((m) => textOf(m).includes(marker)),
    settle,
    async advance(ms) {
      clock.advance(ms);
      await settle();
    },
    async close() {
      await server.close();
      await app.close();
      await fake.close();
    },
  };
}

export { findButton, FAKE_TEAM, type SlackUser };
