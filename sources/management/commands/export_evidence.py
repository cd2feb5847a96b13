"""Export the evidence of a claim's sources, or of every fetch since a date.

    python manage.py export_evidence --claim ID | --since DATE [--output PATH]

Writes the directory ``PATH`` (default ``evidence-export-<UTC time>``) with:

* ``evidence.warc.gz``: one WARC bundle. Each snapshot's stored WARC file is copied
  byte for byte (gzip members concatenate into a valid ``.warc.gz``); the manifest gives
  each one's offset and length, so its sha256 can be checked against the desk's record.
  The screenshots and PDF prints follow as ``resource`` records
  (``urn:screenshot:<url>``, ``urn:pdf:<url>``).
* ``manifest.json``: the claims, sources and snapshots with their hashes (body, text,
  WARC, screenshot, PDF), the blocked requests and the browser notes.

Replay with pywb, upload to an archive: docs/operators-guide.md ("Evidence").
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from claims import links
from claims.models import Claim
from sources import selectors, warc
from sources.models import Snapshot

FORMAT = "factcheck-desk evidence export 1"


def _read(stored: FieldFile) -> bytes | None:
    if not stored:
        return None
    try:
        with stored.open("rb") as handle:
            data: bytes = handle.read()
    except FileNotFoundError:
        return None
    return data


def _since(value: str) -> datetime:
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"--since: {value!r} is not a date (YYYY-MM-DD) or a date-time.")
        moment = datetime(day.year, day.month, day.day)  # noqa: DTZ001 (made aware below)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "Write a WARC bundle and a JSON manifest of the evidence of a claim or a period."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--claim", type=int, help="The claim whose cited sources to export.")
        which.add_argument("--since", help="Every snapshot fetched since this date (YYYY-MM-DD).")
        parser.add_argument("--output", help="The directory to write (must not exist yet).")

    def handle(self, *args: Any, **options: Any) -> None:
        claim_id: int | None = options["claim"]
        since = _since(options["since"]) if options["since"] else None
        if claim_id is not None and not Claim.objects.filter(pk=claim_id).exists():
            raise CommandError(f"There is no claim {claim_id}.")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        output = Path(options["output"] or f"evidence-export-{stamp}")
        if output.exists():
            raise CommandError(f"{output} exists already; name a new directory.")
        snapshots = list(selectors.snapshots_for_export(claim_id=claim_id, since=since))
        output.mkdir(parents=True)
        manifest = self._write(output, snapshots, claim_id=claim_id, since=since)
        (output / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        missing = sum(1 for s in manifest["snapshots"] if s["missing"])
        self.stdout.write(
            f"{len(manifest['snapshots'])} snapshot(s) of {len(manifest['sources'])} source(s) "
            f"for {len(manifest['claims'])} claim(s) written to {output}"
            + (f"; {missing} with files missing from storage" if missing else "")
        )

    def _write(
        self,
        output: Path,
        snapshots: list[Snapshot],
        *,
        claim_id: int | None,
        since: datetime | None,
    ) -> dict[str, Any]:
        bundle_path = output / "evidence.warc.gz"
        digest = hashlib.sha256()
        sources: dict[int, dict[str, Any]] = {}
        claims: dict[int, dict[str, Any]] = {}
        items: list[dict[str, Any]] = []
        with bundle_path.open("wb") as bundle:

            def append(data: bytes) -> tuple[int, int]:
                offset = bundle.tell()
                bundle.write(data)
                digest.update(data)
                return offset, len(data)

            for snapshot in snapshots:
                item, rendered = self._snapshot(snapshot, append)
                items.append(item)
                if rendered:
                    append(warc.build_resources(rendered))
                source = snapshot.source
                entry = sources.setdefault(
                    source.pk,
                    {
                        "id": source.pk,
                        "url": source.url,
                        "normalised_url": source.normalised_url,
                        "state": source.state,
                        "flags": source.flag_labels(),
                        "snapshots": [],
                        "claims": [],
                    },
                )
                entry["snapshots"].append(snapshot.pk)
                for citation in source.citations.all():
                    if claim_id is not None and citation.claim_id != claim_id:
                        continue
                    if citation.claim_id not in entry["claims"]:
                        entry["claims"].append(citation.claim_id)
                    entry_claim = claims.setdefault(citation.claim_id, _claim_entry(citation.claim))
                    if not _cited(entry_claim, source.pk, citation.role):
                        entry_claim["citations"].append(
                            {
                                "source_id": source.pk,
                                "role": citation.role,
                                "passage": citation.passage,
                            }
                        )
        return {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(),
            "query": {"claim": claim_id, "since": since.isoformat() if since else None},
            "warc": {"path": bundle_path.name, "sha256": digest.hexdigest()},
            "claims": sorted(claims.values(), key=lambda c: c["id"]),
            "sources": sorted(sources.values(), key=lambda s: s["id"]),
            "snapshots": items,
        }

    def _snapshot(
        self, snapshot: Snapshot, append: Any
    ) -> tuple[dict[str, Any], list[warc.Resource]]:
        item: dict[str, Any] = {
            "id": snapshot.pk,
            "source_id": snapshot.source_id,
            "fetched_at": snapshot.fetched_at.isoformat(),
            "status_code": snapshot.status_code,
            "final_url": snapshot.final_url,
            "kind": snapshot.kind,
            "content_type": snapshot.content_type,
            "sha256": snapshot.sha256 or None,
            "text_sha256": snapshot.text_sha256 or None,
            "warc_sha256": snapshot.warc_sha256 or None,
            "warc_offset": None,
            "warc_length": None,
            "screenshot_sha256": snapshot.screenshot_sha256 or None,
            "pdf_sha256": snapshot.pdf_sha256 or None,
            "browser_reason": snapshot.browser_reason,
            "blocked_requests": snapshot.blocked_requests or [],
            "missing": [],
        }
        data = _read(snapshot.warc)
        if data is not None:
            if hashlib.sha256(data).hexdigest() != snapshot.warc_sha256:
                self.stderr.write(
                    f"snapshot {snapshot.pk}: the stored WARC does not match its sha256"
                )
            item["warc_offset"], item["warc_length"] = append(data)
        elif snapshot.warc_sha256:
            item["missing"].append("warc")
        date = snapshot.fetched_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        page_url = snapshot.final_url or snapshot.source.normalised_url
        rendered = []
        for part, media_type in (("screenshot", "image/png"), ("pdf", "application/pdf")):
            content = _read(getattr(snapshot, part))
            if content is not None:
                rendered.append(
                    warc.Resource(
                        uri=f"urn:{part}:{page_url}",
                        content_type=media_type,
                        data=content,
                        date=date,
                        refers_to=page_url,
                    )
                )
            elif getattr(snapshot, f"{part}_sha256"):
                item["missing"].append(part)
        return item, rendered


def _claim_entry(claim: Claim) -> dict[str, Any]:
    published = claim.status in (Claim.Status.PUBLISHED, Claim.Status.RETRACTED)
    return {
        "id": claim.pk,
        "claim": claim.claim,
        "status": claim.status,
        "url": links.claim_url(claim) if published else None,
        "citations": [],
    }


def _cited(entry: dict[str, Any], source_id: int, role: str) -> bool:
    return any(c["source_id"] == source_id and c["role"] == role for c in entry["citations"])
