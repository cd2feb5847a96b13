"""Repeated partner reads: answered by the first middleware with the full stack's bytes,
counted by the throttle, refused at once after a revocation (partners.api.middleware).

Each test runs twice: on local memory (the embedded default) and on the real Redis (as in
production), where the generations are this process's copies (``factcheck.mirror``) and
the throttle counts in the background.
"""

import socket
import threading
import time
import uuid

import pytest
from django.core.cache import cache
from redis.connection import Connection

from factcheck.mirror import mirror, tally
from partners import services as partner_services
from partners.api import keycache
from partners.api import middleware as partner_middleware
from partners.api.throttling import PartnerRateThrottle
from publishing import caching
from tests.helpers.api import api_client

pytestmark = pytest.mark.django_db

LIST = "/api/v1/claims/?page_size=2"


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture(params=["locmem", "redis"], autouse=True)
def shared_cache(request, settings):
    if request.param == "redis":
        if not _redis_up():
            pytest.skip("no Redis on 127.0.0.1:6379")
        settings.CACHES = {
            "default": {
                "BACKEND": "factcheck.cache.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/13",
                "KEY_PREFIX": f"factcheck-tests-reads-{uuid.uuid4().hex[:8]}",
            }
        }
        keycache.forget()
        deadline = time.monotonic() + 5
        while mirror.values() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert mirror.values() is not None
    yield request.param
    keycache.forget()


@pytest.fixture
def full_stack(settings):
    """A client whose requests never meet the first middleware (the reference)."""

    def get(client, path, **headers):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(partner_middleware, "request_key", lambda request: None)
            return client.get(path, **headers)

    return get


@pytest.fixture
def answered(monkeypatch):
    """How many requests the first middleware answered by itself."""
    count = [0]
    real = partner_middleware.find

    def counting(*args, **kwargs):
        kept = real(*args, **kwargs)
        count[0] += kept is not None
        return kept

    monkeypatch.setattr(partner_middleware, "find", counting)
    return count


def _same(a, b) -> None:
    assert (a.status_code, a.reason_phrase) == (b.status_code, b.reason_phrase)
    assert list(a.items()) == list(b.items())  # every header, in order
    assert a.content == b.content
    assert a.cookies.output() == b.cookies.output() == ""


def test_a_repeated_list_and_detail_are_the_full_stack_s_bytes(
    partner, make_published, full_stack, answered, django_assert_num_queries
):
    claim = make_published()
    make_published(rating="richtig")
    for path in (LIST, f"/api/v1/claims/{claim.pk}/"):
        first = partner.get(path)  # through the stack: kept
        assert first.status_code == 200 and answered[0] == 0
        with django_assert_num_queries(0):
            again = partner.get(path)
        assert answered[0] == 1
        _same(again, full_stack(partner, path))
        # A revalidation: the stack's 304 is kept the first time, then answered in front.
        stack_304 = partner.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert stack_304.status_code == 304 and answered[0] == 1
        with django_assert_num_queries(0):
            front_304 = partner.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert answered[0] == 2
        _same(front_304, stack_304)
        answered[0] = 0


def test_a_publication_shows_on_the_next_request(partner, make_published, answered):
    make_published()
    partner.get(LIST)
    before = partner.get(LIST)
    assert answered[0] == 1
    make_published(verdict={"headline": "Brandneu"})  # a new generation
    after = partner.get(LIST)
    assert answered[0] == 1 and after["ETag"] != before["ETag"]
    assert "Brandneu" in after.content.decode()


def test_revocation_takes_effect_on_the_next_request(partner, partner_key, make_published):
    make_published()
    assert partner.get(LIST).status_code == 200
    assert partner.get(LIST).status_code == 200  # kept verified and answered in front
    partner_services.partner_key_revoke(key=partner_key.row)
    assert partner.get(LIST).status_code == 401


def test_a_revocation_by_another_process_is_seen_through_the_shared_generation(
    partner, partner_key, make_published, answered
):
    make_published()
    partner.get(LIST)
    partner.get(LIST)
    assert answered[0] == 1
    # Another machine revoked it: the row changed and the shared generation moved, while
    # this process still holds the key as verified.
    type(partner_key.row).objects.filter(pk=partner_key.row.pk).update(revoked=True)
    cache.set(keycache.KEYS_GENERATION, keycache._fresh() + 1, None)
    mirror.changed()  # as keycache.bump does there
    assert keycache.known(keycache.digest(partner_key.key)) is not None
    assert partner.get(LIST).status_code == 401
    assert answered[0] == 1


def test_a_key_is_verified_once_and_again_after_any_change_to_its_row(
    partner, partner_key, make_published, django_assert_num_queries
):
    make_published()
    partner.get("/api/v1/ratings/")
    with django_assert_num_queries(1):  # the ratings; the key is kept verified
        partner.get("/api/v1/ratings/")
    partner_key.row.name = "Umbenannt"
    partner_key.row.save(update_fields=["name"])  # any save: a new keys' generation
    with django_assert_num_queries(2):  # the key again, the ratings
        partner.get("/api/v1/ratings/")


def test_an_expired_key_is_refused_although_it_was_verified(partner, partner_key, make_published):
    from datetime import timedelta

    from django.utils import timezone

    make_published()
    partner.get(LIST)
    partner.get(LIST)
    # Its expiry date passed since it was verified (the row was not saved: no new
    # generation); as if the clock had moved, the kept row and the table both say so.
    past = timezone.now() - timedelta(seconds=1)
    row = keycache.kept(keycache.digest(partner_key.key), keycache.generation())
    row.expiry_date = past
    type(row).objects.filter(pk=row.pk).update(expiry_date=past)
    refused = partner.get(LIST)
    assert refused.status_code == 401 and "expired" in refused.json()["message"]


def test_the_throttle_counts_every_request_once_and_answers_429(
    settings, partner, make_published, answered
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"partner": "4/minute"},
    }
    make_published()
    statuses = [partner.get(LIST).status_code for _ in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]
    assert answered[0] == 3  # the first went through the stack, the 429s too
    limited = partner.get(LIST)
    assert limited.json()["error"] == "throttled" and int(limited["Retry-After"]) >= 1


def test_the_middleware_counts_in_the_throttle_s_own_counter(partner_key):
    from types import SimpleNamespace

    from django.contrib.auth.models import AnonymousUser

    from partners.api.throttling import key_window

    request = SimpleNamespace(auth=partner_key.row, user=AnonymousUser(), META={})
    throttle = PartnerRateThrottle()
    throttle.scope = "partner"
    assert key_window(partner_key.row.prefix, "partner", 60, 120.0) == (
        f"{throttle.get_cache_key(request, None)}:2"
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ACCEPT": "application/json; indent=4"},  # DRF renders it differently
        {"HTTP_COOKIE": "sessionid=x"},
        {"HTTP_ACCEPT": "text/html"},  # a 406 from DRF
    ],
)
def test_requests_that_may_differ_go_through_the_stack(partner, make_published, answered, headers):
    make_published()
    partner.get(LIST)
    response = partner.get(LIST, **headers)
    assert answered[0] == 0
    partner.cookies.clear()  # the session middleware deleted the unknown session's cookie
    assert partner.get(LIST).status_code == 200 and answered[0] == 1
    if "indent" in headers.get("HTTP_ACCEPT", ""):
        assert b'\n    "next"' in response.content  # and it was not kept for others
        assert b"\n" not in partner.get(LIST).content


def test_an_unknown_key_goes_through_and_is_refused(anon, make_published, answered):
    make_published()
    client = api_client("Api-Key abcdefgh.wrongsecretwrongsecret123456")
    assert client.get(LIST).status_code == 401
    assert client.get(LIST).status_code == 401
    assert answered[0] == 0


def test_without_a_generation_the_stack_answers(partner, make_published, answered):
    make_published()
    partner.get(LIST)
    cache.delete(caching.GENERATION_KEY)  # the cache lost it (evicted, flushed)
    mirror.changed()  # and a copy's next read found that out
    assert partner.get(LIST).status_code == 200
    assert answered[0] == 0


def test_on_redis_a_repeated_read_waits_for_no_round_trip(
    shared_cache, partner, make_published, answered, monkeypatch
):
    """The request's thread sends the throttle's count and reads no reply it would wait
    for: the generations are this process's copies."""
    if shared_cache != "redis":
        pytest.skip("local memory has no round trip")
    claim = make_published()
    paths = (LIST, f"/api/v1/claims/{claim.pk}/", "/api/v1/claimreview/")
    for path in paths * 2:
        partner.get(path)  # through the stack (the key verified, kept), then in front
    assert answered[0] == len(paths) and tally.settle()
    answered[0] = 0
    me = threading.current_thread()
    sent: list[bytes] = []
    waited: list[bool] = []
    real_sendall, real_read = socket.socket.sendall, Connection.read_response

    def sendall(sock, data, *args):
        if threading.current_thread() is me:
            sent.append(bytes(data))
        return real_sendall(sock, data, *args)

    def read_response(connection, *args, **kwargs):
        if threading.current_thread() is me:
            waited.append(not connection.can_read(0))
        return real_read(connection, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "sendall", sendall)
    monkeypatch.setattr(Connection, "read_response", read_response)
    for path in paths:
        assert partner.get(path).status_code == 200
    assert answered[0] == len(paths)
    commands = [part for data in sent for part in data.split(b"\r\n") if part.isalpha()]
    assert commands and set(commands) == {b"INCRBY", b"EXPIRE"}
    assert True not in waited
    monkeypatch.undo()
    assert tally.settle()
