"""Fixtures for the intake tests: the sources test settings (loopback allowed, tasks
in-process) with the local HTTP server for imports and feeds, and the inbox's imported
article and published check."""

from __future__ import annotations

import pytest
from django.test import TestCase

from claims.models import Article
from intake.signals import article_imported
from tests import factories
from tests.sources.conftest import http_server, loopback_only, sources_env  # noqa: F401


@pytest.fixture
def intake_env(sources_env, settings):  # noqa: F811
    settings.INTAKE_MIN_ARTICLE_CHARS = 300
    settings.INTAKE_FEED_MAX_ENTRIES = 20
    settings.INTAKE_FEED_PAUSE_AFTER = 3
    settings.INTAKE_FEED_MAX_BYTES = 1024 * 1024
    settings.SNAPSHOT_WARC = True
    return settings


# An imported article (written for these tests): a known speaker with a figure, a
# repeat of a published check, an opinion and an anonymous aside.
IMPORTED_TEXT = (
    "Die Ministerin Anna Beispiel sagte, die Renten seien seit 2010 um 40 Prozent gestiegen. "
    'Der Abgeordnete Bernd Muster sagte: "Ich finde, wir sollten mehr Radwege bauen." '
    "Die Kriminalität sei so niedrig wie seit dreißig Jahren nicht mehr, erklärte Anna Beispiel."
)
PUBLISHED_QUOTE = "Die Kriminalität ist so niedrig wie seit dreißig Jahren nicht mehr."


@pytest.fixture
def speaker(db):
    return factories.SpeakerFactory(name="Anna Beispiel", slug="anna-beispiel")


@pytest.fixture
def published_check(make_published, speaker):
    """A published check of the crime claim (quote and wording of its own article)."""
    article = factories.ArticleFactory(text=PUBLISHED_QUOTE + " Das ist ein Test.")
    return make_published(
        article=article,
        speaker=speaker,
        quote=PUBLISHED_QUOTE[:-1],
        claim="Die Kriminalität ist so niedrig wie seit 30 Jahren nicht",
        verdict={"headline": "Die Kriminalität ist nicht auf einem Tiefstand"},
    )


@pytest.fixture
def imported_article(db, speaker):
    return factories.ArticleFactory(
        title="Rentenstreit im Landtag",
        outlet="Beispielbote",
        url="https://beispielbote.example/rente",
        published_on="2026-11-30",
        text=IMPORTED_TEXT,
        import_state=Article.ImportState.IMPORTED,
    )


@pytest.fixture
def computed(imported_article, published_check):
    """The inbox of the imported article, computed as after an import (signal → task)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        article_imported.send(sender=None, article=imported_article, feed=None)
    return imported_article
