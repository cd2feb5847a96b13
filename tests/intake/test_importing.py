"""Articles added by URL (intake.importing): fetched through the source engine, archived as
a snapshot, deduplicated, and failed with a reason, never half-done."""

from __future__ import annotations

import pytest

from claims.errors import InvalidInput, NotAllowed
from claims.models import Article
from intake import importing
from intake.models import ArticleImport
from intake.page import detect_language
from intake.signals import article_imported
from sources.models import Snapshot
from tests.intake.pages import (
    ENGLISH_PARAGRAPHS,
    GERMAN_PARAGRAPHS,
    INDEX_PAGE,
    english_page,
    german_page,
)
from tests.sources.httpserver import redirect_to

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("intake_env", "loopback_only")]


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Start an import and run what the commit sends (the fetch, in-process)."""

    def start(url: str, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            article, started = importing.article_import_start(url=url, **kwargs)
        article.refresh_from_db()
        return article, started

    return start


@pytest.fixture
def received():
    seen: list[dict] = []

    def receiver(sender, **kwargs):
        seen.append(kwargs)

    article_imported.connect(receiver, dispatch_uid="test-intake-received")
    yield seen
    article_imported.disconnect(dispatch_uid="test-intake-received")


def test_a_german_article_is_imported_with_its_metadata_and_snapshot(
    run, http_server, checker, received
):
    http_server.respond("/politik/bus", body=german_page())
    url = http_server.url("/politik/bus")
    article, started = run(url, user=checker)
    assert started
    assert article.import_state == Article.ImportState.IMPORTED, article.import_reason
    assert article.title == "Neuer Busfahrplan für Birkenfeld"
    assert "Bürgermeisterin Anna Keller sagte" in article.text
    assert "Impressum" not in article.text  # the main text, not the page's furniture
    assert article.language == "de"
    assert article.outlet == "Birkenfelder Bote"
    assert article.published_on == "2026-11-24"
    assert article.url == url
    assert article.created_by == checker
    assert article.text_sha256
    record = ArticleImport.objects.get(article=article)
    assert record.author == "Lena Vogt"
    assert record.snapshot is not None and record.snapshot.sha256
    assert record.snapshot.fetched_at is not None
    assert record.snapshot.status_code == 200
    assert record.snapshot.warc.name  # the exchange archived as evidence
    assert received == [{"signal": article_imported, "article": article, "feed": None}]


def test_an_english_article_is_detected_as_english(run, http_server):
    http_server.respond("/library", body=english_page())
    article, _ = run(http_server.url("/library"))
    assert article.import_state == "imported"
    assert article.language == "en"
    assert article.title == "Millbrook votes to close library"
    assert article.outlet == "Millbrook Courier"


def test_language_detection_is_de_en_or_undetermined():
    assert detect_language(" ".join(GERMAN_PARAGRAPHS)) == "de"
    assert detect_language(" ".join(ENGLISH_PARAGRAPHS)) == "en"
    assert detect_language("Zu kurz.") == ""
    french = (
        "Le conseil municipal a voté mardi la fermeture de la bibliothèque. Le maire a dit que "
        "le bâtiment coûtait trop cher et que la ville ne pouvait plus payer les réparations "
        "du toit, selon les chiffres publiés par la mairie la semaine dernière en ville."
    )
    assert detect_language(french) == ""


def test_an_undetermined_language_is_left_for_the_fact_checker(run, http_server, settings):
    settings.INTAKE_MIN_ARTICLE_CHARS = 100
    text = [
        "Le conseil municipal a voté mardi la fermeture de la bibliothèque de la gare. Le maire "
        "a dit que le bâtiment coûtait trop cher et que la ville ne pouvait plus payer.",
        "Les opposants ont dit que la fermeture toucherait surtout les familles et les enfants "
        "du quartier, qui viennent y lire chaque semaine depuis des années.",
    ]
    from tests.intake.pages import article_html

    http_server.respond("/fr", body=article_html("Bibliothèque", text, lang="fr"))
    article, _ = run(http_server.url("/fr"))
    assert article.import_state == "imported"
    assert article.language == importing.UNDETERMINED == "und"


def test_redirects_are_followed_and_the_final_address_is_canonical(run, http_server):
    http_server.respond("/final", body=german_page())
    http_server.route("/short", redirect_to("/middle", status=301))
    http_server.route("/middle", redirect_to("/final", status=302))
    article, _ = run(http_server.url("/short"))
    assert article.import_state == "imported", article.import_reason
    assert article.canonical_url.endswith("/final")
    snapshot = article.import_record.snapshot
    assert [r["status"] for r in snapshot.redirects] == [301, 302]
    # The final address opens the same article.
    again, started = importing.article_import_start(url=http_server.url("/final"))
    assert (again.pk, started) == (article.pk, False)


def test_the_same_url_again_opens_the_existing_article(run, http_server):
    http_server.respond("/a", body=german_page())
    article, _ = run(http_server.url("/a"))
    again, started = run(http_server.url("/a") + "?utm_source=feed")
    assert (again.pk, started) == (article.pk, False)
    assert Article.objects.count() == 1
    assert len(http_server.requests) == 1


def test_an_import_in_progress_is_found_by_a_second_request(http_server):
    http_server.respond("/a", body=german_page())
    first, started = importing.article_import_start(url=http_server.url("/a"))
    second, again = importing.article_import_start(url=http_server.url("/a"))
    assert started and not again
    assert first.pk == second.pk and second.import_state == "importing"


def test_a_duplicate_by_canonical_url_leads_to_the_existing_article(run, http_server):
    canonical = http_server.url("/artikel/bus")
    http_server.respond("/artikel/bus", body=german_page(canonical=canonical))
    http_server.respond(
        "/amp/bus", body=german_page(canonical=canonical).replace(b"Dienstag", b"Di.")
    )
    first, _ = run(http_server.url("/artikel/bus"))
    second, started = run(http_server.url("/amp/bus"))
    assert started
    assert second.pk != first.pk
    assert second.import_state == "failed"
    assert second.text == ""
    record = ArticleImport.objects.get(article=second)
    assert record.duplicate_of_id == first.pk
    assert "already in the desk" in second.import_reason
    # Asked again, the desk answers with the article it has.
    third, started = importing.article_import_start(url=http_server.url("/amp/bus"))
    assert (third.pk, started) == (first.pk, False)


def test_the_same_text_at_another_address_is_a_duplicate(run, http_server):
    http_server.respond("/one", body=german_page())
    http_server.respond("/two", body=german_page())
    first, _ = run(http_server.url("/one"))
    second, _ = run(http_server.url("/two"))
    assert second.import_state == "failed"
    assert second.import_record.duplicate_of_id == first.pk
    assert Article.objects.filter(import_state="imported").count() == 1


def test_a_page_without_article_text_fails_with_a_reason(run, http_server):
    http_server.respond("/", body=INDEX_PAGE)
    article, _ = run(http_server.url("/"))
    assert article.import_state == "failed"
    assert article.text == "" and article.text_sha256 == ""
    assert "no article text" in article.import_reason
    assert article.import_record.failure == "not_article"
    assert article.import_record.snapshot is not None  # what the page was is kept


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/artikel",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:10.0.0.1]/",
        "http://metadata.google.internal/",
    ],
)
def test_a_refused_address_is_refused_before_any_connection(url, loopback_only, http_server):
    with pytest.raises(InvalidInput) as raised:
        importing.article_import_start(url=url)
    assert "cannot be imported" in raised.value.message
    assert not loopback_only and not http_server.requests
    assert not Article.objects.exists()


def test_a_redirect_inwards_fails_before_any_connection(run, http_server, loopback_only):
    http_server.route("/jump", redirect_to("http://10.0.0.1/intern", status=302))
    article, _ = run(http_server.url("/jump"))
    assert article.import_state == "failed"
    assert article.text == ""
    assert article.import_record.failure == "blocked"
    assert "private network" in article.import_reason
    assert [r.path for r in http_server.requests] == ["/jump"]
    assert not loopback_only  # nothing tried to reach 10.0.0.1


def test_not_a_web_address_is_refused(checker):
    for bad in ("", "ftp://example.org/x", "javascript:alert(1)", "http://user:pw@example.org/"):
        with pytest.raises(InvalidInput):
            importing.article_import_start(url=bad, user=checker)


def test_without_permission_nothing_is_started(http_server, django_user_model):
    user = django_user_model.objects.create_user("visitor", is_staff=True)
    with pytest.raises(NotAllowed):
        importing.article_import_start(url=http_server.url("/a"), user=user)


@pytest.mark.parametrize("status", [404, 410, 403])
def test_an_http_error_fails_with_the_reason(run, http_server, status):
    http_server.route("/gone", lambda ex: ex.respond(status, b"<html>nope</html>"))
    article, _ = run(http_server.url("/gone"))
    assert article.import_state == "failed"
    assert article.text == ""
    assert str(status) in article.import_reason


def test_a_server_error_is_retried_then_fails(run, http_server, settings):
    settings.FETCH_MAX_ATTEMPTS = 2
    http_server.route("/err", lambda ex: ex.respond(500, b"boom"))
    article, _ = run(http_server.url("/err"))
    assert article.import_state == "failed"
    assert len(http_server.requests) == 2  # retried with the engine's back-off
    assert "server error" in article.import_reason
    assert "gave up after 2 attempts" in article.import_reason.casefold()


def test_a_transient_error_then_success_imports(run, http_server):
    calls = []

    def flaky(ex):
        calls.append(1)
        if len(calls) == 1:
            ex.respond(503, b"busy")
        else:
            ex.respond(200, german_page())

    http_server.route("/flaky", flaky)
    article, _ = run(http_server.url("/flaky"))
    assert article.import_state == "imported", article.import_reason


def test_a_failed_import_is_started_again_on_the_same_row(run, http_server):
    state = {"ok": False}
    http_server.route(
        "/later",
        lambda ex: ex.respond(200, german_page()) if state["ok"] else ex.respond(404, b"no"),
    )
    article, _ = run(http_server.url("/later"))
    assert article.import_state == "failed"
    state["ok"] = True
    again, started = run(http_server.url("/later"))
    assert started and again.pk == article.pk
    assert again.import_state == "imported"
    assert again.import_reason == ""


def test_the_reason_is_said_in_the_readers_language(run, http_server):
    from django.utils import translation

    http_server.respond("/", body=INDEX_PAGE)
    article, _ = run(http_server.url("/"))
    with translation.override("de"):
        german = importing.import_reason_text(article)
    assert german != importing.import_reason_text(article)
    assert "Artikel" in german


def test_a_repeated_task_does_nothing(run, http_server):
    http_server.respond("/a", body=german_page())
    article, _ = run(http_server.url("/a"))
    assert importing.article_import_run(import_id=article.import_record.pk).outcome == "skipped"
    assert Snapshot.objects.count() == 1


def test_the_sweep_resends_an_import_a_lost_message_left(
    http_server, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    http_server.respond("/a", body=german_page())
    article, _ = importing.article_import_start(url=http_server.url("/a"))  # never sent
    ArticleImport.objects.filter(article=article).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    from sources.models import Source

    Source.objects.update(next_attempt_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert importing.article_import_sweep() == 1
    article.refresh_from_db()
    assert article.import_state == "imported"
