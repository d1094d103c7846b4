/** What `normalizeName` returns unchanged: lower-case ASCII letters and digits, one space between words. */
const FOLDED = /^[a-z0-9]+(?: [a-z0-9]+)*$/;
const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;

/**
 * Folds a name or phrase for matching: lower case, no diacritics (Zoë -> zoe, Renée -> renee),
 * apostrophes dropped (O'Brien -> obrien), other punctuation turned into spaces, spaces collapsed.
 */
export function normalizeName(text: string): string {
  // Lookup keys are mostly folded already (the language layer builds them from folded words).
  if (FOLDED.test(text)) return text;
  // Printable ASCII has no diacritics, and once lower-cased its only letters and digits are a-z and 0-9:
  // the same steps as below without the Unicode decomposition (runs of other characters become one space).
  if (PRINTABLE_ASCII.test(text)) return text.toLowerCase().replace(/['`]/g, '').replace(/[^a-z0-9@.]+/g, ' ').trim();
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’`´‘]/g, '')
    .replace(/[^\p{L}\p{N}@.]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The keys a display name can be found by: full name, each word, and the name without spaces. */
export function nameKeys(displayName: string): string[] {
  const full = normalizeName(displayName).replace(/[@.]/g, ' ').replace(/\s+/g, ' ').trim();
  if (!full) return [];
  const words = full.split(' ');
  const keys = new Set<string>([full, full.replace(/ /g, '')]);
  for (const word of words) keys.add(word);
  // "Anne-Marie Jansen-Smit": also "annemarie" and "jansensmit", as people write them.
  if (/[-‐‑]/.test(displayName)) {
    for (const word of normalizeName(displayName.replace(/[-‐‑]/g, '')).replace(/[@.]/g, ' ').split(' ')) {
      if (word) keys.add(word);
    }
  }
  // "Henk de Jong": also "de jong" and "dejong" (Dutch surname prefixes).
  for (let i = 1; i < words.length - 1; i++) {
    const rest = words.slice(i).join(' ');
    keys.add(rest);
    keys.add(rest.replace(/ /g, ''));
  }
  return [...keys];
}

/** The keys a mail address can be found by: the whole address and its local part, folded. */
export function mailKeys(address: string): string[] {
  const lower = address.toLowerCase();
  const local = lower.split('@')[0] ?? '';
  return [lower, normalizeName(local)];
}

/** The keys a group or shared mailbox can be found by: its full name (with and without spaces) and its mail. */
export function targetKeys(displayName: string, mail: string): string[] {
  const full = normalizeName(displayName);
  return [full, full.replace(/ /g, ''), ...mailKeys(mail)];
}
