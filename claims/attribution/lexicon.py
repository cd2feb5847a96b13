"""Word lists, German and English, apart from the logic that reads them: speech verbs,
determiners, pronouns, stop words, roles, bodies, places, Konjunktiv forms, abbreviations.

The other modules reach a language's core lists through `_lexicon(language)` and the
rest by name; nothing here depends on another module of the package."""

from __future__ import annotations

import re
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
    participle: bool = False  # the form is (also) a participle: "hat … erklärt"
    finite: bool = True  # the form is (also) a finite verb: "erklärt" is both
    # the verb is speech only with a statement clause after it ("the ministry maintains that …",
    # "glaubt, dass …") or a statement before it ("…, glaubt der Ökonom"); not with a plain
    # object ("maintains control", "glaubt an Gott")
    clause_only: bool = False
    # naming verbs (nennt … „unseriös“, called it "reckless"): with a quotation in
    # their clause, the quoted words are the claim
    naming: bool = False


def _verbs(
    kind: str,
    *forms: str,
    particles: dict[str, str] | None = None,
    clause_only: bool = False,
    naming: bool = False,
) -> dict[str, _Verb]:
    return {form: _Verb(kind, particles, clause_only=clause_only, naming=naming) for form in forms}


def _participles(
    kind: str, *forms: str, clause_only: bool = False, naming: bool = False
) -> dict[str, _Verb]:
    flags = {"clause_only": clause_only, "naming": naming}
    return {form: _Verb(kind, None, participle=True, finite=False, **flags) for form in forms}


_INSEPARABLE = ("be", "er", "ver", "ent", "zer", "ge", "emp", "miss", "unter", "wider", "über")


def _de_weak(
    kind: str, stem: str, *particles: str, clause_only: bool = False, naming: bool = False
) -> dict[str, _Verb]:
    """The finite forms of a regular German verb from its stem ("sag" → sagt, sagen, sagte,
    sagten) and its participle (gesagt, mitgeteilt, kritisiert, erklärt); with particles,
    a separable verb ("teil", "mit")."""
    e = "e" if stem.endswith(("t", "d")) or re.search(r"(?:[^aeiouäöülrh]|ch)[mn]$", stem) else ""
    plural = stem + ("n" if stem.endswith(("er", "el")) and not stem.endswith("ier") else "en")
    finite = [stem + e + "t", plural, stem + e + "te", stem + e + "ten"]
    ge = "" if stem.startswith(_INSEPARABLE) or stem.endswith("ier") else "ge"
    flags = {"clause_only": clause_only, "naming": naming}
    out: dict[str, _Verb] = {}
    if particles:
        kinds = dict.fromkeys(particles, kind)
        out.update(_verbs(kind, *finite, particles=kinds, clause_only=clause_only))
        out.update(_participles(kind, *(p + ge + stem + e + "t" for p in particles), **flags))
    else:
        out.update(_verbs(kind, *finite, clause_only=clause_only, naming=naming))
        participle = ge + stem + e + "t"
        entry = out.get(participle)
        out[participle] = _Verb(kind, None, participle=True, finite=entry is not None, **flags)
    return out


def _de_strong(
    kind: str, *forms: str, participles: tuple[str, ...] = (), naming: bool = False
) -> dict[str, _Verb]:
    return {**_verbs(kind, *forms, naming=naming), **_participles(kind, *participles)}


# German: the regular verbs from their stems, the strong ones by their forms. Present
# plurals ("sagen Experten") are infinitives too; the speaker phrase a speech verb needs
# keeps "wollte nichts sagen" out.
_DE_VERBS: dict[str, _Verb] = {
    **_de_weak(_CLAUSAL, "sag"),
    **_de_weak(_CLAUSAL, "erklär"),
    **_de_weak(_CLAUSAL, "beton"),
    **_de_weak(_CLAUSAL, "mein"),
    **_de_weak(_CLAUSAL, "behaupt"),
    **_de_weak(_CLAUSAL, "versicher"),
    **_de_weak(_CLAUSAL, "bekräftig"),
    **_de_weak(_CLAUSAL, "ergänz"),
    **_de_weak(_CLAUSAL, "twitter"),
    **_de_weak(_CLAUSAL, "bestätig"),
    **_de_weak(_CLAUSAL, "verkünd"),
    **_de_weak(_CLAUSAL, "argumentier"),
    **_de_weak(_CLAUSAL, "beteuer"),
    **_de_weak(_CLAUSAL, "erläuter"),
    **_de_weak(_CLAUSAL, "warn"),
    **_de_weak(_CLAUSAL, "mahn"),
    **_de_weak(_CLAUSAL, "antwort"),
    **_de_weak(_CLAUSAL, "entgegn"),
    **_de_weak(_CLAUSAL, "erwider"),
    **_de_weak(_CLAUSAL, "kritisier"),
    **_de_weak(_CLAUSAL, "bemängel"),
    **_de_weak(_CLAUSAL, "beklag"),
    **_de_weak(_CLAUSAL, "klag"),
    **_de_weak(_CLAUSAL, "prognostizier"),
    **_de_weak(_CLAUSAL, "resümier"),
    **_de_weak(_CLAUSAL, "bilanzier"),
    **_de_weak(_CLAUSAL, "präzisier"),
    **_de_weak(_CLAUSAL, "kommentier"),
    **_de_weak(_CLAUSAL, "signalisier"),
    **_de_weak(_CLAUSAL, "spekulier"),
    **_de_weak(_CLAUSAL, "begründ"),
    **_de_weak(_CLAUSAL, "glaub", clause_only=True),
    **_de_weak(_CLAUSAL, "vermut", clause_only=True),
    **_de_weak(_CLAUSAL, "schilder", clause_only=True),
    **_de_weak(_CLAUSAL, "erzähl", clause_only=True),
    **_de_weak(_CLAUSAL, "frag", clause_only=True),
    **_de_weak(_CLAUSAL, "äußer", clause_only=True),
    **_de_weak(_CLAUSAL, "erinner", clause_only=True),
    **_de_weak(_CLAUSAL, "teil", "mit"),
    **_de_weak(_CLAUSAL, "füg", "hinzu"),
    **_de_weak(_CLAUSAL, "räum", "ein"),
    **_de_weak(_CLAUSAL, "stell", "klar"),
    **_de_weak(_CLAUSAL, "kündig", "an"),
    **_de_weak(_CLAUSAL, "merk", "an"),
    **_de_strong(
        _CLAUSAL, "schrieb", "schrieben", "schreibt", "schreiben", participles=("geschrieben",)
    ),
    **_de_strong(
        _CLAUSAL, "unterstrich", "unterstrichen", "unterstreicht", participles=("unterstrichen",)
    ),
    **_de_strong(
        _CLAUSAL,
        "versprach",
        "versprachen",
        "verspricht",
        "versprechen",
        participles=("versprochen",),
    ),
    **_de_strong(
        _CLAUSAL, "widersprach", "widersprachen", "widerspricht", participles=("widersprochen",)
    ),
    **_verbs(_CLAUSAL, "fuhr", "fuhren", "fährt", "fahren", particles={"fort": _CLAUSAL}),
    **_verbs(
        _CLAUSAL,
        "gab",
        "gaben",
        "gibt",
        "geben",
        particles={"an": _CLAUSAL, "bekannt": _CLAUSAL},
    ),
    **_verbs(_CLAUSAL, "hob", "hoben", "hebt", "heben", particles={"hervor": _CLAUSAL}),
    **_participles(_CLAUSAL, "angegeben", "bekanntgegeben", "hervorgehoben"),
    **_verbs(_OBJECT, "warf", "warfen", "wirft", "werfen", particles={"vor": _OBJECT}),
    **_verbs(
        _OBJECT, "wies", "wiesen", "weist", "weisen", particles={"zurück": _OBJECT, "hin": _CLAUSAL}
    ),
    **_verbs(_OBJECT, "rief", "riefen", "ruft", "rufen", particles={"auf": _OBJECT}),
    **_verbs(
        _OBJECT,
        "sprach",
        "sprachen",
        "spricht",
        "sprechen",
        particles={"von": _OBJECT, "vom": _OBJECT},
        naming=True,
    ),
    **_participles(_OBJECT, "vorgeworfen", "zurückgewiesen", "aufgerufen", "hingewiesen"),
    **_de_weak(_OBJECT, "forder", clause_only=True),
    **_de_strong(
        _OBJECT, "bestritt", "bestritten", "bestreitet", "bestreiten", participles=("bestritten",)
    ),
    **_de_weak(_OBJECT, "dementier"),
    **_de_strong(_OBJECT, "nannte", "nannten", "nennt", "nennen", naming=True),
    **_de_weak(_OBJECT, "bezeichn", naming=True),
    **_de_weak(_OBJECT, "verurteil"),
    **_de_weak(_OBJECT, "beschuldig"),
    **_de_weak(_OBJECT, "droh", clause_only=True),
    **_de_weak(_REPORTED, "bericht"),
    **_de_weak(_REPORTED, "meld"),
}
# "meinen" is a possessive more often than a verb; "sagen"/"fragen" as nouns are capitalised.
del _DE_VERBS["meinen"]

_EN_VERBS: dict[str, _Verb] = {
    **_verbs(_CLAUSAL, "said", "says", "say", "stated", "states", "added", "adds", "add"),
    **_verbs(_CLAUSAL, "claimed", "claims", "claim", "argued", "argues", "argue"),
    **_verbs(_CLAUSAL, "insisted", "insists", "insist", "warned", "warns", "warn"),
    **_verbs(_CLAUSAL, "noted", "notes", "explained", "explains", "explain"),
    **_verbs(_CLAUSAL, "wrote", "writes", "write", "tweeted", "tweets", "asserted", "asserts"),
    **_verbs(_CLAUSAL, "alleged", "alleges", "acknowledged", "acknowledges", "admitted", "admits"),
    **_verbs(_CLAUSAL, "replied", "replies", "responded", "responds", "retorted", "countered"),
    **_verbs(_CLAUSAL, "stressed", "stresses", "emphasised", "emphasized", "emphasises"),
    **_verbs(_CLAUSAL, "emphasizes", "declared", "declares", "suggested", "suggests"),
    **_verbs(_CLAUSAL, "announced", "announces", "confirmed", "confirms", "told", "tells"),
    **_verbs(_CLAUSAL, "tell", "predicted", "predicts", "predict", "promised", "promises"),
    **_verbs(_CLAUSAL, "vowed", "vows", "pledged", "pledges", "conceded", "concedes"),
    **_verbs(_CLAUSAL, "concluded", "estimated", "estimates", "estimate", "reiterated"),
    **_verbs(_CLAUSAL, "contended", "contends", "testified", "disclosed", "revealed"),
    **_verbs(_CLAUSAL, "cautioned", "complained", "complains", "lamented", "boasted"),
    **_verbs(_CLAUSAL, "recalled", "recalls", "remarked", "observed", "mentioned"),
    **_verbs(_CLAUSAL, "clarified", "assured"),
    **_verbs(_REPORTED, "reported", "reports"),
    **_verbs(_CLAUSAL, "asked", "asks", "quipped", "joked", "laughed", "shouted", clause_only=True),
    **_verbs(_CLAUSAL, "continued", "continues", "maintained", "maintains", clause_only=True),
    **_verbs(_CLAUSAL, "indicated", "indicates", "touted", "touts", clause_only=True),
    **_verbs(_OBJECT, "denied", "denies", "deny", "rejected", "rejects", "dismissed", "dismisses"),
    **_verbs(_OBJECT, "accused", "accuses", "criticised", "criticized"),
    **_verbs(_OBJECT, "urged", "urges", clause_only=True),
    **_verbs(_OBJECT, "condemned", "condemns", "blamed", "blames", "described", "describes"),
    **_verbs(_OBJECT, "slammed", "slams", "disputed", "disputes"),
    **_verbs(_OBJECT, "called", "calls", particles={"on": _OBJECT, "for": _OBJECT}, naming=True),
    **_verbs(_OBJECT, "dubbed", "labelled", "labeled", naming=True),
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
    ohne seit über um unter vom vor während wegen zu zum zur zwischen laut trotz
    angesichts auch bereits dabei dann dazu demnach derzeit doch ebenfalls erneut fort
    gestern heute hier jedoch jetzt morgen noch nun nur schon sogar später weiter
    weiterhin zudem zugleich zuvor zurück außerdem allerdings bislang damals daraufhin
    deshalb darauf darüber vielmehr offenbar inzwischen zunächst zuletzt zusätzlich
    zwischenzeitlich gleichzeitig und oder aber sondern denn dass ob weil wenn als wie
    so es man wir ich du ist sind war waren hat haben hatte hatten wird werden wurde
    wurden sei seien habe teils allein kann können könne könnte könnten muss müssen
    müsse müsste müssten soll sollen solle sollte sollten will wollen wolle wollte
    wollten darf dürfen dürfe dürfte dürften würde würden wäre wären hätte hätten nicht
    kein keine mehr etwa rund knapp fast mindestens
    """)
_EN_STOP = _words("""
    in on at to from by with after before during about over under into since until also
    later earlier previously then further again separately reportedly allegedly and or
    but because if when while as that which who whom whose where there here is are was
    were has have had be been will would could should can may might do does did not no
    yes it its we i you however meanwhile moreover yet still
    """)

# Lower-case words that belong to English speaker phrases ("press secretary Jen Psaki").
_EN_NP_WORDS = _words("""
    press secretary spokesman spokeswoman spokesperson representative minister ministry
    foreign interior defence defense official officials government office department
    state deputy prime chief head leader agency police army military group organisation
    organization monitor watchdog embassy president chancellor senator ambassador
    analyst analysts expert experts authorities sources witnesses observers residents
    protesters envoy general commander adviser advisor aide aides lawmaker lawmakers
    party company network internet service national security council committee federal
    news human rights activist activists campaigners journalist journalists regional
    local city mayor governor spokespeople director researcher researchers critics
    scientists scientist doctors doctor economists economist investors users voters
    organizers organisers volunteers observers legislators politicians diplomats
    prosecutors prosecutor investigators lawyers lawyer attorneys attorney workers
    employees supporters opponents forecasters meteorologists meteorologist consumers
    passengers travelers travellers executives executive leaders officers officer rebels
    farmers parents teachers students scholars historians pollsters insiders advisers
    advisors members member staff health data poll survey study
    """)
# Lower-case plural nouns for groups that speak as one: "organizers say", "critics say".
_EN_GROUPS = _words("""
    officials authorities critics experts analysts researchers scientists doctors
    economists investors residents witnesses protesters activists users voters
    organizers organisers volunteers campaigners observers lawmakers legislators
    politicians diplomats sources prosecutors investigators lawyers attorneys workers
    employees supporters opponents forecasters meteorologists consumers passengers
    travelers travellers executives leaders officers rebels farmers parents teachers
    students scholars historians pollsters insiders aides advisers advisors members
    staff police spokespeople
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
    "manager",
    "managerin",
    "gründer",
    "gründerin",
    "forscher",
    "forscherin",
    "wissenschaftler",
    "wissenschaftlerin",
    "ökonom",
    "ökonomin",
    "arzt",
    "ärztin",
    "kritiker",
    "kritikerin",
    "mitarbeiter",
    "mitarbeiterin",
    "inhaber",
    "inhaberin",
    "geschäftsführer",
    "geschäftsführerin",
    "berater",
    "beraterin",
    "ermittler",
    "ermittlerin",
    "staatsanwalt",
    "staatsanwältin",
    "meteorologe",
    "meteorologin",
    "funktionär",
    "funktionärin",
    "mitglied",
    "trainer",
    "trainerin",
    "lehrer",
    "lehrerin",
    "autor",
    "autorin",
    "schauspieler",
    "schauspielerin",
    "sänger",
    "sängerin",
    "regisseur",
    "regisseurin",
    "unternehmer",
    "unternehmerin",
    "landrat",
    "landrätin",
    "polizist",
    "polizistin",
    "pfarrer",
    "pfarrerin",
    "bischof",
    "bischöfin",
    "vorstand",
    "jährige",
    "jähriger",
    "dr",
    "prof",
)
_PERSON_ROLES_EN = _words("""
    president spokesman spokeswoman spokesperson minister chancellor secretary senator
    ambassador mayor governor official chief director leader head general commander
    professor analyst expert adviser advisor aide envoy representative deputy premier
    king queen pope mr mrs ms dr prof sir lady lord judge lawyer activist journalist
    meteorologist economist scientist researcher doctor attorney prosecutor teacher
    executive manager founder co-founder member chairman chairwoman chair ceo actor
    actress creator producer writer author singer coach player candidate nominee officer
    sergeant detective inspector supporter organizer organiser volunteer voter resident
    witness owner host co-host anchor correspondent reporter editor columnist
    commentator historian strategist pollster consultant congressman congresswoman
    councillor councilman lieutenant colonel captain vice-president bishop
    """)
_FEMALE_ROLES_EN = _words("spokeswoman mrs ms queen lady")
_MALE_ROLES_EN = _words("spokesman mr king sir lord")
# Roles whose holder speaks for someone else: "ein Sprecher des Auswärtigen Amts" is the
# Auswärtiges Amt speaking.
_SPOKES_ROLES = _words(
    "sprecher sprecherin vertreter vertreterin spokesman spokeswoman spokesperson representative"
    " mitglied member"
)
# Nouns for what someone said or wants: "so die Einschätzung des Verbands", "nach Aussage
# des Polizisten", "the view of the ministry" speak for the genitive; a goal ("so das Ziel
# des Vereins") names its holder but is no claim.
_STATEMENT_NOUNS = _words("""
    ankündigung ankündigungen angaben aussage aussagen worte worten einschätzung
    einschätzungen ansicht auffassung meinung mitteilung erklärung darstellung
    überzeugung prognose schätzung schätzungen kritik antwort statement announcement
    words view assessment estimate estimates studie umfrage analyse erhebung study survey
    analysis
    """)
_GOAL_NOUNS = _words("ziel ziele plan pläne wunsch absicht forderung goal aim plan demand")
# Times and dates: never a speaker ("said Wednesday", "sagte vergangene Woche").
_TIME_WORDS = _words("""
    montag dienstag mittwoch donnerstag freitag samstag sonntag wochenende woche monat
    jahr tag tage abend morgen nacht mittag nachmittag vormittag gestern heute
    vorgestern januar februar märz april juni juli august september oktober november
    dezember jahresbeginn jahresende anfang ende mitte monday tuesday wednesday thursday
    friday saturday sunday weekend week month year day morning afternoon evening night
    today yesterday tonight tomorrow january february june july august september october
    november december earlier
    """)
_TIME_MODIFIERS = _words("""
    vergangene vergangenen vergangener letzte letzten letzter diese dieser diesen
    nächste nächsten kommende kommenden am vom seit early late last this next earlier on
    """)
# Nouns naming a kind of body, followed by its name: "Die Organisation Netblocks".
_ORG_TYPES = _words("""
    organisation organization gruppe group partei party agentur agency
    nachrichtenagentur zeitung newspaper sender broadcaster unternehmen company firma
    firm konzern plattform platform bewegung movement initiative institut institute
    stiftung foundation netzwerk network monitor watchdog ngo
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
    beziehungsweise möglicherweise typischerweise normalerweise teilweise
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

# English verbs that take an infinitive without saying anything: "continued to fall",
# "promised to act", "asked to leave".
_INFINITIVE_TAKERS = _words("""
    promised promises vowed vows pledged pledges continued continues claimed claims
    asked asks urged urges threatened agreed declined refused wanted
    """)

# English participle clauses that open a sentence: "Asked whether …, Ortega said …". Their
# verbs are not the sentence's attribution.
_EN_OPENERS = _words("""
    asked speaking responding referring pressed questioned writing talking commenting
    """)

# The addressee after "told" ("told reporters", "told the Daily Ledger"): its nouns.
_EN_AUDIENCE = _words("""
    reporters journalists show programme program affiliate station newspaper paper
    magazine radio television tv audience crowd parliament lawmakers supporters agency
    outlet interviewer conference briefing
    """)

# Subject pronouns right before an English verb: "Via a translator she added".
_SUBJECT_PRONOUNS = _words("""
    he she they we i er sie wir ich
    """)

# Conjunctions opening a clause before its speaker: "But Psaki said".
_CONJUNCTIONS = _words("""
    but and yet so aber doch und
    """)

# Adverbs between a verb and the speaker after it: "sagt auch Kolb".
_ADVERBS_AFTER_VERB = _words("""
    auch zudem dazu außerdem ebenfalls weiter noch jedoch allerdings dann nun später
    bereits also later further again
    """)

# Words that open a subordinate clause, after which a speaker may come: "…, comes after
# health officials said …", "…, nachdem der Minister erklärt hatte, …".
_SUBORDINATORS = _words("""
    after before when as while because since although though if once until whereas
    nachdem weil als da wie während obwohl bevor seit seitdem wenn sobald
    """)

# Relative words after a subject set off by a comma: "Die Behörde, wo …, sagte".
_RELATIVES = _words("""
    der die das dem den deren dessen wo wie welche welcher who which where
    """)

# Words opening a subordinate clause after a comma: its Konjunktiv is not reported speech
# ("…, ob er geimpft sei").
_SUBORDINATE = _words("""
    ob dass weil wenn die der das den dem deren dessen was wie wo warum als damit obwohl
    nachdem während sodass um falls sofern solange
    """)

# An indirect question ("fragte, warum …") asserts nothing.
_QUESTION_WORDS = _words("""
    ob warum wie wo wann was wer wieso weshalb whether why how where when what who
    """)

# Lower-case particles inside English names: "Ana de Souza", "Ludwig van Beethoven".
_NAME_PARTICLES = _words("""
    de da di del della van von der den ten ter bin al el le la du dos
    """)

# English participles that add a second statement: "said …, adding that …".
_EN_ADDING = _words("adding saying noting arguing warning insisting stressing explaining")

# A sentence that opens with one of these and a speech verb attributes the one before it:
# "Das teilte die Bundesagentur mit."
_BACK_REFERENCES = _words("das dies this that")

_ABBREVIATIONS = _words("""
    z b bzw ca dr prof nr st usw etc vgl u a d h inkl evtl ggf sog jh mio mrd abs ehem
    hl str tel dt gen frz engl mr mrs ms jr sr vs inc ltd co corp gov sen rep col lt sgt
    capt no fig e g i jan feb apr aug sep sept okt oct nov dez dec mt ft
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
