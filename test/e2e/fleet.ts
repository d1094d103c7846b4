import { FakeConnector, type SentActivity } from '../fakes/fake-connector.js';
import {
  cardAction,
  installationUpdate,
  message,
  personalConversationId,
  post,
  type TeamsContext,
  type TeamsUser,
} from '../fakes/teams-activities.js';
import { adminQuery, dropSchemas, freshSchema, postgresStoreUrl } from '../helpers/postgres.js';
import { startBotProcess, type BotProcess } from './bot-process.js';

export interface FleetOptions {
  instances: number;
  /** The directory file every instance reads. */
  directory: string;
  /** The tenant of that directory (activities and the fake connector carry it). */
  tenantId: string;
  /** More environment for every instance (durations, permission service). */
  env?: Record<string, string>;
}

/**
 * Several bot processes on one PostgreSQL schema, behind a round-robin "load balancer" (each
 * activity goes to the next instance), all sending to one fake Bot Connector on loopback.
 */
export class Fleet {
  readonly bots: BotProcess[] = [];
  private turn = 0;

  private constructor(
    readonly connector: FakeConnector,
    readonly schema: string,
    readonly ctx: TeamsContext,
  ) {}

  static async start(options: FleetOptions): Promise<Fleet> {
    const connector = await new FakeConnector(options.tenantId).start();
    const schema = freshSchema('fleet');
    await adminQuery(`CREATE SCHEMA ${schema}`);
    const env = { STORE: postgresStoreUrl(schema), DIRECTORY: `file:${options.directory}`, ...options.env };
    const fleet = new Fleet(connector, schema, { tenantId: options.tenantId, serviceUrl: connector.serviceUrl });
    // Instances start together, as a deployment's replicas do: their migrations meet.
    const started = await Promise.allSettled(Array.from({ length: options.instances }, () => startBotProcess(env)));
    for (const result of started) if (result.status === 'fulfilled') fleet.bots.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) {
      await fleet.close();
      throw failed.reason;
    }
    return fleet;
  }

  /** Posts to the next instance, as a round-robin load balancer would. */
  async post(activity: unknown): Promise<{ status: number; body: any; instance: number }> {
    const index = this.turn++ % this.bots.length;
    return { ...(await post(this.bots[index]!.port, activity)), instance: index };
  }

  async install(user: TeamsUser): Promise<void> {
    const answer = await this.post(installationUpdate(user, this.ctx));
    if (answer.status !== 200) throw new Error(`installationUpdate answered ${answer.status}`);
  }

  say(user: TeamsUser, text: string) {
    return this.post(message(user, this.ctx, text));
  }

  click(user: TeamsUser, verb: string, data: Record<string, unknown>, on: SentActivity) {
    return this.post(cardAction(user, this.ctx, verb, data, { replyToId: on.id, conversationId: on.conversationId }));
  }

  /** What the bot sent into a user's chats (the personal chat and any 1:1 chat it opened). */
  inbox(user: TeamsUser): SentActivity[] {
    const conversations = [
      personalConversationId(user),
      ...this.connector.created.filter((c) => c.parameters.members[0].id === user.aad).map((c) => c.conversationId),
    ];
    return this.connector.sent.filter((s) => conversations.includes(s.conversationId));
  }

  async close(): Promise<void> {
    await Promise.all(this.bots.map((bot) => bot.terminate()));
    await this.connector.close();
    await dropSchemas([this.schema]);
  }
}

/** Resolves once `condition` holds, checking every 50 ms; rejects after `timeoutMs` saying what was awaited (and `detail()`). */
export async function eventually(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000, detail?: () => unknown): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}${detail ? ` (${JSON.stringify(detail())})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
