import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { t } from '../../src/conversation/wording/strings.js';
import { createPostgresStore } from '../../src/store/postgres-store.js';
import { dropSchemas, freshSchema } from '../helpers/postgres.js';
import { startTcpCut, type TcpCut } from '../helpers/tcp-cut.js';
import { conversationHarness, type ConversationHarness } from './harness.js';
import { PEOPLE, SCRIPT_TIME_ZONE } from './scripts/spec-conversations.js';

const schemas: string[] = [];
let h: ConversationHarness | undefined;
let cut: TcpCut | undefined;
afterEach(async () => {
  cut?.restore();
  await h?.close();
  await cut?.close();
  h = cut = undefined;
});
afterAll(() => dropSchemas(schemas));

// The shared PostgreSQL is reached through a loopback proxy this test cuts; the server itself is never stopped.
describe('the PostgreSQL store being unreachable', () => {
  it('is answered "cannot reach my storage, try again in a few minutes" (en, nl), never "nothing was changed"; the same request works once it is back', { timeout: 30_000 }, async () => {
    cut = await startTcpCut({ host: '127.0.0.1', port: 5432 });
    const schema = freshSchema('c');
    schemas.push(schema);
    const store = await createPostgresStore(`postgres://postgres@127.0.0.1:${cut.port}/test`, { schema, poolSize: 2 });
    h = await conversationHarness({ store });

    // The turn alone: `h.say` also runs due work until idle, which cannot finish while the store is away.
    const turn = (text: string, locale: string) =>
      h!.conversation.handleText({ userId: PEOPLE.alex.id, channel: 'test', locale, timeZone: SCRIPT_TIME_ZONE, text });
    cut.refuse();
    const en = await turn('give Megan send-as on Training', 'en-US');
    expect(en).toEqual([expect.objectContaining({ kind: 'refusal', code: 'unavailable', text: t('en', 'reply.storeUnavailable') })]);
    expect(JSON.stringify(en)).not.toMatch(/nothing was changed/i);
    const nl = await turn('geef Megan verzenden als op Training', 'nl-NL');
    expect(nl).toEqual([expect.objectContaining({ kind: 'refusal', code: 'unavailable', text: t('nl', 'reply.storeUnavailable') })]);

    cut.restore();
    const [summary] = await h.say('alex', 'give Megan send-as on Training');
    expect(summary).toMatchObject({ kind: 'summary' });
  });
});
