import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { expect } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Conversation } from '../../src/conversation/conversation.js';
import { createConversation } from '../../src/conversation/create.js';
import type { Reply, UnderstandFn } from '../../src/conversation/types.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { DurableStore } from '../../src/store/durable-store.js';
import type { Directory } from '../../src/directory/directory.js';
import { understand as realUnderstand } from '../../src/language/understand.js';
import { PEOPLE, SCRIPT_START, SCRIPT_TIME_ZONE, TARGETS, type ExpectedReply, type Person, type Script, type Step } from './scripts/spec-conversations.js';

export const CONTOSO = fileURLToPath(new URL('../fixtures/contoso-directory.json', import.meta.url));

export interface ConversationHarness {
  app: App;
  conversation: Conversation;
  clock: ManualClock;
  say(person: Person, text: string, locale?: string): Promise<Reply[]>;
  click(person: Person, verb: string, data: Record<string, unknown>, locale?: string): Promise<Reply[]>;
  close(): Promise<void>;
}

/** The real core (engine, simulated permission service, memory store unless `store` is given) and the conversation on it; no channel. */
export async function conversationHarness(
  options: { env?: Record<string, string>; directory?: Directory; understand?: UnderstandFn; store?: DurableStore } = {},
): Promise<ConversationHarness> {
  const config = loadConfig({ STORE: 'memory', DIRECTORY: `file:${CONTOSO}`, PROPAGATION_WINDOW: '10m', SIMULATED_VISIBILITY_DELAY: '1m', LOG_LEVEL: 'silent', ...options.env });
  const clock = new ManualClock(Date.parse(SCRIPT_START));
  const app = await createApp(config, {
    clock,
    logger: pino({ level: 'silent' }),
    ...(options.directory ? { directory: options.directory } : {}),
    ...(options.store ? { store: options.store } : {}),
  });
  await app.start();
  const conversation = createConversation({ ...app, cloud: config.CLOUD }, options.understand ?? realUnderstand);
  const person = (key: Person, locale?: string) => ({ userId: PEOPLE[key].id, channel: 'test', locale: locale ?? PEOPLE[key].locale, timeZone: SCRIPT_TIME_ZONE });
  return {
    app,
    conversation,
    clock,
    async say(key, text, locale) {
      const replies = await conversation.handleText({ ...person(key, locale), text });
      await app.engine.idle();
      return replies;
    },
    async click(key, verb, data, locale) {
      const replies = await conversation.handleAction({ ...person(key, locale), verb, data });
      await app.engine.idle();
      return replies;
    },
    close: () => app.close(),
  };
}

/** Everything a person reads in a reply: its text, or the words of its view. */
export function wordsOf(reply: Reply): string {
  switch (reply.kind) {
    case 'text':
    case 'ask':
    case 'refusal':
      return reply.text;
    case 'choice':
      return [reply.title, reply.question, ...reply.options.map((o) => o.label)].join('\n');
    default:
      return JSON.stringify(reply.view);
  }
}

/** Checks one reply against its expectation (kind, words, code, options). */
export function expectReply(reply: Reply | undefined, expected: ExpectedReply, where: string): void {
  expect(reply?.kind, `${where}: kind of ${JSON.stringify(reply)?.slice(0, 300)}`).toBe(expected.kind);
  const words = wordsOf(reply!);
  for (const text of expected.includes ?? []) expect(words, where).toContain(text);
  for (const text of expected.excludes ?? []) expect(words, where).not.toContain(text);
  if (expected.code) expect(reply!.kind === 'refusal' ? reply!.code : undefined, where).toBe(expected.code);
  if (expected.cancellable !== undefined) expect(reply!.kind === 'requests' ? reply!.view.items.filter((i) => i.cancellable).length : undefined, where).toBe(expected.cancellable);
  if (expected.options) expect(reply!.kind === 'choice' ? reply!.options.map((o) => o.label) : undefined, where).toEqual(expected.options);
}

/** Plays a script against the conversation: each step's replies and the stored requests afterwards. */
export async function playScript(h: ConversationHarness, script: Script): Promise<void> {
  const lastReplies = new Map<Person, Reply[]>();
  for (const [index, step] of script.steps.entries()) {
    const where = `${script.name}, step ${index + 1}`;
    const replies = step.say !== undefined ? await h.say(step.as, step.say, step.locale) : await h.click(step.as, step.click!.verb, await clickData(h, step, lastReplies), step.locale);
    lastReplies.set(step.as, replies);
    expect(replies.map((r) => r.kind), where).toEqual(step.replies.map((r) => r.kind));
    step.replies.forEach((expected, i) => expectReply(replies[i], expected, where));
    if (step.requestsOf) await expectRequests(h, step, where);
  }
}

async function clickData(h: ConversationHarness, step: Step, lastReplies: Map<Person, Reply[]>): Promise<Record<string, unknown>> {
  const click = step.click!;
  const userId = PEOPLE[step.as].id;
  switch (click.verb) {
    case 'choose': {
      const choice = [...(lastReplies.get(step.as) ?? [])].reverse().find((r) => r.kind === 'choice');
      if (choice?.kind !== 'choice') throw new Error(`${step.as} was given no choice`);
      return { draftId: choice.draftId, step: choice.step, pick: choice.options[click.option]!.pick };
    }
    case 'approve':
    case 'reject': {
      const [request] = await h.app.engine.awaitingDecisionBy(userId);
      return { requestId: request?.id };
    }
    case 'cancel': {
      const list = [...(lastReplies.get(step.as) ?? [])].reverse().find((r) => r.kind === 'requests');
      const item = list?.kind === 'requests' ? list.view.items.find((i) => i.cancellable) : undefined;
      return { requestId: item?.requestId };
    }
  }
}

async function expectRequests(h: ConversationHarness, step: Step, where: string): Promise<void> {
  const { person, expect: expected } = step.requestsOf!;
  const stored = await h.app.engine.requestsOf(PEOPLE[person].id);
  expect(stored.length, `${where}: requests of ${person}`).toBe(expected.length);
  expected.forEach((want, i) => {
    const got = stored[i]!;
    const actual: Record<string, unknown> = {};
    const wanted: Record<string, unknown> = {};
    if (want.kind) [actual.kind, wanted.kind] = [got.kind, want.kind];
    if (want.rights) [actual.rights, wanted.rights] = [got.rights, want.rights];
    if (want.grantee) [actual.grantee, wanted.grantee] = [got.granteeId, PEOPLE[want.grantee].id];
    if (want.target) [actual.target, wanted.target] = [got.targetId, TARGETS[want.target]];
    if (want.duration) [actual.duration, wanted.duration] = [got.duration, want.duration];
    if (want.until) [actual.until, wanted.until] = [got.until, want.until];
    if (want.state) [actual.state, wanted.state] = [got.state, want.state];
    expect(actual, where).toEqual(wanted);
  });
}
