"""Intake's Celery tasks (sent by name; see ``sources.queue``)."""
