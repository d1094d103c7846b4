import type { MessagingChannel, OutboundMessage, RecipientRole } from '../../src/conversation/messaging.js';
import type { EngineEvent, Notifier } from '../../src/domain/notifier.js';

/**
 * Until the durable delivery jobs (issue 11) wire channels on main: each engine event becomes the
 * messages SPEC section 2 owes ("Post-backs", approval requests, copies updated), delivered at once
 * through one `MessagingChannel`, so a channel's end-to-end test can play the mission. Failures are
 * recorded, not retried.
 */
export class DeliveriesStandIn implements Notifier {
  readonly failures: Array<{ message: OutboundMessage; error: unknown }> = [];
  private sequence = 0;

  constructor(
    private readonly channel: MessagingChannel,
    private readonly admins: () => Promise<string[]>,
  ) {}

  async notify(event: EngineEvent): Promise<void> {
    const { request } = event;
    const seq = ++this.sequence;
    const messages: OutboundMessage[] = [];
    const add = (recipientId: string, role: RecipientRole) => {
      if (messages.some((m) => m.recipientId === recipientId && m.role === role)) return;
      messages.push({
        id: `${request.id}:${seq}:${recipientId}`,
        recipientId,
        role,
        notice: { event: event.type, ...(event.type === 'revoked' ? { rights: event.rights } : {}), ...(event.type === 'not_yet_visible' ? { finalCheck: event.finalCheck } : {}) },
        request,
        ...(recipientId === request.requesterId ? { language: request.language } : {}),
      });
    };
    const requesterAndGrantee = () => {
      add(request.requesterId, 'requester');
      if (request.granteeId !== request.requesterId) add(request.granteeId, 'grantee');
    };
    let update = true;
    switch (event.type) {
      case 'approval_needed':
      case 'approver_reminder':
        for (const id of request.approverIds) add(id, 'approver');
        update = false;
        break;
      case 'cancelled':
        if (request.cancelledBy && request.cancelledBy !== request.requesterId) add(request.requesterId, 'requester');
        break;
      case 'expired':
        add(request.requesterId, 'requester');
        break;
      case 'failed':
        add(request.requesterId, 'requester');
        if (request.decision && request.decision.by !== request.requesterId) add(request.decision.by, 'decider');
        for (const admin of await this.admins()) add(admin, 'admin');
        break;
      case 'not_yet_visible':
      case 'revoke_reminder':
        requesterAndGrantee();
        update = false;
        break;
      default:
        requesterAndGrantee();
    }
    for (const message of messages) {
      await this.channel.send(message).catch((error: unknown) => this.failures.push({ message, error }));
    }
    if (update) await this.channel.updateCopies(request);
  }
}
