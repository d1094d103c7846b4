import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { replyMessage } from '../../../src/channels/slack/reply-blocks.js';
import type { Reply } from '../../../src/conversation/types.js';
import type { PostedMessage } from '../../fakes/slack-api-fake.js';
import { findButton } from '../../fakes/slack-requests.js';
import { expectReply } from '../../conversation/harness.js';
import { PEOPLE, SPEC_SCRIPTS, TARGETS, type Person, type Script, type Step } from '../../conversation/scripts/spec-conversations.js';
import { DIRECTORY, slackHarness, type SlackHarness, type SlackPersonFixture } from './harness.js';

/** Every person of the scripts as a member of the Slack workspace, with their directory mail as profile email. */
const mails = new Map((JSON.parse(readFileSync(DIRECTORY, 'utf8')) as { users: { id: string; mail: string }[] }).users.map((u) => [u.id, u.mail]));
const inSlack = Object.fromEntries(
  Object.entries(PEOPLE).map(([key, p]) => [key, { id: `U0${key.toUpperCase().slice(0, 8)}`, name: p.name, email: mails.get(p.id)!, locale: p.locale, aad: p.id }]),
) as Record<Person, SlackPersonFixture>;

/** The words a person reads in Block Kit: every text object, entities decoded. */
function wordsOfBlocks(blocks: unknown): string {
  const texts: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if ((object.type === 'mrkdwn' || object.type === 'plain_text') && typeof object.text === 'string') texts.push(object.text);
      else Object.values(object).forEach(walk);
    }
  };
  walk(blocks);
  return texts.join('\n').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * Replays the channel-neutral scripts of SPEC section 2 (test/conversation/scripts) through Slack:
 * each step is a signed DM, button click or modal submission to /slack/events; the core's replies
 * must be the script's, each laid out in Block Kit and posted (or written over the clicked message)
 * in the person's DM, showing the script's words.
 */
describe('the conversations of SPEC section 2, through Slack', () => {
  let h: SlackHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  for (const script of SPEC_SCRIPTS) {
    it(`[${script.lang}] ${script.name}`, async () => {
      h = await slackHarness({}, { people: Object.values(inSlack) });
      await play(h, script);
    });
  }
});

async function play(h: SlackHarness, script: Script): Promise<void> {
  const recorded: Reply[][] = [];
  const conversation = h.slack.conversation;
  const handleText = conversation.handleText.bind(conversation);
  const handleAction = conversation.handleAction.bind(conversation);
  conversation.handleText = async (input) => record(await handleText(input));
  conversation.handleAction = async (input) => record(await handleAction(input));
  function record(replies: Reply[]): Reply[] {
    recorded.push(replies);
    return replies;
  }

  for (const [index, step] of script.steps.entries()) {
    const where = `${script.name}, step ${index + 1}`;
    const person = inSlack[step.as];
    setLocale(h, person, step.locale ?? PEOPLE[step.as].locale);
    const turnsBefore = recorded.length;
    const versionsBefore = snapshot(h);
    if (step.say !== undefined) expect((await h.dm(person, step.say)).status, where).toBe(200);
    else await click(h, step, person, where);
    expect(recorded.length, `${where}: one turn reached the core`).toBe(turnsBefore + 1);
    const replies = recorded.at(-1)!;
    expect(replies.map((r) => r.kind), where).toEqual(step.replies.map((r) => r.kind));
    const shown = shownSince(h, person, versionsBefore);
    step.replies.forEach((expected, i) => {
      const reply = replies[i]!;
      expectReply(reply, expected, where);
      // Laid out in Block Kit and posted (or written over the clicked message) in the person's DM.
      const laidOut = JSON.stringify(replyMessage(reply).blocks);
      const posted = shown.find((blocks) => JSON.stringify(blocks) === laidOut);
      expect(posted, `${where}: reply ${i + 1} (${reply.kind}) shown in Slack`).toBeDefined();
      for (const words of expected.includes ?? []) expect(wordsOfBlocks(posted), where).toContain(words);
    });
    if (step.requestsOf) await expectRequests(h, step, where);
  }
  expect(h.fake.violations).toEqual([]);
}

function setLocale(h: SlackHarness, person: SlackPersonFixture, locale: string): void {
  const user = h.fake.users.get(person.id)!;
  if (user.locale === locale) return;
  user.locale = locale;
  h.slack.identities.forget(person.id);
}

/** How many versions each message had before the step. */
function snapshot(h: SlackHarness): Map<PostedMessage, number> {
  return new Map(h.fake.messages.map((m) => [m, m.versions.length]));
}

/** Blocks posted or updated in the person's DM since `before`. */
function shownSince(h: SlackHarness, person: SlackPersonFixture, before: Map<PostedMessage, number>): unknown[] {
  return h.inbox(person).flatMap((m) => m.versions.slice(before.get(m) ?? 0).map((v) => v.blocks));
}

async function click(h: SlackHarness, step: Step, person: SlackPersonFixture, where: string): Promise<void> {
  const action = step.click!;
  const inbox = [...h.inbox(person)].reverse();
  switch (action.verb) {
    case 'approve':
    case 'reject': {
      const [request] = await h.app.engine.awaitingDecisionBy(person.aad);
      const message = inbox.find((m) => findButton(m.blocks, action.verb)?.value === JSON.stringify({ requestId: request?.id }));
      expect(message, `${where}: an approval request in the DM`).toBeDefined();
      await h.click(person, message!, action.verb);
      if (action.verb === 'reject') await h.submitReject(person, null);
      return;
    }
    case 'choose': {
      const message = inbox.find((m) => m.blocks.some((b: any) => b.type === 'actions' && b.elements?.some((e: any) => String(e.action_id).startsWith('choose'))));
      expect(message, `${where}: a choice in the DM`).toBeDefined();
      const buttons = message!.blocks.flatMap((b: any) => (b.type === 'actions' ? b.elements : [])).filter((e: any) => String(e.action_id).startsWith('choose'));
      await h.click(person, message!, buttons[action.option].action_id);
      return;
    }
    case 'cancel': {
      const message = inbox.find((m) => m.blocks.some((b: any) => String(b.accessory?.action_id).startsWith('cancel')));
      expect(message, `${where}: a request list with Cancel`).toBeDefined();
      const button = message!.blocks.map((b: any) => b.accessory).find((a: any) => String(a?.action_id).startsWith('cancel'));
      await h.click(person, message!, button.action_id);
      return;
    }
  }
}

async function expectRequests(h: SlackHarness, step: Step, where: string): Promise<void> {
  const { person, expect: expected } = step.requestsOf!;
  const stored = await h.app.engine.requestsOf(PEOPLE[person].id);
  expect(stored.length, `${where}: requests of ${person}`).toBe(expected.length);
  expected.forEach((want, i) => {
    const got = stored[i]!;
    const pick = <T>(wanted: T | undefined, actual: unknown) => (wanted === undefined ? undefined : actual);
    expect(
      { kind: pick(want.kind, got.kind), rights: pick(want.rights, got.rights), grantee: pick(want.grantee, got.granteeId), target: pick(want.target, got.targetId), duration: pick(want.duration, got.duration), until: pick(want.until, got.until), state: pick(want.state, got.state) },
      where,
    ).toEqual({
      kind: want.kind,
      rights: want.rights,
      grantee: want.grantee && PEOPLE[want.grantee].id,
      target: want.target && TARGETS[want.target],
      duration: want.duration,
      until: want.until,
      state: want.state,
    });
  });
}
