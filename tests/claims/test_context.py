"""The quote in its context: one sentence either side, never across a paragraph."""

import pytest

from publishing.context import quote_context

SEED_PARAGRAPH = (
    'Tokajew warf "Terrorgruppen" vor, hinter den Protesten zu stecken und im ganzen Land '
    'zu "randalieren", Geschäfte zu plündern und "Frauen anzugreifen". "Ausgebildet" worden '
    'seien die Gruppen im "Ausland".'
)


def _context(text: str, quote: str, occurrence: int = 0, **kwargs):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return quote_context(text, start, start + len(quote), **kwargs)


@pytest.mark.parametrize(
    ("text", "quote", "before", "after"),
    [
        # the middle of three sentences: one whole sentence either side
        (
            "Eins ist hier. Zwei sagt das. Drei folgt.",
            "sagt",
            "Eins ist hier. Zwei ",
            " das. Drei folgt.",
        ),
        # the first sentence of the text: nothing before
        ("Eins ist hier. Zwei sagt das. Drei folgt.", "Eins", "", " ist hier. Zwei sagt das."),
        # a paragraph break is a hard edge, on both sides
        ("Davor.\n\nEins sagt das. Zwei.\n\nDanach.", "sagt", "Eins ", " das. Zwei."),
        # closing quotation marks belong to the sentence they close
        (
            'Er sagte: "Es ist so." Dann ging er. Ende.',
            "Dann",
            'Er sagte: "Es ist so." ',
            " ging er. Ende.",
        ),
        # German ordinals and abbreviations do not end sentences
        (
            "Am 5. Januar sagte er z. B. dies. Dann nichts. Ende.",
            "dies",
            "Am 5. Januar sagte er z. B. ",
            ". Dann nichts.",
        ),
        # a year at the end of a sentence does end it
        (
            "Er regiert seit 2019. Er sagte dies. Danach Ruhe. Ende.",
            "dies",
            "Er regiert seit 2019. Er sagte ",
            ". Danach Ruhe.",
        ),
        # English abbreviations
        (
            "Mr. Smith said so. Then e.g. this. The end. More.",
            "this",
            "Mr. Smith said so. Then e.g. ",
            ". The end.",
        ),
        # question and exclamation marks
        ("Wirklich? Ja, sagte sie! Gut. Weiter.", "sagte", "Wirklich? Ja, ", " sie! Gut."),
        # a span that covers two sentences takes its context from both ends
        ("A eins. B zwei. C drei. D vier. E fünf.", "zwei. C drei", "A eins. B ", ". D vier."),
        # a quote with an unbalanced quotation mark (as in the seed article)
        (
            'Er warnte: Ich will hart sein", sagte er. Dann.',
            "Ich will hart sein",
            "Er warnte: ",
            '", sagte er. Dann.',
        ),
    ],
)
def test_context_is_whole_sentences_around_the_span(text, quote, before, after):
    context = _context(text, quote)
    assert (context.before, context.quote, context.after) == (before, quote, after)


def test_context_is_a_slice_of_the_text():
    context = _context(SEED_PARAGRAPH, "Ausland")
    assert context.before.endswith('worden seien die Gruppen im "')
    assert context.before.startswith('Tokajew warf "Terrorgruppen"')
    assert context.after == '".'
    assert context.before + context.quote + context.after in SEED_PARAGRAPH


def test_context_says_when_it_cut_the_paragraph():
    text = "Eins. Zwei. Drei sagt. Vier. Fünf."
    context = _context(text, "sagt")
    assert context.truncated_before and context.truncated_after
    whole = _context("Eins sagt. Zwei.", "sagt")
    assert not whole.truncated_before and not whole.truncated_after


def test_more_sentences_of_context_on_request():
    text = "Eins. Zwei. Drei sagt. Vier. Fünf."
    assert _context(text, "sagt", sentences=2).before == "Eins. Zwei. Drei "
    assert _context(text, "sagt", sentences=0).before == "Drei "


@pytest.mark.parametrize(("start", "end"), [(5, 5), (-1, 3), (0, 999), (4, 2)])
def test_a_span_outside_the_text_is_refused(start, end):
    with pytest.raises(ValueError, match="outside"):
        quote_context("Ein kurzer Text.", start, end)


def test_the_seed_article_quote_in_context(seed_text):
    context = _context(seed_text, "Teil des russischen Drehbuchs für Desinformation")
    assert context.before.startswith("Psaki wies zugleich")
    assert context.after == '".'
