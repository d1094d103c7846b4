import type { VersionedStore } from '../store/versioned-store.js';
import type { Draft, DraftStore } from './types.js';

const NS = 'conversations';

/**
 * Drafts in the store (namespace `conversations`, key `draft:<userId>`, one per person), so a
 * question asked before a restart, or by another instance, is still answered.
 */
export class StoredDrafts implements DraftStore {
  constructor(private readonly store: VersionedStore) {}

  async saveDraft(draft: Draft): Promise<void> {
    await this.store.put(NS, `draft:${draft.requesterId}`, draft);
  }

  async draft(userId: string): Promise<Draft | undefined> {
    return (await this.store.get<Draft>(NS, `draft:${userId}`))?.value;
  }

  async deleteDraft(userId: string): Promise<void> {
    await this.store.delete(NS, `draft:${userId}`);
  }
}
