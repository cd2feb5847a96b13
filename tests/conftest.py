from collections.abc import Callable
from functools import partial

import pytest
from django.utils import translation

from claims import demo
from claims.models import Claim
from tests import factories
from tests.helpers import workflow
from tests.helpers.network import is_loopback


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch):
    """The network rule for every test: nothing leaves this machine.

    A connect to a non-loopback address or a DNS lookup of a non-loopback name fails the
    test at once, before any packet is sent. (Subprocesses such as Chromium, gunicorn and
    Celery workers are pointed at 127.0.0.1 by their tests.)
    """
    import socket

    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):
            raise AssertionError(f"test tried to connect to {address!r}: loopback only")
        return real_connect(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        if not is_loopback(host):
            raise AssertionError(f"test tried to resolve {host!r}: loopback only")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture(autouse=True)
def _english_unless_asked(settings):
    """Run in English (the source language) unless a test asks for German.

    The shipped German catalogue translates every message and German is the default
    language, so without this, tests that match a service's message would depend on it.
    A request picks its own language (Accept-Language, cookie), as in production.
    """
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _no_browser_snapshots(settings):
    """No Chromium unless a test asks for it (``SNAPSHOT_BROWSER = True``): a fetch would
    otherwise render every page it archives."""
    settings.SNAPSHOT_BROWSER = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs collectstatic; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from partners.api import keycache
    from partners.api import middleware as partner_middleware
    from publishing import caching
    from publishing import middleware as public_middleware

    def clear() -> None:
        caching._process.clear()
        public_middleware.copies.clear()
        partner_middleware.copies.clear()
        keycache.forget()
        cache.clear()

    clear()
    yield
    clear()


@pytest.fixture(autouse=True)
def _no_datafeed_builds(request, monkeypatch):
    """No DataFeed file is built after every publication of every test (the task runs
    in-process in tests); the tests of the file ask for it with ``datafeed_builds``."""
    from partners.api import datafeed

    if "datafeed_builds" not in request.fixturenames:
        monkeypatch.setattr(datafeed, "datafeed_request_build", lambda: None)


@pytest.fixture
def datafeed_builds(settings, tmp_path):
    """DataFeed files built after each public change, into a media folder of the test."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_process_copy(settings):
    """No per-process page copies: tests that clear the cache expect the next request to
    miss. The per-process layer has its own tests, which set PUBLIC_CACHE_LOCAL_SECONDS."""
    settings.PUBLIC_CACHE_LOCAL_SECONDS = 0


@pytest.fixture
def seed_text() -> str:
    from claims.services import read_article_file

    return read_article_file(demo.SEED_FILE)[1]


@pytest.fixture
def checker(db):
    return factories.desk_user("checker1", role="fact-checker")


@pytest.fixture
def editor(db):
    return factories.desk_user("editor1", role="editor")


@pytest.fixture
def second_editor(db):
    return factories.desk_user("editor2", role="editor")


@pytest.fixture
def make_published(checker, editor) -> Callable[..., Claim]:
    """Make a claim written by ``checker`` and published by ``editor`` through the workflow:
    ``make_published(rating=..., verdict={...}, run_on_commit=..., **factory_kwargs)``
    (see ``tests.helpers.workflow.make_published``)."""
    return partial(workflow.make_published, checker=checker, editor=editor)


@pytest.fixture
def demo_desk(db):
    return demo.demo_load()
