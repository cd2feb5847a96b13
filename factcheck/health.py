"""``/health/``: database, cache, broker, worker heartbeat and watched feeds; 200 when all
are well, else 503."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_cache() -> str:
    cache.set("health:ping", "pong", 10)
    return "ok" if cache.get("health:ping") == "pong" else "cache did not return the value"


def _check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "in-process"
    from factcheck.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _check_worker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "in-process"
    from factcheck.tasks import HEARTBEAT_KEY, HEARTBEAT_MAX_AGE

    beat = cache.get(HEARTBEAT_KEY)
    if beat is None:
        return "no heartbeat from a worker yet (are worker and beat running?)"
    age = time.time() - beat
    return "ok" if age <= HEARTBEAT_MAX_AGE else f"last worker heartbeat {age:.0f} s ago"


def _check_feeds() -> str:
    """Active watched feeds not polled for three of their intervals: beat or the workers
    are not doing their job (or, without a broker, ``manage.py feeds_poll`` is not run)."""
    from intake.feeds import feeds_overdue

    overdue = feeds_overdue()
    if not overdue:
        return "ok"
    names = ", ".join(f"{feed.name} (#{feed.pk})" for feed in overdue[:5])
    more = f" and {len(overdue) - 5} more" if len(overdue) > 5 else ""
    return f"{len(overdue)} feed(s) not polled for three intervals: {names}{more}"


CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
    "worker": _check_worker,
    "feeds": _check_feeds,
}


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:
            results[name] = f"error: {error.__class__.__name__}: {error}"
    healthy = all(v in ("ok", "in-process") for v in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **results}, status=200 if healthy else 503
    )
