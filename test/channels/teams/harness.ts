import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { AppOverrides } from '../../../src/app.js';
import { launchTeamsBot, type RunningBot } from '../../../src/channels/teams/launch.js';
import { loadConfig } from '../../../src/config.js';
import { ManualClock } from '../../../src/domain/clock.js';
import { understand } from '../../../src/language/understand.js';
import type { DurableStore } from '../../../src/store/durable-store.js';
import { FakeConnector, type SentActivity } from '../../fakes/fake-connector.js';
import {
  cardAction,
  installationUpdate,
  message,
  personalConversationId,
  post,
  type TeamsContext,
  type TeamsUser,
} from '../../fakes/teams-activities.js';

export const DIRECTORY = fileURLToPath(new URL('../../fixtures/contoso-directory.json', import.meta.url));
export const TENANT = '3f2b8c1e-6d4a-4e7b-9c2f-0c0de5000001';

/** People of the Contoso fixture directory, as Teams shows them. */
export const people = {
  alex: { aad: '0a1e0001-aaaa-4bbb-8ccc-000000000001', name: 'Alex Wilber', locale: 'en-US' },
  megan: { aad: '0a1e0002-aaaa-4bbb-8ccc-000000000002', name: 'Megan Bowen', locale: 'en-US' },
  adele: { aad: '0a1e0003-aaaa-4bbb-8ccc-000000000003', name: 'Adele Vance', locale: 'nl-NL' },
  isaiah: { aad: '0a1e0004-aaaa-4bbb-8ccc-000000000004', name: 'Isaiah Langer', locale: 'en-US' },
  miriam: { aad: '0a1e0005-aaaa-4bbb-8ccc-000000000005', name: 'Miriam Graham', locale: 'en-US' },
  janJansen: { aad: '0a1e0006-aaaa-4bbb-8ccc-000000000006', name: 'Jan Jansen', locale: 'nl-NL' },
  janSmit: { aad: '0a1e0007-aaaa-4bbb-8ccc-000000000007', name: 'Jan Smit', locale: 'nl-NL' },
  patti: { aad: '0a1e0008-aaaa-4bbb-8ccc-000000000008', name: "Patti O'Brien", locale: 'en-US' },
  nestor: { aad: '0a1e0009-aaaa-4bbb-8ccc-000000000009', name: 'Nestor Wilke', locale: 'en-US' },
} satisfies Record<string, TeamsUser>;

export const TRAINING = '9f0e0001-bbbb-4ccc-8ddd-000000000001';

export interface TeamsHarness {
  bot: RunningBot;
  connector: FakeConnector;
  clock: ManualClock;
  /** The waits Bot Connector calls asked for between their own retries (ms); they return at once. */
  waits: number[];
  /** What the bot logged at warn and above (pino's JSON lines). */
  logs: Array<{ level: number; msg: string; [key: string]: unknown }>;
  ctx: TeamsContext;
  install(user: TeamsUser): Promise<void>;
  say(user: TeamsUser, text: string): Promise<{ status: number; body: any }>;
  click(user: TeamsUser, verb: string, data: Record<string, unknown>, on?: SentActivity): Promise<{ status: number; body: any }>;
  /** Lets the engine deliver its events and run due timers. */
  settle(): Promise<void>;
  advance(ms: number): Promise<void>;
  /** Cards and texts the bot sent into a user's chats (the personal chat and any 1:1 chat it opened). */
  inbox(user: TeamsUser): SentActivity[];
  close(): Promise<void>;
}

/**
 * The bot as `npm start` runs it (SPEC section 5 environment, Contoso directory, simulated
 * permission service), driven through `/api/messages` with Teams-shaped activities and a fake Bot
 * Connector on loopback as `serviceUrl` (it records each request's time on the manual clock).
 * `app`: more of the core's overrides (metrics, worker and engine settings).
 */
export async function teamsHarness(
  env: Record<string, string> = {},
  options: { store?: DurableStore; clock?: ManualClock; connector?: FakeConnector; app?: AppOverrides } = {},
): Promise<TeamsHarness> {
  const clock = options.clock ?? new ManualClock(Date.parse('2026-11-23T08:00:00Z'));
  const connector = options.connector ?? (await new FakeConnector(TENANT, { now: () => clock.now() }).start());
  const waits: number[] = [];
  const logs: TeamsHarness['logs'] = [];
  const config = loadConfig({
    PORT: '0',
    DIRECTORY: `file:${DIRECTORY}`,
    PERMISSION_SERVICE: 'simulated',
    STORE: 'memory',
    PROPAGATION_WINDOW: '10m',
    SIMULATED_VISIBILITY_DELAY: '1m',
    CLOUD: 'worldwide',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const bot = await launchTeamsBot(config, understand, {
    sleep: async (ms) => void waits.push(ms),
    ...options.app,
    clock,
    logger: pino({ level: 'warn' }, { write: (line: string) => void logs.push(JSON.parse(line) as TeamsHarness['logs'][number]) }),
    ...(options.store ? { store: options.store } : {}),
  });
  const ctx: TeamsContext = { tenantId: TENANT, serviceUrl: connector.serviceUrl };
  const settle = () => bot.app.engine.idle();
  const conversationsOf = (user: TeamsUser) => [personalConversationId(user), ...connector.created.filter((c) => c.parameters.members[0].id === user.aad).map((c) => c.conversationId)];
  return {
    bot,
    connector,
    clock,
    waits,
    logs,
    ctx,
    async install(user) {
      const response = await post(bot.port, installationUpdate(user, ctx));
      if (response.status !== 200) throw new Error(`installationUpdate answered ${response.status}`);
    },
    async say(user, text) {
      const response = await post(bot.port, message(user, ctx, text));
      await settle();
      return response;
    },
    async click(user, verb, data, on) {
      const response = await post(
        bot.port,
        cardAction(user, ctx, verb, data, on ? { replyToId: on.id, conversationId: on.conversationId } : {}),
      );
      return response;
    },
    settle,
    async advance(ms) {
      clock.advance(ms);
      await settle();
    },
    inbox(user) {
      const conversations = conversationsOf(user);
      return connector.sent.filter((s) => conversations.includes(s.conversationId));
    },
    async close() {
      await bot.close();
      if (!options.connector) await connector.close();
    },
  };
}

/** The Adaptive Card in a sent activity, if any. */
export function cardOf(sent: SentActivity | undefined): Record<string, any> | undefined {
  return sent?.activity.attachments?.[0]?.content;
}

/** Everything a user would read in a sent activity: its text and the text of its card. */
export function textOf(sent: { activity: Record<string, any> } | undefined): string {
  if (!sent) return '';
  const card = sent.activity.attachments?.[0]?.content;
  return [sent.activity.text ?? '', card ? JSON.stringify(card) : ''].join(' ');
}
