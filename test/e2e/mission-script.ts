import type { FakeConnector } from '../fakes/fake-connector.js';
import { personalConversationId, type TeamsUser } from '../fakes/teams-activities.js';

/** The bundled sample directory's tenant: the bots in these tests run on it. */
export const TENANT = '7d3c1f0e-5b7a-4c1e-9a51-2f0d6e4b8a90';
export const liam: TeamsUser = { aad: 'u-liam', name: "Liam O'Connor" };
export const emma: TeamsUser = { aad: 'u-emma', name: 'Emma Clarke' };
export const daan: TeamsUser = { aad: 'u-daan', name: 'Daan Jansen' };

/** People Liam asks rights on Support for; Emma (its owner) approves each. 22 distinct requests. */
const GRANTEES = ['Sofie van der Berg', 'Daan Jansen', 'Zoë Dubois', 'Jan Bakker', 'Jan de Vries', 'Noor El Amrani', 'Björn Åkesson', 'Anne-Marie Peeters', 'Mateo García', 'Lotte Smit', 'Kwame Mensah'];
export const ASKS = [
  ...GRANTEES.map((name) => ({ name, right: 'full access', label: 'Full Access' })),
  ...GRANTEES.map((name) => ({ name, right: 'send on behalf', label: 'Send on Behalf' })),
];

/** mulberry32: random, but the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it gives a value (real time: these tests run real processes). */
export async function until<T>(what: string, check: () => T | undefined, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** What the fake Teams received in one person's chats, each activity as JSON text. */
export function chat(connector: FakeConnector, user: TeamsUser): string[] {
  return connector.sent
    .filter((s) => s.conversationId === personalConversationId(user) || s.activity.recipient?.aadObjectId === user.aad)
    .map((s) => JSON.stringify(s.activity));
}

/** A request id in an approval card Emma received after the first `skip` messages, not yet in `known`. */
export function newApprovalCard(connector: FakeConnector, skip: number, known: readonly string[]): string | undefined {
  return chat(connector, emma)
    .slice(skip)
    .map((text) => /"requestId":"(REQ-[A-Z0-9]+)"/.exec(text)?.[1])
    .find((id) => id !== undefined && !known.includes(id));
}

/** How many times Liam heard `phrase` about ask `i` (its grantee and right). */
export function liamHears(connector: FakeConnector, phrase: string, i: number): number {
  const ask = ASKS[i]!;
  return chat(connector, liam).filter((t) => t.includes(phrase) && t.includes(ask.name) && t.includes(ask.label)).length;
}
