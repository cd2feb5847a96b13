"""Partner keys verified once per process, trusted while the keys' generation stands.

Verifying a key costs a query (its row, by prefix) and a SHA-512. A process keeps the
keys it verified, under a SHA-256 of the key, together with the keys' **generation**
(a number in the shared cache) read *before* the row was. Every save or delete of a
``PartnerKey`` (revocation in the admin or by the service, an expiry date changed in a
shell) starts a new generation, at once and again after its commit
(``partners.receivers``), and waits until every process that keeps a copy of it
(``factcheck.mirror``: the repeated-read path, ``partners.api.middleware``) has read it
again or stopped trusting its copy. Every other request reads the generation from the
cache. So a revoked key is refused on the partner's next request on every process of
every machine. An expiry date is checked on every request against the kept row.

A generation the cache lost counts as changed: every key is verified again.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections import OrderedDict
from functools import partial

from django.core.cache import cache
from django.db import transaction

from factcheck.mirror import mirror
from publishing.caching import CACHE_ERRORS

from ..models import PartnerKey

KEYS_GENERATION = "partners:keys:generation"
MAX_KEYS = 1000
mirror.watch(KEYS_GENERATION)

_lock = threading.Lock()
_verified: OrderedDict[str, tuple[int, PartnerKey]] = OrderedDict()


_digests: dict[str, str] = {}


def digest(key: str) -> str:
    found = _digests.get(key)  # a repeated read costs a lookup, not a SHA-256
    if found is None:
        if len(_digests) >= MAX_KEYS:
            _digests.clear()
        found = _digests[key] = hashlib.sha256(key.encode()).hexdigest()
    return found


def _fresh() -> int:
    return time.time_ns() // 1000


def generation() -> int | None:
    """The keys' generation (started if the cache has none); None without a cache."""
    try:
        value = cache.get(KEYS_GENERATION)
        if value is None:
            if cache.add(KEYS_GENERATION, _fresh(), None):
                mirror.changed(wait=False)
            value = cache.get(KEYS_GENERATION)
    except CACHE_ERRORS:
        return None
    return None if value is None else int(value)


def bump(*, wait: bool = True) -> None:
    """Every process verifies every key again on its next use (``wait``: before this
    returns, every process that keeps a copy of the generation has the new one)."""
    # An unreachable generation: no process trusts a kept key either.
    with contextlib.suppress(*CACHE_ERRORS):
        cache.set(KEYS_GENERATION, _fresh(), None)
        mirror.changed(wait=wait)
    forget()


def bump_on_change() -> None:
    """After a key's row changed: a new generation now and again after the commit (a
    request that read the old row before the commit must not be trusted afterwards).
    Only the second waits for every process: the change is done when it is committed,
    and a transaction should not hold its locks meanwhile."""
    bump(wait=False)
    transaction.on_commit(partial(bump), robust=True)


def forget() -> None:
    with _lock:
        _verified.clear()


def kept(key_digest: str, gen: int | None) -> PartnerKey | None:
    """The row of a key verified in generation ``gen`` and not expired since, or None."""
    if gen is None:
        return None
    entry = _verified.get(key_digest)
    if entry is None or entry[0] != gen or entry[1].has_expired:
        return None
    return entry[1]


def known(key_digest: str) -> int | None:
    """The generation a key was verified in (whatever the current one), or None."""
    entry = _verified.get(key_digest)
    return None if entry is None else entry[0]


def verify(key: str) -> PartnerKey:
    """The valid, unexpired row of ``key``; raises ``PartnerKey.DoesNotExist`` otherwise."""
    gen = generation()  # before the row: see the module docstring
    key_digest = digest(key)
    row = kept(key_digest, gen)
    if row is not None:
        return row
    row = PartnerKey.objects.get_from_key(key)
    if gen is not None and not row.has_expired:
        with _lock:
            _verified[key_digest] = (gen, row)
            _verified.move_to_end(key_digest)
            while len(_verified) > MAX_KEYS:
                _verified.popitem(last=False)
    return row
