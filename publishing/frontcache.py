"""Whole responses kept by a web process and answered before the middleware stack.

The first middlewares (``partners.api.middleware`` for repeated partner reads,
``publishing.middleware`` for the public pages) answer a repeated request with the very
status, headers and body that the full stack sent for the same request before. They are
taken from the full stack's own response on its way out, after every other middleware
added its headers (security headers, CSP, ``Content-Language``, ``Vary``,
``Content-Length``), so the two paths cannot drift apart: nothing here builds a header.

A response is kept only when

- its view marked it (``mark``: the generation it belongs to, its ETag and Last-Modified),
- it is a 200 or a 304 and sets no cookie,
- the middleware found the request eligible and gave it a key (the path with its query
  and whatever else the full stack's answer depends on: language, scheme, encoding);

and it is answered only while its generation is the current one. A conditional request
is answered with the full stack's 304, kept the same way the first time one passed
through; until then it goes through the stack (which answers it without rendering).
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import setting_changed
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.http.response import ResponseHeaders

# The attribute a view sets on the (Django) request to allow keeping its response.
MARK = "front_cache"
# Set in the WSGI environ by an answerer of the front door that did not answer (the
# middleware then does not look again, and counts nothing twice).
TRIED = "factcheck.front.tried"
FILE_BLOCK = 64 * 1024
# Answers larger than this are kept only when the same request comes a second time (its
# key is remembered the first time, up to SEEN_KEYS keys).
ADMIT_AT_ONCE = 32 * 1024
SEEN_KEYS = 2000
Answer = tuple[str, list[tuple[str, str]], Iterable[bytes]]


@dataclass(frozen=True, slots=True)
class Marker:
    gen: int
    etag: str  # quoted, as sent
    last_modified: int | None = None  # seconds since the epoch
    file: str = ""  # the body is this file of the default storage


@dataclass(frozen=True, slots=True)
class Kept:
    gen: int
    etag: str
    last_modified: int | None
    status: int
    status_line: str  # "200 OK", as Django's WSGI handler writes it
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""
    file: str = ""
    path: str = ""  # the file's absolute path, when the storage has one

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 200


def mark(
    request: HttpRequest,
    *,
    gen: int,
    etag: str,
    last_modified: int | None = None,
    file: str = "",
) -> None:
    """Let the front middleware keep this request's response (see the module docstring)."""
    setattr(request, MARK, Marker(gen, etag, last_modified, file))


class Copies:
    """The kept responses of one kind, bounded in number and bytes; one generation at a
    time (a new generation drops the old responses at once)."""

    def __init__(self, *, max_items: int, max_bytes: int) -> None:
        self.max_items = max_items
        self.max_bytes = max_bytes
        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self.gen: int | None = None
        self.items: OrderedDict[str, Kept] = OrderedDict()
        self.bytes = 0
        self.seen: OrderedDict[str, None] = OrderedDict()

    def _switch(self, gen: int) -> None:
        if gen != self.gen:
            self.items.clear()
            self.seen.clear()
            self.bytes = 0
            self.gen = gen

    def get(self, key: str, gen: int) -> Kept | None:
        with self.lock:
            if gen != self.gen:
                return None
            kept = self.items.get(key)
            if kept is not None:
                self.items.move_to_end(key)
            return kept

    def keep(self, key: str, kept: Kept) -> None:
        size = kept.size
        if size > self.max_bytes // 4:
            return
        with self.lock:
            if self.gen is not None and kept.gen < self.gen:
                return  # built in a generation already gone
            self._switch(kept.gen)
            if size > ADMIT_AT_ONCE and key not in self.seen:
                # A large answer is kept the second time it passes: a partner paging
                # through the whole list once must not push out what others repeat.
                self.seen[key] = None
                if len(self.seen) > SEEN_KEYS:
                    self.seen.popitem(last=False)
                return
            old = self.items.pop(key, None)
            self.bytes += size - (old.size if old else 0)
            self.items[key] = kept
            while len(self.items) > self.max_items or self.bytes > self.max_bytes:
                _key, dropped = self.items.popitem(last=False)
                self.bytes -= dropped.size


def keep(copies: Copies, key: str, request: HttpRequest, response: HttpResponseBase) -> None:
    """Keep ``response`` under ``key`` if its view marked it and it may be replayed."""
    marker: Marker | None = getattr(request, MARK, None)
    if marker is None or response.status_code not in (200, 304):
        return
    if response.cookies or response.has_header("Set-Cookie"):
        return  # something per reader: never replayed
    if response.has_header("ETag") and response["ETag"] != marker.etag:
        return
    if marker.file:
        if not isinstance(response, FileResponse) or response.status_code != 200:
            return
        body = b""
    elif response.streaming:
        return
    else:
        body = response.content
    kept = Kept(
        gen=marker.gen,
        etag=marker.etag,
        last_modified=marker.last_modified,
        status=response.status_code,
        status_line=f"{response.status_code} {response.reason_phrase}",
        headers=tuple(response.items()),
        body=body,
        file=marker.file,
        path=_path(marker.file),
    )
    copies.keep(f"{response.status_code}|{key}", kept)


def _path(file: str) -> str:
    try:
        return default_storage.path(file) if file else ""
    except NotImplementedError:  # a storage without local files: opened through it
        return ""


def replay(kept: Kept, after: Callable[[], None] | None = None) -> HttpResponseBase:
    """The kept response again: the same status, headers (in order) and body; ``after``
    runs when the response is closed (it went out)."""
    response: HttpResponseBase
    if kept.file:
        handle = default_storage.open(kept.file, "rb")
        response = FileResponse(handle, status=kept.status)
    else:
        response = HttpResponse(kept.body, status=kept.status)
    response.headers = ResponseHeaders(dict(kept.headers))
    if after is not None:
        response._resource_closers.append(after)
    return response


class _File(io.FileIO):
    """A kept file as the body: ``after`` runs once the server closed it (sent it)."""

    def __init__(self, path: str, after: Callable[[], None] | None) -> None:
        super().__init__(path, "rb")
        self.after = after

    def close(self) -> None:
        super().close()
        after, self.after = self.after, None
        if after is not None:
            after()


class _Body:
    """A body of bytes or blocks; ``after`` runs once the server closed it (sent it)."""

    def __init__(self, blocks: Iterable[bytes], after: Callable[[], None] | None) -> None:
        self.blocks = blocks
        self.after = after

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.blocks)

    def close(self) -> None:
        close = getattr(self.blocks, "close", None)
        if close is not None:
            close()
        after, self.after = self.after, None
        if after is not None:
            after()


def _open(kept: Kept, after: Callable[[], None] | None = None) -> Any:
    if kept.path:
        return _File(kept.path, after)
    handle = default_storage.open(kept.file, "rb")  # a storage without local files
    return _Body(_chunks(handle), after)


def wsgi(kept: Kept, environ: dict[str, Any], after: Callable[[], None] | None = None) -> Answer:
    """The kept response as Django's WSGI handler would hand it to the server; ``after``
    runs when the server is done with it (what can wait until the answer went out)."""
    body: Iterable[bytes]
    if kept.file:
        handle = _open(kept, after)
        wrapper = environ.get("wsgi.file_wrapper")
        if isinstance(handle, _File):
            body = wrapper(handle, FILE_BLOCK) if wrapper else _Body(_chunks(handle), None)
        else:
            body = handle
    else:
        body = _Body([kept.body], after)
    return kept.status_line, list(kept.headers), body


def _chunks(handle: Any) -> Iterator[bytes]:
    with handle:
        yield from iter(lambda: handle.read(FILE_BLOCK), b"")


#: Decides a conditional request against the kept 200: True (answer 304), False (answer
#: the 200), None (let the full stack answer: a 412, a range…).
Conditional = Callable[[HttpRequest, Kept], bool | None]


def find(
    copies: Copies, key: str, gen: int, request: HttpRequest, conditional: Conditional
) -> Kept | None:
    """The kept answer to ``request`` in generation ``gen``, or None (go through)."""
    found = copies.get(f"200|{key}", gen)
    if found is None:
        return None
    not_modified = conditional(request, found)
    if not_modified is None:
        return None
    if not_modified:
        return copies.get(f"304|{key}", gen)
    return found


def answer(
    copies: Copies, key: str, gen: int, request: HttpRequest, conditional: Conditional
) -> HttpResponseBase | None:
    """``find`` as a Django response (for the middleware path)."""
    found = find(copies, key, gen, request, conditional)
    if found is None:
        return None
    try:
        return replay(found)
    except OSError:  # the file went (a newer build replaced it): the stack knows
        return None


def tried_in_front(request: HttpRequest) -> bool:
    """The front door (``factcheck.front``) looked at this request already."""
    return bool(request.META.get(TRIED))


class EnvironRequest(HttpRequest):
    """The little of a request that the front door's answerers read: the method and the
    environ as ``META`` (the headers of a conditional request; the throttle's note, which
    the full stack's request then finds in the same environ). Building a whole
    ``WSGIRequest`` costs more than the rest of a kept answer."""

    def __init__(self, environ: dict[str, Any]) -> None:  # nothing else is set up
        self.META = environ
        self.method = environ.get("REQUEST_METHOD")
        self.path = self.path_info = environ.get("PATH_INFO", "")  # for a 412's log line


# Whatever of the environ a request's key can depend on: the request line, the server and
# every header but those the key functions never read (the credentials and the
# conditional headers, which are looked at on every request).
_SIGNATURE_FIELDS = (
    "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING",
    "SERVER_NAME", "SERVER_PORT", "wsgi.url_scheme",
)  # fmt: skip
_NOT_IN_SIGNATURE = frozenset(
    {
        "HTTP_AUTHORIZATION",
        "HTTP_IF_NONE_MATCH",
        "HTTP_IF_MODIFIED_SINCE",
        "HTTP_IF_MATCH",
        "HTTP_IF_UNMODIFIED_SINCE",
    }
)


class Decisions:
    """A front answerer's key for an environ, remembered by the environ's signature.

    The key functions (``partners.api.middleware.request_key``,
    ``publishing.middleware.page_key``) read the path, the query, the host, the scheme
    and headers, through a ``WSGIRequest`` and Django's helpers (the language, the allowed
    hosts, the proxy's scheme header); the same signature gives the same key as long as
    the settings stand, so the decision is remembered (forgotten when a setting changes,
    which only tests do). A request the answerers see again costs a tuple and a lookup.
    """

    MAX_ITEMS = 1000

    def __init__(self, decide: Callable[[HttpRequest], str | None]) -> None:
        self.decide = decide
        self.items: dict[tuple, str | None] = {}
        _decisions.append(self)

    def key(self, environ: dict[str, Any]) -> str | None:
        get = environ.get
        signature = tuple([get(name) for name in _SIGNATURE_FIELDS]) + tuple(
            [
                item
                for item in environ.items()
                if item[0].startswith("HTTP_") and item[0] not in _NOT_IN_SIGNATURE
            ]
        )
        try:
            return self.items[signature]
        except KeyError:
            pass
        key = self.decide(WSGIRequest(environ))
        if len(self.items) >= self.MAX_ITEMS:
            self.items.clear()
        self.items[signature] = key
        return key


_decisions: list[Decisions] = []


def _forget_decisions(**kwargs: Any) -> None:
    for decisions in _decisions:
        decisions.items.clear()


setting_changed.connect(_forget_decisions, dispatch_uid="publishing.frontcache.decisions")
