import type { Lang } from '../../conversation/types.js';
import { t } from '../../conversation/wording/index.js';
import { mrkdwn, plain } from './blocks.js';
import { escapeSlack } from './escape.js';

/** The modal's `callback_id`; its submission is a `view_submission` with this id. */
export const REJECT_CALLBACK_ID = 'reject_reason';
export const REASON_BLOCK_ID = 'reason';
export const REASON_ACTION_ID = 'reason';
/** As long as a reason may be on the card (the core keeps 500 characters). */
export const REASON_MAX_LENGTH = 500;

/**
 * Where a Reject click came from, carried through the modal in `private_metadata` (Slack returns it
 * with the submission): the request the button named and the message to replace with the outcome.
 * Only the request id reaches the core, which checks it and the verified user; the message is ours.
 */
export interface RejectOrigin {
  requestId: string;
  channel: string;
  ts: string;
}

/**
 * The modal a Reject click opens (`views.open`, with the click's trigger, which lives 3 seconds: it
 * is built from the click alone, before anything slow): an optional reason and Reject / Cancel.
 */
export function rejectModal(origin: RejectOrigin, lang: Lang): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: REJECT_CALLBACK_ID,
    private_metadata: JSON.stringify(origin),
    title: plain(t(lang, 'slack.reject.title'), 24),
    submit: plain(t(lang, 'slack.reject.submit'), 24),
    close: plain(t(lang, 'slack.reject.close'), 24),
    blocks: [
      { type: 'section', text: mrkdwn(t(lang, 'slack.reject.intro', { requestId: escapeSlack(origin.requestId, 80) })) },
      {
        type: 'input',
        block_id: REASON_BLOCK_ID,
        optional: true,
        label: plain(t(lang, 'slack.reject.reason'), 2000),
        element: { type: 'plain_text_input', action_id: REASON_ACTION_ID, multiline: true, max_length: REASON_MAX_LENGTH },
      },
    ],
  };
}

/** The origin back from a submission's `private_metadata`, or undefined when it is not ours. */
export function rejectOrigin(privateMetadata: unknown): RejectOrigin | undefined {
  if (typeof privateMetadata !== 'string' || privateMetadata.length > 3000) return undefined;
  try {
    const value = JSON.parse(privateMetadata) as Record<string, unknown>;
    const { requestId, channel, ts } = value;
    if (typeof requestId !== 'string' || typeof channel !== 'string' || typeof ts !== 'string') return undefined;
    if (requestId.length > 100 || !/^[CDG][A-Z0-9]{2,20}$/.test(channel) || !/^\d{1,12}\.\d{1,8}$/.test(ts)) return undefined;
    return { requestId, channel, ts };
  } catch {
    return undefined;
  }
}

/** The typed reason of a submission (`view.state.values`), or '' when none was given. */
export function submittedReason(view: { state?: { values?: Record<string, Record<string, { value?: string | null }>> } }): string {
  const value = view.state?.values?.[REASON_BLOCK_ID]?.[REASON_ACTION_ID]?.value;
  return typeof value === 'string' ? value.slice(0, REASON_MAX_LENGTH * 2) : '';
}
