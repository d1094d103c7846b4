import { createRequire } from 'node:module';

// The ESM build of adaptivecards has extensionless imports Node cannot resolve; the UMD bundle works.
const require = createRequire(import.meta.url);
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

/**
 * Parses a card with the `adaptivecards` library and returns every parse and validation event,
 * plus a complaint for any unexpanded `${` template binding. Empty means the card is clean.
 */
export function cardProblems(card: unknown): string[] {
  const problems: string[] = [];
  const json = JSON.stringify(card);
  if (json.includes('${')) problems.push(`unexpanded binding in ${json.slice(json.indexOf('${') - 40, json.indexOf('${') + 40)}`);
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  parsed.parse(card as object, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const event of parsed.validateProperties().validationEvents) problems.push(`validate: ${event.message}`);
  return problems;
}
