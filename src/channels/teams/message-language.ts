import type { Activity } from 'botbuilder';
import type { Lang } from '../../conversation/types.js';
import { langOf } from '../../conversation/wording/strings.js';
import { markedLanguageOf } from '../../language/detect-language.js';
import { textWithoutMentions } from './mentions.js';

/**
 * The language to answer a message in that the conversation never read (a refusal at the edge, a
 * turn that failed): the one its own words are written in (as the conversation would have answered
 * it), else the client's locale (`activity.locale`, `nl-NL`), else English. Reads the activity
 * alone, so it holds while the store or the directory is down. The mentioned names are left out:
 * "Van Dijk" is no Dutch.
 */
export function messageLang(activity: Pick<Activity, 'text' | 'locale'>): Lang {
  return markedLanguageOf(textWithoutMentions(activity)) ?? langOf(activity.locale) ?? 'en';
}
