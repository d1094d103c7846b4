import type { TargetKind } from '../domain/rights.js';
import type { CloudEndpoints } from '../permissions/clouds.js';

/** Where an admin manages a target in the bot's cloud: mailboxes in the Exchange admin center, groups in the Microsoft 365 admin center. */
export function adminCenterUrl(endpoints: Pick<CloudEndpoints, 'exchangeAdminCenterUrl' | 'adminCenterUrl'>, kind: TargetKind): string {
  return kind === 'group' ? `${endpoints.adminCenterUrl}/#/groups` : `${endpoints.exchangeAdminCenterUrl}/#/mailboxes`;
}
