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
export const RIGHT_PHRASES: Array<{ words: string[]; right: RightWord; targetAfter?: boolean; generic?: boolean }> = [
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
    'verzenden namens', 'versturen namens', 'mailen namens', 'e mailen namens', 'emailen namens', 'zenden namens',
    'verzend namens', 'verstuur namens', 'sturen namens', 'mail versturen namens', 'mail verzenden namens',
    'mails versturen namens', 'mails verzenden namens', 'e mail versturen namens', 'e mail verzenden namens',
    'verzenden uit naam van', 'versturen uit naam van', 'uit naam van', 'namens',
  ].map((p) => ({ words: p.split(' '), right: 'SendOnBehalf' as const, targetAfter: /(of|namens|van|to|for)$/.test(p) })),
  // A delegate sends on behalf, unless the message names the right: "make Priya a delegate for Support
  // with send-as rights" is Send As, "een gemachtigde met volledige toegang" Full Access.
  // "a delegate for Emma", "gemachtigde van Support": the name after is the mailbox or group.
  ...[
    'delegate', 'delegate access', 'delegate rights', 'delegate permission', 'delegate permissions',
    'delegate for', 'delegate of', 'delegate on', 'gemachtigde', 'gedelegeerde', 'gemachtigde voor',
    'gemachtigde van', 'gemachtigde op', 'gedelegeerde voor', 'gedelegeerde van',
  ].map((p) => ({ words: p.split(' '), right: 'SendOnBehalf' as const, generic: true, targetAfter: / (for|of|on|voor|van|op)$/.test(p) })),
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
    // "full" typed with one l: read as the right, never left to be read as part of the person's name ("Zoë ful").
    'ful access', 'ful acces', 'ful acess', 'fulaccess', 'fullacces', 'fulacces',
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
  ...['permissions', 'permission', 'rights', 'rechten', 'recht', 'machtiging', 'machtigingen', 'verzendrechten', 'toestemming']
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
    'organise organize configure activate make maak authorize authorise autoriseer autoriseren sta toestaan',
);
/** "add Zoë to the Support mailbox", "voeg Zoë toe aan het postvak Support": asking for Full Access. */
export const ADD_VERBS = set('add adding voeg voegt toevoegen');
/** The passive of adding, a request only with "be"/"worden": "can Zoë be added to ...", "kan Zoë worden toegevoegd aan ...". */
export const ADDED = set('added toegevoegd');
export const PASSIVE_AUX = set('be worden wordt');
/** The preposition before the mailbox in an add request: "to", "into", "aan", "bij". */
export const ADD_TO_PREPS = set('to into aan bij');
/** Dutch infinitives right after the person who receives the right: "Zoë toevoegen aan ...", "Jan toestaan om ...". */
export const OBJECT_BEFORE = set('toevoegen toestaan machtigen autoriseren');
/** Verbs directly before the person who receives the right ("give Megan", "laat Lee", "mag Diego"). */
export const GRANTEE_AFTER = set(
  'give grant let allow permit enable add assign provide get help like want need geef verleen laat mag kan kun ' +
    'can could may should machtig geeft gun set up setup make maak voeg sta stel authorize authorise autoriseer',
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
/**
 * Whole messages that ask the bot to stop what it is asking, with their language (politeness and
 * punctuation aside): "stop", "ok stop", "forget it", "laat maar", "nee dank je". 'any': written the
 * same in both ("stop" is Dutch too), so it marks neither and the answer keeps the question's language.
 */
export const STOP_ASKING: ReadonlyArray<[string, 'en' | 'nl' | 'any']> = [
  ['stop', 'any'], ['stop it', 'en'], ['stop asking', 'en'], ['quit', 'en'], ['exit', 'en'], ['forget it', 'en'],
  ['never mind', 'en'], ['nevermind', 'en'], ['no', 'en'], ['nope', 'en'], ['no thanks', 'en'], ['no thank you', 'en'],
  ['stoppen', 'nl'], ['stop maar', 'nl'], ['hou op', 'nl'], ['laat maar', 'nl'], ['vergeet het', 'nl'], ['laat maar zitten', 'nl'],
  ['nee', 'nl'], ['nee dank je', 'nl'], ['nee bedankt', 'nl'], ['niks', 'nl'], ['niets', 'nl'],
  ['forget about it', 'en'], ['forget that', 'en'], ['drop it', 'en'],
  ['vergeet het maar', 'nl'], ['vergeet maar', 'nl'], ['laat ook maar', 'nl'],
];
/** Sighs and fillers around a stop ("oh forget it", "just forget it", "forget it now"): never a stop themselves. */
export const STOP_FILLERS = set('oh ah ugh meh nah hmm just now then');
/**
 * Words around a name that only say that person is the one meant, in an answer to "For whom?": "Megan
 * needs it", "Megan does", "it's for Megan", "Megan heeft het nodig", "die is voor Megan". No right, no
 * negation, no verb that asks for something else: such a message is still a sentence of its own.
 */
export const ANSWER_FILLERS = set(
  'needs need does do it its is that thats this one for ' + 'heeft het nodig doet die dat voor',
);
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
/** Longer joiners that add a name as "and" does: "Training as well as Support", "Training evenals Support". */
export const ALSO_JOINERS: readonly (readonly string[])[] = [['as', 'well', 'as'], ['evenals'], ['alsook'], ['alsmede']];
/**
 * "Training or Support", "Training of Support", "Training and/or Support": one of the two (or both).
 * Joined only between mailboxes or groups (one request per mailbox or group: the bot asks which);
 * "Megan or Diego" is left as it was read.
 */
export const EITHER_JOINERS: readonly (readonly string[])[] = [['or'], ['of'], ['and', 'or'], ['en', 'of']];

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
    'nodig svp aub a.u.b t even er allemaal precies eigenlijk nou toch wel soms gewoon misschien dus doen gedaan',
);

/**
 * Words about time that no name or right took and the time reader (`dates.ts`) left: a grant whose message
 * holds one asks for the end instead of going ahead without it ("around the weekend", "maandagochtend",
 * "the coming week"). Not "day"/"dag" ("have a nice day", "dag Jan"), "may"/"mei" (a verb, a name), "now".
 */
export const TIME_LEFTOVER = set(
  'monday tuesday wednesday thursday friday saturday sunday maandag dinsdag woensdag donderdag vrijdag zaterdag zondag ' +
    'today tonight tomorrow vandaag vanavond morgen overmorgen week weeks weekend weekends weken ' +
    'month months maand maanden year years jaar jaren days dagen hours uren minutes minuten ' +
    'january february march april june july august september october november december ' +
    'januari februari maart juni juli augustus oktober ' +
    'holiday holidays vacation vakantie verlof absence afwezig afwezigheid until till untill totdat ' +
    'christmas xmas kerst kerstmis easter pasen',
);

// ---------------------------------------------------------------------------------------------
// Sets the pipeline stages ask about (tokens, mentions, roles, intent), built once.

/** Chat spellings read as two words: "gimme" is "give me". A Map: "constructor" must not find Object.prototype. */
export const EXPANSIONS = new Map<string, string[]>([
  ['gimme', ['give', 'me']], ['lemme', ['let', 'me']], ['wanna', ['want', 'to']], ['gotta', ['have', 'to']], ['gonna', ['going', 'to']],
]);
/** Words before "'s" that make a contraction, not a possessive: "it's", "what's", "let's". */
export const CONTRACTION_BASES = set('it that what who let there here he she where how whats');
/** Greetings and forms of address before a request ("Goedemiddag, wat kan deze bot?"). */
export const OPENERS = new Set('hi hey hello hallo hoi dear beste good morning afternoon evening goedemorgen goedemiddag goedenavond dag team all allemaal'.split(' '));
/** A first word that still leaves a bare request ("hi, send as Training for Megan"). */
export const GREETINGS = new Set(['hi', 'hey', 'hello', 'hallo', 'hoi', 'ok', 'okay', 'so', 'dear', 'beste', 'goedemorgen', 'morning']);
/** "I will send as IT tomorrow" announces; with no verb that asks it is not a request. */
export const FUTURE = new Set('will shall going zal zullen gaat gaan'.split(' '));
/** "we may need to grant more access someday": a maybe is not a request. */
export const HEDGES = new Set('maybe perhaps someday sometime eventually possibly misschien wellicht ooit'.split(' '));
/** Verbs that ask for a grant even around words that would otherwise hedge or describe. */
export const GRANT_IMPERATIVES = new Set(['give', 'grant', 'geef', 'verleen']);
/** Past participles of revoking: "can be removed" asks, "was removed" reports. */
export const PASSIVE_REVOKE = new Set('removed revoked deleted withdrawn ingetrokken verwijderd weggehaald afgenomen'.split(' '));
/** Nouns that ask for an overview: a query. */
export const OVERVIEW_WORDS = new Set('overview overzicht report rapport rapportage'.split(' '));
/** Verbs that ask to be shown something: a query with a people noun or "who". */
export const LIST_WORDS = new Set('list show display toon overzicht overview lijst'.split(' '));
/** "everyone", "iedereen": a query about all holders. */
export const EVERYONE = new Set('everyone everybody anyone anybody iedereen'.split(' '));
/** Verbs after "who" that make it a question about holders ("who has", "wie mag"). */
export const WHO_VERBS = new Set('has have had can could is are was may might should heeft hebben had kan kunnen mag mogen is zijn'.split(' '));
/** Words that ask to check something: a query, never a grant. */
export const CHECK_WORDS = new Set('check whether verify confirm controleer controleren nakijken navragen checken verifieer'.split(' '));
/** Requests the bot cannot carry out as one grant: copying or moving someone's rights. */
export const UNSUPPORTED = new Set('same dezelfde zelfde copy kopieer kopieren mirror transfer move verplaats overzetten overdragen swap replace vervang'.split(' '));
/** With a request noun: withdrawing one's own request is a cancel. */
export const WITHDRAW_WORDS = new Set(['withdraw', 'intrekken', 'intrek', 'trek', 'annuleer', 'delete', 'verwijder', 'remove']);
/** With a request noun: asking about open requests is a status question. */
export const PENDING_WORDS = new Set(['pending', 'openstaande', 'openstaand', 'lopende', 'outstanding', 'open']);
/** Words that ask who holds rights. */
/**
 * Words after which "who"/"die" starts a relative clause, not a question: "add Priya as a delegate who
 * can send on behalf of Emma", "someone who can read Support" (a name before "who" counts too).
 */
export const RELATIVE_ANTECEDENTS = set('delegate gemachtigde gedelegeerde someone somebody person colleague collega user member');
export const WHO_WORDS = new Set(['delegates', 'gemachtigden', 'who', 'wie']);
/** "no longer", "niet meer": with a negation, the negation is the revoke. */
export const NO_MORE_WORDS = new Set(['meer', 'anymore', 'longer', 'langer']);
/** "all", "alles": in a revoke, every right. */
export const ALL_WORDS = new Set(['all', 'alle', 'alles', 'everything']);
/**
 * Words that mark a message as Dutch (language detection counts them against EN_MARKERS). A word
 * written the same in English ("week") marks neither: "next week" is English, "volgende week" Dutch.
 */
export const NL_MARKERS = new Set(
  ('geef geeft geen mag kan kun kunt wil wilt ik mij mijn het de een van op tot toegang postvak verzenden versturen ' +
    'namens als lezen wie heeft hebben heb voor weken dagen maand maanden uur verwijder verwijderen intrekken hulp ' +
    'aanvragen aanvraag verzoek graag nodig alsjeblieft alstublieft laat met zonder omdat niet meer en ook dit dat ' +
    'zijn waar wat welke toe gedeelde beheren lezen openen krijgen vrijdag maandag dinsdag woensdag donderdag ' +
    'zaterdag zondag morgen vandaag goedemorgen goedemiddag goedenavond dag  twee drie vier vijf volgende mailen annuleer annuleren rechten lees beheer ja nee ' +
    'volledige volledig hallo hoi bedankt dank svp aub moet zou even collega kunnen mogen u jij je haal weg uit neem ' +
    'trek zet bij naar er nog wel maar hoe waarom alle graag af aan mailen versturen kijken postvakken groep ' +
    'voeg toevoegen sta toestaan maak om te gemachtigde').split(/\s+/).filter(Boolean),
);
/**
 * Words that mark a message as English. Not the words Dutch speakers use as they are ("status", "help",
 * "stop", "ok"): "status REQ-7K2F9" or "help" from a Dutch speaker is answered in Dutch.
 */
export const EN_MARKERS = new Set(
  ('give grant the to on for of me my i need needs send access who has have can remove revoke please let read ' +
    'weeks days month months hours until and with without because what which requests request full ' +
    'as should would like want could allow add take away from all get able manage open friday monday tuesday ' +
    'wednesday thursday saturday sunday tomorrow next two three four five hello hi thanks cancel delegates list show yes ' +
    'rights permissions mail mailbox inbox does do group team pls you it').split(/\s+/).filter(Boolean),
);
/** Any word the lexicon uses is not a name on its own (a capitalised one mid-sentence may be: "give Grant ..."). */
export const LEXICON_WORDS = new Set<string>([
  ...STOPWORDS, ...GRANT_VERBS, ...REVOKE_VERBS, ...NL_SEND_VERBS, ...MAILBOX_WORDS, ...GROUP_WORDS,
  ...SHARED_WORDS, ...NEGATIONS, ...PAST_WORDS, ...STATE_VERBS, ...CANCEL_WORDS, ...STATUS_WORDS,
  ...REQUEST_NOUNS, ...HELP_WORDS, ...QUERY_START_TARGET, ...QUERY_START_PERSON, ...QUERY_START_CHECK,
  ...QUERY_TOPIC, ...PEOPLE_NOUNS, ...SELF_OBJECT, ...SELF_SUBJECT, ...SELF_POSSESSIVE,
  ...OTHER_PRONOUNS, ...OTHER_POSSESSIVE, ...TARGET_PREPS, ...TO_PREPS, ...FOR_PREPS, ...FROM_PREPS,
  ...OF_PREPS, ...GRANTEE_PREPS, ...COORDINATORS, ...OUT_OF_SCOPE, ...ARTICLES, ...SUBJECT_BEFORE,
  ...GRANTEE_AFTER, ...REVOKE_IMPERATIVES, ...CHECK_WORDS, ...ALSO_JOINERS.flat(),
  ...'take away back end stop longer anymore meer rid neem haal trek weg af in behalf naam uit sent send sending sends verzend verzenden versturen owners members eigenaren leden'.split(' '),
]);
/**
 * Names that are also everyday words: written in lower case among capitalised names, they are words
 * ("I hope you can ...", "niet langer", "the admin's mailbox"), not Hope, Isaiah Langer or Ines Admin.
 */
export const WORD_NAMES = new Set(
  ('hope will may mark bill rose summer dean grant joy faith grace june april august hunter chase frank sue pat art ' +
    'jack guy penny ruby amber ivy lily daisy holly robin sky rob bas roos wil mees kim sterre bloem storm ' +
    'langer long young king best white black brown green price power hall bell page wood hill field stone ' +
    'little small short strong sharp rich gold silver day north south west east admin manager office ' +
    'bos berg dam hof kok vos wit groot klein jong lang kort bakker visser smit koster boer molenaar mulder ' +
    'schouten timmerman beek dijk veld brink kuiper').split(' '),
);
/** Words that may sit inside a multi-word name but never end one. */
export const INNER_WORDS = new Set(['and', 'en', 'of', 'the', 'for', 'voor', 'de', 'het', 'van', 'on', 'op', 'in', 'a', 'to']);
/** Pronouns, articles, prepositions and negations: never (part of) a name, capitalised or not. */
export const NEVER_NAME = new Set<string>([
  ...SELF_OBJECT, ...SELF_SUBJECT, ...SELF_POSSESSIVE, ...OTHER_PRONOUNS, ...OTHER_POSSESSIVE,
  ...ARTICLES, ...TARGET_PREPS, ...TO_PREPS, ...FOR_PREPS, ...FROM_PREPS, ...OF_PREPS,
  ...GRANTEE_PREPS, ...COORDINATORS, ...NEGATIONS,
]);
/** Words between a subject and its verb: "Kwame no longer needs", "Mark hoeft niet meer". */
export const SUBJECT_FILLERS = new Set('no longer not dont doesnt does do did still also really now only just shouldnt wont cant mustnt cannot niet geen meer ook nog al nu alleen echt'.split(' '));
/** Singular nouns that name what follows: "het postvak Info", "the group Training" (not "mailboxes Megan can open"). */
export const NOUN_BEFORE = new Set('mailbox inbox postvak postbus group groep team mail'.split(' '));
/** "..., Mark too", "Lee ook": someone added on. */
export const ALSO = new Set('too also ook eveneens'.split(' '));
/** Politeness between a verb and its object: "Trek alsjeblieft Megan ...". */
export const SOFTENERS = new Set('alsjeblieft alstublieft even svp aub please pls plz kindly graag ff nog'.split(' '));
/** "you" in "could you Megan ...", "kun je Megan ... geven". */
export const YOU = new Set('you je jij jullie u ye'.split(' '));
/** Modals before "you": "kunnen jullie Lee ... geven". */
export const MODALS = new Set('can could would will kun kan kunt kunnen zou zouden wil wilt willen'.split(' '));
/**
 * Words a name typed as an answer is not made of: verbs, auxiliaries and question words ("what did the
 * bot do?", "wat heeft de bot gedaan?"). Polite fillers ("please", "graag") and names that are also
 * everyday words ("Grant", "Will", "Ken") are left out, so "Megan please" or "Grant Peters" still read
 * as a name. `readsAsSentence` (intent.ts) asks about them.
 */
export const SENTENCE_WORDS = new Set<string>(
  [
    ...QUERY_START_TARGET, ...QUERY_START_PERSON, ...PAST_WORDS, ...STATE_VERBS, ...REVOKE_VERBS, ...CANCEL_WORDS, ...GRANT_VERBS,
    ...'do does did is are am was were be why how when waarom hoe wanneer doe doet deed deden ben bent wordt werd'.split(' '),
  ].filter((w) => !POLITE.has(w) && !SOFTENERS.has(w) && !WORD_NAMES.has(w) && w !== 'ken'),
);
/** Verbs after "X to": "I want Megan to have ...". */
export const CONTROL_VERBS = new Set('have get be send read open manage access receive use'.split(' '));
/** The revoke phrases as text (one space between words), and the words they start with. */
export const REVOKE_PHRASE_TEXTS = REVOKE_PHRASES.map((words) => words.join(' '));
export const REVOKE_PHRASE_STARTS = new Set(REVOKE_PHRASES.map((words) => words[0]!));
/** Verbs of Dutch and English split revokes, directly before the person ("neem Zoë ... af"). */
export const REVOKE_SPLIT_VERBS = new Set(['take', 'neem', 'haal', 'trek', 'cut']);
export const SPLIT_REVOKE: Array<[string, Set<string>]> = [
  ['take', new Set(['off', 'away', 'out'])],
  ['neem', new Set(['af', 'weg'])],
  ['haal', new Set(['weg', 'af'])],
  ['trek', new Set(['in'])],
  ['zet', new Set(['uit'])],
  ['schakel', new Set(['uit'])],
];

