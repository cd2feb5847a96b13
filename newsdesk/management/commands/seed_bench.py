"""Create N realistic published claims in bulk, for benchmarks.

Each claim is anchored to a sentence of its article, has a speaker, a published verdict
with a rating, and three cited sources with a snapshot each; German and English alternate.
Rows are written with ``bulk_create`` in batches (100 000 claims take minutes), so the
services' history and hooks are skipped on purpose: this is load data, not desk work.
"""

import hashlib
import random
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from claims import anchoring
from claims.models import Article, Claim, Rating, RatingScale, Speaker, Verdict

TOPICS = {
    "de": [
        ("Die Inflation", "ist so niedrig wie seit zehn Jahren nicht mehr"),
        ("Die Gaspreise", "haben sich binnen eines Jahres verdoppelt"),
        ("Die Arbeitslosigkeit", "ist im Osten stärker gesunken als im Westen"),
        ("Die Regierung", "hat die Ausgaben für Bildung gekürzt"),
        ("Die Zahl der Asylanträge", "hat sich seit 2015 halbiert"),
        ("Der Mindestlohn", "vernichtet Arbeitsplätze in der Gastronomie"),
        ("Windkraft", "ist inzwischen die billigste Form der Stromerzeugung"),
        ("Die Polizei", "hat bei den Protesten Gummigeschosse eingesetzt"),
        ("Das Militärbündnis", "hat Truppen in das Nachbarland verlegt"),
        ("Die Mieten in Großstädten", "sind schneller gestiegen als die Löhne"),
    ],
    "en": [
        ("Inflation", "is at its lowest level in a decade"),
        ("Gas prices", "doubled within a single year"),
        ("Unemployment", "fell faster in the north than in the south"),
        ("The government", "cut spending on schools by a fifth"),
        ("Asylum applications", "have halved since 2015"),
        ("The minimum wage", "destroyed jobs in restaurants"),
        ("Wind power", "is now the cheapest source of electricity"),
        ("The police", "used rubber bullets against the protesters"),
        ("The military alliance", "moved troops into the neighbouring country"),
        ("Rents in big cities", "rose faster than wages"),
    ],
}
SPEECH = {"de": "sagte {speaker} am {day}. Januar", "en": "{speaker} said on January {day}"}
FIRST = ["Anna", "Jonas", "Mira", "Peter", "Olga", "Samir", "Jen", "Kassym", "Luca", "Ines"]
LAST = ["Berger", "Nowak", "Tokajew", "Psaki", "Schmidt", "Kowalski", "Haddad", "Moreau"]
ROLES = ["Ministerin", "Sprecher", "Abgeordnete", "Bürgermeister", "Verbandschef", "Senator"]
SENTENCES_PER_ARTICLE = 20


class Command(BaseCommand):
    help = "Create N published claims with verdicts, speakers and cited sources (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, required=True, help="How many claims")
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        total, batch = options["claims"], options["batch"]
        if total < 1 or batch < 1:
            raise CommandError("--claims and --batch must be at least 1.")
        scale = RatingScale.objects.filter(is_default=True).first()
        if scale is None:
            raise CommandError("No default rating scale: run migrate first.")
        ratings = list(Rating.objects.filter(scale=scale))
        rng = random.Random(options["seed"])  # noqa: S311 - load data, reproducible by seed
        started = time.monotonic()
        speakers = self._speakers(rng, max(50, total // 200))
        run = f"{int(time.time()):x}"
        done = 0
        while done < total:
            size = min(batch, total - done)
            with transaction.atomic():
                self._batch(rng, run, done, size, speakers, ratings)
            done += size
            elapsed = time.monotonic() - started
            rate = done / elapsed if elapsed else 0.0
            remaining = (total - done) / rate if rate else 0.0
            self.stdout.write(
                f"{done:>9,}/{total:,} claims  {done * 100 // total:3d}%  "
                f"{rate:8.0f}/s  about {remaining:5.0f} s left",
            )
            self.stdout.flush()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {total:,} published claims in {time.monotonic() - started:.1f} s"
            )
        )

    def _speakers(self, rng: random.Random, count: int) -> list[Speaker]:
        existing = list(Speaker.objects.filter(slug__startswith="bench-"))
        missing = count - len(existing)
        if missing > 0:
            start = len(existing)
            Speaker.objects.bulk_create(
                Speaker(
                    name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}",
                    slug=f"bench-{n}",
                    kind=Speaker.Kind.PERSON,
                    description=rng.choice(ROLES),
                    aliases=[],
                )
                for n in range(start, start + missing)
            )
            existing = list(Speaker.objects.filter(slug__startswith="bench-"))
        return existing

    def _batch(self, rng, run, offset, size, speakers, ratings) -> None:
        from sources.models import Citation, Snapshot, Source

        now = timezone.now()
        articles, plans = [], []
        for first in range(0, size, SENTENCES_PER_ARTICLE):
            count = min(SENTENCES_PER_ARTICLE, size - first)
            language = "de" if (offset + first) // SENTENCES_PER_ARTICLE % 2 == 0 else "en"
            sentences, spans, cursor = [], [], 0
            for _ in range(count):
                subject, predicate = rng.choice(TOPICS[language])
                speaker = rng.choice(speakers)
                quote = f"{subject} {predicate}"
                attribution = SPEECH[language].format(speaker=speaker.name, day=rng.randint(1, 31))
                sentence = f'"{quote}", {attribution}.'
                spans.append((cursor + 1, cursor + 1 + len(quote), quote, speaker))
                sentences.append(sentence)
                cursor += len(sentence) + 1
            text = " ".join(sentences)
            articles.append(
                Article(
                    title=f"{'Bericht' if language == 'de' else 'Report'} {run}-{offset + first}",
                    outlet="Bench Tribune",
                    language=language,
                    published_on=f"2022-01-{rng.randint(1, 28):02d}",
                    text=text,
                )
            )
            plans.append(spans)
        Article.objects.bulk_create(articles)

        claims = []
        for article, spans in zip(articles, plans, strict=True):
            for start, end, quote, speaker in spans:
                selector = anchoring.selector_for_span(article.text, start, end)
                published = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365))
                claims.append(
                    Claim(
                        article=article,
                        speaker=speaker,
                        start=selector.start,
                        end=selector.end,
                        exact=selector.exact,
                        prefix=selector.prefix,
                        suffix=selector.suffix,
                        attribution=Claim.Attribution.DIRECT,
                        claim=quote[:200],
                        slug=f"bench-{run}-{offset + len(claims)}",
                        stated_on=article.published_on,
                        status=Claim.Status.PUBLISHED,
                        published_at=published,
                    )
                )
        Claim.objects.bulk_create(claims)

        verdicts, sources = [], []
        for claim in claims:
            rating = rng.choice(ratings)
            verdicts.append(
                Verdict(
                    claim=claim,
                    rating=rating,
                    headline=f"{rating.label_de}: {claim.claim[:80]}",
                    summary=f"Die Behauptung ist {rating.label_de.lower()}. Belege siehe unten.",
                    explanation="Wir haben die Zahlen der Statistikämter geprüft. " * 8,
                    published_at=claim.published_at,
                )
            )
            for n in range(3):
                url = f"https://source{n}.bench.example/{run}/{claim.slug}"
                sources.append(
                    Source(
                        url=url,
                        normalised_url=url,
                        state=Source.State.FETCHED,
                        last_fetched_at=claim.published_at,
                    )
                )
        Verdict.objects.bulk_create(verdicts)
        Source.objects.bulk_create(sources)

        snapshots, citations = [], []
        roles = [Citation.Role.SUPPORTS, Citation.Role.REFUTES, Citation.Role.CONTEXT]
        for index, source in enumerate(sources):
            claim = claims[index // 3]
            text = f"Quelle zu {claim.claim}."
            snapshots.append(
                Snapshot(
                    source=source,
                    fetched_at=source.last_fetched_at,
                    status_code=200,
                    final_url=source.url,
                    content_type="text/html",
                    title=f"Quelle {index % 3 + 1}: {claim.claim[:60]}",
                    text=text,
                    kind=Snapshot.Kind.HTML,
                    size=len(text),
                    sha256=hashlib.sha256(source.url.encode()).hexdigest(),
                    text_sha256=hashlib.sha256(text.encode()).hexdigest(),
                )
            )
            citations.append(
                Citation(claim=claim, source=source, role=roles[index % 3], order=index % 3)
            )
        Snapshot.objects.bulk_create(snapshots)
        Citation.objects.bulk_create(citations)

        ids = (claims[0].pk, claims[-1].pk)
        with connection.cursor() as cursor:
            # Spread the update times like a year of real publishing (auto_now set "now").
            cursor.execute(
                "UPDATE claims_claim SET updated_at = published_at WHERE id BETWEEN %s AND %s", ids
            )
            cursor.execute(
                "UPDATE claims_verdict SET updated_at = published_at "
                "WHERE claim_id BETWEEN %s AND %s",
                ids,
            )
            if connection.vendor == "postgresql":
                cursor.execute(SEARCH_VECTOR_SQL, ids)


# The same weights as publishing.search.claim_update_search_vector, for a whole batch at once.
SEARCH_VECTOR_SQL = """
UPDATE claims_claim AS c SET search_vector =
    setweight(to_tsvector(cfg.name, coalesce(c.claim, '') || ' ' || coalesce(v.headline, '')), 'A')
 || setweight(to_tsvector(cfg.name, coalesce(c.exact, '') || ' ' || coalesce(s.name, '')), 'B')
 || setweight(to_tsvector(cfg.name, coalesce(v.summary, '') || ' ' || coalesce(a.title, '')), 'C')
 || setweight(to_tsvector(cfg.name, coalesce(v.explanation, '')), 'D')
FROM claims_verdict AS v, claims_article AS a, claims_speaker AS s,
     LATERAL (SELECT (CASE split_part(lower(a.language), '-', 1)
                      WHEN 'de' THEN 'german' WHEN 'en' THEN 'english' ELSE 'simple'
                      END)::regconfig AS name) AS cfg
WHERE v.claim_id = c.id AND a.id = c.article_id AND s.id = c.speaker_id
  AND c.id BETWEEN %s AND %s
"""
