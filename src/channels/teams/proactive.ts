import { TurnContext, type Activity, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { Directory } from '../../directory/directory.js';
import type { CardCopy, StoredReference, TeamsRepository } from './repositories.js';

/** The part of botframework-connector's ConnectorClient used here. */
interface ConnectorLike {
  conversations: {
    sendToConversation(conversationId: string, activity: Partial<Activity>): Promise<{ id?: string } | undefined>;
    updateActivity(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<unknown>;
  };
}

/** Where a proactive message landed. */
export interface Delivered {
  reference: Partial<ConversationReference>;
  activityId: string;
}

/**
 * Sends messages nobody asked for: to a user's personal chat from the reference saved when they
 * installed the app or last wrote, else by opening a 1:1 chat with their Entra object id and the
 * tenant (Teams accepts the object id as member id). Also updates cards sent earlier.
 */
export class ProactiveSender {
  constructor(
    private readonly adapter: CloudAdapter,
    /** `MicrosoftAppId`; empty when authentication is off. */
    private readonly appId: string,
    private readonly repository: TeamsRepository,
    private readonly directory: Directory,
    private readonly logger: Logger,
  ) {}

  /** `known`: the user's saved reference when the caller has just read it (`null`: none saved). */
  async sendToUser(userId: string, activity: Partial<Activity>, known?: StoredReference | null): Promise<Delivered | undefined> {
    const stored = known === undefined ? await this.repository.reference(userId) : known;
    return this.sendToChat(userId, stored?.reference, activity);
  }

  /**
   * Sends `activity` as a new message into the conversation of `reference` (a turn's reference,
   * kept with a reply owed to `userId`); when there is none, or Teams refuses it with 403 (the app
   * was removed there) or 404 (the chat is gone), into a new 1:1 chat with `userId` (Entra object
   * id), as `sendToUser` does with a saved chat. Resolves where it landed, or `undefined` when no
   * chat can be opened yet (no service URL known); throws the Bot Connector's error otherwise
   * (`statusCode`, `retryAfterMs`: see `asDeliveryError`).
   */
  async sendToChat(userId: string, reference: Partial<ConversationReference> | undefined, activity: Partial<Activity>): Promise<Delivered | undefined> {
    if (reference) {
      reference = await this.current(reference);
      try {
        return await this.sendTo(reference, activity);
      } catch (error) {
        // Teams refused the saved chat (403: the app was removed there; 404: the chat is gone): a
        // fresh 1:1 chat is the way back. Throttling, an outage or a network error is not: the
        // caller retries later (after Retry-After), and the saved chat stays.
        const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
        if (status !== 403 && status !== 404) throw error;
        this.logger.warn({ userId, err: errorSummary(error) }, 'proactive send to a known conversation failed; opening a new chat');
      }
    }
    // Several cards for someone the bot never reached arrive together: open one chat, not one each.
    const opening = this.opening.get(userId);
    if (opening) {
      const first = await opening.catch(() => undefined);
      if (first) return this.sendTo(await this.current(first.reference), activity);
    }
    const creation = this.createAndSend(userId, activity);
    this.opening.set(userId, creation);
    try {
      return await creation;
    } finally {
      if (this.opening.get(userId) === creation) this.opening.delete(userId);
    }
  }

  private readonly opening = new Map<string, Promise<Delivered | undefined>>();

  /** Updates a card sent earlier, at the tenant's newest service URL (the card's chat and activity id are kept). */
  async update(copy: CardCopy, activity: Partial<Activity>): Promise<void> {
    const reference = await this.current(copy.reference);
    const conversationId = reference.conversation?.id;
    const client = this.clientFor(reference.serviceUrl);
    if (client && conversationId) {
      const outgoing = TurnContext.applyConversationReference({ ...activity, type: 'message', id: copy.activityId }, reference);
      delete outgoing.replyToId;
      await client.conversations.updateActivity(conversationId, copy.activityId, outgoing);
      return;
    }
    await proactiveTurn(
      (logic) => this.adapter.continueConversationAsync(this.appId, reference, logic),
      async (context) => {
        this.remember(context);
        await context.updateActivity({ ...activity, type: 'message', id: copy.activityId });
      },
    );
  }

  /**
   * `reference` at the tenant's newest service URL: Teams may have moved the tenant to another
   * Bot Connector address since the reference was saved (a chat the bot opened, a card sent, a
   * person who has not written since), and the old one may no longer answer at all. The
   * conversation id stays: the chat is the same, only the address to reach it changed.
   */
  private async current(reference: Partial<ConversationReference>): Promise<Partial<ConversationReference>> {
    const latest = await this.repository.serviceUrl(reference.conversation?.tenantId ?? this.directory.tenantId);
    return latest && latest !== reference.serviceUrl ? { ...reference, serviceUrl: latest } : reference;
  }

  private async sendTo(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<Delivered> {
    const conversationId = reference.conversation?.id;
    const client = this.clientFor(reference.serviceUrl);
    if (client && conversationId) {
      // A new message in the chat (not a reply to the activity the reference was taken from).
      const outgoing = TurnContext.applyConversationReference({ type: 'message', ...activity }, reference);
      delete outgoing.replyToId;
      const response = await client.conversations.sendToConversation(conversationId, outgoing);
      return { reference, activityId: response?.id ?? '' };
    }
    let activityId = '';
    await proactiveTurn(
      (logic) => this.adapter.continueConversationAsync(this.appId, reference, logic),
      async (context) => {
        this.remember(context);
        activityId = (await context.sendActivity(activity))?.id ?? '';
      },
    );
    return { reference, activityId };
  }

  /**
   * Connector clients per service URL, kept from the first proactive turn, so later messages go
   * straight through the client instead of through a proactive turn (TurnContext, middleware) each.
   * The client's credentials refresh their own tokens.
   */
  private readonly clients = new Map<string, ConnectorLike>();

  private clientFor(serviceUrl: string | undefined): ConnectorLike | undefined {
    return serviceUrl ? this.clients.get(serviceUrl) : undefined;
  }

  private remember(context: TurnContext): void {
    const serviceUrl = context.activity.serviceUrl;
    const client = context.turnState.get(context.adapter.ConnectorClientKey) as ConnectorLike | undefined;
    if (serviceUrl && client?.conversations && !this.clients.has(serviceUrl)) this.clients.set(serviceUrl, client);
  }

  private async createAndSend(userId: string, activity: Partial<Activity>): Promise<Delivered | undefined> {
    const tenantId = this.directory.tenantId;
    // A chat is opened only once a personal chat showed the bot's account; at the tenant's newest
    // address, else (a store written before it was kept) at that chat's.
    const channel = await this.repository.channel();
    const serviceUrl = channel && ((await this.repository.serviceUrl(tenantId)) ?? channel.serviceUrl);
    if (!channel || !serviceUrl) {
      this.logger.warn({ userId }, 'cannot reach user: no conversation reference and no service URL known yet');
      return undefined;
    }
    let delivered: Delivered | undefined;
    const parameters = {
      isGroup: false,
      bot: channel.bot ?? { id: this.appId, name: '' },
      members: [{ id: userId, name: '' }],
      tenantId,
      channelData: { tenant: { id: tenantId } },
    };
    await proactiveTurn(
      (logic) => this.adapter.createConversationAsync(this.appId, 'msteams', serviceUrl, '', parameters, logic),
      async (context) => {
        this.remember(context);
        const reference = TurnContext.getConversationReference(context.activity);
        reference.user = { id: userId, name: '', aadObjectId: userId } as ConversationReference['user'];
        await this.repository.saveReference(userId, reference);
        const response = await context.sendActivity(activity);
        delivered = { reference, activityId: response?.id ?? '' };
      },
    );
    return delivered;
  }
}

/**
 * Runs a proactive turn (`start` is the adapter call, given the turn's logic) and throws what
 * failed in its logic. botbuilder runs the logic inside the adapter's middleware, where
 * `onTurnError` catches and swallows whatever it throws (`BotAdapter.runMiddleware`): a Bot
 * Connector 503 inside a proactive send looked like a delivery, and the message was lost.
 */
async function proactiveTurn(
  start: (logic: (context: TurnContext) => Promise<void>) => Promise<void>,
  logic: (context: TurnContext) => Promise<void>,
): Promise<void> {
  let failure: { error: unknown } | undefined;
  await start(async (context) => {
    try {
      await logic(context);
    } catch (error) {
      failure = { error };
    }
  });
  if (failure) throw failure.error;
}

/** An error's code and status for logs, without request bodies or headers. */
export function errorSummary(error: unknown): Record<string, unknown> {
  if (error && typeof error === 'object') {
    const e = error as { name?: string; code?: unknown; statusCode?: unknown; message?: string };
    return { name: e.name, code: e.code, statusCode: e.statusCode, message: e.message?.slice(0, 200) };
  }
  return { message: String(error).slice(0, 200) };
}
