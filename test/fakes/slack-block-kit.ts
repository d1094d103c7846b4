/**
 * The Block Kit rules Slack enforces on the blocks this bot sends, checked by the Web API fake the
 * way Slack answers `invalid_blocks`: block and element types, text objects, the documented length
 * limits, unique `block_id`s and `action_id`s. Sources: Slack's Block Kit reference (blocks, block
 * elements, composition objects) and its "Formatting text for app surfaces" page.
 */

type Json = Record<string, unknown>;

/** Where the blocks go: messages take 50 blocks, modals and the Home tab 100. */
export type Surface = 'message' | 'modal' | 'home';

const MAX_BLOCKS: Record<Surface, number> = { message: 50, modal: 100, home: 100 };

/** Problems with `blocks`; an empty list means Slack would accept them. */
export function blockKitProblems(blocks: unknown, surface: Surface): string[] {
  const problems: string[] = [];
  if (!Array.isArray(blocks)) return ['blocks is not an array'];
  if (blocks.length > MAX_BLOCKS[surface]) problems.push(`${blocks.length} blocks (at most ${MAX_BLOCKS[surface]} on a ${surface})`);
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  blocks.forEach((block, i) => {
    const at = `blocks[${i}]`;
    if (!isObject(block)) return void problems.push(`${at} is not an object`);
    if (block.block_id !== undefined) {
      if (!isText(block.block_id, 255)) problems.push(`${at}.block_id`);
      else if (blockIds.has(block.block_id as string)) problems.push(`${at}.block_id repeated`);
      else blockIds.add(block.block_id as string);
    }
    checkBlock(block, at, surface, problems, actionIds);
  });
  return problems;
}

function checkBlock(block: Json, at: string, surface: Surface, problems: string[], actionIds: Set<string>): void {
  switch (block.type) {
    case 'section':
      if (block.text === undefined && block.fields === undefined) problems.push(`${at}: section needs text or fields`);
      if (block.text !== undefined) textObject(block.text, `${at}.text`, 3000, problems);
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length > 10) problems.push(`${at}.fields: at most 10`);
        else block.fields.forEach((f, j) => textObject(f, `${at}.fields[${j}]`, 2000, problems));
      }
      if (block.accessory !== undefined) element(block.accessory, `${at}.accessory`, problems, actionIds);
      return;
    case 'header':
      textObject(block.text, `${at}.text`, 150, problems, 'plain_text');
      return;
    case 'divider':
      return;
    case 'context':
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10) problems.push(`${at}.elements: 1 to 10`);
      else block.elements.forEach((e, j) => textObject(e, `${at}.elements[${j}]`, 3000, problems));
      return;
    case 'actions':
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25) problems.push(`${at}.elements: 1 to 25`);
      else block.elements.forEach((e, j) => element(e, `${at}.elements[${j}]`, problems, actionIds));
      return;
    case 'input':
      if (surface === 'message') problems.push(`${at}: input blocks belong in modals`);
      textObject(block.label, `${at}.label`, 2000, problems, 'plain_text');
      element(block.element, `${at}.element`, problems, actionIds);
      if (block.optional !== undefined && typeof block.optional !== 'boolean') problems.push(`${at}.optional`);
      return;
    default:
      problems.push(`${at}: unknown block type ${String(block.type)}`);
  }
}

function element(value: unknown, at: string, problems: string[], actionIds: Set<string>): void {
  if (!isObject(value)) return void problems.push(`${at} is not an object`);
  if (value.action_id !== undefined) {
    if (!isText(value.action_id, 255)) problems.push(`${at}.action_id`);
    else if (actionIds.has(value.action_id as string)) problems.push(`${at}.action_id repeated`);
    else actionIds.add(value.action_id as string);
  }
  switch (value.type) {
    case 'button':
      textObject(value.text, `${at}.text`, 75, problems, 'plain_text');
      if (value.value !== undefined && !isText(value.value, 2000)) problems.push(`${at}.value`);
      if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') problems.push(`${at}.style`);
      if (value.url !== undefined && !isText(value.url, 3000)) problems.push(`${at}.url`);
      return;
    case 'plain_text_input':
      if (value.max_length !== undefined && !(Number.isInteger(value.max_length) && (value.max_length as number) <= 3000)) problems.push(`${at}.max_length`);
      if (value.multiline !== undefined && typeof value.multiline !== 'boolean') problems.push(`${at}.multiline`);
      return;
    default:
      problems.push(`${at}: unsupported element ${String(value.type)}`);
  }
}

/** A text object: `{type: 'mrkdwn' | 'plain_text', text}` with `text` of 1 to `max` characters. */
export function textObject(value: unknown, at: string, max: number, problems: string[], only?: 'plain_text'): void {
  if (!isObject(value)) return void problems.push(`${at} is not a text object`);
  if (value.type !== 'plain_text' && value.type !== 'mrkdwn') problems.push(`${at}.type ${String(value.type)}`);
  if (only && value.type !== only) problems.push(`${at} must be ${only}`);
  if (!isText(value.text, max)) problems.push(`${at}.text: 1 to ${max} characters (got ${typeof value.text === 'string' ? value.text.length : typeof value.text})`);
}

function isText(value: unknown, max: number): boolean {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Text that Slack would turn into a mention, a link or a broadcast: `<@U..>`, `<#C..>`, `<!here>`,
 * `<https://..|..>`. The bot escapes `&`, `<` and `>` in every user-supplied string, so a rendered
 * message holds such a sequence only where the bot wrote one itself.
 */
// A date token with an invalid format around one formatting mark (`escapeSlackProse`) is inert: Slack shows the mark.
export const SLACK_CONTROL_SEQUENCE = /<[@#][^>]*>|<!(?!date\^00000000\^\{_\}\|[*_~`]>)[^>]*>|<(?:https?|mailto):[^>]*>/;
