import type { EngineEvent } from '../domain/notifier.js';
import type { Notice, RecipientRole } from './messaging.js';

/** One message the policy asks for: to a person, in a role. */
export interface PlannedMessage {
  recipientId: string;
  role: RecipientRole;
  notice: Notice;
  /** The requester hears in the language of their request. */
  language?: 'en' | 'nl';
}

/** What an event asks of the channels: new messages, and whether every copy of the request's cards changes. */
export interface NotificationPlan {
  messages: PlannedMessage[];
  updateCopies: boolean;
}

/**
 * Who is told what, for every engine event, in one place (SPEC section 2 "Post-backs" and
 * section 4). Channels only deliver; this decides.
 *
 * | event | approval card to | post-back to | copies updated |
 * |---|---|---|---|
 * | approval_needed, approver_reminder | approvers still reachable | | |
 * | approver_unreachable | the admins it escalated to | requester (who was and was not reached) | yes |
 * | decided | | requester, grantee | yes |
 * | cancelled | | requester, when someone else cancelled | yes |
 * | applied, effective | | requester, grantee | yes |
 * | revoked | | requester, grantee (not those a revoke request that ended it tells: `heardThrough`); the admin who revoked it directly (`askedBy`), unless already told; admins when they were told it was not visible | yes |
 * | replaced (the other group right was applied: pending, applied or effective) | | requester, grantee; admins when they were told it was not visible | yes |
 * | already_held (a duplicate was applied first: closed at approval, or at apply) | | requester; grantee when told it was approved | yes |
 * | not_yet_visible (quick rechecks), revoke_reminder | | requester, grantee | |
 * | not_yet_visible (final: the admins are told; or the checks gave up) | | requester, grantee; admins, with what to check | yes |
 * | effective, after the admins were told it was not visible | | requester, grantee; admins (nothing left to check) | yes |
 * | removal_not_visible (an ended grant Exchange still shows: the admins are told; or the checks gave up) | | requester, grantee; admins, with what to check | yes |
 * | removal_confirmed (such a removal gone after all) | | requester, grantee; admins (nothing left to check) | yes |
 * | failed | | requester, the approver who decided; admins with a Retry button | yes |
 * | expired | | requester | yes |
 */
export function planNotifications(event: EngineEvent, admins: readonly string[]): NotificationPlan {
  const request = event.request;
  const notice = noticeOf(event, admins);
  const messages: PlannedMessage[] = [];
  const add = (recipientId: string, role: RecipientRole) => {
    if (messages.some((m) => m.recipientId === recipientId && m.role === role)) return;
    messages.push({ recipientId, role, notice, ...(recipientId === request.requesterId ? { language: request.language } : {}) });
  };
  const requesterAndGrantee = () => {
    add(request.requesterId, 'requester');
    if (request.granteeId !== request.requesterId) add(request.granteeId, 'grantee');
  };
  switch (event.type) {
    case 'approval_needed':
    case 'approver_reminder':
      if (request.state === 'pending') for (const id of request.approverIds) add(id, 'approver');
      return { messages, updateCopies: false };
    case 'approver_unreachable':
      if (request.state === 'pending') for (const id of event.escalatedTo) add(id, 'approver');
      add(request.requesterId, 'requester');
      // The requester's summary card names the approvers: it shows who has the card now.
      return { messages, updateCopies: true };
    case 'cancelled':
      if (request.cancelledBy && request.cancelledBy !== request.requesterId) add(request.requesterId, 'requester');
      return { messages, updateCopies: true };
    case 'expired':
      add(request.requesterId, 'requester');
      return { messages, updateCopies: true };
    case 'failed':
      add(request.requesterId, 'requester');
      if (request.decision && request.decision.by !== request.requesterId) add(request.decision.by, 'decider');
      for (const admin of admins) add(admin, 'admin');
      return { messages, updateCopies: true };
    case 'not_yet_visible':
      requesterAndGrantee();
      // The requester's post-back says "an admin has been told": it is true because they are, here.
      if (event.finalCheck) for (const admin of admins) add(admin, 'admin');
      // From then on the cards' state line says so ("Exchange did not show it by ..."), not "effective by".
      return { messages, updateCopies: event.finalCheck };
    case 'revoke_reminder':
      requesterAndGrantee();
      return { messages, updateCopies: false };
    case 'effective':
      requesterAndGrantee();
      // Admins told it was not visible hear that it is after all, so nobody keeps looking into it.
      if (request.unconfirmedAt !== undefined) for (const admin of admins) add(admin, 'admin');
      return { messages, updateCopies: true };
    case 'revoked':
      // Ended by a revoke request: its requester and grantee hear it once, from that request's own
      // post-back ("Done: remove ..." / the grantee's "Revoked: ..., asked by ...").
      add(request.requesterId, 'requester');
      if (request.granteeId !== request.requesterId) add(request.granteeId, 'grantee');
      if (event.heardThrough) removeRecipients(messages, event.heardThrough);
      // Admins told it was not visible would otherwise still look for it, and apply it again.
      if (request.unconfirmedAt !== undefined) for (const admin of admins) add(admin, 'admin');
      // The admin who revoked it directly was told "I will confirm when it is done": once, unless
      // another message of this event already reaches them.
      if (event.askedBy !== undefined && !messages.some((m) => m.recipientId === event.askedBy)) add(event.askedBy, 'decider');
      return { messages, updateCopies: true };
    case 'replaced':
      // A pending one's approvers see it closed on their cards (the copies update); a replaced
      // grant the admins were told Exchange did not show is no longer theirs to look for.
      requesterAndGrantee();
      if (request.unconfirmedAt !== undefined) for (const admin of admins) add(admin, 'admin');
      return { messages, updateCopies: true };
    case 'already_held':
      // Closed at its approval: the approver sees it on the card their click returns (and its
      // copies), the requester is told; the grantee heard nothing of it yet, and nothing changes
      // for them. Closed at its apply: the grantee heard "Approved, applying it now" too.
      add(request.requesterId, 'requester');
      if (event.approvalTold && request.granteeId !== request.requesterId) add(request.granteeId, 'grantee');
      return { messages, updateCopies: true };
    case 'removal_not_visible':
    case 'removal_confirmed':
      // As for a grant Exchange does not show: the people told "Revoked" / "Ended as planned" hear
      // that it still shows (and, when it goes, that it is gone), and the admins what to check.
      requesterAndGrantee();
      for (const admin of admins) add(admin, 'admin');
      return { messages, updateCopies: true };
    case 'decided':
    case 'applied':
      requesterAndGrantee();
      return { messages, updateCopies: true };
  }
}

/** Drops the messages to `people` (they hear of the event another way). */
function removeRecipients(messages: PlannedMessage[], people: readonly string[]): void {
  for (let i = messages.length - 1; i >= 0; i--) if (people.includes(messages[i]!.recipientId)) messages.splice(i, 1);
}

function noticeOf(event: EngineEvent, admins: readonly string[]): Notice {
  switch (event.type) {
    case 'revoked':
      return { event: event.type, rights: event.rights };
    case 'not_yet_visible':
      return {
        event: event.type,
        finalCheck: event.finalCheck,
        ...(event.nextCheckAt !== undefined ? { nextCheckAt: event.nextCheckAt } : {}),
        ...(event.gaveUp ? { gaveUp: true } : {}),
        ...(event.finalCheck ? { adminsTold: admins.length > 0 } : {}),
      };
    case 'removal_not_visible':
      return {
        event: event.type,
        ...(event.nextCheckAt !== undefined ? { nextCheckAt: event.nextCheckAt } : {}),
        ...(event.gaveUp ? { gaveUp: true } : {}),
        adminsTold: admins.length > 0,
      };
    case 'approver_unreachable':
      return { event: event.type, unreachable: event.unreachable, reachedInstead: event.reachedInstead };
    default:
      return { event: event.type };
  }
}
