"""The front door (factcheck.front): kept answers go out before Django's handler, and
what goes out is, at the WSGI level, exactly what the whole stack sends: the status line,
every header in order, the body."""

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import RequestFactory

from factcheck import front
from partners.api import middleware as partner_middleware
from publishing import middleware as public_middleware

pytestmark = pytest.mark.django_db


@pytest.fixture
def handlers(settings, monkeypatch):
    settings.PUBLIC_CACHE_LOCAL_SECONDS = 1.0
    settings.FACTCHECK_ORG_URL = "https://faktencheck.example/"
    django_handler = WSGIHandler()  # loads the middleware: the answerers register
    door = front.FrontDoor(django_handler)
    answered = []
    registered = dict(front._answerers)
    for name, answerer in registered.items():

        def counting(environ, _answerer=answerer, _name=name):
            found = _answerer(environ)
            if found is not None:
                answered.append(_name)
            return found

        monkeypatch.setitem(front._answerers, name, counting)
    return door, django_handler, answered


def call(application, path, **headers):
    environ = RequestFactory().get(path, **headers).environ
    environ.pop("HTTP_COOKIE", None)  # the factory sends an empty one; a client sends none
    got = {}

    def start_response(status, response_headers):
        got["status"], got["headers"] = status, list(response_headers)

    # As Django's test client does: the test's connection (inside the test's transaction)
    # must not be closed by the request signals.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        result = application(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return got["status"], got["headers"], body


def full_stack(application, path, **headers):
    with pytest.MonkeyPatch.context() as patch:  # nothing answered before the view
        patch.setattr(public_middleware, "page_key", lambda request: None)
        patch.setattr(partner_middleware, "request_key", lambda request: None)
        patch.setattr(front, "_answerers", {})
        return call(application, path, **headers)


def test_a_public_page_goes_out_of_the_door_as_the_stack_sends_it(handlers, make_published):
    door, django_handler, answered = handlers
    claim = make_published(verdict={"headline": "„Zitat“ </script>"})
    for path in (claim.get_absolute_url(), "/fact-checks/?q=Zitat"):
        first = call(door, path, HTTP_ACCEPT_LANGUAGE="de")
        assert first[0] == "200 OK" and answered == [], first[2][-3000:]
        again = call(door, path, HTTP_ACCEPT_LANGUAGE="de")
        assert answered == ["public pages"]
        assert again == full_stack(django_handler, path, HTTP_ACCEPT_LANGUAGE="de")
        etag = dict(first[1])["ETag"]
        stack_304 = call(door, path, HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_LANGUAGE="de")
        assert stack_304[0] == "304 Not Modified"
        door_304 = call(door, path, HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_LANGUAGE="de")
        assert answered == ["public pages"] * 2
        assert door_304 == stack_304
        answered.clear()


def test_a_partner_read_goes_out_of_the_door_as_the_stack_sends_it(handlers, make_published):
    from partners import services as partner_services

    door, django_handler, answered = handlers
    make_published()
    _row, key = partner_services.partner_key_create(name="Partner A")
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {key}"}
    path = "/api/v1/claims/?page_size=100"
    first = call(door, path, **auth)
    assert first[0] == "200 OK" and answered == []
    again = call(door, path, **auth)
    assert answered == ["partner reads"]
    assert again == full_stack(django_handler, path, **auth)
    refused = call(door, path, HTTP_AUTHORIZATION="Api-Key abcdefgh.wrongwrongwrongwrong")
    assert refused[0].startswith("401") and answered == ["partner reads"]


def test_a_failing_answerer_leaves_the_answer_to_django(handlers, make_published, caplog):
    door, _django_handler, _answered = handlers
    claim = make_published()

    def broken(environ):
        raise RuntimeError("boom")

    front.register("broken", broken)
    try:
        status, _headers, body = call(door, claim.get_absolute_url())
    finally:
        front._answerers.pop("broken")
    assert status == "200 OK" and claim.claim.encode() in body
    assert "front door: broken failed" in caplog.text


def test_a_remembered_key_is_the_one_decided_and_a_setting_change_forgets_it(settings):
    from publishing import frontcache

    settings.ALLOWED_HOSTS = ["desk.test"]
    asked = []

    def decide(request):
        asked.append(request.get_full_path())
        request.get_host()  # as the key functions do: a host not allowed gives no key
        return f"{request.headers.get('Accept-Language')}|{request.get_full_path()}"

    decisions = frontcache.Decisions(decide)
    factory = RequestFactory(HTTP_HOST="desk.test")
    environ = factory.get("/fact-checks/?q=a", HTTP_ACCEPT_LANGUAGE="de").environ
    assert decisions.key(environ) == "de|/fact-checks/?q=a"
    assert decisions.key(dict(environ)) == "de|/fact-checks/?q=a" and len(asked) == 1
    # Anything a key may depend on is a new decision: another header, query, host.
    assert decisions.key({**environ, "HTTP_ACCEPT_LANGUAGE": "en"}) == "en|/fact-checks/?q=a"
    assert decisions.key({**environ, "QUERY_STRING": "q=b"}) == "de|/fact-checks/?q=b"
    assert len(asked) == 3
    # ... but not the credentials and the conditional headers, read on every request.
    assert decisions.key({**environ, "HTTP_IF_NONE_MATCH": '"x"'}) == "de|/fact-checks/?q=a"
    assert len(asked) == 3
    settings.ALLOWED_HOSTS = ["other.test"]  # forgotten: decided again, and refused
    with pytest.raises(Exception, match="Invalid HTTP_HOST"):
        decisions.key(environ)


@pytest.mark.parametrize("kind", ["file", "bytes"])
def test_what_waits_for_the_answer_runs_once_the_server_closed_it(tmp_path, kind):
    from publishing import frontcache

    path = tmp_path / "feed.json"
    path.write_bytes(b'{"feed": true}')
    kept = frontcache.Kept(
        gen=1, etag='"e"', last_modified=None, status=200, status_line="200 OK",
        headers=(("Content-Type", "application/json"),),
        body=b"" if kind == "file" else b'{"feed": true}',
        file="feed.json" if kind == "file" else "", path=str(path) if kind == "file" else "",
    )  # fmt: skip
    ran = []
    environ = RequestFactory().get("/").environ
    environ["wsgi.file_wrapper"] = lambda handle, size: handle  # the server's sendfile path
    status, headers, body = frontcache.wsgi(kept, environ, after=lambda: ran.append(1))
    assert (status, headers, ran) == ("200 OK", [("Content-Type", "application/json")], [])
    assert b"".join(iter(lambda: body.read(4), b"") if kind == "file" else body) == (
        b'{"feed": true}'
    )
    assert ran == []  # sent, not yet closed
    body.close()
    body.close()
    assert ran == [1]
