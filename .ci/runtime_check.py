"""The production dependency set, tested as such (run by .ci/run in a clean venv that has
only the runtime dependencies, as the Dockerfile installs them: ``pip install .``).

1. Every application module imports (an import that only a test extra satisfies is an
   outage in production).
2. A local HTML page and a PDF are fetched and extracted through the worker's code path:
   a citation is saved, its fetch task runs (in-process, the embedded default), and the
   snapshots must hold the extracted title and text, the page its WARC file and, where
   Chromium is installed, its screenshot and PDF print.

Usage: python .ci/runtime_check.py   (from the repository root; prints a summary line)
"""

import importlib
import os
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("factcheck", "claims", "sources", "publishing", "partners", "newsdesk")
sys.path.insert(0, str(ROOT))

from tests.helpers.pdf import make_pdf  # noqa: E402  (standard library only)

HTML = """<!doctype html><html lang="de"><head><meta charset="utf-8">
<title>Statistikamt: Inflation im Januar</title></head><body><article>
<h1>Inflation im Januar</h1>
<p>Die Inflationsrate lag im Januar 2022 bei 4,9 Prozent, wie das Statistikamt mitteilte.
Im Dezember hatte sie 5,3 Prozent betragen. Energie war 20,5 Prozent teurer als ein Jahr
zuvor, Nahrungsmittel 5,0 Prozent.</p>
<p>Die Zahlen beruhen auf einer ersten Schätzung; endgültige Ergebnisse folgen Ende Februar.
</p></article></body></html>""".encode()
PDF = make_pdf(
    ["Prüfbericht: Die Behauptung ist falsch.", "Quelle: Statistikamt, Januar 2022."],
    info={"Title": "Prüfbericht Inflation"},
)
PAGES = {
    "/bericht.html": ("text/html; charset=utf-8", HTML),
    "/bericht.pdf": ("application/pdf", PDF),
}


class Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        content_type, body = PAGES.get(self.path, ("text/plain", b"not found"))
        self.send_response(200 if self.path in PAGES else 404)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def import_everything() -> int:
    count = 0
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            importlib.import_module(module.removesuffix(".__init__"))
            count += 1
    return count


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    var = tempfile.mkdtemp(prefix="runtime-check-")
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        DEBUG="true",
        FACTCHECK_VAR_DIR=var,
        FETCH_ALLOW_NETWORKS="127.0.0.1/32",
    )
    import django
    from django.core.management import call_command

    django.setup()
    modules = import_everything()
    call_command("migrate", verbosity=0)

    from claims import services
    from sources.models import Snapshot
    from sources.services import citation_add

    text = "Die Ministerin sagte: „Die Inflation liegt bei fünf Prozent.“"
    article = services.article_create(title="Inflation", text=text, language="de")
    speaker = services.speaker_create(name="Die Ministerin")
    quote = "Die Inflation liegt bei fünf Prozent."
    start = text.index(quote)
    claim = services.claim_create_from_span(
        article=article, start=start, end=start + len(quote), speaker=speaker, claim="Inflation 5 %"
    )
    for path in PAGES:
        # Committed at once (autocommit): the fetch task runs right after, in-process.
        citation_add(claim=claim, url=base + path, role="supports")
    snapshots = {s.final_url.removeprefix(base): s for s in Snapshot.objects.all()}
    html, pdf = snapshots.get("/bericht.html"), snapshots.get("/bericht.pdf")
    problems = []
    if html is None or "4,9 Prozent" not in html.text or "Inflation" not in html.title:
        problems.append(f"HTML not extracted: {html and (html.title, html.text[:80], html.reason)}")
    if pdf is None or "Behauptung ist falsch" not in pdf.text:
        problems.append(f"PDF not extracted: {pdf and (pdf.title, pdf.text[:80], pdf.reason)}")
    # The evidence of the fetch: its WARC file, and where Chromium is installed the
    # browser snapshot (SNAPSHOT_CHROMIUM_PATH: the headless shell where installed).
    from django.conf import settings

    if html is not None and not (html.warc and html.warc_sha256):
        problems.append("the HTML page has no WARC file")
    if html is not None and settings.SNAPSHOT_BROWSER and not (html.screenshot and html.pdf):
        problems.append(f"the HTML page has no screenshot or PDF: {html.browser_reason}")
    server.shutdown()
    if problems:
        sys.exit("runtime check FAILED: " + "; ".join(problems))
    print(
        f"runtime check: {modules} modules imported; HTML and PDF extracted through the fetch task"
    )


if __name__ == "__main__":
    main()
