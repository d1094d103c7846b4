import type { Core } from './core.js';
import type { Turn } from './turn.js';
import type { Draft, Slot } from './types.js';
import { t } from './wording/strings.js';

/**
 * Opens a new question on `draft`: the slot it asks for, the values a choice may pick (none: a typed
 * question), and a new `step`, the draft's count of questions asked (1, 2, ...). A choice's buttons
 * carry the step, so a click on an earlier card of the same draft ("Jan Bakker or Jan de Vries?" for
 * the grantee, clicked after the mailbox is asked with the same two names) is told apart from a click
 * on the one open now (`answersOpenQuestion`). The caller saves the draft. Returns the step.
 */
export function openQuestion(draft: Draft, slot: NonNullable<Draft['awaiting']>, options?: readonly string[]): number {
  draft.awaiting = slot;
  if (options) draft.options = [...options];
  else delete draft.options;
  draft.step = (draft.step ?? 0) + 1;
  return draft.step;
}

/**
 * Whether a click's `step` (from the button, untrusted: a number or digit string) is the draft's open
 * question. A button without one (sent before steps existed), or a draft without one (opened then),
 * cannot be matched to the question now open: refused as a choice no longer open, the safe side.
 */
export function answersOpenQuestion(draft: Draft, rawStep: unknown): boolean {
  if (draft.step === undefined) return false;
  const step = typeof rawStep === 'number' ? rawStep : typeof rawStep === 'string' && /^\d{1,9}$/.test(rawStep) ? Number(rawStep) : NaN;
  return step === draft.step;
}

/**
 * Opens a choice on `draft` (`openQuestion` for `awaiting`, with `values` as what each pick answers),
 * saves the draft and answers with the choice: `question` above one button per value, labelled by
 * `labels` (same order), for the reply's `slot`. Whatever else the draft should hold is set before.
 */
export async function offerChoice(
  core: Core,
  turn: Turn,
  draft: Draft,
  choice: { awaiting: NonNullable<Draft['awaiting']>; slot: Slot; values: readonly string[]; labels: readonly string[]; question: string },
): Promise<void> {
  const step = openQuestion(draft, choice.awaiting, choice.values);
  await core.drafts.saveDraft(draft);
  const options = choice.labels.map((label, pick) => ({ label, pick }));
  turn.replies.push({ kind: 'choice', slot: choice.slot, draftId: draft.id, step, title: t(turn.audience.lang, 'choose.title'), question: choice.question, options });
}
