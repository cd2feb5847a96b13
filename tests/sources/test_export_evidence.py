"""``manage.py export_evidence``: a WARC bundle and a JSON manifest of a claim or a period."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from warcio.archiveiterator import ArchiveIterator

from sources import services
from sources.models import Snapshot
from tests import factories
from tests.sources.helpers import fetch, page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sources_env", "loopback_only")]


@pytest.fixture
def cited(checker, http_server):
    """Two claims; the first cites two pages (one with a screenshot), the second one."""
    for name in ("a", "b", "c"):
        http_server.respond(f"/{name}", body=page(f"Seite {name}", f"Text der Seite {name}"))
    first, second = factories.ClaimFactory(created_by=checker), factories.ClaimFactory()
    sources = [
        services.citation_add(
            claim=claim, url=http_server.url(f"/{name}"), role="supports", passage="Text"
        ).source
        for claim, name in ((first, "a"), (first, "b"), (second, "c"))
    ]
    for source in sources:
        fetch(source)
    shot = sources[0].snapshots.get()
    shot.screenshot.save("s.png", ContentFile(b"\x89PNG fake"), save=False)
    shot.screenshot_sha256 = hashlib.sha256(b"\x89PNG fake").hexdigest()
    shot.save()
    return first, second, sources


def test_a_claims_evidence_is_one_valid_warc_bundle_and_a_manifest(cited, tmp_path):
    first, _second, sources = cited
    output = tmp_path / "export"
    out = io.StringIO()
    call_command("export_evidence", "--claim", str(first.pk), "--output", str(output), stdout=out)
    assert "2 snapshot(s) of 2 source(s) for 1 claim(s)" in out.getvalue()
    manifest = json.loads((output / "manifest.json").read_text())
    bundle = (output / "evidence.warc.gz").read_bytes()
    assert manifest["warc"]["sha256"] == hashlib.sha256(bundle).hexdigest()
    assert [c["id"] for c in manifest["claims"]] == [first.pk]
    assert manifest["claims"][0]["citations"] == [
        {"source_id": sources[0].pk, "role": "supports", "passage": "Text"},
        {"source_id": sources[1].pk, "role": "supports", "passage": "Text"},
    ]
    assert [s["id"] for s in manifest["sources"]] == [sources[0].pk, sources[1].pk]
    # Each snapshot's WARC is in the bundle byte for byte, where the manifest says.
    for item in manifest["snapshots"]:
        stored = Snapshot.objects.get(pk=item["id"])
        part = bundle[item["warc_offset"] : item["warc_offset"] + item["warc_length"]]
        assert hashlib.sha256(part).hexdigest() == item["warc_sha256"] == stored.warc_sha256
        assert item["text_sha256"] == stored.text_sha256
        assert item["missing"] == []
    checked = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", str(output / "evidence.warc.gz")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout
    records = [
        (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"))
        for r in ArchiveIterator(io.BytesIO(bundle))
    ]
    assert ("resource", f"urn:screenshot:{sources[0].snapshots.get().final_url}") in records
    assert sum(1 for kind, _ in records if kind == "response") == 2


def test_since_takes_every_snapshot_fetched_from_then(cited, tmp_path):
    _first, _second, sources = cited
    Snapshot.objects.filter(source=sources[2]).update(
        fetched_at=timezone.now() - timedelta(days=30)
    )
    since = (timezone.now() - timedelta(days=1)).date().isoformat()
    call_command(
        "export_evidence", "--since", since, "--output", str(tmp_path / "e"), stdout=io.StringIO()
    )
    manifest = json.loads((tmp_path / "e" / "manifest.json").read_text())
    assert sorted(s["id"] for s in manifest["sources"]) == sorted(s.pk for s in sources[:2])


def test_bad_arguments_are_refused_clearly(cited, tmp_path):
    with pytest.raises(CommandError, match="no claim 999999"):
        call_command("export_evidence", "--claim", "999999", "--output", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="not a date"):
        call_command("export_evidence", "--since", "gestern", "--output", str(tmp_path / "y"))
    (tmp_path / "z").mkdir()
    with pytest.raises(CommandError, match="exists already"):
        call_command("export_evidence", "--since", "2020-01-01", "--output", str(tmp_path / "z"))
