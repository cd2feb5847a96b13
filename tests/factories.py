"""Factories for tests. Claims are anchored with the real anchoring code; sources are
identified by the real URL normaliser."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from claims import anchoring, services
from claims.models import Article, Claim, Rating, RatingScale, Speaker, Verdict
from sources.fetching import normalise_url
from sources.models import Citation, Snapshot, Source

SAMPLE_TEXT = (
    'Die Regierung erklärte, die Inflation sei "so niedrig wie nie". '
    "Der Minister sagte, es gebe keine Probleme."
)


def desk_user(username: str, *, role: str, password: str = "pw-for-tests-123"):
    user, _password = services.desk_user_create(username=username, role=role, password=password)
    return user


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Artikel {n}")
    outlet = "Testzeitung"
    language = "de"
    published_on = "2022-01"
    text = SAMPLE_TEXT


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Sprecherin {n}")
    slug = factory.Sequence(lambda n: f"sprecherin-{n}")
    description = "Ministerin"


def default_scale() -> RatingScale:
    return RatingScale.objects.get(slug="standard")


def rating(slug: str = "falsch") -> Rating:
    return Rating.objects.get(scale__slug="standard", slug=slug)


class ClaimFactory(factory.django.DjangoModelFactory):
    """A draft claim on ``quote`` (the first occurrence in the article text)."""

    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    speaker = factory.SubFactory(SpeakerFactory)
    claim = factory.Sequence(lambda n: f"Die Inflation ist so niedrig wie nie ({n})")
    slug = factory.Sequence(lambda n: f"claim-{n}")
    attribution = Claim.Attribution.DIRECT
    quote = "so niedrig wie nie"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        quote = kwargs.pop("quote")
        article = kwargs["article"]
        start = article.text.index(quote)
        selector = anchoring.selector_for_span(article.text, start, start + len(quote))
        kwargs.update(
            start=selector.start,
            end=selector.end,
            exact=selector.exact,
            prefix=selector.prefix,
            suffix=selector.suffix,
        )
        claim = super()._create(model_class, *args, **kwargs)
        Verdict.objects.get_or_create(claim=claim)
        return claim


class SourceFactory(factory.django.DjangoModelFactory):
    """A source row as the desk would have it, pending a fetch unless ``state`` says else.

    Its identity is the normalised URL (unique in the database): a second factory call
    with an equivalent URL returns the same row, as ``citation_add`` would. Built
    directly, nothing is queued for fetching.
    """

    class Meta:
        model = Source
        django_get_or_create = ("normalised_url",)

    url = factory.Sequence(lambda n: f"https://quelle{n}.example/bericht")
    normalised_url = factory.LazyAttribute(lambda source: normalise_url(source.url))


class SnapshotFactory(factory.django.DjangoModelFactory):
    """What a successful fetch of an HTML page recorded, without a stored body.

    ``body`` stays empty: its file is stored under ``sha256`` by ``sources.services``, so a
    test that needs the bytes fetches a page from the local test server instead.
    ``sha256`` and ``text_sha256`` (what a re-check compares) are whatever a test gives.
    """

    class Meta:
        model = Snapshot

    source = factory.SubFactory(SourceFactory, state=Source.State.FETCHED)
    fetched_at = factory.LazyFunction(timezone.now)
    status_code = 200
    final_url = factory.LazyAttribute(lambda snapshot: snapshot.source.url)
    content_type = "text/html"
    charset = "utf-8"
    title = factory.Sequence(lambda n: f"Bericht {n}")
    kind = Snapshot.Kind.HTML


class CitationFactory(factory.django.DjangoModelFactory):
    """A claim's verdict citing a source; one per (claim, source, role)."""

    class Meta:
        model = Citation

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    role = Citation.Role.SUPPORTS
