"""Fixtures for the intake tests: the sources test settings (loopback allowed, tasks
in-process), the local HTTP server, and a run of what the commit sends."""

from __future__ import annotations

import pytest

from tests.sources.conftest import http_server, loopback_only, sources_env  # noqa: F401


@pytest.fixture
def intake_env(sources_env, settings):  # noqa: F811
    settings.INTAKE_MIN_ARTICLE_CHARS = 300
    settings.INTAKE_FEED_MAX_ENTRIES = 20
    settings.INTAKE_FEED_PAUSE_AFTER = 3
    settings.INTAKE_FEED_MAX_BYTES = 1024 * 1024
    settings.SNAPSHOT_WARC = True
    return settings
