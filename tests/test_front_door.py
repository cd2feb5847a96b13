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
