"""The WARC file of a fetch: valid for warcio's checker, and the bytes as they were served.

Every hop of a redirect chain is a response record holding exactly the bytes the server
wrote (status line, header block with its odd spacing, the body before de-chunking and
content decoding) and a request record with what we sent. A body over the size cap is
kept as far as it came and marked ``WARC-Truncated: length``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from warcio.archiveiterator import ArchiveIterator

from sources import fetching, services, warc
from sources.engine import Outcome
from sources.models import Snapshot, Source
from tests import factories
from tests.sources.helpers import fetch, page
from tests.sources.httpserver import raw

PAGE = page("Bericht über Almaty", "Die Lage in Almaty bleibt angespannt")
GZIPPED = gzip.compress(PAGE)


def _response(status: str, headers: list[str], body: bytes = b"") -> bytes:
    """A response written byte for byte (odd spacing included, as real servers do)."""
    return (
        f"HTTP/1.1 {status}\r\n".encode()
        + "".join(f"{h}\r\n" for h in headers).encode()
        + (b"\r\n" + body)
    )


def _chunked(body: bytes, size: int = 100) -> bytes:
    parts = [
        b"%x\r\n%b\r\n" % (len(body[i : i + size]), body[i : i + size])
        for i in range(0, len(body), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


HOP_1 = _response(
    "301 Moved Permanently",
    ["Location: /hop2", "Content-Length: 9", "X-Spaced:   a  b "],
    b"moved 1\r\n",
)
HOP_2 = _response(
    "302 Found", ["location: /final", "Content-Type: text/plain", "Content-Length: 0"]
)
FINAL = _response(
    "200 OK",
    [
        "Content-Type: text/html; charset=utf-8",
        "Content-Encoding: gzip",
        "Transfer-Encoding: chunked",
        "Set-Cookie: a=b;   Path=/",
    ],
    _chunked(GZIPPED),
)


def _records(data: bytes, *, parse: bool = False) -> list:
    """(type, warc headers, block) of every record, after warcio checked every digest.

    Without ``parse`` the block is the record's bytes as stored (HTTP head and body
    untouched); with it, the body as warcio's replay decodes it (de-chunked, gunzipped).
    """
    for record in ArchiveIterator(io.BytesIO(data), check_digests=True):
        record.content_stream().read()
        assert record.digest_checker.passed is not False, record.digest_checker.problems
    found = []
    for record in ArchiveIterator(io.BytesIO(data), no_record_parse=not parse):
        content = record.content_stream().read() if parse else record.raw_stream.read()
        found.append((record.rec_type, record.rec_headers, content))
    return found


def _warcio_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", "-v", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def chain(http_server):
    http_server.route("/hop1", raw(HOP_1))
    http_server.route("/hop2", raw(HOP_2))
    http_server.route("/final", raw(FINAL))
    return http_server


def test_a_redirect_chain_and_a_gzipped_chunked_response_replay_byte_for_byte(
    chain, local_policy, tmp_path
):
    result = fetching.fetch(chain.url("/hop1"), policy=local_policy, record=True)
    assert result.body == PAGE
    data = warc.build_warc(
        result.exchanges,
        warc.Evidence(source_id=7, claim_ids=(3, 4), url=result.url, final_url=result.final_url),
    )
    path = tmp_path / "fetch.warc.gz"
    path.write_bytes(data)
    checked = _warcio_check(path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("digest pass") == 8  # warcinfo, 3 × (response, request), metadata

    records = _records(data)
    assert [r[0] for r in records] == [
        "warcinfo", "response", "request", "response", "request", "response", "request", "metadata",
    ]  # fmt: skip
    responses = [r for r in records if r[0] == "response"]
    # Each hop's block is exactly what the server wrote: headers with their spacing,
    # the redirect's body, the chunk framing and the gzip stream untouched.
    assert [block for _, _, block in responses] == [HOP_1, HOP_2, FINAL]
    assert [h.get_header("WARC-Target-URI") for _, h, _ in responses] == [
        chain.url("/hop1"),
        chain.url("/hop2"),
        chain.url("/final"),
    ]
    assert all(h.get_header("WARC-IP-Address") == "127.0.0.1" for _, h, _ in responses)
    assert not any(h.get_header("WARC-Truncated") for _, h, _ in responses)
    # Requests: what we sent, tied to their responses.
    requests = [r for r in records if r[0] == "request"]
    assert requests[0][2].startswith(b"GET /hop1 HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"\r\nUser-Agent: FactcheckDesk/" in requests[0][2]
    for (_, response_headers, _), (_, request_headers, _) in zip(responses, requests, strict=True):
        assert request_headers.get_header("WARC-Concurrent-To") == response_headers.get_header(
            "WARC-Record-ID"
        )
    # Replayed through warcio's HTTP parsing, the final response decodes to the page.
    final = [r for r in _records(data, parse=True) if r[0] == "response"][-1]
    assert final[2] == PAGE


def test_the_metadata_record_names_the_source_the_claims_and_the_text(chain, local_policy):
    result = fetching.fetch(chain.url("/hop1"), policy=local_policy, record=True)
    data = warc.build_warc(
        result.exchanges,
        warc.Evidence(
            source_id=7,
            claim_ids=(3, 4),
            url=result.url,
            final_url=result.final_url,
            text_sha256="ab" * 32,
            extra={"screenshot_sha256": "cd" * 32},
        ),
    )
    records = _records(data)
    kind, headers, block = records[-1]
    assert kind == "metadata"
    assert headers.get_header("Content-Type") == "application/json"
    assert headers.get_header("WARC-Refers-To") == records[-3][1].get_header("WARC-Record-ID")
    metadata = json.loads(block)
    assert metadata["source_id"] == 7
    assert metadata["claim_ids"] == [3, 4]
    assert metadata["text_sha256"] == "ab" * 32
    assert metadata["screenshot_sha256"] == "cd" * 32
    assert [hop["url"] for hop in metadata["hops"]] == [
        chain.url("/hop1"),
        chain.url("/hop2"),
        chain.url("/final"),
    ]


def test_a_body_over_the_cap_is_kept_as_far_as_it_came_and_marked_truncated(http_server, tmp_path):
    served = _response("200 OK", ["Content-Type: text/html"], b"<p>" + b"x" * 60_000)
    http_server.route("/big", raw(served))  # no length: the body ends at close
    policy = fetching.FetchPolicy.from_cidrs("127.0.0.0/8", max_bytes=20_000)
    with pytest.raises(fetching.TooLarge) as caught:
        fetching.fetch(http_server.url("/big"), policy=policy, record=True)
    (exchange,) = caught.value.exchanges
    assert exchange.truncated == "length"
    data = warc.build_warc(
        caught.value.exchanges,
        warc.Evidence(source_id=1, claim_ids=(), url=http_server.url("/big"), final_url=""),
    )
    path = tmp_path / "big.warc.gz"
    path.write_bytes(data)
    assert _warcio_check(path).returncode == 0
    (response,) = [r for r in _records(data) if r[0] == "response"]
    assert response[1].get_header("WARC-Truncated") == "length"
    assert served.startswith(response[2])  # a prefix of what was served, nothing made up
    assert 20_000 < len(response[2]) < len(served)


def test_a_response_cut_inside_its_headers_is_kept_as_a_resource():
    exchange = fetching.Exchange(
        url="http://127.0.0.1/cut",
        method="GET",
        peer_address="127.0.0.1",
        started_at=datetime.now(UTC),
        request=b"GET /cut HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        response=b"HTTP/1.1 200 OK\r\nContent-Ty",
        truncated="disconnect",
    )
    data = warc.build_warc(
        [exchange], warc.Evidence(source_id=1, claim_ids=(), url=exchange.url, final_url="")
    )
    records = _records(data)
    assert records[1][0] == "resource"
    assert records[1][1].get_header("WARC-Truncated") == "disconnect"
    assert records[1][1].get_header("Content-Type") == "application/http; msgtype=response"
    assert records[1][2] == b"HTTP/1.1 200 OK\r\nContent-Ty"
    assert records[2][0] == "request"


def test_without_record_nothing_is_kept(chain, local_policy):
    assert fetching.fetch(chain.url("/hop1"), policy=local_policy).exchanges == ()


# --- The engine stores it ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("sources_env", "loopback_only")
def test_every_fetch_stores_its_warc_with_the_sha256_on_the_snapshot(
    checker, editor, make_published, chain, tmp_path
):
    claim = make_published()
    draft = factories.ClaimFactory(created_by=checker)
    citation = services.citation_add(
        claim=claim, url=chain.url("/hop1"), role="supports", user=editor, correction=True
    )
    services.citation_add(claim=draft, url=chain.url("/hop1"), role="context", user=checker)
    source = citation.source
    assert fetch(source) == Outcome.FETCHED
    snapshot = source.snapshots.get()
    assert snapshot.warc.name.startswith("evidence/warc/")
    assert snapshot.warc.name.endswith(".warc.gz")
    with default_storage.open(snapshot.warc.name, "rb") as stored:
        data = stored.read()
    assert hashlib.sha256(data).hexdigest() == snapshot.warc_sha256
    path = tmp_path / "stored.warc.gz"
    path.write_bytes(data)
    assert _warcio_check(path).returncode == 0
    records = _records(data)
    assert [r[2] for r in records if r[0] == "response"] == [HOP_1, HOP_2, FINAL]
    metadata = json.loads(records[-1][2])
    assert metadata["source_id"] == source.pk
    # Readers get this file: the draft citing the source is not named in it.
    assert metadata["claim_ids"] == [claim.pk]
    assert metadata["text_sha256"] == snapshot.text_sha256
    assert metadata["body_sha256"] == snapshot.sha256
    # The browser is off in these tests: no screenshot, and the reason says so.
    assert not snapshot.screenshot and not snapshot.pdf
    assert "turned off" in snapshot.browser_reason


@pytest.mark.django_db
@pytest.mark.usefixtures("sources_env", "loopback_only")
def test_a_capped_body_fails_the_source_but_keeps_its_truncated_warc(
    checker, http_server, settings
):
    http_server.route("/big", raw(_response("200 OK", ["Content-Type: text/html"], b"x" * 50_000)))
    claim = factories.ClaimFactory(created_by=checker)
    source = services.citation_add(
        claim=claim, url=http_server.url("/big"), role="supports", user=checker
    ).source
    from sources import engine

    real = engine.fetch_policy
    engine_policy = lambda: fetching.FetchPolicy(  # noqa: E731
        allow_networks=real().allow_networks, max_bytes=10_000
    )
    import unittest.mock

    with unittest.mock.patch.object(engine, "fetch_policy", engine_policy):
        assert fetch(source) == Outcome.FAILED
    assert source.state == Source.State.FAILED
    assert "larger than 10000 bytes" in source.reason
    snapshot = source.snapshots.get()
    assert (snapshot.kind, snapshot.status_code) == (Snapshot.Kind.ERROR, None)
    assert not snapshot.body
    with default_storage.open(snapshot.warc.name, "rb") as stored:
        records = _records(stored.read())
    (response,) = [r for r in records if r[0] == "response"]
    assert response[1].get_header("WARC-Truncated") == "length"


@pytest.mark.django_db
@pytest.mark.usefixtures("sources_env", "loopback_only")
def test_warc_files_can_be_turned_off(checker, chain, settings):
    settings.SNAPSHOT_WARC = False
    claim = factories.ClaimFactory(created_by=checker)
    source = services.citation_add(
        claim=claim, url=chain.url("/hop1"), role="supports", user=checker
    ).source
    assert fetch(source) == Outcome.FETCHED
    snapshot = source.snapshots.get()
    assert (snapshot.warc.name, snapshot.warc_sha256) == ("", "")
    assert snapshot.text  # the fetch itself is unchanged
