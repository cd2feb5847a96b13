"""WARC files of what a fetch exchanged: pure, bytes in, bytes out (no storage, no database).

One WARC file (gzip per record, ``.warc.gz``) per fetch of a source:

* a ``warcinfo`` record naming the software and the format;
* for every hop, redirects first: a ``response`` record with the response exactly as it
  came off the socket (status line and header block byte for byte, the body before
  de-chunking and content decoding) and a ``request`` record with the request as sent,
  tied to it by ``WARC-Concurrent-To``; ``WARC-IP-Address`` is the checked address we
  talked to. A response cut short by the size cap, a timeout or the server carries
  ``WARC-Truncated`` (``length``, ``time``, ``disconnect``): what we have is kept and
  marked, never hidden. The page's subresources fetched for the browser snapshot follow
  the same way, so a replay (pywb) shows the page with its images and styles;
* a ``metadata`` record (JSON) referring to the final response: the desk's source id,
  the ids of the claims citing it, the sha256 of the extracted text and of the screenshot
  and PDF, the requests the browser was refused.

warcio writes HTTP headers from its parsed copy (normalising them); ``_RawHead`` makes it
write the bytes as received instead, so the record block is what the server sent.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.warcwriter import WARCWriter

from .fetching import Exchange

SOFTWARE: Final = "factcheck-desk source archiver"
CONTENT_TYPE: Final = "application/warc"
_HTTP_PROTOCOLS: Final = ["HTTP/1.0", "HTTP/1.1", "HTTP/0.9", "HTTP/2", "HTTP/2.0"]
_HEAD_ENDS: Final = (b"\r\n\r\n", b"\n\n")


class _RawHead(StatusAndHeaders):  # type: ignore[misc]
    """Parsed HTTP headers that warcio writes back as the exact bytes they came from."""

    raw: bytes = b""

    def compute_headers_buffer(self, header_filter: Any = None) -> None:
        self.headers_buff = self.raw


@dataclass(frozen=True)
class Evidence:
    """What goes into the metadata record besides the exchanges."""

    source_id: int
    claim_ids: tuple[int, ...]
    url: str
    final_url: str
    text_sha256: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


def _split_head(raw: bytes) -> tuple[bytes, bytes] | None:
    """(header block including the blank line, body), or None without a whole head."""
    found = [(raw.find(end), end) for end in _HEAD_ENDS if raw.find(end) >= 0]
    if not found:
        return None
    position, end = min(found)
    return raw[: position + len(end)], raw[position + len(end) :]


def _parse_head(head: bytes, *, is_request: bool) -> _RawHead | None:
    protocols = None if is_request else _HTTP_PROTOCOLS
    try:
        parsed = StatusAndHeadersParser(protocols, verify=not is_request).parse(io.BytesIO(head))
    except (ValueError, UnicodeError, EOFError, LookupError) as error:
        del error  # malformed: the caller keeps the bytes as a plain resource
        return None
    if parsed is None or not parsed.statusline:
        return None
    raw_head = _RawHead(parsed.statusline, parsed.headers, protocol=parsed.protocol)
    raw_head.raw = head
    return raw_head


def _warc_date(exchange: Exchange) -> str:
    return exchange.started_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _http_record(
    writer: WARCWriter,
    exchange: Exchange,
    raw: bytes,
    *,
    record_type: str,
    headers: dict[str, str],
) -> Any:
    split = _split_head(raw)
    head = _parse_head(split[0], is_request=record_type == "request") if split else None
    if split is None or head is None:
        # Not parseable as HTTP (cut inside the headers, or malformed): the bytes are
        # still evidence, kept as a resource of what came over the wire.
        headers = {**headers, "WARC-Truncated": headers.get("WARC-Truncated", "unspecified")}
        return writer.create_warc_record(
            exchange.url,
            "resource",
            payload=io.BytesIO(raw),
            length=len(raw),
            warc_content_type=f"application/http; msgtype={record_type}",
            warc_headers_dict=headers,
        )
    body = split[1]
    return writer.create_warc_record(
        exchange.url,
        record_type,
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=head,
        warc_headers_dict=headers,
    )


def _write_exchange(writer: WARCWriter, exchange: Exchange) -> str | None:
    """The response and request records of one hop; returns the response's record id."""
    date = _warc_date(exchange)
    response_id: str | None = None
    if exchange.response:
        headers = {"WARC-Date": date}
        if exchange.peer_address:
            headers["WARC-IP-Address"] = exchange.peer_address
        if exchange.truncated:
            headers["WARC-Truncated"] = exchange.truncated
        response = _http_record(
            writer, exchange, exchange.response, record_type="response", headers=headers
        )
        writer.write_record(response)
        response_id = response.rec_headers.get_header("WARC-Record-ID")
    request_headers = {"WARC-Date": date}
    if response_id:
        request_headers["WARC-Concurrent-To"] = response_id
    request = _http_record(
        writer, exchange, exchange.request, record_type="request", headers=request_headers
    )
    writer.write_record(request)
    return response_id


def build_warc(
    exchanges: Iterable[Exchange],
    evidence: Evidence,
    *,
    subresources: Iterable[Exchange] = (),
) -> bytes:
    """A gzipped WARC file of ``exchanges`` (the fetch, hop by hop), the page's
    ``subresources`` (fetched for the browser snapshot) and the metadata record."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    writer.write_record(
        writer.create_warcinfo_record(
            f"source-{evidence.source_id}.warc.gz",
            {
                "software": SOFTWARE,
                "format": "WARC File Format 1.0",
                "description": f"Fetch of {evidence.url} for the desk's source "
                f"{evidence.source_id}",
            },
        )
    )
    main = list(exchanges)
    last_response: str | None = None
    for exchange in main:
        last_response = _write_exchange(writer, exchange) or last_response
    for exchange in subresources:
        _write_exchange(writer, exchange)
    metadata = {
        "source_id": evidence.source_id,
        "claim_ids": list(evidence.claim_ids),
        "url": evidence.url,
        "final_url": evidence.final_url,
        "text_sha256": evidence.text_sha256,
        "hops": [
            {"url": e.url, "method": e.method, "truncated": e.truncated or None} for e in main
        ],
        **dict(evidence.extra),
    }
    payload = json.dumps(metadata, ensure_ascii=False, sort_keys=True, indent=1).encode()
    headers = {"WARC-Refers-To": last_response} if last_response else {}
    writer.write_record(
        writer.create_warc_record(
            evidence.final_url or evidence.url,
            "metadata",
            payload=io.BytesIO(payload),
            length=len(payload),
            warc_content_type="application/json",
            warc_headers_dict=headers,
        )
    )
    return out.getvalue()


@dataclass(frozen=True)
class Resource:
    """A file we made (a screenshot, a PDF print) to add to a bundle as a resource record."""

    uri: str  # e.g. "urn:screenshot:https://example.org/page"
    content_type: str
    data: bytes
    date: str  # WARC-Date, ISO 8601 UTC
    refers_to: str = ""  # the page's URL (WARC-Refers-To-Target-URI)


def build_resources(resources: Iterable[Resource]) -> bytes:
    """Gzipped WARC records of ``resources``, to append to a bundle (no warcinfo)."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for resource in resources:
        headers = {"WARC-Date": resource.date}
        if resource.refers_to:
            headers["WARC-Refers-To-Target-URI"] = resource.refers_to
        writer.write_record(
            writer.create_warc_record(
                resource.uri,
                "resource",
                payload=io.BytesIO(resource.data),
                length=len(resource.data),
                warc_content_type=resource.content_type,
                warc_headers_dict=headers,
            )
        )
    return out.getvalue()
