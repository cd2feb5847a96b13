"""Chromium driven over the DevTools protocol on a pipe, from this process (issue 18).

Chromium started with ``--remote-debugging-pipe`` reads protocol commands (JSON, each
ended by a NUL byte) from its file descriptor 3 and writes answers and events to 4. This
module starts Chromium with two pipes in those places and speaks the protocol on them
from an asyncio loop: no Node.js driver between the worker and its browser (Playwright's
driver was a fifth of the worker's memory with its browser), no port anyone else on the
machine could connect to.

Only what ``sources.browser`` needs: commands (on the browser or on a target's session,
``flatten`` sessions), events by session, and the end of the connection (the browser
exited or was killed), which fails every command waiting for an answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], None]


class ProtocolError(Exception):
    """Chromium answered a command with an error."""


class Disconnected(Exception):
    """The browser went away (exited, killed, out of memory) or was closed."""


class _Reader(asyncio.Protocol):
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.buffer = bytearray()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\0")) >= 0:
            message = bytes(self.buffer[:end])
            del self.buffer[: end + 1]
            self.connection._received(message)

    def connection_lost(self, exc: Exception | None) -> None:
        self.connection._lost("the browser closed its end of the pipe")


class Connection:
    """One running Chromium and the protocol on its pipes."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.user_data_dir = ""
        self._writer: asyncio.WriteTransport | None = None
        self._next_id = 0
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._handlers: dict[str, list[Handler]] = {}
        self.closed: str = ""  # why the connection ended ("" while it is up)

    @classmethod
    async def launch(cls, executable: str, args: list[str], *, timeout: float) -> Connection:
        """Start ``executable`` with ``args`` and wait until it answers on its pipe."""
        self = cls()
        loop = asyncio.get_running_loop()
        self.user_data_dir = tempfile.mkdtemp(prefix="factcheck-chromium-")
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()
        # Chromium wants the pipes as its fds 3 and 4: hand them over above 9 (never 3
        # or 4 themselves), and let bash move them into place before it becomes Chromium.
        high_r = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD_CLOEXEC, 10)
        high_w = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD_CLOEXEC, 10)
        for fd in (to_browser_r, from_browser_w):
            os.close(fd)
        script = f'exec 3<&{high_r} 4>&{high_w} {high_r}<&- {high_w}>&-; exec "$0" "$@"'
        try:
            self.process = subprocess.Popen(  # noqa: S603 - our executable, our arguments
                [
                    "/bin/bash",
                    "-c",
                    script,
                    executable,
                    *args,
                    f"--user-data-dir={self.user_data_dir}",
                    "--remote-debugging-pipe",
                    "--no-startup-window",
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(high_r, high_w),
            )
        except OSError:
            for fd in (high_r, high_w, to_browser_w, from_browser_r):
                os.close(fd)
            shutil.rmtree(self.user_data_dir, ignore_errors=True)
            raise
        os.close(high_r)
        os.close(high_w)
        writer, _ = await loop.connect_write_pipe(
            asyncio.Protocol, os.fdopen(to_browser_w, "wb", buffering=0)
        )
        self._writer = writer
        await loop.connect_read_pipe(
            lambda: _Reader(self), os.fdopen(from_browser_r, "rb", buffering=0)
        )
        try:
            await asyncio.wait_for(self.send("Browser.getVersion"), timeout)
        except BaseException:
            await self.close()
            raise
        return self

    # -- protocol

    async def send(
        self, method: str, params: dict[str, Any] | None = None, *, session: str = ""
    ) -> dict[str, Any]:
        """Send a command and return its result; raises ProtocolError or Disconnected."""
        if self.closed:
            raise Disconnected(self.closed)
        assert self._writer is not None
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[self._next_id] = future
        self._writer.write(json.dumps(message).encode() + b"\0")
        try:
            return await future
        finally:
            self._pending.pop(message["id"], None)

    def on(self, session: str, handler: Handler) -> None:
        """Call ``handler(message)`` for every event of ``session`` ("" for the browser's)."""
        self._handlers.setdefault(session, []).append(handler)

    def forget(self, session: str) -> None:
        self._handlers.pop(session, None)

    def _received(self, raw: bytes) -> None:
        try:
            message = json.loads(raw)
        except ValueError:
            logger.warning("cdp: unreadable message from the browser: %r", raw[:200])
            return
        if "id" in message:
            future = self._pending.get(message["id"])
            if future is None or future.done():
                return
            if "error" in message:
                error = message["error"]
                future.set_exception(ProtocolError(f"{error.get('message')} ({error.get('code')})"))
            else:
                future.set_result(message.get("result", {}))
            return
        for handler in list(self._handlers.get(message.get("sessionId", ""), ())):
            try:
                handler(message)
            except Exception:
                logger.exception("cdp: event handler failed for %s", message.get("method"))

    def _lost(self, why: str) -> None:
        if not self.closed:
            self.closed = why
        for future in self._pending.values():
            if not future.done():
                future.set_exception(Disconnected(self.closed))
        self._pending.clear()
        for handlers in list(self._handlers.values()):
            for handler in handlers:
                with contextlib.suppress(Exception):
                    handler({"method": "disconnected"})
        self._handlers.clear()

    @property
    def connected(self) -> bool:
        return not self.closed and self.process is not None and self.process.poll() is None

    async def close(self, timeout: float = 5.0) -> None:
        """Ask the browser to close; kill it when it does not within ``timeout``."""
        if self.connected:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.send("Browser.close"), timeout)
        self._lost("the browser was closed")
        if self._writer is not None:
            self._writer.close()
        process = self.process
        try:
            # Polled, not waited for in a thread: at the interpreter's exit no executor
            # takes new work any more.
            if process is not None and not await _exited(process, timeout):
                process.kill()
                await _exited(process, timeout)
        finally:
            if self.user_data_dir:
                shutil.rmtree(self.user_data_dir, ignore_errors=True)


async def _exited(process: subprocess.Popen[bytes], timeout: float) -> bool:
    """Whether ``process`` exited (and was reaped) within ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while process.poll() is None:
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(0.02)
    return True
