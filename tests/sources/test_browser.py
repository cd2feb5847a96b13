"""The browser snapshot in real Chromium (Debian's; skipped when it is missing).

Network rule: Chromium itself reaches nothing (every name and address fails in its own
resolver); every request the page makes is fetched by our fetcher in this process, under
the loopback guard, after the route handler's checks. ``browser_request_check`` adds a check
that refuses anything whose host is not a loopback address literal, whatever the policy,
before any lookup. The pages are designed so that the main page is allowed (the policy
allows 127.0.0.1/32 only) and a subresource on 127.0.0.2 is not.
"""

from __future__ import annotations

import hashlib
import io
import os
import signal
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from warcio.archiveiterator import ArchiveIterator

from sources import browser, fetching, services
from sources.engine import Outcome
from tests import factories
from tests.helpers.network import browser_request_check
from tests.sources.helpers import fetch, page
from tests.sources.httpserver import LocalHTTPServer, silent, static

# The worker's snapshot browser: chromium-headless-shell where installed, else CHROMIUM_PATH
# (SNAPSHOT_CHROMIUM_PATH chooses another).
CHROMIUM = django_settings.SNAPSHOT_CHROMIUM_PATH
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}"),
]
POLICY = fetching.FetchPolicy.from_cidrs("127.0.0.1/32")
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5dd0b"
    "aa0000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def _guarded(monkeypatch):
    monkeypatch.setattr(browser, "REQUEST_CHECKS", [browser_request_check])


@pytest.fixture(scope="module", autouse=True)
def _one_browser_per_module():
    yield
    browser.shutdown()


@pytest.fixture
def other_server():
    """A second server on 127.0.0.2: loopback too, but outside the policy's 127.0.0.1/32."""
    with LocalHTTPServer("127.0.0.2") as server:
        yield server


def _render(url: str, body: bytes, *, timeout: float = 15.0) -> browser.Rendering:
    return browser.render(
        browser.Page(url=url, status=200, content_type="text/html; charset=utf-8", body=body),
        policy=POLICY,
        executable=CHROMIUM,
        timeout=timeout,
        max_pages=100,
    )


def test_a_refused_subresource_is_blocked_and_listed(http_server, other_server):
    http_server.respond("/logo.png", body=PNG, content_type="image/png")
    other_server.respond("/tracker.css", body=b"body{color:red}", content_type="text/css")
    body = (
        "<!doctype html><html><head>"
        f"<link rel=stylesheet href='{other_server.url('/tracker.css')}'>"
        "<link rel=stylesheet href='http://metadata.example/x.css'>"
        "</head><body><h1>Bericht</h1><img src='/logo.png'>"
        "<script>fetch('/collect', {method: 'POST', body: 'x'}).catch(() => 0)</script>"
        "</body></html>"
    ).encode()
    rendering = _render(http_server.url("/page"), body)

    assert rendering.screenshot.startswith(b"\x89PNG")
    assert rendering.pdf.startswith(b"%PDF")
    blocked = {item["url"]: item["reason"] for item in rendering.blocked}
    assert "127.0.0.2 is loopback and refused" in blocked[other_server.url("/tracker.css")]
    assert blocked["http://metadata.example/x.css"] == "Tests load nothing but loopback."
    assert "POST" in blocked[http_server.url("/collect")]
    assert other_server.connections == 0  # refused before any packet
    # The main document came from the fetched bytes: the server never saw it requested.
    assert http_server.requests_to("/page") == []
    assert [r.path for r in http_server.requests] == ["/logo.png"]
    assert [e.url for e in rendering.subresources] == [http_server.url("/logo.png")]
    assert rendering.reason == ""


def test_a_page_that_never_finishes_loading_ends_at_the_timeout_with_a_reason(http_server):
    http_server.route("/never.js", silent())
    body = b"<!doctype html><html><body><h1>Langsam</h1><script src='/never.js'></script>"
    started = time.monotonic()
    rendering = _render(http_server.url("/slow"), body, timeout=4)
    elapsed = time.monotonic() - started
    assert elapsed < 4 + 3
    assert "did not finish loading within 2.4 s" in rendering.reason
    assert rendering.screenshot  # captured as it was then


def test_a_page_that_hangs_the_browser_is_stopped_at_the_hard_timeout(http_server):
    body = b"<!doctype html><html><body>loop<script>while (true) {}</script></body></html>"
    started = time.monotonic()
    rendering = _render(http_server.url("/loop"), body, timeout=4)
    assert time.monotonic() - started < 4 + 3
    assert rendering.screenshot is None and rendering.pdf is None
    assert rendering.reason == "The browser snapshot took longer than 4 s and was stopped."
    # The browser is still usable for the next page.
    assert _render(http_server.url("/next"), b"<p>next</p>").screenshot


def test_frames_workers_dialogs_and_popups_go_through_the_archiver(http_server, other_server):
    """Every target of the page is routed (driven over the DevTools protocol, each target
    waits for its routing): a frame and what it loads, a worker and what it fetches; a
    dialog does not hold the page; a popup loads nothing; service workers do not register."""
    http_server.respond(
        "/frame.html",
        body=b"<!doctype html><p>Rahmen</p><img src='/frame.png'>",
        content_type="text/html",
    )
    http_server.respond("/frame.png", body=PNG, content_type="image/png")
    http_server.respond(
        "/worker.js",
        body=f"fetch('/from-worker.txt'); fetch('{other_server.url('/w.txt')}').catch(() => 0);".encode(),
        content_type="text/javascript",
    )
    http_server.respond("/from-worker.txt", body=b"ok", content_type="text/plain")
    http_server.respond("/popup", body=b"<p>popup</p>", content_type="text/html")
    http_server.respond("/sw.js", body=b"", content_type="text/javascript")

    def slowly(exchange):  # the page's load waits for it: time for the worker's fetches
        exchange.wait(1)
        exchange.respond(200, PNG, content_type="image/png")

    http_server.route("/slow.png", slowly)
    body = (
        b"<!doctype html><html><body><h1>Rahmen</h1><iframe src='/frame.html'></iframe>"
        b"<img src='/slow.png'>"
        b"<script>alert('Hallo');"
        b"new Worker('/worker.js');"
        b"window.open('/popup');"
        b"navigator.serviceWorker.register('/sw.js').then("
        b"  () => document.title = 'registered', () => document.title = 'refused');"
        b"</script></body></html>"
    )
    rendering = _render(http_server.url("/page"), body, timeout=10)

    assert rendering.screenshot and rendering.pdf
    assert rendering.reason == ""  # the dialog did not hold the page until the timeout
    seen = {r.path for r in http_server.requests}
    assert {"/frame.html", "/frame.png", "/worker.js", "/from-worker.txt"} <= seen
    blocked = {b["url"]: b["reason"] for b in rendering.blocked}
    assert other_server.url("/w.txt") in blocked  # the worker's
    # Chromium's popup blocker stops the window.open; the headless shell has none: there the
    # popup opens, its document is refused and listed.
    assert set(blocked) - {other_server.url("/w.txt")} <= {http_server.url("/popup")}
    if http_server.url("/popup") in blocked:
        assert blocked[http_server.url("/popup")] == "The archived page may not open other pages."
    assert "/popup" not in seen and "/sw.js" not in seen
    assert other_server.connections == 0


def _chromium_main_pids() -> list[int]:
    """Chromium's browser processes started from this test process (not its helpers)."""
    mine = str(os.getpid())
    parents: dict[str, str] = {}
    commands: dict[str, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            commands[entry.name] = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        parents[entry.name] = next(
            line.split()[1] for line in status.splitlines() if line.startswith("PPid:")
        )

    def descends(pid: str) -> bool:
        while pid in parents and pid != "1":
            pid = parents[pid]
            if pid == mine:
                return True
        return False

    return [
        int(pid)
        for pid, command in commands.items()
        if "MAP * ~NOTFOUND" in command and "--type=" not in command and descends(pid)
    ]


def test_chromium_killed_mid_page_is_restarted_and_the_page_rendered_again(http_server):
    killed: list[int] = []

    def kill_the_browser_once(exchange):
        if not killed:
            killed.extend(_chromium_main_pids())
            for pid in killed:
                os.kill(pid, signal.SIGKILL)
            exchange.wait(2)  # the page is still loading when its browser dies
        exchange.respond(200, b"body{}", content_type="text/css")

    http_server.route("/style.css", kill_the_browser_once)
    _render(http_server.url("/warm"), b"<p>warm</p>")  # a browser to kill
    launches = browser.launches(CHROMIUM)
    body = b"<!doctype html><html><head><link rel=stylesheet href='/style.css'></head>"
    rendering = _render(http_server.url("/victim"), body + b"<body><h1>Noch da</h1></body>")

    assert killed, "no Chromium process was found to kill"
    assert browser.launches(CHROMIUM) == launches + 1
    assert rendering.attempts == 2
    assert rendering.screenshot and rendering.pdf
    assert len(http_server.requests_to("/style.css")) == 2


def test_the_browser_is_restarted_after_max_pages(http_server):
    def one(n: int) -> browser.Rendering:
        return browser.render(
            browser.Page(
                url=http_server.url(f"/{n}"), status=200, content_type="text/html", body=b"<p>x</p>"
            ),
            policy=POLICY,
            executable=CHROMIUM,
            timeout=15,
            max_pages=2,
        )

    before = browser.launches(CHROMIUM)
    assert all(one(n).screenshot for n in range(5))
    assert browser.launches(CHROMIUM) - before >= 2


# --- Through the engine ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("sources_env", "loopback_only")
def test_a_fetched_page_gets_its_screenshot_pdf_and_blocked_requests(
    checker, http_server, other_server, settings
):
    settings.SNAPSHOT_BROWSER = True
    settings.SNAPSHOT_CHROMIUM_PATH = CHROMIUM
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.1/32"]
    http_server.respond("/logo.png", body=PNG, content_type="image/png")
    http_server.route("/report", static(body=page(
        "Bericht über Almaty",
        "Die Lage in Almaty bleibt angespannt",
        extra=f"<img src='/logo.png'><img src='{other_server.url('/pixel.gif')}'>",
    )))  # fmt: skip
    claim = factories.ClaimFactory(created_by=checker)
    source = services.citation_add(
        claim=claim, url=http_server.url("/report"), role="supports", user=checker
    ).source
    assert fetch(source) == Outcome.FETCHED
    snapshot = source.snapshots.get()
    with default_storage.open(snapshot.screenshot.name, "rb") as stored:
        png = stored.read()
    assert png.startswith(b"\x89PNG")
    assert hashlib.sha256(png).hexdigest() == snapshot.screenshot_sha256
    assert snapshot.screenshot.name.endswith(".png")
    with default_storage.open(snapshot.pdf.name, "rb") as stored:
        assert stored.read().startswith(b"%PDF")
    assert snapshot.browser_reason == ""
    assert [b["url"] for b in snapshot.blocked_requests] == [other_server.url("/pixel.gif")]
    # The WARC holds the page and the subresource the browser needed, for a replay.
    with default_storage.open(snapshot.warc.name, "rb") as stored:
        uris = [
            record.rec_headers.get_header("WARC-Target-URI")
            for record in ArchiveIterator(io.BytesIO(stored.read()))
            if record.rec_type == "response"
        ]
    assert uris == [http_server.url("/report"), http_server.url("/logo.png")]
    assert len(http_server.requests_to("/report")) == 1  # fetched once, rendered from memory
