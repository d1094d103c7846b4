import { isBotError } from '../domain/errors.js';
import type { Core } from './core.js';
import { offerChoice } from './open-question.js';
import type { Turn } from './turn.js';
import type { Draft } from './types.js';
import { t } from './wording/strings.js';

/**
 * After "I could not find …": the names close to the one not found (`Directory.suggestNames`: a typo,
 * the start of a word), offered as the choice a name with namesakes gets (buttons, or an option typed
 * back), asked "Did you mean …?" / "Bedoel je …?". Nothing is acted on until one is picked; a name
 * typed instead is looked up as an answer (`Draft.nearNames`). `text` is the name as the person wrote
 * it. `true` when a choice was offered (the draft saved, awaiting `slot`); `false` when no name is
 * close, the directory offers none, or it cannot be reached (the hint is left out, the refusal stands).
 */
export async function offerNearNames(core: Core, turn: Turn, draft: Draft, slot: 'grantee' | 'target', text: string): Promise<boolean> {
  let ids: string[];
  try {
    ids = (await core.directory.suggestNames?.(text, slot === 'grantee' ? 'users' : 'targets')) ?? [];
  } catch (error) {
    if (!isBotError(error, 'directory_unavailable')) throw error;
    turn.log.warn({ code: error.code, slot }, 'near names left out: directory unavailable');
    return false;
  }
  if (ids.length === 0) return false;
  const { lang } = turn.audience;
  const [labels, names] = await Promise.all([
    Promise.all(ids.map((id) => turn.names.labelled(id))),
    Promise.all(ids.map(async (id) => (slot === 'grantee' ? turn.names.person(id) : (await turn.names.target(id)).name))),
  ]);
  draft.nearNames = true;
  await offerChoice(core, turn, draft, { awaiting: slot, slot, values: ids, labels, question: t(lang, 'reply.didYouMean', { names: orList(names, lang) }) });
  return true;
}

/** Words that say yes (English and Dutch): "yes", "ja", "klopt", "that's right". */
const YES = new Set(['yes', 'yeah', 'yep', 'yup', 'sure', 'correct', 'right', 'exactly', 'indeed', 'ja', 'jep', 'jazeker', 'jawel', 'klopt', 'precies', 'inderdaad', 'zeker']);
/** Words around a yes that add nothing to it: "yes please", "that's the one", "ja, die bedoel ik". */
const AROUND_YES = new Set(['please', 'pls', 'thanks', 'thank', 'you', 'ok', 'okay', 'that', 'thats', 's', 'is', 'it', 'the', 'one', 'i', 'mean', 'graag', 'dank', 'je', 'bedankt', 'dat', 'die', 'het', 'bedoel', 'ik', 'dus', 'oke']);

/**
 * Whether `text` only says yes ("yes", "yes please", "that's right", "ja", "klopt"): the answer to
 * "Did you mean Training?" when it offered that one name.
 */
export function saysYes(text: string): boolean {
  const words = text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/['’]/g, '').split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return words.some((w) => YES.has(w)) && words.every((w) => YES.has(w) || AROUND_YES.has(w));
}

/** "Training", "Sales Benelux or Sales DACH", "A, B or C" (nl "A, B of C"). */
function orList(names: string[], lang: Turn['audience']['lang']): string {
  if (names.length < 2) return names[0] ?? '';
  return t(lang, 'list.or', { rest: names.slice(0, -1).join(', '), last: names[names.length - 1]! });
}
