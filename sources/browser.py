"""The browser snapshot: a screenshot and a PDF of a fetched page, rendered by Chromium.

Runs in the Celery worker (and, without a broker, in-process): headless Chromium (Debian's
``chromium-headless-shell`` where installed, else its ``chromium``; never a downloaded one;
``SNAPSHOT_CHROMIUM_PATH``) driven over the DevTools protocol on a pipe
(``sources.cdp``: no Node.js driver, no debugging port), JavaScript on. No database:
a page's bytes and the fetch policy in, PNG and PDF bytes and a list of refused
requests out (``sources.evidence`` stores them).

**Why Chromium never touches the network.** Chromium resolves names itself, so checking
a request's host in a route handler and then letting Chromium load it would check one
DNS answer and connect to another (rebinding). Instead:

* Every request the page makes is intercepted (``Fetch.enable`` on every target of the
  page: the page, its frames and workers, each paused at its start until its routing is
  on) and either *fulfilled by us* or failed. The main document is served from the bytes the fetcher
  already fetched (no second request for it). Each subresource is fetched by
  ``sources.fetching.fetch`` under the same policy as the page: the host is resolved
  once, every address is checked, the connection goes to a checked address, each
  redirect is checked again, with the same timeouts and size caps. A refused request is
  aborted and listed (URL and reason) as a blocked request on the snapshot. Only GET
  and HEAD are fetched; the top frame cannot navigate away from the archived document,
  and a page it opens loads nothing.
* Belt and braces: Chromium starts with ``--host-resolver-rules=MAP * ~NOTFOUND`` (every
  name and every address literal fails to resolve, checked: a direct ``goto`` to an IP
  fails), WebRTC may not use UDP outside a proxy, service workers are blocked, no
  background networking, no component updates. Whatever escaped the route handler
  (WebSockets, which the Fetch domain does not see, prefetches) dies in Chromium's
  own resolver.
* Chromium runs with ``--no-sandbox`` (it refuses its sandbox as root and inside most
  containers); its walls are the above (no network), a fresh context per page, the hard
  timeout, and the worker's unprivileged container.

**One browser per process**, reused: its asyncio loop runs in a thread of its own
(``snapshot-browser``); callers in any thread (the worker's pool threads) submit a page
and wait. At most ``MAX_OPEN_PAGES`` pages render at once. The browser is restarted
after ``max_pages`` pages (when it is idle) and whenever it crashed; a page whose
browser died under it is rendered once more on a fresh browser. A page gets a hard
timeout: it is stopped and its context closed when the time is up; a page that never
finishes loading is captured as it is at the navigation timeout, with the reason.

**Memory** (issue 18: the worker with its browser under 400 MB, ``bench/bench_evidence.py``):
the headless shell (the same Chromium built without the browser's UI: ~290 MiB PSS for
the worker with its browser against ~420 with ``chromium``), no Node.js driver (it was
~140 MiB), no GPU or network service process, no site isolation, no renderers for the
(invisible) omnibox popups, one page at a time, and the last page's renderer gone before
the next page's starts. The same flags serve both builds (the shell ignores what it lacks).
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import concurrent.futures
import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Final
from urllib.parse import urlsplit

from . import cdp, fetching

logger = logging.getLogger(__name__)

# One page at a time: two at once were 40 % faster but the worker's peak ~30 MiB higher
# (a second renderer), see bench/RESULTS-fetch.md.
MAX_OPEN_PAGES: Final = 1
RENDERER_EXIT_WAIT: Final = 2.0  # s: the last page's renderer gone before the next starts
SCREENSHOT_MAX_HEIGHT: Final = 10_000  # px; taller pages are cut there (and say so)
VIEWPORT: Final = {"width": 1280, "height": 900}
PDF_PAGE_RANGES: Final = "1-50"
MAX_SUBRESOURCES: Final = 300
# A page's subresources together may bring this many times the fetch's size cap.
SUBRESOURCE_BUDGET_FACTOR: Final = 3
_NAVIGATION_SHARE: Final = 0.6  # of the timeout; the rest is for the screenshot and PDF
CHROMIUM_ARGS: Final = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--no-pings",
    "--dns-prefetch-disable",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    # Memory (issue 18: the worker with its browser under 400 MB; bench/bench_evidence.py).
    # No GPU process: compositing and raster in software, in the browser process.
    "--in-process-gpu",
    "--disable-gpu-compositing",
    "--disable-software-rasterizer",
    # No network service process: Chromium reaches no network anyway (every request
    # is answered by us over the protocol, names do not resolve).
    "--enable-features=NetworkServiceInProcess2",
    # One renderer per page: no process per site (an archived page is one site's
    # evidence, in a context of its own, and no process holds anything of the desk), no
    # spare renderer kept warm, no renderers for the omnibox's popups (two per window).
    "--disable-site-isolation-trials",
    "--disable-features=IsolateOrigins,site-per-process,SpareRendererForSitePerProcess,"
    "WebUIOmniboxPopup,WebUIOmniboxAimPopup,PreloadTopChromeWebUI,OptimizationHints,"
    "MediaRouter,Translate",
    "--renderer-process-limit=2",
)

#: Extra checks on every request URL before it is fetched: a check returns a reason to
#: refuse, or None. Empty in production; the tests add one that refuses anything but
#: 127.0.0.1, whatever the policy says.
REQUEST_CHECKS: list[Callable[[str], str | None]] = []


@dataclass(frozen=True)
class Page:
    """A fetched page to render: its final URL and the response as the fetcher decoded it."""

    url: str
    status: int
    content_type: str  # the Content-Type header as received
    body: bytes


@dataclass
class Rendering:
    screenshot: bytes | None = None
    pdf: bytes | None = None
    reason: str = ""  # why a part is missing, or what to know about it ("" if all went well)
    blocked: list[dict[str, str]] = field(default_factory=list)  # [{url, reason}]
    subresources: list[fetching.Exchange] = field(default_factory=list)
    attempts: int = 0  # 2 when the browser crashed and the page was rendered again


class BrowserCrashed(Exception):
    """The browser went away while rendering (killed, out of memory)."""


class _PageTimeout(Exception):
    pass


def _blocked_reason_for_method(method: str) -> str:
    return f"The method {method} is not sent by the archiver."


class _PageRun:
    """One page's routing: the main document from memory, the rest through the fetcher.

    Also what the page's sessions report: its load, a crash of its renderer.
    """

    def __init__(self, page: Page, policy: fetching.FetchPolicy, executor: Any) -> None:
        self.page = page
        self.policy = policy
        self.executor = executor
        self.blocked: list[dict[str, str]] = []
        self.exchanges: list[fetching.Exchange] = []
        self.served_main = False
        self.count = 0
        self.bytes = 0
        self.target_id = ""  # the page's target (and its main frame's id)
        self.session = ""  # the page's session
        self.ready = asyncio.Event()  # the page's session is set up
        self.wake = asyncio.Event()  # a load, a crash or the end of the browser
        self.loads: set[str] = set()  # loader ids of the main frame's loads
        self.crashed = ""
        self.sessions: list[str] = []
        self.popups: set[str] = set()  # sessions of pages the page opened
        self.tasks: set[asyncio.Task[None]] = set()

    def _block(self, url: str, reason: str) -> None:
        if len(self.blocked) < MAX_SUBRESOURCES:
            self.blocked.append({"url": url[:2048], "reason": reason})

    async def handle(self, connection: cdp.Connection, session: str, event: dict[str, Any]) -> None:
        """Answer one paused request (``Fetch.requestPaused``): fulfil it or fail it."""
        request_id = event["requestId"]
        request = event["request"]
        url = request["url"]
        method = request.get("method", "GET")

        async def answer(command: str, params: dict[str, Any]) -> None:
            with contextlib.suppress(cdp.ProtocolError, cdp.Disconnected):
                await connection.send(command, {"requestId": request_id, **params}, session=session)

        async def refuse(reason: str | None, error: str = "BlockedByClient") -> None:
            if reason is not None:
                self._block(url, reason)
            await answer("Fetch.failRequest", {"errorReason": error})

        if event.get("resourceType") == "Document" and event.get("frameId") == self.target_id:
            if self.served_main or session != self.session:
                await refuse(None)  # the archived document stays put
                return
            self.served_main = True
            content_type = self.page.content_type or "text/html"
            await answer(
                "Fetch.fulfillRequest", _fulfilment(self.page.status, content_type, self.page.body)
            )
            return
        if event.get("resourceType") == "Other" and urlsplit(url).path == "/favicon.ico":
            await refuse(None)  # the tab's icon, which Chromium asks for: not part of the page
            return
        if session in self.popups:
            await refuse("The archived page may not open other pages.")
            return
        if method not in ("GET", "HEAD"):
            await refuse(_blocked_reason_for_method(method))
            return
        for check in REQUEST_CHECKS:
            problem = check(url)
            if problem:
                await refuse(problem)
                return
        self.count += 1
        budget = self.policy.max_bytes * SUBRESOURCE_BUDGET_FACTOR - self.bytes
        if self.count > MAX_SUBRESOURCES or budget <= 0:
            await refuse("The page asked for more than the archiver fetches for one page.")
            return
        policy = replace(self.policy, max_bytes=min(self.policy.max_bytes, budget))
        headers = {"Referer": self.page.url} if urlsplit(url).scheme in ("http", "https") else {}
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(
                self.executor,
                lambda: fetching.fetch(
                    url, policy=policy, method=method, headers=headers, record=True
                ),
            )
        except (fetching.BlockedDestination, fetching.InvalidURL) as error:
            await refuse(error.reason)
            return
        except fetching.FetchError as error:
            self.exchanges.extend(error.exchanges)
            await refuse(None, "Failed")
            return
        self.exchanges.extend(result.exchanges)
        self.bytes += len(result.body)
        content_type = result.headers.get("content-type") or "application/octet-stream"
        await answer(
            "Fetch.fulfillRequest", _fulfilment(result.status_code, content_type, result.body)
        )


def _fulfilment(status: int, content_type: str, body: bytes) -> dict[str, Any]:
    return {
        "responseCode": status,
        "responseHeaders": [{"name": "content-type", "value": content_type}],
        "body": base64.b64encode(body).decode("ascii"),
    }


class _Browser:
    """The process's browser, its event loop thread and the pages it has rendered."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="snapshot-browser", daemon=True
        )
        self.thread.start()
        self.executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=8, thread_name_prefix="snapshot-fetch"
        )
        self.browser: cdp.Connection | None = None
        self.runs: dict[str, _PageRun] = {}  # by browser context id
        self.pages = 0  # rendered by the current browser
        self.launches = 0
        self.inflight = 0
        self._slots: asyncio.Semaphore | None = None
        self._idle: asyncio.Condition | None = None

    # -- called from any thread

    def render(
        self, page: Page, policy: fetching.FetchPolicy, *, timeout: float, max_pages: int
    ) -> Rendering:
        future = asyncio.run_coroutine_threadsafe(
            self._render(page, policy, timeout=timeout, max_pages=max_pages), self.loop
        )
        try:
            # Two attempts at most (a crash), plus starting the browser for each.
            return future.result(timeout * 2 + 60)
        except concurrent.futures.TimeoutError:
            future.cancel()
            return Rendering(reason=f"The browser did not answer within {timeout * 2 + 60:g} s.")

    def close(self, timeout: float = 10.0) -> None:
        if self.loop.is_closed():
            return
        future = asyncio.run_coroutine_threadsafe(self._shutdown(), self.loop)
        try:
            future.result(timeout)
        except Exception as error:  # at exit, whatever the browser did: log it and go on
            logger.warning("snapshot browser: could not close cleanly: %r", error)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.executor.shutdown(wait=False, cancel_futures=True)

    # -- in the loop's thread

    async def _render(
        self, page: Page, policy: fetching.FetchPolicy, *, timeout: float, max_pages: int
    ) -> Rendering:
        if self._slots is None:
            self._slots = asyncio.Semaphore(MAX_OPEN_PAGES)
            self._idle = asyncio.Condition()
        async with self._slots:
            for attempt in (1, 2):
                try:
                    browser = await self._acquire(max_pages)
                except (cdp.ProtocolError, cdp.Disconnected, OSError, TimeoutError) as error:
                    logger.warning("snapshot browser: could not start: %r", error)
                    first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
                    first_line = first_line or "it did not answer within 30 s"
                    return Rendering(reason=f"The browser could not be started: {first_line}")
                self.inflight += 1
                try:
                    rendering = await self._render_once(browser, page, policy, timeout)
                    rendering.attempts = attempt
                    return rendering
                except BrowserCrashed as error:
                    logger.warning("snapshot browser crashed (%s); attempt %d", error, attempt)
                    await self._discard(browser)
                    if attempt == 2:
                        return Rendering(
                            reason=f"The browser crashed twice while rendering the page: {error}",
                            attempts=attempt,
                        )
                finally:
                    self.inflight -= 1
                    assert self._idle is not None
                    async with self._idle:
                        self._idle.notify_all()
        raise AssertionError("unreachable")  # pragma: no cover

    async def _acquire(self, max_pages: int) -> cdp.Connection:
        assert self._idle is not None
        async with self._idle:
            if self.browser is not None and self.pages >= max_pages:
                # Time for a fresh browser: wait for the pages in flight, then restart.
                await self._idle.wait_for(lambda: self.inflight == 0)
                if self.browser is not None and self.pages >= max_pages:
                    await self._discard(self.browser)
            if self.browser is None or not self.browser.connected:
                if self.browser is not None:
                    await self._discard(self.browser)
                await self._launch()
            assert self.browser is not None
            self.pages += 1
            return self.browser

    async def _launch(self) -> None:
        browser = await cdp.Connection.launch(self.executable, list(CHROMIUM_ARGS), timeout=30)
        self.browser = browser
        browser.on("", lambda event: self._event(browser, "", event))
        # Every page (ours, and any the page opens) waits for us before it starts: its
        # requests are routed before the first one goes out.
        await browser.send(
            "Target.setAutoAttach",
            {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": True},
        )
        self.pages = 0
        self.launches += 1

    async def _discard(self, browser: cdp.Connection) -> None:
        if self.browser is browser:
            self.browser = None
        try:
            await browser.close(5)
        except (OSError, TimeoutError) as error:  # already dead: nothing to close
            logger.debug("snapshot browser: close after a crash: %r", error)

    async def _shutdown(self) -> None:
        if self.browser is not None:
            await self._discard(self.browser)

    # -- the protocol's events

    def _event(self, browser: cdp.Connection, session: str, event: dict[str, Any]) -> None:
        method = event.get("method")
        params = event.get("params", {})
        if method == "Target.attachedToTarget":
            info = params["targetInfo"]
            run = self.runs.get(info.get("browserContextId", ""))
            if session:  # a frame or worker of a page: the page's run
                run = next((r for r in self.runs.values() if session in r.sessions), run)
            self._spawn(run, self._attach(browser, run, params))
            return
        run = next((r for r in self.runs.values() if session in r.sessions), None)
        if run is None:
            return
        if method == "Fetch.requestPaused":
            self._spawn(run, run.handle(browser, session, params))
        elif method == "Page.lifecycleEvent" and session == run.session:
            if params.get("name") == "load" and params.get("frameId") == run.target_id:
                run.loads.add(params.get("loaderId", ""))
                run.wake.set()
        elif method == "Page.javascriptDialogOpening":
            dismiss = browser.send(
                "Page.handleJavaScriptDialog", {"accept": False}, session=session
            )
            self._spawn(run, _quietly(dismiss))
        elif (
            method in ("Inspector.targetCrashed", "Target.targetCrashed") and session == run.session
        ):
            run.crashed = "the page's renderer crashed"
            run.wake.set()
        elif method == "disconnected":
            run.wake.set()

    def _spawn(self, run: _PageRun | None, coroutine: Any) -> None:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coroutine)
        if run is not None:
            run.tasks.add(task)
            task.add_done_callback(run.tasks.discard)

    async def _attach(
        self, browser: cdp.Connection, run: _PageRun | None, params: dict[str, Any]
    ) -> None:
        """Set up a new target's session (routing first), then let it start."""
        session = params["sessionId"]
        info = params["targetInfo"]
        kind = info.get("type")
        try:
            if run is None:  # not one of ours: nothing may load there
                await browser.send(
                    "Fetch.enable", {"patterns": [{"urlPattern": "*"}]}, session=session
                )
                await browser.send("Runtime.runIfWaitingForDebugger", session=session)
                browser.on(session, lambda event: self._refuse_all(browser, session, event))
                return
            main = kind == "page" and not run.target_id
            if main:
                run.target_id, run.session = info["targetId"], session
            elif kind == "page":
                run.popups.add(session)
            run.sessions.append(session)
            browser.on(session, lambda event: self._event(browser, session, event))
            commands: list[tuple[str, dict[str, Any]]] = [
                ("Fetch.enable", {"patterns": [{"urlPattern": "*"}]}),
            ]
            if kind in ("page", "iframe"):
                commands += [
                    ("Page.enable", {}),
                    ("Page.setLifecycleEventsEnabled", {"enabled": True}),
                    ("Page.addScriptToEvaluateOnNewDocument", {"source": _NO_SERVICE_WORKERS}),
                    ("Emulation.setUserAgentOverride", {"userAgent": run.policy.user_agent}),
                ]
            if main:
                commands += [
                    (
                        "Emulation.setDeviceMetricsOverride",
                        {**VIEWPORT, "deviceScaleFactor": 1, "mobile": False},
                    ),
                ]
            commands += [
                (
                    "Target.setAutoAttach",
                    {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": True},
                ),
                ("Runtime.runIfWaitingForDebugger", {}),
            ]
            for command, arguments in commands:
                try:
                    await browser.send(command, arguments, session=session)
                except cdp.ProtocolError as error:  # a worker has no Page domain, …
                    logger.debug("snapshot browser: %s on a %s: %s", command, kind, error)
            if main:
                run.ready.set()
        except cdp.Disconnected:
            if run is not None:
                run.wake.set()

    def _refuse_all(self, browser: cdp.Connection, session: str, event: dict[str, Any]) -> None:
        if event.get("method") == "Fetch.requestPaused":
            refuse = browser.send(
                "Fetch.failRequest",
                {"requestId": event["params"]["requestId"], "errorReason": "BlockedByClient"},
                session=session,
            )
            self._spawn(None, _quietly(refuse))

    # -- one page

    async def _render_once(
        self, browser: cdp.Connection, page: Page, policy: fetching.FetchPolicy, timeout: float
    ) -> Rendering:
        run = _PageRun(page, _subresource_policy(policy, timeout), self.executor)
        context = ""
        started = time.monotonic()
        try:
            try:
                context = (
                    await browser.send("Target.createBrowserContext", {"disposeOnDetach": True})
                )["browserContextId"]
                self.runs[context] = run
                await browser.send(
                    "Browser.setDownloadBehavior", {"behavior": "deny", "browserContextId": context}
                )
                rendering = await asyncio.wait_for(
                    self._capture(browser, context, run, timeout), timeout
                )
            except TimeoutError:
                rendering = Rendering(
                    reason=f"The browser snapshot took longer than {timeout:g} s and was stopped."
                )
            except cdp.ProtocolError as error:
                if not browser.connected:
                    raise BrowserCrashed(str(error).splitlines()[0]) from error
                rendering = Rendering(reason=f"The browser could not render the page: {error}")
            except cdp.Disconnected as error:
                raise BrowserCrashed(str(error)) from error
        finally:
            for task in list(run.tasks):
                task.cancel()
            if context:
                self.runs.pop(context, None)
                with contextlib.suppress(TimeoutError, cdp.ProtocolError, cdp.Disconnected):
                    renderers = await self._renderers(browser) if self.inflight == 1 else []
                    await asyncio.wait_for(
                        browser.send("Target.disposeBrowserContext", {"browserContextId": context}),
                        5,
                    )
                    await _exited(renderers, RENDERER_EXIT_WAIT)
            for session in run.sessions:
                browser.forget(session)
        if not browser.connected:
            raise BrowserCrashed("the browser disconnected")
        rendering.blocked = run.blocked
        rendering.subresources = run.exchanges
        logger.info(
            "snapshot of %s rendered in %.1f s (%d blocked)",
            page.url,
            time.monotonic() - started,
            len(run.blocked),
        )
        return rendering

    async def _renderers(self, browser: cdp.Connection) -> list[int]:
        """The process ids of the browser's renderers."""
        info = await asyncio.wait_for(browser.send("SystemInfo.getProcessInfo"), 5)
        return [p["id"] for p in info.get("processInfo", []) if p.get("type") == "renderer"]

    async def _capture(
        self, browser: cdp.Connection, context: str, run: _PageRun, timeout: float
    ) -> Rendering:
        page = run.page
        notes: list[str] = []
        await browser.send(
            "Target.createTarget", {"url": "about:blank", "browserContextId": context}
        )
        await run.ready.wait()
        session = run.session
        navigation = timeout * _NAVIGATION_SHARE
        deadline = time.monotonic() + navigation
        navigated = await browser.send("Page.navigate", {"url": page.url}, session=session)
        if navigated.get("errorText"):
            return Rendering(
                reason=f"The browser could not render the page: {navigated['errorText']}"
            )
        loader = navigated.get("loaderId", "")
        while loader not in run.loads and not run.crashed and browser.connected:
            run.wake.clear()
            try:
                await asyncio.wait_for(run.wake.wait(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                notes.append(
                    f"The page did not finish loading within {navigation:g} s; "
                    "captured as it was then."
                )
                break
        if not browser.connected:
            raise BrowserCrashed(browser.closed or "the browser exited")
        if run.crashed:
            return Rendering(reason=f"The browser could not render the page: {run.crashed}.")
        evaluated = await browser.send(
            "Runtime.evaluate",
            {
                "expression": "Math.max(document.documentElement ? "
                "document.documentElement.scrollHeight : 0,"
                " document.body ? document.body.scrollHeight : 0)",
                "returnByValue": True,
            },
            session=session,
        )
        value = evaluated.get("result", {}).get("value")
        height = int(value) if isinstance(value, (int, float)) and value > 0 else VIEWPORT["height"]
        if height > SCREENSHOT_MAX_HEIGHT:
            notes.append(
                f"The page is {height} px tall; the screenshot shows the first "
                f"{SCREENSHOT_MAX_HEIGHT} px."
            )
        clip = {
            "x": 0,
            "y": 0,
            "width": VIEWPORT["width"],
            "height": max(1, min(height, SCREENSHOT_MAX_HEIGHT)),
            "scale": 1,
        }
        shot = await browser.send(
            "Page.captureScreenshot",
            {"format": "png", "clip": clip, "captureBeyondViewport": True},
            session=session,
        )
        printed = await browser.send(
            "Page.printToPDF",
            {
                "printBackground": True,
                "pageRanges": PDF_PAGE_RANGES,
                "paperWidth": 8.5,
                "paperHeight": 11,
                "marginTop": 0,
                "marginBottom": 0,
                "marginLeft": 0,
                "marginRight": 0,
                "preferCSSPageSize": False,
            },
            session=session,
        )
        return Rendering(
            screenshot=base64.b64decode(shot["data"]),
            pdf=base64.b64decode(printed["data"]),
            reason=" ".join(notes),
        )


_NO_SERVICE_WORKERS: Final = (
    "if (self.ServiceWorkerContainer) ServiceWorkerContainer.prototype.register = "
    "async () => { throw new DOMException('Service workers are blocked by the archiver.'); };"
)


async def _exited(pids: list[int], timeout: float) -> None:
    """Wait (at most ``timeout``) until the processes ``pids`` have exited.

    When the only page in flight is done, its renderer exits after its context was
    disposed, but a little later: the next page's renderer would otherwise start while it
    still holds its memory (the worker's peak: one renderer more).
    """
    deadline = time.monotonic() + timeout
    while pids and time.monotonic() < deadline:
        pids = [pid for pid in pids if os.path.exists(f"/proc/{pid}")]
        if pids:
            await asyncio.sleep(0.02)


async def _quietly(command: Any) -> None:
    with contextlib.suppress(cdp.ProtocolError, cdp.Disconnected):
        await command


def _subresource_policy(policy: fetching.FetchPolicy, timeout: float) -> fetching.FetchPolicy:
    """The page's policy, with no subresource allowed to outlive the page's timeout."""
    return replace(
        policy,
        total_deadline=min(policy.total_deadline, timeout),
        connect_timeout=min(policy.connect_timeout, timeout),
        read_timeout=min(policy.read_timeout, timeout),
    )


_lock = threading.Lock()
_browsers: dict[str, _Browser] = {}


def _browser_for(executable: str) -> _Browser:
    with _lock:
        browser = _browsers.get(executable)
        if browser is None or browser.pid != os.getpid():  # new, or inherited by a fork
            browser = _browsers[executable] = _Browser(executable)
        return browser


def render(
    page: Page,
    *,
    policy: fetching.FetchPolicy,
    executable: str,
    timeout: float,
    max_pages: int,
) -> Rendering:
    """Render ``page`` in this process's browser: screenshot, PDF, refused requests.

    Never raises for what a page or the browser does; the reason says what went wrong.
    """
    if not os.path.isfile(executable):
        return Rendering(reason=f"No Chromium at {executable}.")
    return _browser_for(executable).render(page, policy, timeout=timeout, max_pages=max_pages)


def launches(executable: str) -> int:
    """How many times this process started its browser (restarts included)."""
    browser = _browsers.get(executable)
    return browser.launches if browser is not None and browser.pid == os.getpid() else 0


def shutdown() -> None:
    """Close this process's browsers (at exit, and in tests)."""
    with _lock:
        browsers = [b for b in _browsers.values() if b.pid == os.getpid()]
        _browsers.clear()
    for browser in browsers:
        browser.close()


atexit.register(shutdown)
