"""sources.tasks: thin, idempotent, scheduled by the row; and the in-process (no broker)
path, which must never break the request that saved a citation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from kombu.exceptions import OperationalError

from factcheck.celery import app
from sources import engine, fetching, services, tasks
from sources.models import Citation, Source
from tests import factories
from tests.sources.helpers import make_due, page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sources_env", "loopback_only")]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def claim(checker):
    return factories.ClaimFactory(created_by=checker)


def test_beat_schedule_names_registered_tasks():
    app.loader.import_default_modules()
    for entry in django_settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
    assert "sources.tasks.source_fetch_task" in app.tasks


def test_fetch_task_returns_quietly_for_a_vanished_source():
    assert tasks.source_fetch_task(10**9) == "skipped"


def test_fetch_task_runs_the_service_and_is_idempotent(claim, checker, http_server):
    http_server.respond("/a", body=page("A", "Inhalt A"))
    source = factories.SourceFactory(url=http_server.url("/a"))
    assert tasks.source_fetch_task(source.pk) == "fetched"
    assert tasks.source_fetch_task(str(source.pk)) == "skipped"  # a duplicate delivery
    assert source.snapshots.count() == 1


def test_saving_a_citation_fetches_after_the_commit_in_process(
    claim, checker, http_server, django_capture_on_commit_callbacks
):
    http_server.respond("/a", body=page("A", "Inhalt A"))
    with django_capture_on_commit_callbacks(execute=True):
        citation = services.citation_add(
            claim=claim, url=http_server.url("/a"), role="supports", user=checker
        )
        assert not http_server.requests  # nothing before the commit
    source = Source.objects.get(pk=citation.source_id)
    assert source.state == Source.State.FETCHED
    assert source.snapshots.count() == 1


def test_a_broker_outage_never_breaks_saving_and_the_sweep_recovers(
    claim, checker, http_server, monkeypatch, django_capture_on_commit_callbacks
):
    http_server.respond("/a", body=page("A", "Inhalt A"))

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.source_fetch_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        citation = services.citation_add(
            claim=claim, url=http_server.url("/a"), role="supports", user=checker
        )
    source = Source.objects.get(pk=citation.source_id)
    assert source.state == Source.State.PENDING  # saved, waiting
    monkeypatch.undo()
    Source.objects.filter(pk=source.pk).update(next_attempt_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.source_sweep_task() == {"enqueued": 1, "crashed": 0}
    source.refresh_from_db()
    assert source.state == Source.State.FETCHED


def test_a_failing_in_process_fetch_never_breaks_the_admin_request(
    client, claim, checker, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the fetch")

    monkeypatch.setattr(fetching, "fetch", broken)
    client.force_login(checker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:sources_citation_add"),
            {"claim": claim.pk, "url": "http://127.0.0.1:9/x", "role": "supports"},
        )
    assert response.status_code == 302
    source = Citation.objects.get().source
    assert source.state == Source.State.PENDING
    assert "internal error" in source.reason


def test_transient_failures_schedule_the_retry_with_a_countdown(
    claim, checker, http_server, monkeypatch, django_capture_on_commit_callbacks
):
    http_server.respond("/busy", status=502)
    sent = []
    monkeypatch.setattr(
        tasks.source_fetch_task,
        "apply_async",
        lambda args, countdown: sent.append((args, countdown)),
    )
    source = factories.SourceFactory(url=http_server.url("/busy"))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.source_fetch_task(source.pk) == "retry"
    [(args, countdown)] = sent
    assert args == (source.pk,)
    assert engine.RETRY_BASE_SECONDS / 2 <= countdown <= engine.RETRY_BASE_SECONDS


def test_recheck_task_queues_due_cited_sources(
    claim, checker, http_server, django_capture_on_commit_callbacks
):
    http_server.respond("/a", body=page("A", "Inhalt A"))
    source = services.citation_add(
        claim=claim, url=http_server.url("/a"), role="supports", user=checker
    ).source
    tasks.source_fetch_task(source.pk)
    assert tasks.source_recheck_task() == 0
    make_due(source, field="recheck_due_at")
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.source_recheck_task() == 1
    source.refresh_from_db()
    assert source.state == Source.State.FETCHED
    assert len(http_server.requests_to("/a")) == 2


def test_sweep_command(claim, checker):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("sources_sweep", stdout=out)
    assert "sweep: 0 enqueued" in out.getvalue()


EMBEDDED_SCRIPT = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from django.db import transaction
    from claims import services as claims_services
    from sources import services
    from sources.leases import source_lease_take
    from sources.models import Source
    from tests.sources.httpserver import LocalHTTPServer

    with LocalHTTPServer() as server:
        server.respond("/a", body=b"<html><head><title>Eingebettet</title></head>"
                       b"<body><p>Ein Text zum Archivieren.</p></body></html>")
        article = claims_services.article_create(title="T", text="Er sagte, alles sei gut.")
        speaker = claims_services.speaker_create(name="Er")
        claim = claims_services.claim_create_from_span(
            article=article, start=10, end=24, speaker=speaker, claim="Alles ist gut")
        with transaction.atomic():
            ok = services.citation_add(claim=claim, url=server.url("/a"), role="supports")
        with transaction.atomic():  # a closed port: the fetch fails, the save does not
            down = services.citation_add(claim=claim, url="http://127.0.0.1:9/", role="context")
    # Taking the lease in SQL on SQLite: due, leased, expired.
    from datetime import timedelta
    from django.utils import timezone
    past = timezone.now() - timedelta(seconds=1)
    down_state = Source.objects.get(pk=down.source_id).state
    leases = [source_lease_take(source_id=ok.source_id)]  # fetched: not due
    leases.append(source_lease_take(source_id=down.source_id))  # retry not due yet
    Source.objects.filter(pk=down.source_id).update(next_attempt_at=past)
    leases.append(source_lease_take(source_id=down.source_id))
    leases.append(source_lease_take(source_id=down.source_id))  # leased
    Source.objects.filter(pk=down.source_id).update(lease_expires_at=past)
    leases.append(source_lease_take(source_id=down.source_id))
    result = {
        "vendor": django.db.connection.vendor,
        "ok": Source.objects.get(pk=ok.source_id).state,
        "snapshots": Source.objects.get(pk=ok.source_id).snapshots.count(),
        "down": down_state,
        "leases": [lease and [lease.attempts, lease.is_recheck] for lease in leases],
    }
    print("RESULT " + json.dumps(result))
    """
)


def test_the_embedded_default_fetches_in_process_on_sqlite(tmp_path):
    """No DATABASE_URL, no broker: SQLite under FACTCHECK_VAR_DIR, tasks after commit."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL")
    }
    env.update(
        FACTCHECK_VAR_DIR=str(tmp_path),
        FETCH_ALLOW_NETWORKS="127.0.0.0/8",
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        PYTHONPATH=str(ROOT),
    )
    run = subprocess.run(
        [sys.executable, "-c", EMBEDDED_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    line = next(line for line in run.stdout.splitlines() if line.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    assert result == {
        "vendor": "sqlite",
        "ok": "fetched",
        "snapshots": 1,
        "down": "pending",
        "leases": [None, None, [2, False], None, [3, False]],
    }
    assert (tmp_path / "desk.sqlite3").exists()
