"""Operational tasks of the project itself."""

import time

from celery import shared_task
from django.core.cache import cache

HEARTBEAT_KEY = "health:worker-heartbeat"
HEARTBEAT_MAX_AGE = 180  # seconds; beat sends one every 30 s


@shared_task(ignore_result=True)
def worker_heartbeat() -> None:
    """Run by a worker on beat's schedule: proves broker, beat and a worker all work."""
    cache.set(HEARTBEAT_KEY, time.time(), HEARTBEAT_MAX_AGE * 2)
