"""Evidence of a fetch: the WARC file, the screenshot and the PDF of a snapshot.

Called by the engine (``sources.engine``) for a snapshot it is about to record, outside
any transaction: renders the page in the worker's browser (``sources.browser``) when
that is on and the page is HTML, builds the WARC file (``sources.warc``) of what the
fetch exchanged (and of the page's subresources the browser needed), stores the files
through Django's storage under names made of their sha256 (``evidence/warc/ab/cd/….warc.gz``,
``evidence/screenshot/….png``, ``evidence/pdf/….pdf``) and fills the snapshot's fields.

Settings, read at call time: ``SNAPSHOT_WARC``, ``SNAPSHOT_BROWSER``,
``SNAPSHOT_CHROMIUM_PATH``, ``SNAPSHOT_BROWSER_TIMEOUT``, ``SNAPSHOT_BROWSER_MAX_PAGES``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from claims.selectors import claims_published

from . import browser, fetching, warc
from .models import Snapshot

logger = logging.getLogger(__name__)

_RENDERED_KINDS = frozenset({Snapshot.Kind.HTML})


def _store(
    field: FieldFile, kind: str, extension: str, data: bytes, *, unique: bool = False
) -> str:
    """Store ``data`` by its sha256 (an identical file is shared); returns the sha256.

    ``unique``: the content cannot exist yet (a WARC file holds its own record ids and
    dates), so there is nothing to look up first.
    """
    digest = hashlib.sha256(data).hexdigest()
    name = f"evidence/{kind}/{digest[:2]}/{digest[2:4]}/{digest}.{extension}"
    if unique or not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(data))
    field.name = name
    return digest


def _citing_claim_ids(source_id: int) -> tuple[int, ...]:
    """The public claims citing the source when it was fetched.

    Public ones only (``claims_published``): the WARC is served to readers once a
    published claim cites the source, and a draft's id must never reach them.
    """
    return tuple(
        claims_published()
        .filter(citations__source_id=source_id)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def browser_enabled() -> bool:
    return bool(settings.SNAPSHOT_BROWSER)


def _render(
    snapshot: Snapshot, body: bytes, content_type: str, policy: fetching.FetchPolicy
) -> browser.Rendering:
    if not browser_enabled():
        return browser.Rendering(reason=_("Browser snapshots are turned off (SNAPSHOT_BROWSER)."))
    if snapshot.kind not in _RENDERED_KINDS or not snapshot.is_ok:
        return browser.Rendering(reason=_("Only HTML pages that answered 2xx are rendered."))
    page = browser.Page(
        url=snapshot.final_url,
        status=snapshot.status_code or 200,
        content_type=content_type,
        body=body,
    )
    return browser.render(
        page,
        policy=policy,
        executable=settings.SNAPSHOT_CHROMIUM_PATH,
        timeout=float(settings.SNAPSHOT_BROWSER_TIMEOUT),
        max_pages=int(settings.SNAPSHOT_BROWSER_MAX_PAGES),
    )


def evidence_collect(
    snapshot: Snapshot,
    *,
    source_id: int,
    url: str,
    exchanges: Sequence[fetching.Exchange],
    body: bytes = b"",
    content_type: str = "",
    policy: fetching.FetchPolicy,
) -> None:
    """Fill ``snapshot``'s evidence fields (it is not saved here) and store the files.

    ``exchanges`` is what the fetch exchanged (``fetch(record=True)``); ``body`` and
    ``content_type`` the decoded page, which the browser renders without fetching it
    again. Never raises for a page or a browser that misbehaves: the reason is kept in
    ``browser_reason``.
    """
    rendering = _render(snapshot, body, content_type, policy)
    if rendering.screenshot:
        snapshot.screenshot_sha256 = _store(
            snapshot.screenshot, "screenshot", "png", rendering.screenshot
        )
    if rendering.pdf:
        snapshot.pdf_sha256 = _store(snapshot.pdf, "pdf", "pdf", rendering.pdf)
    snapshot.browser_reason = rendering.reason
    snapshot.blocked_requests = rendering.blocked
    if not settings.SNAPSHOT_WARC or not exchanges:
        return
    claim_ids = _citing_claim_ids(source_id)
    evidence = warc.Evidence(
        source_id=source_id,
        claim_ids=claim_ids,
        url=url,
        final_url=snapshot.final_url,
        text_sha256=snapshot.text_sha256,
        extra={
            "fetched_at": snapshot.fetched_at.isoformat(),
            "status_code": snapshot.status_code,
            "body_sha256": snapshot.sha256,
            "screenshot_sha256": snapshot.screenshot_sha256 or None,
            "pdf_sha256": snapshot.pdf_sha256 or None,
            "browser_reason": snapshot.browser_reason or None,
            "blocked_requests": snapshot.blocked_requests,
        },
    )
    data = warc.build_warc(exchanges, evidence, subresources=rendering.subresources)
    snapshot.warc_sha256 = _store(snapshot.warc, "warc", "warc.gz", data, unique=True)
