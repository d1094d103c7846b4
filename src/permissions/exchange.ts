import type { Config } from '../config.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { BotError, isBotError } from '../domain/errors.js';
import { groupRightReplaced, isRight, rightAppliesTo, RIGHTS, type Right } from '../domain/rights.js';
import { validateRight, validateTarget, validateTrustee } from './validate.js';
import {
  createExchangeAdminApi,
  ExchangeCommandError,
  hashtable,
  type CmdletParameters,
  type CmdletResult,
  type ExchangeAdminApi,
  type ExchangeDeps,
  type ExchangeObject,
} from './exchange-admin-api.js';
import type {
  ChangeResult,
  Delegation,
  GrantOptions,
  PermissionService,
  PermissionTarget,
  PermissionTrustee,
} from './permission-service.js';

// Answers that mean "nothing to do": the entry is already there, or already gone.
const IDEMPOTENT = [
  /already present/i,
  /already exists/i,
  /already has/i,
  /ACE doesn'?t exist/i,
  /doesn'?t exist on the object/i,
  /does not exist on the object/i,
  /no settings of .* have been modified/i,
  /isn'?t in the list|is not in the list|not found in the list/i,
];
const isIdempotentText = (text: string) => IDEMPOTENT.some((pattern) => pattern.test(text));

/** A recipient as `Get-Recipient` describes it. */
interface Recipient {
  id: string;
  mail: string;
  typeDetails: string;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const list = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const SELF = 'NT AUTHORITY\\SELF';

export interface ExchangePermissionServiceOptions {
  clock?: Clock;
  /** How long a resolved recipient (name or UPN -> object id) is reused. */
  recipientCacheMs?: number;
}

/**
 * PermissionService on Exchange Online, through the admin API (see ExchangeAdminApi).
 * Holders come back as UPNs (mailbox/recipient permissions) or names (GrantSendOnBehalfTo);
 * they are mapped to directory ids with `Get-Recipient` (ExternalDirectoryObjectId).
 */
export class ExchangePermissionService implements PermissionService {
  private readonly clock: Clock;
  private readonly recipientCacheMs: number;
  private readonly recipients = new Map<string, { at: number; recipient: Promise<Recipient | undefined> }>();

  constructor(
    private readonly api: ExchangeAdminApi,
    options: ExchangePermissionServiceOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.recipientCacheMs = options.recipientCacheMs ?? 10 * 60_000;
  }

  async grant(target: PermissionTarget, trustee: PermissionTrustee, right: Right, options: GrantOptions = {}): Promise<ChangeResult> {
    validateTarget(target);
    validateTrustee(trustee);
    validateRight(right, target);
    // Same answer as the simulated service: Exchange would accept it, but it means nothing.
    if (target.kind === 'user' && target.id === trustee.id) throw new BotError('invalid_request', 'A user already owns their own mailbox');
    if (target.kind === 'group') await this.refuseGuest(trustee);
    const held = await this.holds(target, trustee, right);
    const warnings: string[] = [];
    let changed = false;
    if (!held) changed = await this.apply('add', target, trustee, right, warnings, options);
    const replaced: Right[] = [];
    const other = groupRightReplaced(right, target.kind);
    // Group rule: Send As and Send on Behalf are exclusive; the new right is added first so the
    // delegate never loses the ability to send in between.
    if (other && (await this.holds(target, trustee, other))) {
      if (await this.apply('remove', target, trustee, other, warnings)) replaced.push(other);
    }
    return { changed, replaced, warnings };
  }

  async revoke(target: PermissionTarget, trustee: PermissionTrustee, right: Right): Promise<ChangeResult> {
    validateTarget(target);
    validateTrustee(trustee);
    validateRight(right, target);
    const warnings: string[] = [];
    const held = await this.holds(target, trustee, right);
    const changed = held ? await this.apply('remove', target, trustee, right, warnings) : false;
    return { changed, replaced: [], warnings };
  }

  async listDelegates(target: PermissionTarget, right?: Right): Promise<Delegation[]> {
    validateTarget(target);
    if (right !== undefined && !isRight(right)) throw new BotError('invalid_request', 'Unknown right');
    const rights = (right ? [right] : [...RIGHTS]).filter((r) => rightAppliesTo(r, target.kind));
    const lists = await Promise.all(rights.map(async (r) => ({ right: r, holders: await this.holders(target, r) })));
    // holders() gives each id once per right.
    return lists.flatMap(({ right: r, holders }) => holders.map((id) => ({ targetId: target.id, trusteeId: id, right: r })));
  }

  async listHoldings(trustee: PermissionTrustee, candidates: PermissionTarget[]): Promise<Delegation[]> {
    validateTrustee(trustee);
    if (!Array.isArray(candidates)) throw new BotError('invalid_request', 'candidates must be a list');
    candidates.forEach(validateTarget);
    const checks = candidates.flatMap((target) =>
      RIGHTS.filter((r) => rightAppliesTo(r, target.kind)).map(async (r) =>
        (await this.holds(target, trustee, r)) ? [{ targetId: target.id, trusteeId: trustee.id, right: r }] : [],
      ),
    );
    return (await Promise.all(checks)).flat();
  }

  async check(target: PermissionTarget, trustee: PermissionTrustee, right: Right): Promise<boolean> {
    validateTarget(target);
    validateTrustee(trustee);
    validateRight(right, target);
    return this.holds(target, trustee, right);
  }

  /**
   * Members of a Microsoft 365 group as Exchange sees them (`Get-UnifiedGroupLinks -LinkType Members`),
   * as directory ids. Not part of PermissionService: for the membership pre-flight when the directory
   * is not Graph but the rights live in Exchange.
   */
  async groupMembers(group: PermissionTarget): Promise<string[]> {
    validateTarget(group);
    if (group.kind !== 'group') throw new BotError('invalid_request', 'Only a group has members');
    const rows = await this.read('Get-UnifiedGroupLinks', { Identity: group.mail, LinkType: 'Members', ResultSize: 'Unlimited' });
    return rows.map((row) => text(row.ExternalDirectoryObjectId)).filter(Boolean);
  }

  // --- reading ---------------------------------------------------------------------------

  /** Whether `trustee` holds `right` on `target`: narrow queries (`-User`, `-Trustee`) where Exchange has them. */
  private async holds(target: PermissionTarget, trustee: PermissionTrustee, right: Right): Promise<boolean> {
    if (right === 'FullAccess') {
      const rows = await this.read('Get-MailboxPermission', { Identity: target.mail, User: trustee.mail }, true);
      return rows.some(isExplicitFullAccess);
    }
    if (right === 'SendAs') {
      const rows = await this.read('Get-RecipientPermission', { Identity: target.mail, Trustee: trustee.mail, AccessRights: 'SendAs' }, true);
      return rows.some(isExplicitSendAs);
    }
    const recipients = await Promise.all((await this.sendOnBehalfNames(target)).map((name) => this.resolve(name)));
    return recipients.some((recipient) => recipient !== undefined && sameTrustee(recipient, trustee));
  }

  private async holders(target: PermissionTarget, right: Right): Promise<string[]> {
    let names: string[];
    if (right === 'FullAccess') {
      names = (await this.read('Get-MailboxPermission', { Identity: target.mail })).filter(isExplicitFullAccess).map((row) => text(row.User));
    } else if (right === 'SendAs') {
      // Always with an Identity: without one Get-RecipientPermission walks the whole tenant.
      names = (await this.read('Get-RecipientPermission', { Identity: target.mail, AccessRights: 'SendAs' })).filter(isExplicitSendAs).map((row) => text(row.Trustee));
    } else {
      names = await this.sendOnBehalfNames(target);
    }
    const recipients = await Promise.all(names.map((name) => this.resolve(name)));
    // Orphaned SIDs (deleted users) and other unresolvable entries are not delegates.
    return [...new Set(recipients.flatMap((recipient) => (recipient ? [recipient.id] : [])))];
  }

  private async sendOnBehalfNames(target: PermissionTarget): Promise<string[]> {
    const cmdlet = target.kind === 'group' ? 'Get-UnifiedGroup' : 'Get-Mailbox';
    const rows = await this.read(cmdlet, { Identity: target.mail });
    return rows.flatMap((row) => list(row.GrantSendOnBehalfTo));
  }

  /** A read; `trusteeUnknownIsEmpty`: Exchange answers "not found" for a -User/-Trustee it cannot resolve. */
  private async read(cmdlet: string, parameters: CmdletParameters, trusteeUnknownIsEmpty = false): Promise<ExchangeObject[]> {
    try {
      return (await this.api.invoke(cmdlet, parameters)).value;
    } catch (error) {
      if (trusteeUnknownIsEmpty && error instanceof ExchangeCommandError && error.objectNotFound && !mentions(error.text, String(parameters.Identity))) {
        return [];
      }
      throw this.translate(error, cmdlet);
    }
  }

  private resolve(identity: string): Promise<Recipient | undefined> {
    const key = identity.toLowerCase();
    const now = this.clock.now();
    const cached = this.recipients.get(key);
    if (cached && now - cached.at < this.recipientCacheMs) return cached.recipient;
    const recipient = (async () => {
      if (!identity || identity === SELF || /^S-1-5-/i.test(identity)) return undefined;
      try {
        const rows = (await this.api.invoke('Get-Recipient', { Identity: identity })).value;
        const row = rows[0];
        if (!row) return undefined;
        return { id: text(row.ExternalDirectoryObjectId), mail: text(row.PrimarySmtpAddress), typeDetails: text(row.RecipientTypeDetails) };
      } catch (error) {
        if (error instanceof ExchangeCommandError && error.objectNotFound) return undefined;
        throw this.translate(error, 'Get-Recipient');
      }
    })();
    if (this.recipients.size >= 50_000) this.recipients.delete(this.recipients.keys().next().value!);
    this.recipients.set(key, { at: now, recipient });
    recipient.catch(() => this.recipients.delete(key));
    return recipient;
  }

  private async refuseGuest(trustee: PermissionTrustee): Promise<void> {
    const recipient = await this.resolve(trustee.mail);
    if (!recipient) throw new BotError('permission_service_rejected', `Exchange does not know the recipient ${trustee.mail}`, { details: { reason: 'not_found' } });
    if (/^Guest/i.test(recipient.typeDetails)) throw new BotError('invalid_request', 'Guests cannot receive Send As or Send on Behalf on a group', { details: { reason: 'guest' } });
  }

  // --- writing ---------------------------------------------------------------------------

  /** Adds or removes one right. Returns whether Exchange changed anything. */
  private async apply(
    op: 'add' | 'remove',
    target: PermissionTarget,
    trustee: PermissionTrustee,
    right: Right,
    warnings: string[],
    options: GrantOptions = {},
  ): Promise<boolean> {
    const [cmdlet, parameters] = command(op, target, trustee, right, options);
    let result: CmdletResult;
    try {
      result = await this.api.invoke(cmdlet, parameters);
    } catch (error) {
      if (error instanceof ExchangeCommandError && !error.objectNotFound && isIdempotentText(error.text)) {
        warnings.push(error.text);
        return false;
      }
      throw this.translate(error, cmdlet);
    }
    warnings.push(...result.warnings);
    return !result.warnings.some(isIdempotentText);
  }

  private translate(error: unknown, cmdlet: string): BotError {
    if (isBotError(error)) return error;
    if (error instanceof ExchangeCommandError) {
      const details = { cmdlet, status: error.status, exchangeCode: error.exchangeCode, exchangeType: error.exchangeType, reason: error.objectNotFound ? 'not_found' : undefined };
      if (error.status >= 500) return new BotError('permission_service_unavailable', `Exchange ${cmdlet} failed: ${error.text}`, { cause: error, details });
      return new BotError('permission_service_rejected', `Exchange refused ${cmdlet}: ${error.text}`, { cause: error, details });
    }
    return new BotError('permission_service_unavailable', `Exchange ${cmdlet} failed`, { cause: error });
  }
}

function command(op: 'add' | 'remove', target: PermissionTarget, trustee: PermissionTrustee, right: Right, options: GrantOptions): [string, CmdletParameters] {
  const verb = op === 'add' ? 'Add' : 'Remove';
  switch (right) {
    case 'FullAccess':
      return op === 'add'
        ? ['Add-MailboxPermission', { Identity: target.mail, User: trustee.mail, AccessRights: ['FullAccess'], InheritanceType: 'All', AutoMapping: options.autoMapping ?? true }]
        : ['Remove-MailboxPermission', { Identity: target.mail, User: trustee.mail, AccessRights: ['FullAccess'], InheritanceType: 'All', Confirm: false }];
    case 'SendAs':
      return [`${verb}-RecipientPermission`, { Identity: target.mail, Trustee: trustee.mail, AccessRights: ['SendAs'], Confirm: false }];
    case 'SendOnBehalf':
      // Always @{Add=...}/@{Remove=...}: a bare list would replace every other delegate.
      return [target.kind === 'group' ? 'Set-UnifiedGroup' : 'Set-Mailbox', { Identity: target.mail, GrantSendOnBehalfTo: hashtable({ [verb]: [trustee.mail] }) }];
  }
}

function isExplicitFullAccess(row: ExchangeObject): boolean {
  return list(row.AccessRights).some((r) => /FullAccess/i.test(r)) && row.IsInherited !== true && row.Deny !== true && text(row.User) !== SELF;
}
function isExplicitSendAs(row: ExchangeObject): boolean {
  return (
    list(row.AccessRights).some((r) => /SendAs/i.test(r)) &&
    row.IsInherited !== true &&
    text(row.AccessControlType || 'Allow') === 'Allow' &&
    text(row.Trustee) !== SELF
  );
}
function sameTrustee(recipient: Recipient, trustee: PermissionTrustee): boolean {
  return recipient.id === trustee.id || (recipient.mail !== '' && recipient.mail.toLowerCase() === trustee.mail.toLowerCase());
}
function mentions(message: string, identity: string): boolean {
  return identity !== '' && message.toLowerCase().includes(`'${identity.toLowerCase()}'`);
}

/** `PERMISSION_SERVICE=exchange`: the Exchange Online client for the configured tenant and cloud. */
export function createExchangePermissionService(config: Config, deps: ExchangeDeps & { clock?: Clock } = {}): ExchangePermissionService {
  return new ExchangePermissionService(createExchangeAdminApi(config, deps), { clock: deps.clock });
}
