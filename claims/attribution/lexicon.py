"""Word lists, German and English, apart from the logic that reads them: speech verbs,
determiners, pronouns, stop words, roles, bodies, places, Konjunktiv forms, abbreviations.

The other modules reach a language's core lists through `_lexicon(language)` and the
rest by name; nothing here depends on another module of the package."""

from __future__ import annotations

from dataclasses import dataclass


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_CLAUSAL = "clausal"  # the statement follows as a clause: sagte, erklärte, said
_OBJECT = "object"  # the statement is the verb's object: warf … vor, wies … zurück, denied
_REPORTED = "reported"  # a third party relays it: berichtete, reported


@dataclass(frozen=True, slots=True)
class _Verb:
    kind: str
    # separable particle → kind; a verb with particles counts only when one of them is
    # in its clause ("warf einen Stein" is no accusation, "warf … vor" is)
    particles: dict[str, str] | None = None
    participle: bool = False


def _verbs(kind: str, *forms: str, particles: dict[str, str] | None = None) -> dict[str, _Verb]:
    return {form: _Verb(kind, particles) for form in forms}


def _participles(kind: str, *forms: str) -> dict[str, _Verb]:
    return {form: _Verb(kind, None, participle=True) for form in forms}


_DE_VERBS: dict[str, _Verb] = {
    **_verbs(_CLAUSAL, "sagte", "sagten", "sagt", "erklärte", "erklärten", "erklärt"),
    **_verbs(_CLAUSAL, "betonte", "betonten", "betont", "meinte", "meinten", "meint"),
    **_verbs(_CLAUSAL, "behauptete", "behaupteten", "behauptet", "versicherte", "versicherten"),
    **_verbs(_CLAUSAL, "bekräftigte", "bekräftigten", "unterstrich", "ergänzte", "ergänzten"),
    **_verbs(_CLAUSAL, "schrieb", "schrieben", "schreibt", "twitterte", "twitterten"),
    **_verbs(_CLAUSAL, "bestätigte", "bestätigten", "verkündete", "verkündeten"),
    **_verbs(_CLAUSAL, "argumentierte", "beteuerte", "beteuerten", "erläuterte", "erläuterten"),
    **_verbs(_CLAUSAL, "warnte", "warnten", "warnt", "mahnte", "mahnten", "antwortete"),
    **_verbs(_CLAUSAL, "kritisierte", "kritisierten", "kritisiert", "versprach", "versprachen"),
    **_verbs(_CLAUSAL, "fuhr", "fuhren", "fährt", particles={"fort": _CLAUSAL}),
    **_verbs(_CLAUSAL, "fügte", "fügten", "fügt", particles={"hinzu": _CLAUSAL}),
    **_verbs(_CLAUSAL, "teilte", "teilten", "teilt", particles={"mit": _CLAUSAL}),
    **_verbs(_CLAUSAL, "räumte", "räumten", "räumt", particles={"ein": _CLAUSAL}),
    **_verbs(_CLAUSAL, "gab", "gaben", "gibt", particles={"an": _CLAUSAL, "bekannt": _CLAUSAL}),
    **_verbs(_CLAUSAL, "stellte", "stellten", "stellt", particles={"klar": _CLAUSAL}),
    **_verbs(_CLAUSAL, "hob", "hoben", "hebt", particles={"hervor": _CLAUSAL}),
    **_verbs(_CLAUSAL, "kündigte", "kündigten", "kündigt", particles={"an": _CLAUSAL}),
    **_verbs(_OBJECT, "warf", "warfen", "wirft", particles={"vor": _OBJECT}),
    **_verbs(_OBJECT, "wies", "wiesen", "weist", particles={"zurück": _OBJECT, "hin": _CLAUSAL}),
    **_verbs(_OBJECT, "rief", "riefen", "ruft", particles={"auf": _OBJECT}),
    **_verbs(_OBJECT, "sprach", "sprachen", "spricht", particles={"von": _OBJECT}),
    **_verbs(_OBJECT, "forderte", "forderten", "fordert", "bestritt", "bestreitet"),
    **_verbs(_OBJECT, "dementierte", "dementierten", "dementiert", "nannte", "nannten"),
    **_verbs(_OBJECT, "bezeichnete", "bezeichneten", "verurteilte", "verurteilten"),
    **_verbs(_OBJECT, "beschuldigte", "beschuldigten", "drohte", "drohten"),
    **_verbs(_REPORTED, "berichtete", "berichteten", "meldete", "meldeten"),
    **_participles(_CLAUSAL, "gesagt", "erklärt", "betont", "behauptet", "mitgeteilt"),
    **_participles(_CLAUSAL, "versichert", "bekräftigt", "bestätigt", "gewarnt", "kritisiert"),
    **_participles(_CLAUSAL, "angekündigt", "hinzugefügt", "eingeräumt", "geschrieben"),
    **_participles(_OBJECT, "vorgeworfen", "zurückgewiesen", "aufgerufen", "gefordert"),
    **_participles(_OBJECT, "bestritten", "dementiert", "verurteilt"),
    **_participles(_REPORTED, "berichtet", "gemeldet"),
}

_EN_VERBS: dict[str, _Verb] = {
    **_verbs(_CLAUSAL, "said", "says", "say", "stated", "states", "added", "adds", "claimed"),
    **_verbs(_CLAUSAL, "argued", "argues", "insisted", "insists", "warned", "noted"),
    **_verbs(_CLAUSAL, "explained", "explains", "wrote", "writes", "tweeted", "asserted"),
    **_verbs(_CLAUSAL, "alleged", "alleges", "acknowledged", "admitted", "admits", "replied"),
    **_verbs(_CLAUSAL, "responded", "stressed", "stresses", "emphasised", "emphasized"),
    **_verbs(_CLAUSAL, "declared", "maintained", "maintains", "suggested", "announced"),
    **_verbs(_CLAUSAL, "confirmed", "continued", "told", "tells", "predicted", "promised"),
    **_verbs(_CLAUSAL, "vowed", "pledged", "conceded", "concluded"),
    **_verbs(_OBJECT, "denied", "denies", "rejected", "rejects", "dismissed", "dismisses"),
    **_verbs(_OBJECT, "accused", "accuses", "urged", "urges", "criticised", "criticized"),
    **_verbs(_OBJECT, "condemned", "condemns", "blamed", "blames", "described", "slammed"),
    **_verbs(_OBJECT, "called", particles={"on": _OBJECT, "for": _OBJECT}),
    **_verbs(_REPORTED, "reported"),
}

_DE_DETERMINERS = _words(
    "der die das des dem den ein eine einer eines einem einen kein keine dieser diese "
    "dieses diesem diesen jener jene sein seine ihr ihre"
)
_EN_DETERMINERS = _words("the a an this that these those his her its their")

# pronoun → what it may refer to: m(ale person), f(emale person), o(rganisation)
_DE_PRONOUNS = {"er": "m", "sie": "fo", "ihm": "m", "ihr": "f", "ihnen": "o"}
_EN_PRONOUNS = {"he": "m", "she": "f", "they": "o", "it": "o", "him": "m", "her": "f", "them": "o"}

# Words that end a speaker's noun phrase, and that can never start one (sentence-initial
# adverbs and prepositions are capitalised in German too).
_DE_STOP = _words("""
    an am auf aus bei beim bis durch für gegen gegenüber hinter im in ins mit nach neben
    ohne seit über um unter vom vor während wegen zu zum zur zwischen laut trotz angesichts
    auch bereits dabei dann dazu demnach derzeit doch ebenfalls erneut fort gestern heute
    hier jedoch jetzt morgen noch nun nur schon sogar später weiter weiterhin zudem zugleich
    zuvor zurück außerdem allerdings bislang damals daraufhin deshalb darauf darüber
    vielmehr offenbar inzwischen zunächst zuletzt zusätzlich zwischenzeitlich gleichzeitig
    und oder aber sondern denn dass ob weil wenn als wie so es man wir ich du ist sind war
    waren hat haben hatte hatten wird werden wurde wurden sei seien habe teils allein
    nicht kein keine mehr etwa rund knapp fast mindestens
    """)
_EN_STOP = _words("""
    in on at to from by with after before during about over under into since until
    also later earlier previously then further again separately reportedly allegedly
    and or but because if when while as that which who whom whose where there here
    is are was were has have had be been will would could should can may might do does
    did not no yes it its we i you however meanwhile moreover yet still
    """)

# Lower-case words that belong to English speaker phrases ("press secretary Jen Psaki").
_EN_NP_WORDS = _words("""
    press secretary spokesman spokeswoman spokesperson representative minister ministry
    foreign interior defence defense official officials government office department state
    deputy prime chief head leader agency police army military group organisation
    organization monitor watchdog embassy president chancellor senator ambassador analyst
    analysts expert experts authorities sources witnesses observers residents protesters
    envoy general commander adviser advisor aide aides lawmaker lawmakers party company
    network internet service national security council committee federal news human rights
    activist activists campaigners journalist journalists regional local city mayor governor
    spokespeople director researcher researchers
    """)

_PERSON_ROLE_SUFFIXES_DE = (
    "präsident",
    "präsidentin",
    "sprecher",
    "sprecherin",
    "minister",
    "ministerin",
    "kanzler",
    "kanzlerin",
    "staatschef",
    "staatschefin",
    "regierungschef",
    "regierungschefin",
    "chef",
    "chefin",
    "senator",
    "senatorin",
    "botschafter",
    "botschafterin",
    "sekretär",
    "sekretärin",
    "bürgermeister",
    "bürgermeisterin",
    "vorsitzende",
    "vorsitzender",
    "abgeordnete",
    "abgeordneter",
    "experte",
    "expertin",
    "analyst",
    "analystin",
    "professor",
    "professorin",
    "direktor",
    "direktorin",
    "leiter",
    "leiterin",
    "general",
    "kommandeur",
    "premier",
    "könig",
    "königin",
    "papst",
    "herr",
    "frau",
    "vertreter",
    "vertreterin",
    "beauftragte",
    "beauftragter",
    "aktivist",
    "aktivistin",
    "journalist",
    "journalistin",
    "anwalt",
    "anwältin",
    "richter",
    "richterin",
    "gouverneur",
    "gouverneurin",
    "diplomat",
    "diplomatin",
    "politiker",
    "politikerin",
    "dr",
    "prof",
)
_PERSON_ROLES_EN = _words("""
    president spokesman spokeswoman spokesperson minister chancellor secretary senator
    ambassador mayor governor official chief director leader head general commander
    professor analyst expert adviser advisor aide envoy representative deputy premier
    king queen pope mr mrs ms dr prof sir lady lord judge lawyer activist journalist
    """)
_FEMALE_ROLES_EN = _words("spokeswoman mrs ms queen lady")
_MALE_ROLES_EN = _words("spokesman mr king sir lord")
# Roles whose holder speaks for someone else: "ein Sprecher des Auswärtigen Amts" is the
# Auswärtiges Amt speaking.
_SPOKES_ROLES = _words(
    "sprecher sprecherin vertreter vertreterin spokesman spokeswoman spokesperson representative"
)
# Nouns naming a kind of body, followed by its name: "Die Organisation Netblocks".
_ORG_TYPES = _words("""
    organisation organization gruppe group partei party agentur agency nachrichtenagentur
    zeitung newspaper sender broadcaster unternehmen company firma firm konzern plattform
    platform bewegung movement initiative institut institute stiftung foundation netzwerk
    network monitor watchdog ngo
    """)
_ORG_SUFFIXES = (
    "ministerium",
    "regierung",
    "amt",
    "amts",
    "behörde",
    "behörden",
    "verwaltung",
    "polizei",
    "armee",
    "militär",
    "streitkräfte",
    "kreml",
    "botschaft",
    "gericht",
    "parlament",
    "senat",
    "bundestag",
    "kommission",
    "partei",
    "ministry",
    "government",
    "office",
    "department",
    "agency",
    "police",
    "army",
    "military",
    "kremlin",
    "embassy",
    "court",
    "parliament",
    "senate",
    "committee",
    "commission",
    "council",
    "house",
    "pentagon",
    "organisation",
    "organization",
    "authorities",
    "netblocks",
)
_PLACES = _words("""
    russland moskau washington peking china kasachstan almaty astana berlin kiew kyjiw
    ukraine deutschland frankreich paris london brüssel europa amerika usa russia moscow
    beijing kazakhstan kyiv germany france britain brussels europe america
    """)
# Nouns that stand for an anonymous source: "Berichten zufolge", "reports said".
_ANONYMOUS_SOURCES = (
    "bericht",
    "berichte",
    "berichten",
    "angaben",
    "informationen",
    "quellen",
    "medien",
    "kreisen",
    "reports",
    "report",
    "media",
)
# "russische Behauptungen, wonach …": the claim of the people named by the adjective.
_CLAIM_NOUNS = _words("""
    behauptung behauptungen vorwurf vorwürfe darstellung darstellungen gerüchte angaben
    claims claim allegations allegation accusations assertions suggestions
    """)
_DEMONYMS = {
    "russisch": "Russland",
    "amerikanisch": "USA",
    "us-amerikanisch": "USA",
    "chinesisch": "China",
    "ukrainisch": "Ukraine",
    "kasachisch": "Kasachstan",
    "deutsch": "Deutschland",
    "französisch": "Frankreich",
    "britisch": "Großbritannien",
    "russian": "Russia",
    "american": "United States",
    "chinese": "China",
    "ukrainian": "Ukraine",
    "kazakh": "Kazakhstan",
    "german": "Germany",
    "french": "France",
    "british": "United Kingdom",
}

# Konjunktiv I/II forms that (outside "ich …") only occur in reported speech or the
# unreal mood; other verb forms are recognised by shape (see statements._is_konjunktiv).
_KONJUNKTIV = _words("""
    sei seien seiest habe werde könne müsse solle wolle dürfe möge wisse gebe stehe gehe
    komme liege handele handle bestehe gelte brauche lasse sehe halte bleibe diene hoffe
    wäre wären hätte hätten würde würden könnte könnten müsste müssten dürfte dürften
    gäbe käme ginge stünde läge hieße
    """)
_KONJUNKTIV_STRONG = _words("sei seien seiest habe werde könne müsse solle wolle dürfe")
# Lower-case words ending in -e that are not verbs.
_NOT_VERBS_DE = _words("""
    eine keine seine ihre meine deine unsere eure diese jene welche solche manche alle
    viele wenige einige beide andere eigene ohne gerne heute lange ende beinahe nahe
    gerade bitte danke alleine selbe gleiche erste zweite dritte letzte nächste große
    kleine neue alte hohe ganze halbe weitere mehrere übrige dasselbe dieselbe derselbe
    hierzulande zuhause dessen deren ebenfalls einzige weise jede jeder gestern
    """)
_THAT_WORDS = _words("dass ob wonach that")
_DE_PREPOSITIONS = _words(
    "an am auf aus bei beim durch für gegen im in ins mit nach seit über um unter vom vor "
    "zu zum zur laut"
)
# Words that may stand between an English speaker and the verb: "Psaki also said".
_EN_BETWEEN = _words("""
    also later earlier previously repeatedly has had have then further again separately
    reportedly once flatly firmly strongly quickly immediately never
    """)
# Prepositions of a phrase such as "am Mittwoch" or "on Tuesday": its noun is no object.
_PREPOSITIONS = _DE_PREPOSITIONS | _words("in on at during after before to from")

_ABBREVIATIONS = _words("""
    z b bzw ca dr prof nr st usw etc vgl u a d h inkl evtl ggf sog jh mio mrd abs ehem hl
    str tel dt gen frz engl mr mrs ms jr sr vs inc ltd co corp gov sen rep col lt sgt capt
    no fig e g i jan feb apr aug sep sept okt oct nov dez dec mt ft
    """)


@dataclass(frozen=True, slots=True)
class _Lexicon:
    language: str
    verbs: dict[str, _Verb]
    determiners: frozenset[str]
    pronouns: dict[str, str]
    stop: frozenset[str]


_LEXICONS = {
    "de": _Lexicon("de", _DE_VERBS, _DE_DETERMINERS, _DE_PRONOUNS, _DE_STOP),
    "en": _Lexicon("en", _EN_VERBS, _EN_DETERMINERS, _EN_PRONOUNS, _EN_STOP),
}


def _lexicon(language: str) -> _Lexicon:
    primary = (language or "de").split("-")[0].split("_")[0].lower()
    return _LEXICONS.get(primary, _LEXICONS["en"])
