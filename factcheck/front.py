"""The front door: a WSGI layer before Django's handler, for answers kept in the process.

``factcheck.wsgi`` wraps Django's application in ``FrontDoor``. The first middlewares
(``partners.api.middleware``, ``publishing.middleware``) register an *answerer* when
Django loads them: a function of the WSGI environ that returns a kept answer (status
line, headers, body) or None. A request that one of them answers never reaches Django's
handler (no request signals, no URL resolution, no middleware): the answer is the very
status, headers and body the whole stack sent for the same request before, kept by the
same middleware on the response's way out. Anything else goes to Django unchanged.

This module imports no application code: what answers is registered by the apps.
"""

import logging
from collections.abc import Callable, Iterable
from typing import Any

logger = logging.getLogger(__name__)

Answer = tuple[str, list[tuple[str, str]], Iterable[bytes]]
Answerer = Callable[[dict[str, Any]], Answer | None]

_answerers: dict[str, Answerer] = {}


def register(name: str, answerer: Answerer) -> None:
    """Ask ``answerer`` first, before Django's handler (once per name; the latest wins)."""
    _answerers[name] = answerer


class FrontDoor:
    def __init__(self, application: Callable[..., Iterable[bytes]]) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):
        for name, answerer in list(_answerers.items()):
            try:
                found = answerer(environ)
            except Exception:  # an answer kept is an optimisation: Django answers instead
                logger.exception("front door: %s failed; Django answers", name)
                found = None
            if found is not None:
                status, headers, body = found
                start_response(status, headers)
                return body
        return self.application(environ, start_response)
