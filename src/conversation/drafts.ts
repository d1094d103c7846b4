import type { VersionedStore } from '../store/versioned-store.js';
import type { Draft, DraftStore, LastPage, PageStore } from './types.js';

const NS = 'conversations';

/**
 * Drafts in the store (namespace `conversations`, key `draft:<userId>`, one per person), so a
 * question asked before a restart, or by another instance, is still answered. The last page of a
 * paged answer each person saw is kept beside it (key `page:<userId>`), so a typed "more" continues
 * it after a restart or on another instance too.
 */
export class StoredDrafts implements DraftStore, PageStore {
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

  async lastPage(userId: string): Promise<LastPage | undefined> {
    return (await this.store.get<LastPage>(NS, `page:${userId}`))?.value;
  }

  async saveLastPage(page: LastPage): Promise<void> {
    await this.store.put(NS, `page:${page.userId}`, page);
  }
}
