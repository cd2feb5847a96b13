"""A web worker's memory: what the worker keeps for good is frozen, what a heavy request
leaves behind is collected right after the response (issue 17).

Measured on a page of 100 partner claims (``bench/bench_limit.py``): building it leaves
about 4 500 objects in reference cycles (model instances and their prefetch caches point
at each other). They survive into CPython's oldest generation, which is collected only
when it has grown by a quarter: a full collection walks every object of the process and
took 100 ms, so CPython waits, and a worker's RSS grew by 20-25 MB of such garbage
before it did.

- ``freeze_startup_objects`` moves everything the worker loaded at start (modules,
  settings, URL patterns, templates) out of the collector's reach (``gc.freeze``): a full
  collection then walks only what requests made, about 3 ms.
- ``collect_after_heavy_requests``: a request during which the collector ran at least
  ``HEAVY`` times (it made a few thousand container objects) is followed by a full
  collection when it finishes, after its response went out. Requests answered from a
  kept copy or a cached page make far fewer objects and are not followed by one.
"""

import gc
import threading
from typing import Any

from django.core.signals import request_finished, request_started

# Collections (of any generation) during a request after which a full one follows: a page
# of 100 partner claims causes 4 or 5, a cached page none.
HEAVY = 3


def freeze_startup_objects() -> None:
    gc.collect()
    gc.freeze()


class _Collector:
    def __init__(self) -> None:
        self.local = threading.local()

    def count(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self.local.runs = getattr(self.local, "runs", 0) + 1

    def started(self, **kwargs: Any) -> None:
        self.local.runs = 0

    def finished(self, **kwargs: Any) -> None:
        if getattr(self.local, "runs", 0) >= HEAVY:
            gc.collect()
        self.local.runs = 0


_collector = _Collector()


def collect_after_heavy_requests() -> None:
    if _collector.count not in gc.callbacks:
        gc.callbacks.append(_collector.count)
    request_started.connect(_collector.started, dispatch_uid="factcheck.memory.started")
    request_finished.connect(_collector.finished, dispatch_uid="factcheck.memory.finished")
