"""The admin, where fact-checkers and editors work: one module per part of the desk.

Django's autodiscovery imports this package; importing the modules registers their
``ModelAdmin`` classes.
"""

from . import auth, claims, desk, inbox, intake, partners, sources, tips  # noqa: F401
