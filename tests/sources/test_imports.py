"""The web processes never import the extraction stack; the worker imports it up front.

trafilatura, htmldate, lxml and pypdf cost about 22 MB per process and only the worker's
fetch uses them (``sources.engine`` imports ``sources.extraction`` lazily). Checked in a
fresh interpreter, since this test process has imported everything already.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sources.extraction", "trafilatura", "htmldate", "justext", "pypdf", "lxml.html")


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "factcheck.settings", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_web_process_does_not_import_the_extraction_stack():
    result = run_python(
        f"""
        import sys
        import django

        django.setup()
        # What a gunicorn worker loads: the WSGI app, every URL's views, the admin, the APIs.
        import factcheck.wsgi, factcheck.urls
        from django.urls import get_resolver
        get_resolver().url_patterns
        import sources.services, sources.engine, publishing.archive, newsdesk.admin.sources, sources.tasks
        import publishing.views, partners.api.views, newsdesk.api.views

        loaded = [name for name in {HEAVY!r} if name in sys.modules]
        assert not loaded, f"the web process imported {{loaded}}"
        """
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_worker_imports_the_extraction_stack_before_its_pool_starts():
    result = run_python(
        """
        import sys
        import django

        django.setup()
        from celery.signals import worker_init

        import sources.tasks

        assert "trafilatura" not in sys.modules
        worker_init.send(sender=None)
        assert "sources.extraction" in sys.modules and "trafilatura" in sys.modules
        """
    )
    assert result.returncode == 0, result.stderr[-3000:]
