import { TurnContext, type Activity, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { Directory } from '../../directory/directory.js';
import type { CardCopy, TeamsRepository } from './repositories.js';

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

  async sendToUser(userId: string, activity: Partial<Activity>): Promise<Delivered | undefined> {
    const stored = await this.repository.reference(userId);
    if (stored) {
      try {
        return await this.sendTo(stored.reference, activity);
      } catch (error) {
        // The user may have removed the app; a fresh 1:1 chat is the way back.
        this.logger.warn({ userId, err: errorSummary(error) }, 'proactive send to saved conversation failed; opening a new chat');
      }
    }
    return this.createAndSend(userId, activity);
  }

  async update(copy: CardCopy, activity: Partial<Activity>): Promise<void> {
    await this.adapter.continueConversationAsync(this.appId, copy.reference, async (context) => {
      await context.updateActivity({ ...activity, type: 'message', id: copy.activityId });
    });
  }

  private async sendTo(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<Delivered> {
    let activityId = '';
    await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
      activityId = (await context.sendActivity(activity))?.id ?? '';
    });
    return { reference, activityId };
  }

  private async createAndSend(userId: string, activity: Partial<Activity>): Promise<Delivered | undefined> {
    const channel = await this.repository.channel();
    if (!channel?.serviceUrl) {
      this.logger.warn({ userId }, 'cannot reach user: no conversation reference and no service URL known yet');
      return undefined;
    }
    const tenantId = this.directory.tenantId;
    let delivered: Delivered | undefined;
    await this.adapter.createConversationAsync(
      this.appId,
      'msteams',
      channel.serviceUrl,
      '',
      {
        isGroup: false,
        bot: channel.bot ?? { id: this.appId, name: '' },
        members: [{ id: userId, name: '' }],
        tenantId,
        channelData: { tenant: { id: tenantId } },
      },
      async (context) => {
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

/** An error's code and status for logs, without request bodies or headers. */
export function errorSummary(error: unknown): Record<string, unknown> {
  if (error && typeof error === 'object') {
    const e = error as { name?: string; code?: unknown; statusCode?: unknown; message?: string };
    return { name: e.name, code: e.code, statusCode: e.statusCode, message: e.message?.slice(0, 200) };
  }
  return { message: String(error).slice(0, 200) };
}
