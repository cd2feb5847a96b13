"""Archived copies of sources, served so that they can never act in our origin.

An archived page is whatever a third party served: scripts, forms, tracking pixels,
markup made to look like our site. It is served from our storage with a CSP that
sandboxes the document (an opaque origin: no scripts, no forms, no cookies of ours, no
top navigation), loads nothing (``default-src 'none'``; inline styles and ``data:``
images only, so the text stays readable), never sniffed into something else, and
never framed. Anything that is not HTML is only offered as a download.

The evidence of a snapshot (``sources.evidence``): the screenshot (a PNG we rendered,
shown on the reader's page of the copy next to its text version), the PDF print and the
WARC file, served by :func:`evidence_response` with the same inert headers, to readers
while a published claim cites the source and to the desk always
(``newsdesk.api.evidence``).
"""

import re

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from sources import selectors
from sources.models import Snapshot

ARCHIVE_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
_MEDIA_TYPE_RE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}")
# Python codec names (what extraction decoded with) → the labels browsers know.
_WEB_CHARSETS = {
    "utf-8": "utf-8",
    "utf-16-le": "utf-16le",
    "utf-16-be": "utf-16be",
    "cp866": "ibm866",
    "cp874": "windows-874",
    "koi8-r": "koi8-r",
    "koi8-u": "koi8-u",
    "mac-roman": "macintosh",
    "mac-cyrillic": "x-mac-cyrillic",
    "gbk": "gbk",
    "gb18030": "gb18030",
    "big5hkscs": "big5",
    "euc_jp": "euc-jp",
    "iso2022_jp": "iso-2022-jp",
    "cp932": "shift_jis",
    "cp949": "euc-kr",
}
_CP_RE = re.compile(r"cp(125[0-8])")
_ISO_RE = re.compile(r"iso8859[-_](\d{1,2})")


def web_charset(codec: str) -> str:
    """The browser label for a Python codec name, or "" (then the page's own meta wins)."""
    codec = (codec or "").lower()
    if codec in _WEB_CHARSETS:
        return _WEB_CHARSETS[codec]
    if match := _CP_RE.fullmatch(codec):
        return f"windows-{match.group(1)}"
    if match := _ISO_RE.fullmatch(codec):
        return f"iso-8859-{match.group(1)}"
    return ""


_EXTENSIONS = {"pdf": "pdf", "text": "txt", "html": "html"}


def _inert(response: HttpResponse) -> HttpResponse:
    response["Content-Security-Policy"] = ARCHIVE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Frame-Options"] = "DENY"
    response["Referrer-Policy"] = "no-referrer"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    # Our copy of someone else's page is not our content to index.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


#: The evidence files of a snapshot: field, media type, file name suffix, inline?
EVIDENCE_PARTS = {
    "screenshot": ("screenshot", "image/png", "png", True),
    "pdf": ("pdf", "application/pdf", "pdf", False),
    "warc": ("warc", "application/warc", "warc.gz", False),
}


def evidence_response(snapshot: Snapshot, part: str) -> HttpResponse:
    """One evidence file of ``snapshot`` (``screenshot``, ``pdf`` or ``warc``), inert."""
    if part not in EVIDENCE_PARTS:
        raise Http404("No such part.")
    field_name, media_type, suffix, inline = EVIDENCE_PARTS[part]
    stored = getattr(snapshot, field_name)
    if not stored:
        raise Http404("This snapshot has no such file.")
    try:
        handle = stored.open("rb")
    except FileNotFoundError as error:
        raise Http404("The stored file is missing.") from error
    response = FileResponse(handle, content_type=media_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="snapshot-{snapshot.pk}.{suffix}"'
    response["Cache-Control"] = "private, max-age=300"
    return _inert(response)


def archive_response(snapshot: Snapshot) -> HttpResponse:
    """The stored body of ``snapshot`` with the headers that keep it inert."""
    if not snapshot.body:
        raise Http404("This snapshot has no stored body.")
    try:
        stored = snapshot.body.open("rb")  # FileResponse streams and closes it
    except FileNotFoundError as error:
        raise Http404("The stored copy is missing.") from error
    if snapshot.kind == Snapshot.Kind.HTML:
        charset = web_charset(snapshot.charset)
        content_type = f"text/html; charset={charset}" if charset else "text/html"
        response = FileResponse(stored, content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="snapshot-{snapshot.pk}.html"'
    else:
        media_type = snapshot.content_type
        if not _MEDIA_TYPE_RE.fullmatch(media_type or ""):
            media_type = "application/octet-stream"
        response = FileResponse(stored, content_type=media_type)
        extension = _EXTENSIONS.get(snapshot.kind, "bin")
        response["Content-Disposition"] = (
            f'attachment; filename="snapshot-{snapshot.pk}.{extension}"'
        )
    _inert(response)
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def snapshot_archive(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    """``/sources/snapshots/<id>/``: public only while a published claim cites the source."""
    snapshot = selectors.snapshot_public(snapshot_id)
    if snapshot is None:
        raise Http404("No such archived copy.")
    return archive_response(snapshot)


@require_safe
def snapshot_evidence(request: HttpRequest, snapshot_id: int, part: str) -> HttpResponse:
    """``/sources/snapshots/<id>/<part>/``: the screenshot, PDF or WARC, public like the copy."""
    snapshot = selectors.snapshot_public(snapshot_id)
    if snapshot is None:
        raise Http404("No such archived copy.")
    response = evidence_response(snapshot, part)
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def snapshot_copy(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    """``/sources/snapshots/<id>/copy/``: our page about an archived copy for readers: the
    screenshot with the text version (escaped, as extracted), the sandboxed original, the
    PDF and the WARC with their sha256."""
    snapshot = selectors.snapshot_public_with_text(snapshot_id)
    if snapshot is None:
        raise Http404("No such archived copy.")
    response = render(request, "sources/snapshot_copy.html", {"snapshot": snapshot})
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
