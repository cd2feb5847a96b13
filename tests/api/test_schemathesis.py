"""Schemathesis against the live schema, with every check: the partner and desk APIs,
authenticated, give no server errors, no responses that contradict the schema (statuses,
content types, headers, bodies), reject what the schema forbids and accept what it allows.

A live server (pytest-django) with seeded data; ``st run`` in a subprocess against
``/api/schema/``, once with an editor's token (the desk API and the partner API) and once
with a partner key (the partner API). Only loopback traffic: the fetcher's background
fetches are switched off (a citation the fuzzer adds would otherwise resolve its host
name). Bounded: ``SCHEMATHESIS_MAX_EXAMPLES`` examples per operation (default 25).
"""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps

from claims import workflow
from claims.defaults import install_default_scale
from intake.models import InboxItem
from partners import services as partner_services
from tests import factories
from tests.helpers.api import token_for
from tests.helpers.workflow import publish_claim

pytestmark = [pytest.mark.django_db(transaction=True)]

ST = Path(sys.executable).with_name("st")
# Every check schemathesis has (4.x: server errors, status codes, content types, headers,
# bodies, negative data rejected, positive data accepted, auth, methods, ...).
CHECKS = "all"
# What schema-valid input the server may still refuse with a 400, per operation, because
# no schema can say it: a cursor must be one the server issued; a span must lie on the
# article's words (and match the quote); a rating slug must be one of the scale's; a URL
# must pass the fetcher's rules; a transition needs a complete verdict; a tip needs its text
# or its link. Each is a correct
# 400 naming the problem; ``positive_data_acceptance`` otherwise expects 2xx (or 401/403/
# 404/409/429, which it allows everywhere).
DOMAIN_REFUSALS = {
    "lists: cursors; creating: spans, quotes, URLs": (
        r"^/api/v1/(desk/)?(claims|articles|speakers)/$"
    ),
    "citations, verdicts, transitions: URLs, rating slugs, complete verdicts": (
        r"^/api/v1/desk/claims/\\{id\\}/(citations|verdict|correct|submit|publish)/$"
    ),
    "tips: the text or the link (either), the text's length, the link's syntax": (
        r"^/api/v1/tips/$"
    ),
    "inbox: cursors, staff user ids, items already decided, repeats only": (
        r"^/api/v1/desk/inbox/(\\{id\\}/(assign|dismiss|appearance)/)?$"
    ),
}
POSITIVE_STATUSES = ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]


@pytest.fixture
def seeded(settings, monkeypatch):
    """Published, corrected and retracted claims with archived sources; desk users."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"partner": "1000000/minute"},
    }
    # No fetches (they would leave loopback); the desk API still records the citation.
    monkeypatch.setattr("sources.queue.enqueue_fetch", lambda *args, **kwargs: None)
    # Nor article imports by URL (intake): the article is recorded as importing.
    monkeypatch.setattr("intake.importing._send", lambda *args, **kwargs: None)
    install_default_scale(apps)  # a flushed database has lost the migration's data
    checker = factories.desk_user("st-checker", role="fact-checker")
    editor = factories.desk_user("st-editor", role="editor")
    source = factories.SourceFactory(url="https://statistik.example/r", state="fetched")
    factories.SnapshotFactory(source=source, title="Statistik", sha256="a" * 64)
    claims = []
    for n in range(6):
        claim = factories.ClaimFactory()
        factories.CitationFactory(claim=claim, source=source, role="refutes")
        publish_claim(
            claim,
            checker,
            editor,
            rating=["falsch", "richtig", "halbwahr"][n % 3],
            verdict={
                "headline": f"Überschrift {n}",
                "summary": "Kurz gesagt: nein.",
                "explanation": "Weil.",
            },
        )
        claims.append(claim)
    workflow.claim_correct(claim=claims[0], user=editor, version=claims[0].version, note="Fix")
    claims[1].refresh_from_db()
    workflow.claim_retract(claim=claims[1], user=editor, version=claims[1].version, reason="Irrtum")
    draft = factories.ClaimFactory()
    inbox_article = factories.ArticleFactory(import_state="imported")
    inbox_items = [
        InboxItem.objects.create(
            article=inbox_article,
            start=n,
            end=n + 5,
            quote=inbox_article.text[n : n + 5],
            score=float(n),
            matched_claim=claims[2] if n % 2 else None,
        )
        for n in range(4)
    ]
    _row, key = partner_services.partner_key_create(name="Schemathesis")
    return {
        "editor_token": token_for(editor),
        "partner_key": key,
        "ids": {
            "claims": [c.pk for c in claims] + [draft.pk],
            "articles": [c.article_id for c in claims] + [draft.article_id],
            "sources": [source.pk],
            "inbox": [item.pk for item in inbox_items],
        },
    }


def _config(tmp_path: Path, ids: dict[str, list[int]]) -> Path:
    """Half the generated ids are ones that exist, so success paths are exercised too."""
    lines = []
    for name, values in ids.items():
        lines += [f"[dictionaries.{name}]", f"values = {sorted(set(values))}", ""]
    for name, regex in (
        ("claims", r"^/api/v1/(desk/)?claims/\\{id\\}/"),
        ("articles", r"^/api/v1/desk/articles/\\{id\\}/"),
        ("sources", r"^/api/v1/desk/sources/\\{id\\}/"),
        ("inbox", r"^/api/v1/desk/inbox/\\{id\\}/"),
    ):
        lines += [
            "[[operations]]",
            f'include-path-regex = "{regex}"',
            f'parameters = {{ "path.id" = {{ dictionary = "{name}", probability = 0.5 }} }}',
            "",
        ]
    for reason, regex in DOMAIN_REFUSALS.items():
        lines += [
            f"# {reason}",
            "[[operations]]",
            f'include-path-regex = "{regex}"',
            f"checks.positive_data_acceptance.expected-statuses = {POSITIVE_STATUSES}",
            "",
        ]
    path = tmp_path / "schemathesis.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _st(url: str, header: str, config: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [
        str(ST),
        "--config-file",
        str(config),
        "run",
        f"{url}/api/schema/",
        "--header",
        header,
        "--checks",
        CHECKS,
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"),
        "--seed",
        "20220107",
        "--workers",
        "4",
        "--request-timeout",
        "30",
        "--no-color",
        *extra,
    ]
    env = {
        **os.environ,
        # Loopback only: no proxy may be asked; no usage telemetry.
        "NO_PROXY": "*",
        "HTTP_PROXY": "",
        "HTTPS_PROXY": "",
        "SCHEMATHESIS_TELEMETRY": "false",
    }
    return subprocess.run(
        command, capture_output=True, text=True, timeout=600, env=env, check=False
    )


@pytest.fixture
def loopback_live_server(live_server):
    host = live_server.url.split("://", 1)[1].split(":", 1)[0]
    assert socket.gethostbyname(host).startswith("127.")
    return live_server


@pytest.mark.skipif(not shutil.which(str(ST)), reason="schemathesis is not installed")
def test_schemathesis_desk_and_partner_api_with_a_staff_token(
    loopback_live_server, seeded, tmp_path
):
    result = _st(
        loopback_live_server.url,
        f"Authorization: Token {seeded['editor_token']}",
        _config(tmp_path, seeded["ids"]),
    )
    print(result.stdout[-4000:])  # the summary, shown with -rP
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]


@pytest.mark.skipif(not shutil.which(str(ST)), reason="schemathesis is not installed")
def test_schemathesis_partner_api_with_a_partner_key(loopback_live_server, seeded, tmp_path):
    result = _st(
        loopback_live_server.url,
        f"Authorization: Api-Key {seeded['partner_key']}",
        _config(tmp_path, seeded["ids"]),
        "--exclude-path-regex",
        "^/api/v1/desk/",
    )
    print(result.stdout[-4000:])
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
