"""Intake's own signals.

``article_imported`` is sent (on commit) when an article added by its URL has its text:
the inbox computes the article's suggestions from it (``intake.receivers``).
"""

from django.dispatch import Signal

# Sent with ``article`` (claims.models.Article, import_state "imported") and ``feed``
# (intake.models.Feed or None when a person added the URL).
article_imported = Signal()

# Sent (on commit) with ``feed`` (intake.models.Feed) when a feed that kept failing has
# been paused: the desk tells its editors (``newsdesk.receivers``).
feed_paused = Signal()
