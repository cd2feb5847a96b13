import ctypes
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from .front import FrontDoor
from .memory import collect_after_heavy_requests, freeze_startup_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

# glibc's mallopt parameter (malloc.h): blocks at least this large come from mmap.
M_MMAP_THRESHOLD = -3
LARGE_BLOCK = 128 * 1024


def _return_large_blocks_to_the_system() -> None:
    """Keep a web worker's memory from ratcheting up after large pages (issue 17).

    glibc raises its mmap threshold each time a block allocated with mmap is freed, up to
    32 MB, so after the first page of 300 KB every later page body, JSON string and pickle
    of that size lands in the heap, which fragments between requests and is never given
    back: a worker grew by 25-30 MB over a hundred uncached list pages. A fixed threshold
    (the default's starting value) keeps such blocks in mmap: freed at once after the
    response. ``MALLOC_MMAP_THRESHOLD_`` in the environment wins; elsewhere than glibc this
    does nothing.
    """
    if "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK)


_return_large_blocks_to_the_system()

# Kept answers of the first middlewares go out before Django's handler (factcheck/front.py).
application = FrontDoor(get_wsgi_application())

# Load the URL patterns (every view module) now rather than on the first request, then
# keep the collector away from all that and collect after heavy requests (factcheck/memory.py).
get_resolver().url_patterns  # noqa: B018
freeze_startup_objects()
collect_after_heavy_requests()
