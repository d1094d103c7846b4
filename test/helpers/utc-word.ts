/**
 * "UTC" said as a word ("12:00 UTC", "(UTC)"), not inside an id: request and draft ids are drawn
 * from 23456789ABCDEFGHJKMNPQRSTUVWXYZ and may hold the letters U, T, C in a row ("REQ-BSGUTC").
 * `expect(text).not.toMatch(UTC_WORD)` checks that a time is written without a UTC label.
 */
export const UTC_WORD = /(?<![A-Z0-9])UTC(?![A-Z0-9])/;
