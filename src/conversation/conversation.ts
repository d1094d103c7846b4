import type { ActionInput, ConversationApi, ConversationDeps, Reply, TextInput } from './types.js';

/**
 * The conversation every channel shares: text requests in English or Dutch, clarifying questions
 * and choices, decisions, status, cancel, admin actions, queries, audit and help.
 */
export class Conversation implements ConversationApi {
  constructor(private readonly deps: ConversationDeps) {}

  async handleText(input: TextInput): Promise<Reply[]> {
    void this.deps;
    void input;
    throw new Error('not built yet');
  }

  async handleAction(input: ActionInput): Promise<Reply[]> {
    void input;
    throw new Error('not built yet');
  }
}
