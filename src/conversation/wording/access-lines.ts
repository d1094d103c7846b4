import type { Audience } from '../types.js';
import { formatEnd } from './format.js';
import { t } from './strings.js';

/**
 * One holder (in "who has access to X") or one right (in "what can Y access") of an access row:
 * its name (escaped), when it ends (epoch ms; none: it has no end date) and what the bot is still
 * checking about it ("applied 09:00, effective by about 09:10"; already worded).
 */
export interface AccessEntry {
  name: string;
  endsAt?: number;
  note?: string;
}

/**
 * The value of one access row. Nothing to add to any entry: the names, "Megan Bowen, Alex Wilber".
 * Otherwise each entry says its own: "Full Access (read and manage): no end date; Send on Behalf:
 * until the end of Friday, 11 December 2026". Once one entry of the row has an end, every other one
 * says it has none, so no end is read as everyone's.
 */
export function accessLine(entries: readonly AccessEntry[], audience: Audience): string {
  const { lang } = audience;
  const anyEnd = entries.some((e) => e.endsAt !== undefined);
  if (!anyEnd && entries.every((e) => !e.note)) return entries.map((e) => e.name).join(', ');
  return entries
    .map((e) => {
      const end = e.endsAt !== undefined ? formatEnd(e.endsAt, audience) : anyEnd ? t(lang, 'access.noEnd') : '';
      const details = [end, e.note ?? ''].filter(Boolean).join(', ');
      return details ? t(lang, 'access.entry', { name: e.name, details }) : e.name;
    })
    .join('; ');
}

/** The earliest end among `ends` (epoch ms), or undefined when there is none: the first timed revoke removes the right. */
export function earliest(ends: readonly number[]): number | undefined {
  return ends.length ? Math.min(...ends) : undefined;
}
