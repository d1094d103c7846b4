/**
 * Stage 2: fixed shapes. Takes out the parts of a message with a fixed shape before any word is read as
 * a name or a right: the request id (REQ-7K2F9), "without automapping", the reason ("because ...",
 * "omdat ..."), and durations or end dates (`dates.ts`). Their words are blanked in place (same length).
 */
import { extractTimeSpan, type UnreadEnd } from './dates.js';
import type { PeriodChoice, PeriodOption, Understanding, UnderstandOptions } from './types.js';

const MAX_REASON = 500;
const REQUEST_REF_RE = /(?<![\p{L}\p{N}])REQ-[A-Z0-9]{5,}(?![\p{L}\p{N}])/iu;
const AUTOMAPPING_RE =
  /(?<![\p{L}])(?:without|w\/o|no|zonder|geen|disable|disabled|uit|turn\s+off|not?\s+using)\s+(?:the\s+|de\s+)?auto[\s-]?(?:mapping|map|mappen)(?![\p{L}])|(?<![\p{L}])auto[\s-]?(?:mapping|map)\s+(?:off|uit|disabled|uitgeschakeld)(?![\p{L}])/iu;
const REASON_RE = /(?<![\p{L}])(because|cause|coz|cuz|so\s+that|reason\s*:|the\s+reason\s+is|omdat|vanwege|aangezien|zodat|wegens|reden\s*:|i\.v\.m\.|ivm|want)(?![\p{L}])/iu;

function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + ' '.repeat(Math.max(0, end - start)) + text.slice(end);
}

/**
 * Takes out the parts with a fixed shape, so their words are not read as names or rights: the request
 * id, "without automapping", the reason (its words never negate or name anything), durations and dates.
 * Fills those fields of `result`; returns the rest of the text, blanked in place.
 */
export function takeOutFixedShapes(
  text: string,
  result: Understanding,
  options: UnderstandOptions,
): {
  rest: string;
  ref: boolean;
  unreadTime: boolean;
  unreadEnd?: UnreadEnd;
  /** A time a removal now and for good cannot keep ("from Monday", "for 2 weeks"): `TimeSpan.revokeTime`. */
  revokeTime?: UnreadEnd;
  period?: { why: PeriodChoice['why']; options: PeriodOption[] };
} {
  let work = text;
  const lang = result.language;
  const ref = REQUEST_REF_RE.exec(work);
  if (ref) {
    result.requestRef = ref[0].toUpperCase();
    work = blank(work, ref.index, ref.index + ref[0].length);
  }
  const am = AUTOMAPPING_RE.exec(work);
  if (am) {
    result.autoMapping = false;
    work = blank(work, am.index, am.index + am[0].length);
  }
  const reason = REASON_RE.exec(work);
  if (reason && !(reason[1]!.toLowerCase() === 'want' && lang !== 'nl')) {
    const before = work.slice(0, reason.index);
    const afterStart = reason.index + reason[0].length;
    let end = work.length;
    if (!before.trim()) {
      // "Because Megan is away, give Alex ..." : the reason runs to the first comma.
      const comma = work.slice(afterStart).search(/[,;]/);
      end = comma >= 0 ? afterStart + comma : work.length;
    }
    const said = work.slice(afterStart, end).replace(/^[\s:,-]+|[\s.!?]+$/g, '').replace(/^of\s+/i, '').trim();
    if (said) result.reason = said.slice(0, MAX_REASON).trim();
    work = blank(work, reason.index, end);
  }
  const span = extractTimeSpan(work, options.now, options.utcOffsetMinutes ?? 0, lang, options.locale);
  work = span.rest;
  const out = {
    rest: work,
    ref: ref !== null,
    unreadTime: span.unread,
    ...(span.unreadEnd ? { unreadEnd: span.unreadEnd } : {}),
    ...(span.revokeTime ? { revokeTime: span.revokeTime } : {}),
  };
  if (span.both || span.untilReadings) {
    // Both a period and an end date, or a date with two readings: neither is set; the choice goes back.
    const untils = span.untilReadings ?? (span.until ? [span.until] : []);
    const options: PeriodOption[] = [
      ...(span.both && span.duration ? [{ duration: span.duration, until: null }] : []),
      ...untils.map((until) => ({ duration: null, until })),
    ];
    return { ...out, period: { why: span.both ? 'duration_and_until' : 'day_month_order', options } };
  }
  result.duration = span.duration;
  result.until = span.until;
  return out;
}

