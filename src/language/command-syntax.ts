/**
 * PowerShell written into a chat message: the marks of a pasted or injected command, which no request
 * in words carries. A message with them is not read as a request at all (`understand` answers
 * `unknown`, so the bot says it did not understand): reading the words around them would either drop
 * part of what was written without a word ("-Confirm:$false") or mistake a parameter for an asking word
 * ("Confirm" reads as "check", which made a grant a who-has-access question). Cmdlet names themselves
 * ("Remove-Mailbox") are found on the tokens (`cmdletsIn`).
 */

/**
 * A parameter: a hyphen after a space (or at the start), then a capitalised name ("-Confirm", "-Identity",
 * "-WhatIf", as PowerShell writes them) or any name with a colon ("-confirm:"). Not a hyphen inside a word
 * ("send-as", "Anne-Marie", "REQ-7K2F9") nor a dash between words ("Support - please").
 */
const PARAMETER = /(?<![\p{L}\p{N}_-])-(?:[A-Z][A-Za-z]+(?![\p{L}\p{N}-])|[A-Za-z]+:)/u;
/** A variable or an expression: "$false", "$true", "$null", "$env:USER", "$_", "${x}", "$(Remove-Mailbox)". Not "$5". */
const VARIABLE = /\$[A-Za-z_{(]/;
/**
 * A quote that closes a string next to a statement separator: "...'; Remove-Mailbox", "x\"; ", "; 'x". A
 * lone quote ("O'Brien", "give Zoë 'send as'") or a lone semicolon ("...; she is new") is ordinary writing.
 */
const QUOTE_AND_SEPARATOR = /['"‘’“”`]\s*;|;\s*['"‘’“”`]/;

/**
 * Where PowerShell syntax starts in `text` (a cleaned message, `cleanInput`), as a UTF-16 offset, or
 * undefined when it has none: a parameter (`-Confirm:$false`, `-Identity x`), a variable or expression
 * (`$false`, `$(...)`), or a quote closing a string before or after a `;` (`'; Remove-Mailbox ...; '`).
 * The earliest of these. Pure; never throws.
 */
export function commandSyntaxAt(text: string): number | undefined {
  const at = [PARAMETER, VARIABLE, QUOTE_AND_SEPARATOR].map((re) => re.exec(text)?.index).filter((i) => i !== undefined);
  return at.length ? Math.min(...at) : undefined;
}
