import pytest
from django.utils import translation

from claims import demo
from tests import factories


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

    cache.clear()
    yield
    cache.clear()


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
def demo_desk(db):
    return demo.demo_load()
