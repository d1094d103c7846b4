/**
 * Word lists for English and Dutch, all in the folded form of `normalizeName` (lower case, no
 * diacritics, no apostrophes), one token per word; hyphenated words are split ("send-as" -> send as).
 */
import type { Right } from '../domain/rights.js';

const set = (words: string) => new Set(words.split(/\s+/).filter(Boolean));

/** What a right phrase says: an explicit right, or a softer word that means Full Access on a mailbox. */
export type RightWord = Right | 'access' | 'read' | 'rights';

/**
 * Multi-word right phrases, longest first at each position. `targetAfter`: the name right after
 * the phrase is the mailbox or group ("send as Training", "on behalf of Marketing", "namens Sales").
 */
export const RIGHT_PHRASES: Array<{ words: string[]; right: RightWord; targetAfter?: boolean }> = [
  // Send As
  ...[
    'send as', 'sendas', 'send mail as', 'send email as', 'send e mail as', 'send mails as', 'send emails as',
    'send e mails as', 'send messages as', 'mail as', 'email as', 'e mail as', 'send message as', 'send out as', 'send out mail as', 'send out email as',
    'send out emails as', 'sending as', 'sending mail as', 'sending email as', 'sending emails as', 'sends as',
    'send mail from', 'send email from', 'send emails from', 'send from',
    'verzenden als', 'versturen als', 'mailen als', 'e mailen als', 'emailen als', 'zenden als', 'verzend als',
    'verstuur als', 'mail versturen als', 'mail verzenden als', 'e mail versturen als', 'e mail verzenden als',
    'mails versturen als', 'mails verzenden als', 'e mails versturen als', 'e mails verzenden als',
    'berichten versturen als', 'berichten verzenden als', 'sturen als',
  ].map((p) => ({ words: p.split(' '), right: 'SendAs' as const, targetAfter: true })),
  // Send on Behalf
  ...[
    'send on behalf of', 'send on behalf', 'sendonbehalf', 'sendonbehalfof', 'send on behalf to', 'on behalf of',
    'on behalf', 'send mail on behalf of', 'send email on behalf of', 'send emails on behalf of',
    'send mails on behalf of', 'send messages on behalf of', 'sending on behalf of', 'send out on behalf of',
    'delegate', 'delegate access', 'delegate rights', 'delegate permission', 'delegate permissions',
    'verzenden namens', 'versturen namens', 'mailen namens', 'e mailen namens', 'emailen namens', 'zenden namens',
    'verzend namens', 'verstuur namens', 'sturen namens', 'mail versturen namens', 'mail verzenden namens',
    'mails versturen namens', 'mails verzenden namens', 'e mail versturen namens', 'e mail verzenden namens',
    'verzenden uit naam van', 'versturen uit naam van', 'uit naam van', 'namens', 'gemachtigde', 'gedelegeerde',
  ].map((p) => ({ words: p.split(' '), right: 'SendOnBehalf' as const, targetAfter: /(of|namens|van|to|for)$/.test(p) })),
  // Full Access, explicit
  ...[
    'full access', 'fullaccess', 'full mailbox access', 'full mailbox permission', 'full mailbox permissions',
    'full permission', 'full permissions', 'full rights', 'full control', 'read and manage', 'read manage',
    'read write', 'read write access', 'read and write', 'read and write access', 'lees en schrijfrechten',
    'lezen en schrijven', 'read and manage access', 'read and manage permission', 'read and manage permissions', 'read and manage rights',
    'full acces', 'full acess', 'volledige toegang', 'volledig toegang', 'volle toegang', 'lezen en beheren', 'lees en beheerrechten',
    'lees en beheer rechten', 'lees en beheerrecht', 'lees en beheer', 'lees en beheertoegang',
    'volledige rechten', 'volledig beheer', 'volledige machtiging', 'volledige toegangsrechten',
    'volledige mailboxtoegang', 'volledige postvaktoegang',
  ].map((p) => ({ words: p.split(' '), right: 'FullAccess' as const })),
  // Softer words: reading or managing a mailbox is Full Access; plain "access" depends on the target.
  ...[
    'read', 'reading', 'read access', 'read rights', 'read permission', 'read permissions', 'read only access',
    'open', 'opening', 'manage', 'managing', 'view', 'look into', 'look at', 'monitor', 'go through',
    'lezen', 'lees', 'leesrechten', 'leesrecht', 'leestoegang', 'openen', 'beheren', 'inzien', 'inzage',
    'meelezen', 'meekijken', 'bekijken', 'beheerrechten', 'kijken', 'look in', 'look inside',
  ].map((p) => ({ words: p.split(' '), right: 'read' as const })),
  ...['access', 'accessing', 'acces', 'acess', 'axess', 'toegang', 'toegan', 'toegangsrechten', 'mailbox access', 'mailboxtoegang', 'postvaktoegang']
    .map((p) => ({ words: p.split(' '), right: 'access' as const })),
  // Nouns for rights in general: like plain access, but "permission to Lynne" names the grantee.
  ...['permissions', 'permission', 'rights', 'rechten', 'recht', 'machtiging', 'machtigingen', 'verzendrechten']
    .map((p) => ({ words: p.split(' '), right: 'rights' as const })),
];

/** Send verbs for the Dutch split forms "namens X verzenden", "als X mailen". */
export const NL_SEND_VERBS = set('verzenden versturen mailen emailen sturen zenden verzend verstuur stuur mail');

/** Words after a name that say the name is a mailbox ("Megan's mailbox", "Info postvak"). */
export const MAILBOX_WORDS = set('mailbox mailboxes inbox mail email e-mail emails mails postvak postbus mailbox mailadres brievenbus');
export const GROUP_WORDS = set('group groep team groups groepen teams distribution list');
export const SHARED_WORDS = set('shared gedeelde gedeeld');

export const ARTICLES = set('the a an de het een t this that deze dit die');

/** Surname prefixes: part of a name, never a name on their own. */
export const NAME_PARTICLES = set('van de der den ter ten te het t la le di da du del della des dos das von zu el al bin ben mac mc o');

export const GRANT_VERBS = set(
  'give gives giving grant grants granting let lets allow allows allowing permit permits enable add assign provide ' +
    'get gets getting set setup need needs want wants like request requesting require requires can could may might ' +
    'please pls plz kindly would should must help ' +
    'geef geeft geven verleen verleent verlenen laat laten mag mogen kan kun kunt kunnen wil wilt willen zou zouden ' +
    'graag nodig krijgen krijg krijgt toevoegen voeg toekennen ken regel regelen instellen stel aanvragen vraag ' +
    'machtig machtigen moet moeten svp aub alsjeblieft alstublieft gaarne zet configureer activeer fix arrange sort ' +
    'organise organize configure activate make',
);
/** Verbs directly before the person who receives the right ("give Megan", "laat Lee", "mag Diego"). */
export const GRANTEE_AFTER = set(
  'give grant let allow permit enable add assign provide get help like want need geef verleen laat mag kan kun ' +
    'can could may should machtig geeft gun set up setup make voeg',
);
/** Verbs and modals directly after the person who receives the right ("Lee needs", "Renee should"). */
export const SUBJECT_BEFORE = set(
  'needs need wants want should must requires require has have would will is gets get can could may shall ' +
    'wil wilt moet moeten heeft krijgt krijgen mag kan kun zou is wordt hoeft hoeven',
);
export const REVOKE_VERBS = set(
  'remove removes removing revoke revokes revoking withdraw delete unassign ' +
    'verwijder verwijderen verwijdert intrekken intrek trek afnemen ontneem ontnemen weghalen haal beeindig beeindigen',
);
/** Everyday words that revoke only as the command itself: "stop Megan's send as", not "by the end of the day". */
export const REVOKE_IMPERATIVES = set('end stop stoppen strip drop disable pull cut kill beeindig');
/** What may come before a command: "please stop ...", "can you drop ...", "kun je ... stoppen". */
export const POLITE = set('please pls plz kindly can could would will you hi hey hello ok okay so kun kunt kan wil wilt je jij u graag svp aub hallo hoi');
export const REVOKE_PHRASES: string[][] = [
  'take away', 'take off', 'take back', 'no longer', 'not anymore', 'not any more', 'get rid of',
  'niet meer', 'geen meer', 'neem af', 'neem weg', 'haal weg', 'trek in', 'stopzetten',
  'cut off', 'shut off', 'turn off', 'switch off', 'niet langer', 'no more', 'uitzetten', 'uitschakelen',
].map((p) => p.split(' '));

export const NEGATIONS = set(
  'dont not never no nobody nothing doesnt shouldnt mustnt wont cant cannot didnt isnt arent havent hasnt neither nor ' +
    'geen niet nooit niemand niks nee hoeft hoeven',
);
/** Reports about the past: never a grant. */
export const PAST_WORDS = set(
  'sent gave granted mailed emailed received yesterday ago earlier previously used had was were did asked wondered ' +
    'gisteren eergisteren geleden eerder stuurde stuurden verstuurde verstuurden verzond verzonden verstuurd gestuurd ' +
    'gemaild mailde gaf gaven kreeg kregen gekregen gegeven verleend had hadden got gotten given been vroeg vroegen ' +
    'vroeger gehad',
);
export const STATE_VERBS = set('has have heeft hebben holds hold owns had');

export const CANCEL_WORDS = set('cancel cancelled canceled cancelling annuleer annuleren annulering nevermind');
export const STATUS_WORDS = set('status pending openstaande openstaand lopende outstanding update progress voortgang');
export const REQUEST_NOUNS = set('request requests aanvraag aanvragen verzoek verzoeken ticket tickets');
export const HELP_WORDS = set('help hulp helpen commands command usage instructions instructies uitleg menu examples voorbeelden manual handleiding');

export const QUERY_START_TARGET = set('who whom wie whose');
export const QUERY_START_PERSON = set('what which where wat welke waar waartoe');
export const QUERY_START_CHECK = set('does do is are has have heeft hebben check controleer list show toon overzicht overview report rapport display');
export const QUERY_TOPIC = set(
  'access toegang rights rechten permissions permission delegates delegate gemachtigden gemachtigde mailboxes ' +
    'postvakken groups groepen open openen read lezen manage beheren mag',
);
export const PEOPLE_NOUNS = set('people users persons mensen gebruikers medewerkers collega collegas accounts');

export const SELF_OBJECT = set('me myself mij mezelf');
export const SELF_SUBJECT = set('i ik');
export const SELF_POSSESSIVE = set('my mijn mn');
/** Other people named by a pronoun: never resolved, so the bot asks who. */
export const OTHER_PRONOUNS = set('him her them us someone somebody everyone everybody anyone hem haar hen ons iemand iedereen he she they we hij zij wij');
export const OTHER_POSSESSIVE = set('his her their our zijn haar hun ons onze');

/** Prepositions and their role cues. */
export const TARGET_PREPS = set('on op in into at bij within binnen');
export const TO_PREPS = set('to tot');
export const FOR_PREPS = set('for voor');
export const FROM_PREPS = set('from uit off');
export const OF_PREPS = set('of van');
export const GRANTEE_PREPS = set('aan');
export const COORDINATORS = set('and en');

/** Things that are not the three mailbox rights: the bot asks rather than guess. */
export const OUT_OF_SCOPE = set(
  'calendar calendars agenda agendas contacts contactpersonen folder folders map mappen onedrive sharepoint ' +
    'channel kanaal site files bestanden owner owners eigenaar eigenaren member members membership lid leden ' +
    'lidmaatschap password wachtwoord licence license licentie',
);

/** Words that are never names on their own (fillers, common verbs, time words). */
export const STOPWORDS = set(
  'a an the and or but if so to of on in at by for from with without as is are was be been being am it its this ' +
    'that these those there here then than too also very just only all any some each every both other more most ' +
    'please pls plz thanks thank thx ty cheers hi hello hey dear team folks guys asap urgent urgently quickly soon ' +
    'now today tomorrow tonight week weeks day days month months hour hours year years time temporary temporarily ' +
    'permanent permanently again back still already yet ok okay yes sure kindly would could should can may might ' +
    'must will shall do does did done doing make made set up out over about into onto upon via per what which who ' +
    'whom whose when where why how you your yours we our ours they their them he she him her his hers it its ' +
    'me my mine i myself ' +
    'right rights permission permissions access mailbox mailboxes inbox mail email emails e group groups shared ' +
    'thing things stuff something someone anyone everyone like want wants need needs able get gets got have has ' +
    'langer longer jullie ye yall toe mee tell know see ask say find look vertel weet zeg zoek vind kijk vanaf sinds per zien else besides behalve except apart naast write schrijven removed revoked deleted withdrawn ingetrokken verwijderd weggehaald afgenomen bot hey new old everything anything alles niets iets wat whatever same another one two three allowed able permitted supposed going possible mogelijk ' +
    ' de het een en of op in aan van voor met zonder als is zijn was waren wordt worden dit dat deze die er hier ' +
    'daar dan ook nog al alle alles elk elke iets iemand niets wat welke wie waar wanneer hoe waarom je jij jou jouw ' +
    'u uw we wij ons onze ze zij hun hem haar hij ik mij mijn me mezelf graag even snel dringend nu vandaag morgen ' +
    'week weken dag dagen maand maanden uur jaar tijdelijk permanent weer terug nog alvast ok oke ja hoi hallo beste ' +
    'groetjes bedankt dank dankjewel dankuwel collega team toegang rechten recht postvak mailbox groep gedeelde ' +
    'gedeeld mail naar om tot bij uit over door te kan kun mag wil zou moet heeft hebben heb krijgen ' +
    'nodig svp aub a.u.b t even er allemaal precies eigenlijk nou toch wel soms gewoon misschien dus',
);
