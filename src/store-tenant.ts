import type { Directory } from './directory/directory.js';
import { BotError } from './domain/errors.js';
import type { VersionedStore } from './store/versioned-store.js';

/** The tenant a store was first used with, kept in the store itself (`meta:tenant`). */
export interface StoreTenant {
  id: string;
  domain: string;
  /** Epoch ms of the first start on this store. */
  boundAt: number;
}

const NAMESPACE = 'meta';
const KEY = 'tenant';

/**
 * A store holds directory ids (requesters, trustees, mailboxes, approvers, audit actors), which mean
 * something only in the tenant whose directory wrote them: read with another tenant's directory,
 * the same ids name other people, or nobody (two sample directories share ids such as `u-admin`).
 * So the first start binds the store to the directory's tenant (`meta:tenant`), and every later
 * start compares. What a mismatch costs is the caller's to decide: the audit export refuses (its
 * rows would name the wrong people); the bot and the permission service log it as an error and go
 * on, so trying another sample directory on the default store still starts.
 *
 * @param mode `bind` (the bot, the permission service): records the tenant when the store has none
 *   yet; `check` (read-only tools such as the audit export): only compares.
 * @param now epoch ms, recorded as `boundAt` on the first bind.
 * @returns undefined when the store is (now) bound to the directory's tenant or, in `check` mode,
 *   to none; else a `config_invalid` BotError naming both tenants (`details: { storeTenant,
 *   directoryTenant }`) for the caller to throw or log.
 */
export async function storeTenantMismatch(store: VersionedStore, directory: Pick<Directory, 'tenantId' | 'tenantDomain'>, mode: 'bind' | 'check', now: number): Promise<BotError | undefined> {
  const mine: StoreTenant = { id: directory.tenantId, domain: directory.tenantDomain, boundAt: now };
  let stored = (await store.get<StoreTenant>(NAMESPACE, KEY))?.value;
  if (!stored && mode === 'bind') {
    // Two instances starting together on a new store: one creates, the other reads what it wrote.
    if (await store.create(NAMESPACE, KEY, mine)) return undefined;
    stored = (await store.get<StoreTenant>(NAMESPACE, KEY))?.value;
  }
  if (!stored || stored.id.toLowerCase() === directory.tenantId.toLowerCase()) return undefined;
  return new BotError(
    'config_invalid',
    `STORE holds the requests of tenant ${stored.domain} (${stored.id}), but DIRECTORY is tenant ${directory.tenantDomain} (${directory.tenantId}); the same ids would name other people. Use that tenant's directory, or another STORE`,
    { details: { storeTenant: stored.id, directoryTenant: directory.tenantId } },
  );
}
