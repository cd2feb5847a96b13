"""Claim suggestions: from an article's text, propose candidate claims and their speakers.

Pure: text in, suggestions out; no database, no model download. German and English.

How it works, in two passes over the text:

1. Each paragraph (a quotation never runs past its paragraph) is scanned once for quotation
   marks with a stack (no regex backtracking), then cut into sentences; a sentence
   boundary inside a quotation does not count. Each sentence is tokenised outside its
   quotations, and a small rule set finds its attribution: a speech verb (sagte, warf … vor,
   said, according to, …) with the speaker's noun phrase before or after it, or a
   reported-speech marker (Berichten zufolge, nach Angaben des …). Names that come with a
   role ("Staatschef Kassym-Schomart Tokajew") are collected too.
2. The names found are resolved to speakers: the caller's known speakers first (exact,
   aliases, last names with a fitting first name, then rapidfuzz for misspellings such
   as "Tojakew"), otherwise to one another ("Psaki" is the "Jen Psaki" named earlier).
   Then the sentences are walked in order: pronouns ("sagte er", "she said") and roles
   with the definite article ("sagte der SPD-Politiker") go to the last fitting person
   or body mentioned, and a sentence in Konjunktiv without an attribution of its own
   continues the last speaker's statement (merged into it, once, when that statement
   opened with the speaker: "Tokajew warf … vor, …. "Ausgebildet" worden seien …").

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
- `speech`: the attribution of one sentence (speech verb or reported-speech marker);
- `statements`: what kind of statement, and its span;
- `speakers`: resolving names, pronouns and roles to speakers;
- `engine`: `suggest_claims`, the two passes.
"""

from .data import Attribution, KnownSpeaker, SpeakerRef, Suggestion
from .engine import suggest_claims

__all__ = [
    "Attribution",
    "KnownSpeaker",
    "SpeakerRef",
    "Suggestion",
    "suggest_claims",
]
