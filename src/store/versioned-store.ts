/** A stored value with the version that guards it. */
export interface Versioned<T> {
  version: number;
  value: T;
}

/**
 * The persistence port of the bot: namespaced records with an atomic compare-and-set.
 *
 * keyv has no compare-and-set, so every record carries a version and each backend supplies the
 * atomic primitive it has: a conditional `UPDATE ... WHERE version = ?` on SQLite, a Lua script on
 * Redis, a synchronous check on the in-process memory map. Two clicks, two approvers or two bot
 * processes sharing the store therefore change a record exactly once.
 *
 * Implementations pass `test/store/versioned-store-contract.ts`.
 */
export interface VersionedStore {
  get<T>(namespace: string, key: string): Promise<Versioned<T> | undefined>;
  /** Inserts at version 1 when the key is absent; `false` when it exists. */
  create<T>(namespace: string, key: string, value: T): Promise<boolean>;
  /** Replaces the value when the stored version is `expectedVersion` (the new version is +1); `false` otherwise. */
  compareAndSet<T>(namespace: string, key: string, expectedVersion: number, value: T): Promise<boolean>;
  /** Unconditional write (last writer wins); for data without invariants such as conversation references. */
  put<T>(namespace: string, key: string, value: T): Promise<void>;
  /** Deletes; with `expectedVersion`, only when the version still matches. */
  delete(namespace: string, key: string, expectedVersion?: number): Promise<boolean>;
  /** Every record of a namespace, in no particular order. */
  entries<T>(namespace: string): AsyncIterable<[string, Versioned<T>]>;
  close(): Promise<void>;
}

export const STORE_NAMESPACES = ['requests', 'open-claims', 'timers', 'audit', 'conversations', 'cards', 'permissions', 'meta'] as const;
