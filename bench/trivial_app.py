"""The physical limit for bench/bench_limit.py: a WSGI app that only sends stored bytes.

Serves, for each captured URL, the very status, headers and body the desk sent for it
(``BENCH_TRIVIAL_DIR/index.json``, written by bench_limit.py), and the desk's 304 when the
request carries ``If-None-Match``. Files listed under ``"files"`` are sent with the
server's ``wsgi.file_wrapper`` (sendfile in gunicorn), as a static file server does.
No Django, no framework: one dictionary lookup per request.
"""

import json
import os
from pathlib import Path

DIRECTORY = Path(os.environ.get("BENCH_TRIVIAL_DIR", "."))
_index = json.loads((DIRECTORY / "index.json").read_text()) if DIRECTORY.exists() else {}
RESPONSES = {}
for key, stored in _index.get("responses", {}).items():
    body = (DIRECTORY / stored["body"]).read_bytes() if stored.get("body") else b""
    RESPONSES[key] = (stored["status"], [tuple(pair) for pair in stored["headers"]], body)
# A file: its name, or its name and the headers to send (else only type and length).
FILES = {
    path: (str(DIRECTORY / stored), None)
    if isinstance(stored, str)
    else (str(DIRECTORY / stored["name"]), [tuple(pair) for pair in stored["headers"]])
    for path, stored in _index.get("files", {}).items()
}
NOT_FOUND = (
    "404 Not Found",
    [("Content-Type", "text/plain"), ("Content-Length", "9")],
    b"not found",
)


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    query = environ.get("QUERY_STRING", "")
    key = f"{path}?{query}" if query else path
    if key in FILES:
        name, headers = FILES[key]
        handle = open(name, "rb")  # noqa: SIM115 (closed by the server)
        if headers is None:
            size = os.fstat(handle.fileno()).st_size
            headers = [("Content-Type", "application/json"), ("Content-Length", str(size))]
        start_response("200 OK", headers)
        return environ["wsgi.file_wrapper"](handle, 64 * 1024)
    if environ.get("HTTP_IF_NONE_MATCH"):
        key = "304 " + key
    status, headers, body = RESPONSES.get(key, NOT_FOUND)
    start_response(status, headers)
    return [body]
