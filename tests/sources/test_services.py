"""sources.services and the fetch engine: citations, the fetch state machine, leases,
backoff, re-checks, sweep.

Everything fetched comes from a local HTTP server on 127.0.0.1 (``http_server``), with
``FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]``; ``loopback_only`` refuses any other traffic.
"""

from __future__ import annotations

import socket
import threading
from datetime import timedelta
from functools import partial

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from claims import signals
from claims.errors import InvalidInput, InvalidTransition, NotAllowed
from claims.models import Claim
from publishing import caching
from sources import engine, fetching, leases, queue, selectors, services
from sources.engine import Outcome
from sources.models import Citation, Snapshot, Source
from tests import factories
from tests.sources.helpers import expire_lease, fetch, make_due, page, publish, recheck_now
from tests.sources.httpserver import redirect_to

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sources_env", "loopback_only")]


@pytest.fixture
def claim(checker):
    return factories.ClaimFactory(created_by=checker)


def _enqueued(callbacks) -> list[int]:
    """Source ids the captured on-commit callbacks would send to the workers."""
    ids = []
    for callback in callbacks:
        if isinstance(callback, partial) and callback.func is queue.enqueue_fetch:
            ids.extend(callback.args[0])
    return ids


# --- citation_add: input validation ------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Enter the address"),
        ("   ", "Enter the address"),
        # no scheme: a path or a host alone is not an address we can fetch
        ("example.com/article", "no scheme"),
        ("//example.com/article", "no scheme"),
        # refused schemes: only http and https
        ("ftp://example.com/file.pdf", "scheme 'ftp' is not allowed"),
        ("javascript:alert(document.cookie)", "scheme 'javascript' is not allowed"),
        ("file:///etc/passwd", "scheme 'file' is not allowed"),
        ("data:text/html,<script>alert(1)</script>", "scheme 'data' is not allowed"),
        ("mailto:desk@example.com", "scheme 'mailto' is not allowed"),
        # credentials in the URL (phishing-style "https://bank.com@evil.example/")
        ("https://user:secret@example.com/", "passwords in URLs are not allowed"),
        # too long: over 2048 characters
        ("https://example.com/" + "a" * 2100, "longer than 2048"),
        # malformed
        ("http://exa mple.com/", "whitespace"),
        ("http://example.com/\r\nX-Injected: 1", "control"),
        ("http://[::1/", "not closed"),
        ("http://example.com\\@evil.example/", "backslash"),
        ("http:///path-only", "no host"),
        ("http://example.com:99999/", "port"),
    ],
)
def test_citation_add_refuses_unusable_urls_with_a_clear_message(claim, checker, url, message):
    with pytest.raises(InvalidInput) as error:
        services.citation_add(claim=claim, url=url, role="supports", user=checker)
    assert message in str(error.value)
    assert not Source.objects.exists()
    assert not Citation.objects.exists()


def test_citation_add_refuses_an_unknown_role(claim, checker):
    with pytest.raises(InvalidInput, match="Unknown role"):
        services.citation_add(claim=claim, url="https://example.com/", role="proves", user=checker)


def test_citation_add_needs_the_permission(claim):
    outsider = factories.UserFactory(username="outsider")
    with pytest.raises(NotAllowed):
        services.citation_add(
            claim=claim, url="https://example.com/", role="supports", user=outsider
        )


def test_a_retracted_claim_gets_no_new_sources(claim, checker):
    Claim.objects.filter(pk=claim.pk).update(
        status="retracted", published_at=timezone.now(), retracted_at=timezone.now()
    )
    with pytest.raises(InvalidTransition, match="retracted"):
        services.citation_add(
            claim=claim, url="https://example.com/", role="supports", user=checker
        )


def test_a_refused_destination_is_kept_and_ends_blocked_with_its_reason(
    claim, checker, settings, django_capture_on_commit_callbacks
):
    """Not refused at input: the desk's entry is kept, the fetch records why it is blocked."""
    settings.FETCH_ALLOW_NETWORKS = []
    with django_capture_on_commit_callbacks() as callbacks:
        citation = services.citation_add(
            claim=claim,
            url="http://169.254.169.254/latest/meta-data/",
            role="context",
            user=checker,
        )
    source = citation.source
    assert _enqueued(callbacks) == [source.pk]
    assert fetch(source) == Outcome.BLOCKED
    assert source.state == Source.State.BLOCKED
    assert "169.254.169.254" in source.reason and "refused" in source.reason
    assert not source.snapshots.exists()
    # No retry: neither a repeated task nor the sweep touches it again.
    assert fetch(source) == Outcome.SKIPPED
    make_due(source)
    with django_capture_on_commit_callbacks() as callbacks:
        assert engine.source_sweep().enqueued == 0
    assert _enqueued(callbacks) == []


# --- citation_add: one source per normalised URL -------------------------------------------------


def test_sources_are_shared_by_normalised_url_and_fetched_once(
    checker, django_capture_on_commit_callbacks
):
    first, second = factories.ClaimFactory(), factories.ClaimFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        a = services.citation_add(
            claim=first,
            url="HTTPS://Example.COM:443/report?utm_source=x&id=7#section",
            role="supports",
            user=checker,
        )
    assert len(_enqueued(callbacks)) == 1
    Source.objects.filter(pk=a.source_id).update(state="fetched")
    with django_capture_on_commit_callbacks() as callbacks:
        b = services.citation_add(
            claim=second, url="https://example.com/report?id=7", role="refutes", user=checker
        )
    assert _enqueued(callbacks) == []  # fetched already: nothing to do
    assert a.source_id == b.source_id
    source = Source.objects.get()
    assert source.normalised_url == "https://example.com/report?id=7"
    assert source.url == "HTTPS://Example.COM:443/report?utm_source=x&id=7#section"
    assert source.citations.count() == 2


def test_one_claim_cites_a_source_once_per_role(claim, checker):
    services.citation_add(claim=claim, url="https://example.com/a", role="supports", user=checker)
    with pytest.raises(InvalidInput, match="already cites"):
        services.citation_add(
            claim=claim, url="https://example.com/a#other", role="supports", user=checker
        )
    other = services.citation_add(
        claim=claim, url="https://example.com/a", role="context", passage=" „Zitat“ ", user=checker
    )
    assert (other.order, other.passage) == (2, "„Zitat“")


def test_citation_update_and_remove(claim, checker):
    citation = services.citation_add(
        claim=claim, url="https://example.com/a", role="supports", user=checker
    )
    services.citation_update(citation=citation, role="refutes", passage="p", user=checker)
    citation.refresh_from_db()
    assert (citation.role, citation.passage) == ("refutes", "p")
    services.citation_remove(citation=citation, user=checker)
    services.citation_remove(citation=citation, user=checker)  # repeated: harmless
    assert not Citation.objects.exists()
    assert Source.objects.count() == 1  # the source and its snapshots stay


# --- Fetching -----------------------------------------------------------------------------------


def test_fetch_records_a_snapshot_with_its_body_in_storage(claim, checker, http_server):
    body = page("Bericht über Kasachstan", "Die Lage in Almaty bleibt angespannt")
    http_server.respond(
        "/report",
        body=body,
        headers={"Last-Modified": "Fri, 07 Jan 2022 10:00:00 GMT", "X-Secret": "not kept"},
    )
    http_server.redirect("/r", "/report", status=301)
    citation = services.citation_add(
        claim=claim, url=http_server.url("/r"), role="supports", user=checker
    )
    source = citation.source
    assert fetch(source) == Outcome.FETCHED
    assert source.state == Source.State.FETCHED
    assert (source.attempts, source.reason, source.lease_token) == (1, "", "")
    assert source.last_fetched_at is not None
    assert source.recheck_due_at > timezone.now() + timedelta(days=6)
    snapshot = source.snapshots.get()
    assert snapshot.status_code == 200
    assert snapshot.final_url == http_server.url("/report")
    assert snapshot.redirects == [{"url": http_server.url("/r"), "status": 301}]
    assert snapshot.headers["last-modified"] == "Fri, 07 Jan 2022 10:00:00 GMT"
    assert "x-secret" not in snapshot.headers
    assert (snapshot.kind, snapshot.content_type, snapshot.title) == (
        "html",
        "text/html",
        "Bericht über Kasachstan",
    )
    assert "Almaty" in snapshot.text
    assert snapshot.language == "de"
    assert snapshot.size == len(body)
    assert snapshot.sha256 == fetching_sha(body)
    assert snapshot.body.name.endswith(snapshot.sha256)
    with default_storage.open(snapshot.body.name, "rb") as stored:
        assert stored.read() == body
    assert http_server.requests_to("/report")[0].headers["user-agent"].startswith("FactcheckDesk")


def fetching_sha(body: bytes) -> str:
    import hashlib

    return hashlib.sha256(body).hexdigest()


def test_source_fetch_is_idempotent(claim, checker, http_server):
    http_server.respond("/a", body=page("A", "Text"))
    source = services.citation_add(
        claim=claim, url=http_server.url("/a"), role="supports", user=checker
    ).source
    assert fetch(source) == Outcome.FETCHED
    assert fetch(source) == Outcome.SKIPPED
    assert engine.source_fetch(source_id=10**9) == Outcome.SKIPPED  # gone
    assert source.snapshots.count() == 1
    assert len(http_server.requests_to("/a")) == 1


@pytest.mark.parametrize("status", [404, 410])
def test_a_missing_page_is_recorded_and_flagged_dead(claim, checker, http_server, status):
    http_server.respond("/gone", status=status, body=b"<title>Not here</title>weg")
    source = services.citation_add(
        claim=claim, url=http_server.url("/gone"), role="origin", user=checker
    ).source
    assert fetch(source) == Outcome.FETCHED
    assert source.state == Source.State.FETCHED
    assert source.is_dead and not source.is_changed
    assert str(status) in source.reason
    assert source.snapshots.get().status_code == status


@pytest.mark.parametrize("status", [400, 401, 403, 451])
def test_other_client_errors_fail_permanently_with_the_reason(claim, checker, http_server, status):
    http_server.respond("/no", status=status, body=b"no")
    source = services.citation_add(
        claim=claim, url=http_server.url("/no"), role="context", user=checker
    ).source
    assert fetch(source) == Outcome.FAILED
    assert source.state == Source.State.FAILED
    assert f"answered {status}" in source.reason
    assert source.next_attempt_at is None
    assert not source.snapshots.exists()
    assert fetch(source) == Outcome.SKIPPED


def test_a_redirect_to_a_refused_address_is_blocked(claim, checker, http_server):
    http_server.route("/jump", redirect_to("http://169.254.169.254/latest/meta-data/"))
    source = services.citation_add(
        claim=claim, url=http_server.url("/jump"), role="context", user=checker
    ).source
    assert fetch(source) == Outcome.BLOCKED
    assert source.state == Source.State.BLOCKED
    assert "169.254.169.254" in source.reason


def test_a_permanent_fetch_error_fails_with_its_reason(claim, checker, http_server):
    http_server.route(
        "/loop", lambda ex: ex.respond(302, b"", headers={"Location": "/loop"}, content_type=None)
    )
    source = services.citation_add(
        claim=claim, url=http_server.url("/loop"), role="context", user=checker
    ).source
    assert fetch(source) == Outcome.FAILED
    assert "redirects" in source.reason


# --- Transient failures: backoff with jitter ------------------------------------------------------


@pytest.mark.parametrize("attempt", range(1, 12))
def test_retry_delay_is_exponential_with_bounded_jitter(attempt):
    cap = 3600.0
    ceiling = min(cap, engine.RETRY_BASE_SECONDS * 2 ** (attempt - 1))
    lowest = engine.retry_delay(attempt, cap=cap, rng=lambda: 0.0)
    highest = engine.retry_delay(attempt, cap=cap, rng=lambda: 0.999999)
    assert lowest == pytest.approx(ceiling / 2)
    assert ceiling / 2 <= highest <= ceiling <= cap
    samples = {engine.retry_delay(attempt, cap=cap) for _ in range(200)}
    assert all(ceiling / 2 <= s <= ceiling for s in samples)
    assert len(samples) > 150  # jitter: many workers do not retry in lockstep


def test_retry_delay_honours_retry_after_but_never_the_cap():
    assert engine.retry_delay(1, retry_after=600, cap=3600, rng=lambda: 0) == 600
    assert engine.retry_delay(1, retry_after=10**6, cap=3600, rng=lambda: 0) == 3600
    assert engine.retry_delay(40, cap=120, rng=lambda: 1) == 120


def test_transient_errors_retry_with_backoff_then_fail_after_the_attempt_limit(
    claim, checker, http_server, django_capture_on_commit_callbacks, lease_sql
):
    http_server.respond("/busy", status=503, body=b"busy")
    source = services.citation_add(
        claim=claim, url=http_server.url("/busy"), role="supports", user=checker
    ).source
    for attempt in (1, 2):
        before = timezone.now()
        with django_capture_on_commit_callbacks() as callbacks:
            assert fetch(source) == Outcome.RETRY
        assert source.state == Source.State.PENDING
        assert source.attempts == attempt
        assert "503" in source.reason
        ceiling = engine.RETRY_BASE_SECONDS * 2 ** (attempt - 1)
        delay = (source.next_attempt_at - before).total_seconds()
        assert ceiling / 2 - 1 <= delay <= ceiling + 1
        # The retry is scheduled for then (and the sweep re-sends it if it is lost).
        [retry] = [c for c in callbacks if isinstance(c, partial)]
        assert retry.args[0] == [source.pk]
        assert ceiling / 2 - 1 <= retry.keywords["countdown"] <= ceiling + 1
        assert fetch(source) == Outcome.SKIPPED  # not due yet
        make_due(source)
    assert fetch(source) == Outcome.FAILED
    assert source.state == Source.State.FAILED
    assert source.attempts == 3
    assert source.reason.startswith("Gave up after 3 attempts")
    assert len(http_server.requests_to("/busy")) == 3
    assert not source.snapshots.exists()


def test_429_retry_after_is_honoured(claim, checker, http_server):
    http_server.respond("/slow-down", status=429, headers={"Retry-After": "900"})
    source = services.citation_add(
        claim=claim, url=http_server.url("/slow-down"), role="supports", user=checker
    ).source
    before = timezone.now()
    assert fetch(source) == Outcome.RETRY
    assert 899 <= (source.next_attempt_at - before).total_seconds() <= 901


def test_a_refused_connection_is_transient(claim, checker, tcp_listener):
    # The listener accepts and closes at once: "closed the connection without a response".
    source = services.citation_add(
        claim=claim, url=tcp_listener.url("/x"), role="supports", user=checker
    ).source
    assert fetch(source) == Outcome.RETRY
    assert source.state == Source.State.PENDING
    assert source.reason.startswith("Attempt 1 failed")


def test_an_unexpected_error_releases_the_lease_and_surfaces(claim, checker, monkeypatch):
    source = services.citation_add(
        claim=claim, url="http://127.0.0.1:9/x", role="supports", user=checker
    ).source

    def broken(*args, **kwargs):
        raise RuntimeError("bug in the fetcher")

    monkeypatch.setattr(fetching, "fetch", broken)
    with pytest.raises(RuntimeError):
        engine.source_fetch(source_id=source.pk)
    source.refresh_from_db()
    assert source.state == Source.State.PENDING
    assert "internal error (RuntimeError)" in source.reason
    assert source.lease_token == ""


# --- Leases -------------------------------------------------------------------------------------


@pytest.fixture(params=["returning", "orm"])
def lease_sql(request, monkeypatch):
    """Taking the lease in one UPDATE … RETURNING, and the ORM fallback: the same semantics."""
    if request.param == "orm":
        monkeypatch.setattr(connection.features, "can_return_rows_from_update", False)
    return request.param


def test_a_leased_row_cannot_be_leased_again_until_its_lease_expires(claim, checker, lease_sql):
    source = services.citation_add(
        claim=claim, url="https://example.com/", role="supports", user=checker
    ).source
    first = leases.source_lease_take(source_id=source.pk)
    assert first is not None and first.attempts == 1 and not first.is_recheck
    assert leases.source_lease_take(source_id=source.pk) is None
    expire_lease(source)
    second = leases.source_lease_take(source_id=source.pk)
    assert second is not None
    assert second.token != first.token
    assert second.attempts == 2


def test_a_late_worker_whose_lease_was_taken_over_writes_nothing(
    claim, checker, http_server, monkeypatch, lease_sql
):
    """Worker A stalls past its lease; worker B takes the row over and records the
    snapshot; when A finally gets its response, it finds the token changed and drops it."""
    http_server.respond("/a", body=page("Titel", "Inhalt"))
    source = services.citation_add(
        claim=claim, url=http_server.url("/a"), role="supports", user=checker
    ).source
    real_fetch = fetching.fetch
    outcomes = []

    def stalled_fetch(url, **kwargs):
        monkeypatch.setattr(fetching, "fetch", real_fetch)  # B fetches normally
        result = real_fetch(url, **kwargs)
        expire_lease(source)  # A stalls beyond its lease…
        outcomes.append(engine.source_fetch(source_id=source.pk))  # …and B takes over
        return result

    monkeypatch.setattr(fetching, "fetch", stalled_fetch)
    assert engine.source_fetch(source_id=source.pk) == Outcome.LOST_LEASE
    assert outcomes == [Outcome.FETCHED]
    source.refresh_from_db()
    assert (source.state, source.attempts) == (Source.State.FETCHED, 2)
    assert source.snapshots.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_a_row_cannot_both_win():
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency is a PostgreSQL property")
    # Created directly: here citation_add's on-commit fetch would run at once (eager).
    source = Source.objects.create(
        url="http://127.0.0.1:9/race", normalised_url="http://127.0.0.1:9/race"
    )
    workers = 8
    barrier = threading.Barrier(workers)
    taken = []

    def worker():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            taken.append(leases.source_lease_take(source_id=source.pk))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(taken) == workers
    winners = [lease for lease in taken if lease is not None]
    assert len(winners) == 1
    source.refresh_from_db()
    assert (source.state, source.attempts, source.lease_token) == (
        Source.State.FETCHING,
        1,
        winners[0].token,
    )


# --- Sweep -------------------------------------------------------------------------------------


def test_sweep_resends_what_nobody_picked_up_but_not_fresh_rows(
    claim, checker, settings, django_capture_on_commit_callbacks
):
    fresh = services.citation_add(
        claim=claim, url="https://example.com/fresh", role="supports", user=checker
    ).source
    lost = services.citation_add(
        claim=claim, url="https://example.com/lost", role="supports", user=checker
    ).source
    long_ago = timezone.now() - timedelta(seconds=settings.FETCH_LEASE_SECONDS + 5)
    Source.objects.filter(pk=lost.pk).update(next_attempt_at=long_ago)
    with django_capture_on_commit_callbacks() as callbacks:
        report = engine.source_sweep()
    assert (report.enqueued, report.crashed) == (1, 0)
    assert _enqueued(callbacks) == [lost.pk]
    fresh.refresh_from_db()
    lost.refresh_from_db()
    assert lost.next_attempt_at > long_ago  # marked: the next sweep waits another period
    with django_capture_on_commit_callbacks() as callbacks:
        assert engine.source_sweep().enqueued == 0
    assert _enqueued(callbacks) == []


def test_sweep_resends_rows_whose_worker_died(claim, checker, django_capture_on_commit_callbacks):
    source = services.citation_add(
        claim=claim, url="https://example.com/x", role="supports", user=checker
    ).source
    assert leases.source_lease_take(source_id=source.pk) is not None
    with django_capture_on_commit_callbacks() as callbacks:
        assert engine.source_sweep().enqueued == 0  # lease still valid
    expire_lease(source)
    with django_capture_on_commit_callbacks() as callbacks:
        assert engine.source_sweep().enqueued == 1
    assert _enqueued(callbacks) == [source.pk]
    assert leases.source_lease_take(source_id=source.pk).attempts == 2


def test_a_fetch_that_keeps_killing_its_worker_ends_failed(claim, checker, settings, lease_sql):
    source = services.citation_add(
        claim=claim, url="https://example.com/poison", role="supports", user=checker
    ).source
    for _ in range(settings.FETCH_MAX_ATTEMPTS):
        assert leases.source_lease_take(source_id=source.pk) is not None
        expire_lease(source)  # the worker died mid-fetch
    assert leases.source_lease_take(source_id=source.pk) is None  # no attempts left
    report = engine.source_sweep()
    assert (report.enqueued, report.crashed) == (0, 1)
    source.refresh_from_db()
    assert source.state == Source.State.FAILED
    assert source.reason == "The fetch crashed its worker 3 times; giving up."
    assert source.lease_token == ""


# --- Re-checks ---------------------------------------------------------------------------------


@pytest.fixture
def fetched(claim, checker, http_server):
    """A cited source fetched once from /article, and the server to change it."""
    http_server.respond("/article", body=page("Original", "Die ursprüngliche Fassung"))
    source = services.citation_add(
        claim=claim, url=http_server.url("/article"), role="supports", user=checker
    ).source
    assert fetch(source) == Outcome.FETCHED
    return source


def test_recheck_of_an_unchanged_source_adds_nothing(fetched, claim, lease_sql):
    checked_before = fetched.last_fetched_at
    recheck_now(fetched)
    fetched.refresh_from_db()
    assert fetched.state == Source.State.PENDING  # queued for the re-check
    assert fetch(fetched) == Outcome.UNCHANGED
    assert fetched.state == Source.State.FETCHED
    assert fetched.last_fetched_at > checked_before
    assert fetched.recheck_due_at > timezone.now() + timedelta(days=6)
    assert fetched.snapshots.count() == 1
    assert not fetched.is_flagged
    assert fetched.reason == ""
    assert selectors.claims_with_flagged_sources([claim.pk]) == set()


def test_recheck_flags_changed_text(fetched, claim, http_server):
    http_server.respond("/article", body=page("Original", "Eine stillschweigend geänderte Fassung"))
    recheck_now(fetched)
    assert fetch(fetched) == Outcome.FETCHED
    assert fetched.is_changed and not fetched.is_dead and not fetched.is_redirected
    assert fetched.flagged_at is not None
    assert "text of the source changed" in fetched.reason
    latest, first = fetched.snapshots.order_by("-fetched_at", "-id")
    assert latest.text_sha256 != first.text_sha256
    # Every verdict citing it shows it.
    other = factories.ClaimFactory()
    Citation.objects.create(claim=other, source=fetched, role="context")
    assert selectors.claims_with_flagged_sources([claim.pk, other.pk]) == {claim.pk, other.pk}
    flagged = Claim.objects.annotate(flag=selectors.claim_sources_flagged()).filter(flag=True)
    assert set(flagged.values_list("pk", flat=True)) == {claim.pk, other.pk}
    services.source_flags_clear(source=fetched)
    assert selectors.claims_with_flagged_sources([claim.pk, other.pk]) == set()


@pytest.mark.parametrize("status", [404, 410])
def test_recheck_flags_a_dead_link(fetched, http_server, status):
    http_server.respond("/article", status=status, body=b"weg")
    recheck_now(fetched)
    assert fetch(fetched) == Outcome.FETCHED
    assert fetched.is_dead and fetched.state == Source.State.FETCHED
    assert f"Dead link: The server answered {status}" in fetched.reason
    assert [s.status_code for s in fetched.snapshots.order_by("fetched_at", "id")] == [200, status]
    # Still dead at the next re-check: no new snapshot, and the flag keeps its reason.
    recheck_now(fetched)
    assert fetch(fetched) == Outcome.UNCHANGED
    assert fetched.snapshots.count() == 2
    assert f"Dead link: The server answered {status}" in fetched.reason


def test_recheck_flags_a_name_that_no_longer_resolves(claim, checker, http_server, monkeypatch):
    http_server.respond("/article", body=page("Original", "Text"))
    real_getaddrinfo = socket.getaddrinfo
    names = {"news.example": "127.0.0.1"}

    def getaddrinfo(host, *args, **kwargs):
        if host in ("news.example", "news.example."):
            if not names:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            return real_getaddrinfo(names["news.example"], *args, **kwargs)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    source = services.citation_add(
        claim=claim,
        url=http_server.url("/article", host="news.example"),
        role="supports",
        user=checker,
    ).source
    assert fetch(source) == Outcome.FETCHED
    names.clear()  # the domain lapsed
    recheck_now(source)
    assert fetch(source) == Outcome.FETCHED
    assert source.is_dead
    assert "could not be resolved" in source.reason
    latest = source.snapshots.order_by("-fetched_at", "-id").first()
    assert (latest.kind, latest.status_code) == ("error", None)


def test_recheck_flags_a_redirect_to_another_site(fetched, http_server, monkeypatch):
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host == "elsewhere.example":
            host = "127.0.0.1"
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    http_server.respond("/landing", body=page("Original", "Die ursprüngliche Fassung"))
    http_server.route(
        "/article", redirect_to(http_server.url("/landing", host="elsewhere.example"), 301)
    )
    recheck_now(fetched)
    assert fetch(fetched) == Outcome.FETCHED
    assert fetched.is_redirected and not fetched.is_changed
    assert "elsewhere.example" in fetched.reason
    latest = fetched.snapshots.order_by("-fetched_at", "-id").first()
    assert latest.final_url.startswith("http://elsewhere.example:")


def test_recheck_of_a_source_that_stays_down_flags_it_dead_after_the_attempts(
    fetched, http_server, settings
):
    http_server.respond("/article", status=503, body=b"down")
    recheck_now(fetched)
    for _ in range(settings.FETCH_MAX_ATTEMPTS - 1):
        assert fetch(fetched) == Outcome.RETRY
        make_due(fetched)
    assert fetch(fetched) == Outcome.FETCHED
    assert fetched.state == Source.State.FETCHED  # the archive stays
    assert fetched.is_dead
    assert fetched.reason.startswith("Gave up after 3 attempts")


def test_only_cited_fetched_sources_are_rechecked(
    fetched, claim, django_capture_on_commit_callbacks
):
    Source.objects.filter(pk=fetched.pk).update(recheck_due_at=timezone.now() + timedelta(days=1))
    assert engine.source_recheck_due() == 0
    Citation.objects.filter(source=fetched).delete()
    make_due(fetched, field="recheck_due_at")
    assert engine.source_recheck_due() == 0  # nobody cites it any more
    Citation.objects.create(claim=claim, source=fetched, role="supports")
    with django_capture_on_commit_callbacks() as callbacks:
        assert engine.source_recheck_due() == 1
    assert _enqueued(callbacks) == [fetched.pk]


# --- Fetch again ------------------------------------------------------------------------------


def test_refetch_gives_a_failed_source_a_fresh_budget(claim, checker, http_server):
    http_server.respond("/x", status=403)
    source = services.citation_add(
        claim=claim, url=http_server.url("/x"), role="supports", user=checker
    ).source
    assert fetch(source) == Outcome.FAILED
    http_server.respond("/x", body=page("Jetzt", "Jetzt frei zugänglich"))
    services.source_refetch(source=source, user=checker)
    source.refresh_from_db()
    assert (source.state, source.attempts) == (Source.State.PENDING, 0)
    assert fetch(source) == Outcome.FETCHED
    assert source.attempts == 1


def test_refetch_is_refused_while_a_worker_holds_the_row(claim, checker):
    source = services.citation_add(
        claim=claim, url="https://example.com/", role="supports", user=checker
    ).source
    leases.source_lease_take(source_id=source.pk)
    with pytest.raises(InvalidTransition, match="being fetched"):
        services.source_refetch(source=source, user=checker)


# --- Selectors ---------------------------------------------------------------------------------


def test_public_sources_for_claim_shape_and_query_count(
    fetched, claim, checker, http_server, django_assert_num_queries
):
    http_server.respond("/article", status=404)
    recheck_now(fetched)
    fetch(fetched)  # a later dead-link snapshot must not replace the archived copy
    services.citation_add(
        claim=claim,
        url="https://example.com/later?utm_source=newsletter&fbclid=abc",
        role="refutes",
        passage="„so“",
        user=checker,
    )
    publish(claim)
    with django_assert_num_queries(2):
        items = selectors.public_sources_for_claim(claim)
    archived = fetched.snapshots.filter(status_code=200).get()
    assert items == [
        {
            "url": fetched.normalised_url,
            "title": "Original",
            "role": "supports",
            "role_label": "Supports the verdict",
            "passage": "",
            "archive_url": f"https://desk.example/sources/snapshots/{archived.pk}/",
            "copy_url": f"https://desk.example/sources/snapshots/{archived.pk}/copy/",
            "fetched_at": archived.fetched_at,
            "sha256": archived.sha256,
        },
        {
            "url": "https://example.com/later",
            "title": "",
            "role": "refutes",
            "role_label": "Refutes the claim",
            "passage": "„so“",
            "archive_url": "",
            "copy_url": "",
            "fetched_at": None,
            "sha256": "",
        },
    ]


def test_citations_for_claims_prefetch_the_latest_snapshot(
    fetched, claim, http_server, django_assert_num_queries
):
    http_server.respond("/article", body=page("Neu", "Ganz neu"))
    recheck_now(fetched)
    fetch(fetched)
    other = factories.ClaimFactory()
    Citation.objects.create(claim=other, source=fetched, role="context")
    with django_assert_num_queries(2):
        citations = list(selectors.citations_for_claims([claim.pk, other.pk]))
        latest = [selectors.latest_snapshot(c.source) for c in citations]
    assert len(citations) == 2
    assert {s.title for s in latest} == {"Neu"}


def test_source_detail(fetched):
    detail = selectors.source_detail(fetched.pk)
    assert detail.pk == fetched.pk
    assert len(detail.snapshots.all()) == 1
    assert len(detail.citations.all()) == 1
    assert selectors.source_detail(10**9) is None


def test_snapshot_kinds_match_the_model(fetched):
    assert set(Snapshot.Kind.values) >= {"html", "pdf", "text", "other", "error"}


@pytest.fixture
def announced():
    """(claim id, event) of every public change announced through ``claims.signals``."""
    seen = []

    def receiver(sender, *, claim_id, event, **kwargs):
        seen.append((claim_id, event))

    signals.public_change.connect(receiver, dispatch_uid="tests.sources.announced")
    yield seen
    signals.public_change.disconnect(dispatch_uid="tests.sources.announced")


@pytest.mark.parametrize("published", [True, False])
def test_a_new_archived_copy_is_announced_for_published_claims(
    claim, checker, http_server, django_capture_on_commit_callbacks, announced, published
):
    http_server.respond("/a", body=page("A", "Inhalt"))
    source = services.citation_add(
        claim=claim, url=http_server.url("/a"), role="supports", user=checker
    ).source
    if published:
        publish(claim)
    with django_capture_on_commit_callbacks(execute=True):
        assert fetch(source) == Outcome.FETCHED
    assert announced == ([(claim.pk, "sources")] if published else [])


def test_a_new_archived_copy_refreshes_the_public_pages_of_published_claims(
    claim, checker, http_server, django_capture_on_commit_callbacks
):
    """What listens to the announcement today (``claims.workflow``'s interim receiver, until
    the public site and the partner API listen themselves): cached pages become obsolete."""
    http_server.respond("/a", body=page("A", "Inhalt"))
    source = services.citation_add(
        claim=claim, url=http_server.url("/a"), role="supports", user=checker
    ).source
    publish(claim)
    before = caching.generation()
    with django_capture_on_commit_callbacks(execute=True):
        assert fetch(source) == Outcome.FETCHED
    assert caching.generation() != before


def test_a_temporary_dns_failure_is_retried_and_the_desk_sees_when(
    claim, checker, monkeypatch, admin_client
):
    """EAI_AGAIN (the resolver could not answer now) is transient: back to pending with
    a next attempt, said for people; a name that does not exist is not retried."""
    from sources.fetching import resolving

    def unavailable(host, port, timeout):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(resolving, "system_resolve", unavailable)
    source = services.citation_add(
        claim=claim, url="https://nameserver-down.example/page", role="supports", user=checker
    ).source
    before = timezone.now()
    assert fetch(source) == Outcome.RETRY
    assert source.state == Source.State.PENDING and source.next_attempt_at > before
    assert source.reason.startswith("Attempt 1 failed, retrying in")
    [state] = selectors.claim_source_states(claim.pk)
    assert state["state"] == "pending" and state["next_attempt_at"] == source.next_attempt_at
    assert state["human_reason"].sentence.startswith("Attempt 1 failed; the desk tries again.")
    page = admin_client.get(f"/admin/claims/claim/{claim.pk}/workflow/publish/")
    assert page.status_code == 200

    def missing(host, port, timeout):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(resolving, "system_resolve", missing)
    gone = services.citation_add(
        claim=claim, url="https://no-such-name.example/page", role="supports", user=checker
    ).source
    assert fetch(gone) == Outcome.FAILED
    assert (
        "name could not be found"
        in selectors.claim_source_states(claim.pk)[1]["human_reason"].sentence
    )
