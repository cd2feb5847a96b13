"""Claim suggestions: from an article's text, propose candidate claims and their speakers.

Pure: text in, suggestions out; no database, no model download. German and English.

How it works, in two passes over the text:

1. Each paragraph (a quotation never runs past its paragraph) is scanned once for quotation
   marks with a stack (no regex backtracking), then cut into sentences; a sentence
   boundary inside a quotation does not count ("„Warum?“ fragte sie." is one sentence).
   Each sentence is tokenised outside its quotations (a quotation used as a title,
   “Northern Lights” director …, is part of the words around it), and a small rule set finds its
   attribution: a speech verb (sagte, warf … vor, räumt ein, said, quipped; German verbs
   in all their forms from their stems) with the speaker's noun phrase before or after
   it (English phrases take lower-case roles: "Weather Service forecaster Tom Reyes"; times are
   never speakers), or a reported-speech marker (Berichten zufolge, laut, nach Angaben /
   Aussage des …, according to, ", so X", a name and a colon). Names that come with a
   role ("Staatschef Kassym-Schomart Tokajew", "Anja Berg, Sprecherin des …") are
   collected with their role.
2. The names found are resolved to speakers: the caller's known speakers first (exact,
   aliases, last names with a fitting first name, then rapidfuzz for misspellings such
   as "Tojakew"), otherwise to one another ("Psaki" is the "Jen Psaki" named earlier).
   Then the sentences are walked in order: a role with the definite article ("sagte die
   Ministerin", "the governor said") goes to the person introduced with that role (a
   spokesperson nobody was introduced as stays "Sprecher"); pronouns and other roles
   ("sagte der SPD-Politiker") go to the last fitting person or body mentioned; and a
   sentence in Konjunktiv or a quotation without an attribution of its own continues
   the last speaker's statement (merged into it, once, when that statement was
   interwoven with the speaker: "Tokajew warf … vor, …. "Ausgebildet" worden seien …").
   One narration sentence or a subhead may stand between; after a paragraph break only
   Konjunktiv I goes on. Headlines and subheads are no claims.

Each suggestion says what it was found by (`cue`: the verb or marker as written, ":",
"quotation" or "Konjunktiv") and how its speaker was found (`speaker_resolution`:
named, alias, role, pronoun, previous, none), so that the desk can see where it guesses.

Every step is linear in the length of the text (bounded look-around windows,
dictionaries, a bounded quotation stack, a budget for similarity searches), so a
megabyte of text or hundreds of nested quotation marks are harmless.

One job per module; each imports only the ones listed before it:

- `lexicon`: the word lists (speech verbs, roles, pronouns, stop words, …);
- `data`: the public types (KnownSpeaker in, Suggestion out);
- `quotes`: pairing quotation marks;
- `records`: the token, speaker and sentence records the passes share;
- `sentences`: paragraphs, sentences, tokens;
- `phrases`: speaker noun phrases;
- `markers`: reported-speech markers (zufolge, laut, nach Angaben, according to, so X, a
  name and a colon) and the clause helpers;
- `speech`: the attribution of one sentence (speech verb, or one of the markers);
- `statements`: what kind of statement, and its span;
- `speakers`: resolving names, pronouns and roles to speakers;
- `engine`: `suggest_claims`, the two passes.
"""

from .data import Attribution, KnownSpeaker, SpeakerRef, SpeakerResolution, Suggestion
from .engine import suggest_claims

__all__ = [
    "Attribution",
    "KnownSpeaker",
    "SpeakerRef",
    "SpeakerResolution",
    "Suggestion",
    "suggest_claims",
]
