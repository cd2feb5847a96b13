"""Cached public pages answered by the first middleware (publishing.middleware) with
exactly what the whole stack sends: status, every header in order, body, no cookie."""

import pytest

from publishing import frontcache
from publishing import middleware as public_middleware

pytestmark = pytest.mark.django_db


@pytest.fixture
def local_copy(settings, monkeypatch):
    """The per-process layer on (as in production), with a clock the test moves."""
    from publishing import caching

    now = [1000.0]
    monkeypatch.setattr(caching.time, "monotonic", lambda: now[0])
    settings.PUBLIC_CACHE_LOCAL_SECONDS = 1.0
    return now


@pytest.fixture
def answered(monkeypatch):
    count = [0]
    real = frontcache.answer

    def counting(copies, *args, **kwargs):
        response = real(copies, *args, **kwargs)
        count[0] += response is not None and copies is public_middleware.copies
        return response

    monkeypatch.setattr(frontcache, "answer", counting)
    return count


def full_stack(client, path, **headers):
    """The same request through every middleware and the view (the reference)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(public_middleware, "page_key", lambda request: None)
        return client.get(path, **headers)


def _same(a, b) -> None:
    assert (a.status_code, a.reason_phrase) == (b.status_code, b.reason_phrase)
    assert list(a.items()) == list(b.items())  # every header, in order
    assert a.content == b.content
    assert a.cookies.output() == b.cookies.output() == ""


@pytest.fixture
def pages(make_published):
    claim = make_published(verdict={"headline": "</script> „Zitat“"})
    make_published(rating="richtig")
    return [
        claim.get_absolute_url(),
        "/fact-checks/",
        "/fact-checks/?q=Zitat&page=1",
        f"/speakers/{claim.speaker.slug}/",
        "/methodology/",
    ]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"},
        {"HTTP_ACCEPT_LANGUAGE": "en"},
        {"HTTP_COOKIE": "django_language=en"},
        {"HTTP_X_FORWARDED_PROTO": "https"},
    ],
)
def test_a_hit_is_the_full_stack_s_bytes_and_headers(
    client, pages, local_copy, answered, headers, settings, django_assert_num_queries
):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600  # sent on HTTPS only: the scheme is in the key
    for path in pages:
        first = client.get(path, **headers)
        assert first.status_code == 200
        with django_assert_num_queries(0):
            hit = client.get(path, **headers)
        _same(hit, full_stack(client, path, **headers))
        # The revalidation: the stack's 304 is kept when it passes, then answered in front.
        stack_304 = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"], **headers)
        assert stack_304.status_code == 304
        with django_assert_num_queries(0):
            front_304 = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"], **headers)
        _same(front_304, stack_304)
        _same(front_304, full_stack(client, path, HTTP_IF_NONE_MATCH=first["ETag"], **headers))
    assert answered[0] == 2 * len(pages)


def test_hits_ask_neither_the_database_nor_the_cache_within_the_second(
    client, pages, local_copy, answered, monkeypatch, django_assert_num_queries
):
    from django.core.cache import cache

    client.get(pages[0])
    calls = []
    for name in ("get", "get_many", "set"):
        original = getattr(cache, name)
        monkeypatch.setattr(
            cache, name, lambda *a, _o=original, _n=name, **k: calls.append(_n) or _o(*a, **k)
        )
    with django_assert_num_queries(0):
        client.get(pages[0])
    assert calls == [] and answered[0] == 1
    local_copy[0] += 1.5  # the generation is read again, once
    client.get(pages[0])
    assert calls[0] == "get_many" and "set" not in calls and answered[0] == 2


def test_a_publication_shows_at_once_here_and_within_the_second_elsewhere(
    client, pages, make_published, local_copy
):
    from collections import OrderedDict

    from publishing import caching

    for _ in range(2):
        assert "Brandneu" not in client.get("/fact-checks/").content.decode()
    make_published(verdict={"headline": "Brandneu"})  # in this process: a new generation
    assert "Brandneu" in client.get("/fact-checks/").content.decode()

    copy = caching._process
    before = (copy.gen, copy.gen_until, OrderedDict(copy.pages), copy.bytes)
    make_published(verdict={"headline": "Zweitneu"})
    copy.gen, copy.gen_until, copy.pages, copy.bytes = before  # as if elsewhere
    assert "Zweitneu" not in client.get("/fact-checks/").content.decode()
    local_copy[0] += 1.01
    assert "Zweitneu" in client.get("/fact-checks/").content.decode()


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"HTTP_COOKIE": "sessionid=abc"},  # a staff session: the stack decides
        {"HTTP_IF_MATCH": '"nope"'},  # a precondition: the stack's 412
    ],
)
def test_requests_that_may_differ_go_through_the_stack(
    client, pages, local_copy, answered, request_kwargs
):
    client.get(pages[0])
    client.get(pages[0], **request_kwargs)
    assert answered[0] == 0


def test_head_and_other_paths_go_through(client, pages, local_copy, answered):
    client.get(pages[0])
    assert client.head(pages[0]).status_code == 200
    client.get("/feeds/fact-checks.atom")
    client.get("/feeds/fact-checks.atom")
    assert answered[0] == 0


def test_nothing_is_answered_in_front_when_every_request_asks_the_cache(client, pages, answered):
    # PUBLIC_CACHE_LOCAL_SECONDS is 0 in the tests unless they set it.
    for _ in range(3):
        assert client.get(pages[0]).status_code == 200
    assert answered[0] == 0


def test_a_bad_host_is_the_stack_s_400(client, pages, local_copy, answered):
    client.get(pages[0])
    assert client.get(pages[0], HTTP_HOST="evil.example").status_code == 400
    assert answered[0] == 0


def test_the_copies_are_bounded_and_hold_one_generation():
    copies = frontcache.Copies(max_items=3, max_bytes=10_000)

    def kept(gen, size=10):
        return frontcache.Kept(gen, '"e"', None, 200, "200 OK", (("A", "b"),), b"x" * size)

    for number in range(5):
        copies.keep(f"k{number}", kept(7))
    assert list(copies.items) == ["k2", "k3", "k4"]
    copies.keep("big", kept(7, 5000))  # over a quarter of the budget: never held
    assert copies.get("big", 7) is None
    assert copies.get("k4", 8) is None  # another generation
    copies.keep("new", kept(8))
    assert list(copies.items) == ["new"] and copies.get("k4", 7) is None
    copies.keep("old", kept(7))  # built in a generation already gone
    assert copies.get("old", 7) is None and list(copies.items) == ["new"]
