"""The ClaimReview DataFeed as a file: built in the background, served like a static file.

At 100 000 verdicts the feed is about 120 MB of JSON: built per request it took half a
minute before the last byte. So it is built once per state of the desk, by a Celery task
(``partners.tasks.datafeed_build_task``), queued after a publication, correction or
retraction commits (``partners.receivers``; debounced: a burst of publications is one
build) and hourly by beat (changes outside the workflow, such as a renamed speaker).
The build writes, through the default storage (``MEDIA_ROOT`` or an object store):

- ``datafeed/<sha256>.json`` and ``datafeed/<sha256>.json.gz``: the feed, byte for byte
  what the view renders (``serializers.datafeed_stream``), and its gzip;
- ``datafeed/stamp-<digest>.json``: a small pointer to them for one *state*: the number
  of published verdicts and the newest update (``claims_stamp``), which the view knows
  from the cache without a query. The pointer is read per request; when there is none
  (not built yet, or a newer state) the view falls back to building the feed itself.

Served with a strong ETag (the content's SHA-256; another for the gzip), ``If-None-Match``
→ 304, a single ``Range`` → 206 (or 416), and through ``sendfile`` where the server has it.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import logging
import re
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

from publishing import caching

from . import selectors
from .serializers import datafeed_stream, iso

logger = logging.getLogger(__name__)

DIRECTORY = "datafeed"
# Bump when the feed's bytes change shape: every pointer then names a state anew.
FORMAT = 1
BUILD_TASK = "partners.tasks.datafeed_build_task"
PENDING_KEY = "partners:datafeed:pending"
# Files of older states are removed this long after they stopped being current.
KEEP_OLD = timedelta(minutes=15)
CHUNK = 1024 * 1024
JSON = "application/json"


@dataclass(frozen=True)
class Built:
    """A DataFeed file of one state (the content of its pointer)."""

    etag: str  # SHA-256 of the JSON, hex
    name: str
    size: int
    gzip_name: str
    gzip_size: int
    built_at: str


# --- Which file is current -------------------------------------------------------------------


def pointer_name(count: int, newest: datetime | None) -> str:
    """The pointer of the state (count, newest update) in this organisation's wording."""
    state = caching.digest(
        "claimreview",
        FORMAT,
        count,
        iso(newest),
        settings.FACTCHECK_ORG_NAME,
        settings.FACTCHECK_ORG_URL,
    )
    return f"{DIRECTORY}/stamp-{state}.json"


def datafeed_current(count: int, newest: datetime | None) -> Built | None:
    """The file built for this state, or None (not built yet)."""
    try:
        with default_storage.open(pointer_name(count, newest), "rb") as handle:
            return Built(**json.loads(handle.read()))
    except (OSError, ValueError, TypeError):
        return None


# --- Building ------------------------------------------------------------------------------


def datafeed_request_build() -> None:
    """Queue a build after the current transaction commits, unless one is queued already.

    The task clears the mark before it reads the database, so a change committed after
    that read queues a build of its own: no change is ever left out.
    """

    def send() -> None:
        delay = float(settings.DATAFEED_DEBOUNCE_SECONDS)
        try:
            queued = cache.add(PENDING_KEY, 1, int(delay) + 600)
        except caching.CACHE_ERRORS:
            queued = True
        if queued:
            current_app.tasks[BUILD_TASK].apply_async(countdown=delay or None)

    transaction.on_commit(send, robust=True)


def datafeed_build() -> Built:
    """Build the file of the current state (if it is not there yet) and point to it."""
    with contextlib.suppress(caching.CACHE_ERRORS):
        cache.delete(PENDING_KEY)
    outer = connection.in_atomic_block
    with transaction.atomic(), tempfile.TemporaryDirectory(prefix="datafeed-") as tmp:
        if not outer and connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # the count and the rows of one snapshot
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        queryset = selectors.claimreview_feed()
        count, newest = selectors.claims_stamp(queryset)
        digest = hashlib.sha256()
        plain_path, gzip_path = f"{tmp}/feed.json", f"{tmp}/feed.json.gz"
        with (
            open(plain_path, "wb") as plain,
            gzip.GzipFile(gzip_path, "wb", compresslevel=6, mtime=0) as packed,
        ):
            buffer = bytearray()
            for chunk in datafeed_stream(queryset.iterator(chunk_size=500), newest=newest):
                buffer += chunk
                if len(buffer) >= CHUNK:
                    _write(buffer, plain, packed, digest)
                    buffer = bytearray()
            _write(buffer, plain, packed, digest)
        etag = digest.hexdigest()
        name = _save(f"{DIRECTORY}/{etag}.json", plain_path)
        gzip_name = _save(f"{DIRECTORY}/{etag}.json.gz", gzip_path)
    built = Built(
        etag=etag,
        name=name,
        size=default_storage.size(name),
        gzip_name=gzip_name,
        gzip_size=default_storage.size(gzip_name),
        built_at=timezone.now().isoformat(),
    )
    pointer = pointer_name(count, newest)
    current = datafeed_current(count, newest)
    if current is None or current.etag != built.etag:
        if current is not None:
            default_storage.delete(pointer)
        default_storage.save(pointer, ContentFile(json.dumps(asdict(built)).encode()))
    _remove_old(keep={pointer, name, gzip_name})
    logger.info("DataFeed built: %d items, %d bytes (%s)", count, built.size, etag[:12])
    return built


def _write(data: bytearray, plain: Any, packed: Any, digest: Any) -> None:
    plain.write(data)
    packed.write(data)
    digest.update(data)


def _save(name: str, path: str) -> str:
    """Store the file under ``name`` (named after its content: kept if already there)."""
    if default_storage.exists(name):
        return name
    with open(path, "rb") as handle:
        return default_storage.save(name, File(handle))


def _remove_old(*, keep: set[str]) -> None:
    """Files of earlier states that stopped being current a while ago (a request may
    still be sending one; a process may still hold an older state's pointer)."""
    try:
        _dirs, files = default_storage.listdir(DIRECTORY)
    except (OSError, NotImplementedError):
        return
    cutoff = timezone.now() - KEEP_OLD
    for file in files:
        name = f"{DIRECTORY}/{file}"
        if name in keep:
            continue
        try:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
        except (OSError, NotImplementedError):
            continue


# --- Serving -------------------------------------------------------------------------------


def accepts_gzip(request: HttpRequest) -> bool:
    """The client takes ``Content-Encoding: gzip`` (and did not refuse it with q=0)."""
    header = request.META.get("HTTP_ACCEPT_ENCODING", "")
    for part in header.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip"):
            return not re.fullmatch(r"\s*q\s*=\s*0(\.0*)?\s*", params)
    return False


class _Slice:
    """``length`` bytes of an open file from where it stands; ``fileno`` for sendfile
    (the server sends ``Content-Length`` bytes from the current offset)."""

    def __init__(self, handle: Any, length: int) -> None:
        self.handle, self.left = handle, length

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        size = self.left if size < 0 else min(size, self.left)
        data = self.handle.read(size)
        self.left -= len(data)
        return data

    def fileno(self) -> int:
        return self.handle.fileno()

    def close(self) -> None:
        self.handle.close()


def _range(header: str, size: int) -> tuple[int, int] | bool | None:
    """One ``bytes=`` range as (first, last); None: serve it all; False: unsatisfiable."""
    match = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", header)
    if not match or match.group(1) == match.group(2) == "":
        return None  # several ranges or another unit: the whole file (RFC 9110 allows it)
    first, last = match.group(1), match.group(2)
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            return False
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return False
    return start, end


def serve(request: HttpRequest, built: Built) -> HttpResponseBase:
    """The file as a static file server sends it: ETag, 304, Range, gzip."""
    packed = accepts_gzip(request) and bool(built.gzip_name)
    name, size = (built.gzip_name, built.gzip_size) if packed else (built.name, built.size)
    etag = f'"{built.etag}-gz"' if packed else f'"{built.etag}"'
    tags = {tag.removeprefix("W/") for tag in parse_etags(request.headers.get("If-None-Match", ""))}
    if tags & {"*", etag}:
        response: HttpResponseBase = HttpResponse(status=304)
    else:
        wanted: tuple[int, int] | bool | None = None
        if_range = request.headers.get("If-Range")
        if "Range" in request.headers and (if_range is None or if_range == etag):
            wanted = _range(request.headers["Range"], size)
        if wanted is False:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
        else:
            first, last = wanted if isinstance(wanted, tuple) else (0, size - 1)
            handle = default_storage.open(name, "rb")
            if first:
                handle.seek(first)
            length = last - first + 1 if size else 0
            response = FileResponse(_Slice(handle, length), content_type=JSON)
            response.block_size = 64 * 1024
            response["Content-Length"] = str(length)
            if isinstance(wanted, tuple):
                response.status_code = 206
                response["Content-Range"] = f"bytes {first}-{last}/{size}"
            else:
                response.datafeed_file = name  # type: ignore[attr-defined]  (frontcache)
    response["ETag"] = etag
    response["Accept-Ranges"] = "bytes"
    patch_vary_headers(response, ["Accept-Encoding"])
    if packed and response.status_code in (200, 206):
        response["Content-Encoding"] = "gzip"
    return response
