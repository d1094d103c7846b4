/**
 * Stage 5: mentions. Names found against the directory (people, shared mailboxes, groups), the
 * requester ("me", "ik", "my"), other pronouns ("her", "his mailbox"), and coordinated names ("Megan
 * and Alex"). Lexicon words are not names on their own unless written as a name mid-sentence ("give
 * Grant send-as" finds Grant Wilson).
 */
import type { Directory, DirectoryUser, MailTarget } from '../directory/directory.js';
import {
  ALSO_JOINERS,
  COORDINATORS,
  EITHER_JOINERS,
  GROUP_WORDS,
  INNER_WORDS,
  LEXICON_WORDS,
  MAILBOX_WORDS,
  NAME_PARTICLES,
  NEVER_NAME,
  OTHER_POSSESSIVE,
  OTHER_PRONOUNS,
  QUERY_TOPIC,
  SELF_OBJECT,
  SELF_POSSESSIVE,
  SELF_SUBJECT,
  SUBJECT_BEFORE,
  SUBJECT_FILLERS,
  WORD_NAMES,
} from './lexicon.js';
import type { RightMention } from './right-phrases.js';
import type { Token } from './tokens.js';

const MAX_NGRAM = 5;

/** A name from the directory, a name-like word it does not know, the requester, or another pronoun. */
export type MentionKind = 'name' | 'unknown' | 'self' | 'pronoun';
/** A span of tokens that names a person, mailbox or group (or the requester, or a pronoun). */
export interface Mention {
  start: number;
  /** Exclusive token index. */
  end: number;
  text: string;
  kind: MentionKind;
  users: DirectoryUser[];
  targets: MailTarget[];
  possessive: boolean;
  /** Coordinated names ("Megan and Alex"): every part counts. */
  parts?: Mention[];
  /** A person the channel marked in the text (a Slack `<@U…>`, `findMarked`); on coordinated names, the last part. */
  marked?: boolean;
}

async function lookup(directory: Directory, key: string): Promise<{ users: DirectoryUser[]; targets: MailTarget[] }> {
  if (directory.findNamed) return directory.findNamed(key);
  // Sequential awaits: cheaper than Promise.all for in-memory lookups, same for remote ones that cache.
  const users = await directory.findUsers(key);
  const targets = await directory.findTargets(key);
  return { users, targets };
}

/**
 * Whether `tokens[i]` may be (the end of) a name. A lexicon word counts as a name only when capitalised
 * mid-sentence ("give Grant send-as"); capitals tell names from words only when the writer uses them at all.
 */
function nameable(tokens: Token[], i: number, writesCapitals: boolean): boolean {
  const t = tokens[i]!;
  if (t.mail) return true;
  if (!LEXICON_WORDS.has(t.norm)) {
    // "I hope you can ..." is not Hope Adeyemi when names are written with capitals.
    return !(writesCapitals && !t.cap && WORD_NAMES.has(t.norm));
  }
  if (!t.cap || t.raw.length < 2 || NEVER_NAME.has(t.norm)) return false;
  // "give Grant send-as": a capitalised lexicon word mid-sentence; "Will needs ...": at the start before a verb.
  let v = i + 1;
  while (v < tokens.length && v <= i + 3 && SUBJECT_FILLERS.has(tokens[v]!.norm)) v++;
  return !t.sentenceStart || SUBJECT_BEFORE.has(tokens[v]?.norm ?? '');
}

/**
 * The names in `tokens` not already `used` by right phrases: for each position the longest run of up to
 * five words the directory's index knows (`findNamed` or `findUsers` + `findTargets`), exact after
 * normalisation; name-like words it does not know become `unknown` mentions, so the bot can ask.
 */
export async function findMentions(tokens: Token[], used: boolean[], directory: Directory, text: string): Promise<Mention[]> {
  const mentions: Mention[] = [];
  const writesCapitals = tokens.some((t) => t.cap && !t.sentenceStart);
  // The unknown name being read: already in `mentions`, and the next word may still extend it.
  let unknownRun: Mention | undefined;
  for (let i = 0; i < tokens.length; ) {
    const first = tokens[i]!;
    // A multi-word name may start with a lexicon word ("Team Noord", "All Company", "help desk"): it is
    // looked up whole, never on its own.
    const startable =
      nameable(tokens, i, writesCapitals) ||
      WORD_NAMES.has(first.norm) ||
      NAME_PARTICLES.has(first.norm) ||
      ((first.cap || !writesCapitals || GROUP_WORDS.has(first.norm) || MAILBOX_WORDS.has(first.norm)) && !NEVER_NAME.has(first.norm));
    if (used[i] || !startable) {
      unknownRun = undefined;
      i++;
      continue;
    }
    let hit: Mention | undefined;
    // A mail local part typed alone: "jan.devries", "sales.benelux" (words joined by dots, no spaces).
    let dotted = i;
    while (dotted + 1 < tokens.length && text.slice(tokens[dotted]!.start + tokens[dotted]!.raw.length, tokens[dotted + 1]!.start) === '.') dotted++;
    if (!first.mail && dotted > i) {
      const key = tokens.slice(i, dotted + 1).map((t) => t.norm).join('.');
      const r = await lookup(directory, key);
      if (r.users.length || r.targets.length) {
        hit = { start: i, end: dotted + 1, text: key, kind: 'name', ...r, possessive: tokens[dotted]!.possessive };
      }
    }
    if (!hit && first.mail) {
      const r = await lookup(directory, first.norm);
      hit = { start: i, end: i + 1, text: first.raw, kind: 'name', ...r, possessive: false };
      if (!r.users.length && !r.targets.length) hit.kind = 'unknown';
    } else if (!hit) {
      // Inner words may be anything ("Sales and Marketing", "Team van de Week"); the ends must be nameable.
      let maxLen = 0;
      while (maxLen < MAX_NGRAM && i + maxLen < tokens.length) {
        const t = tokens[i + maxLen]!;
        if (used[i + maxLen] || t.mail || (maxLen > 0 && t.breakBefore)) break;
        // Inside a longer name an everyday word is part of it ("jan bakker"); only alone is it a word.
        // The first word passed `startable`: a lexicon word may open a longer name ("help desk"), never be one alone (below).
        if (maxLen > 0 && !nameable(tokens, i + maxLen, writesCapitals) && !NAME_PARTICLES.has(t.norm) && !INNER_WORDS.has(t.norm) && !WORD_NAMES.has(t.norm)) break;
        maxLen++;
        if (t.possessive) break;
      }
      for (let len = maxLen; len >= 1 && !hit; len--) {
        const last = tokens[i + len - 1]!;
        if ((NAME_PARTICLES.has(last.norm) || INNER_WORDS.has(last.norm)) && (len === 1 || !nameable(tokens, i + len - 1, writesCapitals))) continue;
        if (len === 1 && !nameable(tokens, i, writesCapitals)) continue;
        const key = tokens.slice(i, i + len).map((t) => t.norm).join(' ');
        let r = await lookup(directory, key);
        // "Events and Outreach" for "Events & Outreach", and the other way round.
        if (!r.users.length && !r.targets.length && len >= 2) {
          const alternative = / (and|en) /.test(key) ? key.replace(/ (and|en) /g, ' ') : len === 2 && /&/.test(text.slice(tokens[i]!.start, tokens[i + 1]!.start)) ? key.replace(' ', ' and ') : undefined;
          if (alternative) r = await lookup(directory, alternative);
        }
        // Two words for a name the directory writes as one: "Help Desk" for Helpdesk, "Info Desk" for Infodesk.
        if (!r.users.length && !r.targets.length && len === 2) r = await lookup(directory, key.replace(' ', ''));
        if (r.users.length || r.targets.length) {
          hit = { start: i, end: i + len, text: rawSpan(tokens, i, i + len), kind: 'name', ...r, possessive: last.possessive };
        }
      }
      // Dutch and hurried English possessives without an apostrophe: "Megans postvak", "Thomass mailbox",
      // "haal Megans verzenden als weg" (a right phrase, already taken out, right after).
      const next = tokens[i + 1];
      if (!hit && maxLen >= 1 && first.norm.length > 3 && first.norm.endsWith('s') && next && (MAILBOX_WORDS.has(next.norm) || used[i + 1])) {
        const r = await lookup(directory, first.norm.slice(0, -1));
        if (r.users.length) hit = { start: i, end: i + 1, text: first.raw, kind: 'name', users: r.users, targets: [], possessive: true };
      }
    }
    if (hit) {
      unknownRun = undefined;
      mentions.push(hit);
      i = hit.end;
      continue;
    }
    // Not in the directory: a name-like word becomes (part of) an unknown name, so the bot can ask.
    if (!LEXICON_WORDS.has(first.norm) && /^\p{L}[\p{L}'’-]*$/u.test(first.raw) && first.norm.length >= 2) {
      if (unknownRun && unknownRun.end === i && !first.breakBefore && unknownRun.end - unknownRun.start < 3 && !unknownRun.possessive) {
        unknownRun.end = i + 1;
        unknownRun.text = rawSpan(tokens, unknownRun.start, i + 1);
        unknownRun.possessive = first.possessive;
      } else {
        unknownRun = { start: i, end: i + 1, text: first.raw, kind: 'unknown', users: [], targets: [], possessive: first.possessive };
        mentions.push(unknownRun);
      }
    } else unknownRun = undefined;
    i++;
  }
  return joinNameParts(mentions, tokens);
}

/** A name that found people only (not typed as a mail address), or a word the directory does not know. */
const people = (x: Mention, tokens: Token[]) => x.kind === 'name' && x.users.length > 0 && x.targets.length === 0 && !tokens[x.start]!.mail;
const looseWord = (x: Mention, tokens: Token[]) => x.kind === 'unknown' && !tokens[x.start]!.mail;

/**
 * "Alex Jansen" where no one has exactly that name but "Alex" and "Jansen" each match people: one name
 * span, meaning the people who match both (or an unknown name when nobody does), never two people.
 */
function joinNameParts(mentions: Mention[], tokens: Token[]): Mention[] {
  const out: Mention[] = [];
  for (const m of mentions) {
    const prev = out.at(-1);
    const adjacent = prev && prev.end === m.start && !tokens[m.start]!.breakBefore && !prev.possessive;
    // "Sanne Jansen" when nobody is called Sanne: one unknown name, not an unknown word beside a Jansen.
    if (adjacent && ((looseWord(prev, tokens) && people(m, tokens)) || (people(prev, tokens) && looseWord(m, tokens)))) {
      out[out.length - 1] = {
        start: prev.start, end: m.end, text: rawSpan(tokens, prev.start, m.end), kind: 'unknown', users: [], targets: [], possessive: m.possessive,
      };
      continue;
    }
    if (adjacent && people(prev, tokens) && people(m, tokens)) {
      // A common first name and a common surname each match hundreds: no array in between.
      const ids = new Set<string>();
      for (const u of m.users) ids.add(u.id);
      const both = prev.users.filter((u) => ids.has(u.id));
      out[out.length - 1] = {
        start: prev.start,
        end: m.end,
        text: rawSpan(tokens, prev.start, m.end),
        kind: both.length ? 'name' : 'unknown',
        users: both,
        targets: [],
        possessive: m.possessive,
      };
      continue;
    }
    out.push(m);
  }
  return out;
}

export function rawSpan(tokens: Token[], start: number, end: number): string {
  return tokens
    .slice(start, end)
    .map((t) => t.raw)
    .join(' ');
}
/** The name a possessive pronoun right after it belongs to. */
export function ownerOf(pronoun: Mention, named: Mention[]): Mention | undefined {
  return named.find((n) => n.end === pronoun.start && n.kind === 'name' && !n.possessive);
}

/** "me", "I", "my mailbox", "her", "his mailbox": the requester, or someone the bot has to ask about. */
export function findPronouns(tokens: Token[], used: boolean[], rights: RightMention[]): Mention[] {
  const pronounMentions: Mention[] = [];
  tokens.forEach((t, i) => {
    if (used[i]) return;
    const next = tokens[i + 1];
    const nextIsNounOrRight =
      !!next && (MAILBOX_WORDS.has(next.norm) || rights.some((r) => r.start === i + 1) || QUERY_TOPIC.has(next.norm));
    if (SELF_OBJECT.has(t.norm) || SELF_SUBJECT.has(t.norm)) {
      pronounMentions.push({ start: i, end: i + 1, text: t.raw, kind: 'self', users: [], targets: [], possessive: false });
    } else if (SELF_POSSESSIVE.has(t.norm) && nextIsNounOrRight) {
      pronounMentions.push({ start: i, end: i + 1, text: t.raw, kind: 'self', users: [], targets: [], possessive: true });
    } else if (OTHER_POSSESSIVE.has(t.norm) && nextIsNounOrRight) {
      pronounMentions.push({ start: i, end: i + 1, text: t.raw, kind: 'pronoun', users: [], targets: [], possessive: true });
    } else if (OTHER_PRONOUNS.has(t.norm) && t.norm !== 'ons') {
      pronounMentions.push({ start: i, end: i + 1, text: t.raw, kind: 'pronoun', users: [], targets: [], possessive: false });
    }
    if (pronounMentions.at(-1)?.start === i) used[i] = true;
  });
  return pronounMentions;
}

/** Whether the words `between` two names are one of `joiners` ("as well as", "evenals", "or"). */
const joinedBy = (joiners: readonly (readonly string[])[], between: readonly Token[]) =>
  joiners.some((words) => words.length === between.length && words.every((w, i) => between[i]!.norm === w));

/**
 * "Megan and Alex", "Megan, Alex", "Megan as well as Alex", "Training or Support" (mailboxes and groups
 * only: `EITHER_JOINERS`), and marked people side by side ("<@Megan> <@Alex>" in Slack): one mention
 * with several `parts`, so the bot never picks one silently, nor drops the second.
 */
export function coordinate(mentions: Mention[], tokens: Token[], text: string): Mention[] {
  const out: Mention[] = [];
  for (const m of mentions) {
    const prev = out.at(-1);
    if (prev && !(m.kind === 'self' && m.possessive) && !(prev.kind === 'self' && prev.possessive)) {
      const between = tokens.slice(prev.end, m.start);
      const gapText = text.slice(tokens[prev.end - 1]!.start + tokens[prev.end - 1]!.raw.length, tokens[m.start]!.start);
      const bothNames = prev.kind === 'name' && m.kind === 'name';
      // "Training or Sales" asks about one of two mailboxes or groups; "Megan or Diego" stays unjoined.
      const either = [prev, m].some(isTargetOnly) && [prev, m].every((x) => isTargetOnly(x) || x.kind === 'unknown');
      const joined =
        (between.length === 1 && COORDINATORS.has(between[0]!.norm)) ||
        joinedBy(ALSO_JOINERS, between) ||
        (either && joinedBy(EITHER_JOINERS, between)) ||
        (between.length === 0 && /^\s*(&|\+|and|en)\s*$/i.test(gapText)) ||
        (between.length === 0 && /^\s*,\s*$/.test(gapText) && bothNames) ||
        // "<@Megan> <@Zoë>": Slack's autocomplete puts only a space between mentions, and each one is a
        // person of its own, so two marked people side by side are a list. Typed names side by side
        // ("Megan Bowen") stay one name.
        (between.length === 0 && /^\s+$/.test(gapText) && prev.marked === true && m.marked === true);
      const sameSort = (isTargetOnly(prev) === isTargetOnly(m) || prev.kind === 'unknown' || m.kind === 'unknown') && !prev.possessive;
      if (joined && sameSort) {
        const parts = [...(prev.parts ?? [prev]), ...(m.parts ?? [m])];
        out[out.length - 1] = {
          ...m,
          start: prev.start,
          text: `${prev.text}${gapText.trim() === ',' ? ', ' : ` ${gapText.trim() || 'and'} `}${m.text}`,
          parts,
          possessive: m.possessive,
        };
        continue;
      }
    }
    out.push(m);
  }
  return out;
}
/** A name that is only a mailbox or group: never a grantee. */
export const isTargetOnly = (m: Mention) => m.kind === 'name' && m.users.length === 0 && m.targets.length > 0;
/** A person, or a word that may be one. */
export const isPersonish = (m: Mention) => m.kind !== 'name' || m.users.length > 0;
