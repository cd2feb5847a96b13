"""Decoding a response body: content codings removed, both size caps enforced.

Raw bytes go through the chain of decoders (gzip, deflate, br) in bounded pieces, so a
decompression bomb stops at ``max_bytes`` of output instead of filling the memory; the raw
body has the same cap. The charset is read from the ``Content-Type`` header only
(extraction sniffs the rest).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any, Final

from .errors import BadResponse, TooLarge

try:  # Optional: only Brotli >= 1.2 can bound its output (decompression bombs).
    import brotli as _brotli
except ImportError:  # pragma: no cover - depends on the environment
    _brotli = None

#: Bytes read from the socket, and produced by a decoder, at a time.
CHUNK: Final = 64 * 1024
_MAX_CONTENT_CODINGS: Final = 3


class _ZlibDecoder:
    """gzip (incl. multi-member) or deflate (zlib-wrapped or raw), output in bounded pieces."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._obj: Any = None
        self._pending = b""
        self._done = False
        if coding == "gzip":
            self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def _start_deflate(self, data: bytes) -> None:
        # RFC 9110 says zlib-wrapped; many servers send raw deflate.
        wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
        self._obj = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._done:
            return
        if self._obj is None:
            data = self._pending + data
            if len(data) < 2:
                self._pending = data
                return
            self._start_deflate(data)
        rest: bytes | None = data
        if self._obj.eof and rest:
            rest = self._next_member(rest)
        while rest is not None:
            piece = self._obj.decompress(rest, CHUNK)
            if piece:
                yield piece
            if self._obj.eof:
                rest = self._next_member(self._obj.unused_data) if self._obj.unused_data else None
                continue
            rest = self._obj.unconsumed_tail
            if not rest and len(piece) < CHUNK:
                return

    def _next_member(self, data: bytes) -> bytes | None:
        """After a finished stream: another gzip member, or trailing garbage (ignored)."""
        if self._coding == "gzip" and data.startswith(b"\x1f\x8b"):
            self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
            return data
        self._done = True  # browsers ignore bytes after the end of the stream too
        return None

    def flush(self) -> Iterator[bytes]:
        # A truncated stream yields what it has, like browsers; nothing is pending
        # here because feed() drains the decompressor's output.
        return iter(())


class _BrotliDecoder:
    def __init__(self) -> None:
        assert _brotli is not None
        self._obj = _brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        piece = self._obj.process(data, output_buffer_limit=CHUNK)
        while True:
            if piece:
                yield piece
            if self._obj.can_accept_more_data():
                return
            piece = self._obj.process(b"", output_buffer_limit=CHUNK)

    def flush(self) -> Iterator[bytes]:
        return iter(())


_HAS_BROTLI: Final = _brotli is not None and hasattr(_brotli.Decompressor, "can_accept_more_data")
ACCEPT_ENCODING: Final = "gzip, deflate, br" if _HAS_BROTLI else "gzip, deflate"


def _decoders(content_encoding: str | None, url: str) -> list[Any]:
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if len(codings) > _MAX_CONTENT_CODINGS:
        raise BadResponse(f"Too many content codings ({content_encoding}).", url=url)
    decoders: list[Any] = []
    for coding in reversed(codings):  # the last applied is removed first
        if coding in ("gzip", "x-gzip"):
            decoders.append(_ZlibDecoder("gzip"))
        elif coding == "deflate":
            decoders.append(_ZlibDecoder("deflate"))
        elif coding == "br" and _HAS_BROTLI:
            decoders.append(_BrotliDecoder())
        else:
            raise BadResponse(f"The content coding {coding!r} is not supported.", url=url)
    return decoders


class Body:
    """Accumulates raw bytes through the decoder chain, enforcing both caps.

    The chain is that of ``content_encoding``; an unsupported coding, or too many,
    raise :class:`BadResponse` at once.
    """

    def __init__(self, content_encoding: str | None, max_bytes: int, url: str) -> None:
        self._decoders = _decoders(content_encoding, url)
        self._max = max_bytes
        self._url = url
        self.raw_size = 0
        self.size = 0
        self._parts: list[bytes] = []

    def _through(self, index: int, pieces: Iterator[bytes]) -> None:
        if index == len(self._decoders):
            for piece in pieces:
                self.size += len(piece)
                if self.size > self._max:
                    raise TooLarge(
                        f"The decoded body is larger than {self._max} bytes.", url=self._url
                    )
                self._parts.append(piece)
            return
        decoder = self._decoders[index]
        for piece in pieces:
            self._through(index + 1, decoder.feed(piece))

    def add(self, raw: bytes) -> None:
        self.raw_size += len(raw)
        if self.raw_size > self._max:
            raise TooLarge(f"The body is larger than {self._max} bytes.", url=self._url)
        self._through(0, iter((raw,)))

    def finish(self) -> bytes:
        for index, decoder in enumerate(self._decoders):
            self._through(index + 1, decoder.flush())
        return b"".join(self._parts)


def parse_content_type(value: str | None) -> tuple[str, str | None]:
    """(media type, charset) of a ``Content-Type`` header, lower-case; ``("", None)`` if none."""
    if not value:
        return "", None
    media, *params = value.split(";")
    charset = None
    for param in params:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'").lower() or None
    return media.strip().lower(), charset
