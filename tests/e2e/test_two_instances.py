"""Scaling out: two web instances and two workers, as on separate machines.

Each process has its own files (``FACTCHECK_VAR_DIR``, media, static): the four share
nothing but PostgreSQL and Redis (the cache, db 10, and the broker, db 11), as the
operator's guide describes for several machines. What must hold:

- a publication through one instance shows on the other within
  ``PUBLIC_CACHE_LOCAL_SECONDS`` (pages) and at once (partner API);
- a partner key revoked by any process is refused on its next request by every worker of
  either instance, although each answers repeated reads from its own copies
  (``factcheck.mirror``);
- a partner gets the same ETag and the same bytes from either instance;
- a fetch lease is never doubled: with both workers fetching and either of them killed
  with SIGKILL mid-fetch, every cited source ends with exactly one snapshot;
- a repeated public page comes out of the front door byte for byte as the whole stack
  sent it (over the socket, all but the ``Date`` header).

The throughput of one instance against two is measured by ``bench/bench_limit.py``.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e import stack as desk
from tests.sources.helpers import page
from tests.sources.httpserver import Exchange, LocalHTTPServer

pytestmark = pytest.mark.integration

HOST = "desk.test"  # what the proxy in front would send to every instance
LOCAL_SECONDS = 1.0
LEASE_SECONDS = 4


@dataclass
class Cluster:
    env: dict[str, str]
    webs: dict[str, str]  # name -> base URL
    workers: dict[str, desk.Process] = field(default_factory=dict)
    start_worker: object = None
    tokens: dict[str, str] = field(default_factory=dict)
    partner_key: str = ""

    def manage(self, *args: str) -> str:
        return desk._manage(self.env, *args)


def _env(base: dict[str, str], var: Path) -> dict[str, str]:
    var.mkdir(parents=True, exist_ok=True)
    return {
        **base,
        "FACTCHECK_VAR_DIR": str(var),
        "MEDIA_ROOT": str(var / "media"),
        "STATIC_ROOT": str(var / "static"),
    }


def _worker(env: dict[str, str], log: Path, name: str) -> list[str]:
    return [
        sys.executable, "-m", "celery", "-A", "factcheck", "worker",
        "--pool", "threads", "--concurrency", "4", "--loglevel", "INFO",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--hostname", f"{name}-{log.parent.name}@%h",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    reason = desk.unavailable()
    if reason:
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("scale")
    with (
        desk._machine_lock(timeout=300),
        desk.fresh_database("factcheck_e2e_scale") as database_url,
        contextlib.ExitStack() as stack,
    ):
        base = desk.production_env(
            database_url=database_url, base_url=f"https://{HOST}", var_dir=root / "shared-none"
        )
        base.update(
            ALLOWED_HOSTS=f"127.0.0.1,localhost,{HOST}",
            PUBLIC_CACHE_LOCAL_SECONDS=str(LOCAL_SECONDS),
            FETCH_LEASE_SECONDS=str(LEASE_SECONDS),
            FETCH_RETRY_MAX_DELAY="5",  # unacked messages of a killed worker come back soon
            PARTNER_THROTTLE_RATE="100000/minute",
            DATAFEED_DEBOUNCE_SECONDS="1",
        )
        envs = {name: _env(base, root / name) for name in ("web-a", "web-b", "w1", "w2")}
        desk._manage(envs["web-a"], "migrate", "--noinput", "-v", "0", timeout=180)
        for name in ("web-a", "web-b"):
            desk._manage(envs[name], "collectstatic", "--noinput", "-v", "0", timeout=120)
        desk._flush_redis()
        cluster = Cluster(env=envs["web-a"], webs={})
        cluster.manage("load_demo")
        for user in ("checker", "editor"):
            # The token is the last line of create_api_token (stored hashed by the desk).
            cluster.tokens[user] = cluster.manage("create_api_token", user).splitlines()[-1]
        cluster.partner_key = cluster.manage("create_partner_key", "Partner").splitlines()[-1]

        def start_worker(name: str) -> desk.Process:
            log = root / name / f"worker-{time.monotonic_ns()}.log"
            worker = stack.enter_context(
                desk._process(name, _worker(envs[name], log, name), envs[name], log)
            )
            desk._wait_for_worker(worker, timeout=60)
            cluster.workers[name] = worker
            return worker

        cluster.start_worker = start_worker
        for name in ("web-a", "web-b"):
            port = desk.free_port()
            url = f"http://127.0.0.1:{port}"
            web = stack.enter_context(
                desk._process(
                    name,
                    [
                        sys.executable, "-m", "gunicorn", "factcheck.wsgi:application",
                        "--bind", f"127.0.0.1:{port}", "--workers", "2",
                        "--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning",
                    ],
                    envs[name],
                    root / name / "gunicorn.log",
                )
            )  # fmt: skip
            desk._wait_for_web(web, url, timeout=60)
            cluster.webs[name] = url
        for name in ("w1", "w2"):
            start_worker(name)
        try:
            yield cluster
        finally:
            desk._flush_redis()


def _call(cluster: Cluster, web: str, method: str, path: str, *, user=None, body=None):
    import urllib.request

    headers = {"Host": HOST, "Content-Type": "application/json"}
    if user:
        headers["Authorization"] = f"Token {cluster.tokens[user]}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        cluster.webs[web] + path, data=data, headers=headers, method=method
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _publish(cluster: Cluster, web: str, headline: str, *, sources: list[str] = ()) -> dict:
    text = f'Die Ministerin sagte, "{headline} sei wahr". Ende.'
    status, article = _call(
        cluster, web, "POST", "/api/v1/desk/articles/", user="checker",
        body={"title": headline, "text": text, "language": "de"},
    )  # fmt: skip
    assert status == 201, article
    quote = f"{headline} sei wahr"
    start = text.index(quote)
    status, claim = _call(
        cluster, web, "POST", "/api/v1/desk/claims/", user="checker",
        body={
            "article": article["id"], "start": start, "end": start + len(quote),
            "quote": quote, "speaker_name": "Die Ministerin", "attribution": "direct",
            "claim": headline[:70],
        },
    )  # fmt: skip
    assert status == 201, claim
    base = f"/api/v1/desk/claims/{claim['id']}/"
    for url in sources:
        status, citation = _call(
            cluster, web, "POST", base + "citations/", user="checker",
            body={"url": url, "role": "refutes"},
        )  # fmt: skip
        assert status == 201, citation
    status, body = _call(
        cluster, web, "PUT", base + "verdict/", user="checker",
        body={"rating": "falsch", "headline": headline, "summary": "Nein.",
              "explanation": "Belege fehlen.", "version": 1},
    )  # fmt: skip
    assert status == 200, body
    status, body = _call(cluster, web, "POST", base + "submit/", user="checker", body={})
    assert status == 200, body
    status, body = _call(
        cluster, web, "POST", base + "publish/", user="editor",
        body={"acknowledge_sources": "Test claim without archived sources."},
    )  # fmt: skip
    assert status == 200, body
    return body


def _get(cluster: Cluster, web: str, path: str, **headers: str):
    return desk.http_get(cluster.webs[web] + path, headers={"Host": HOST, **headers})


def test_a_publication_on_one_instance_shows_on_the_other_within_the_local_seconds(cluster):
    _publish(cluster, "web-a", "Erste Prüfung")
    for _ in range(6):  # every worker of B keeps the index page in front
        status, _headers, body = _get(cluster, "web-b", "/fact-checks/")
        assert status == 200 and "Erste Prüfung" in body.decode()
    auth = {"Authorization": f"Api-Key {cluster.partner_key}"}
    for _ in range(4):
        _get(cluster, "web-b", "/api/v1/claims/", **auth)

    _publish(cluster, "web-a", "Zweite Prüfung")
    published = time.monotonic()
    # The partner API reads the generation on every request: at once.
    status, _headers, body = _get(cluster, "web-b", "/api/v1/claims/", **auth)
    assert status == 200 and "Zweite Prüfung" in body.decode()
    # Pages: within PUBLIC_CACHE_LOCAL_SECONDS on every worker of B.
    seen = []
    while time.monotonic() - published < LOCAL_SECONDS + 2:
        seen.append(
            (
                time.monotonic() - published,
                "Zweite Prüfung" in _get(cluster, "web-b", "/fact-checks/")[2].decode(),
            )
        )
        time.sleep(0.05)
    stale = [elapsed for elapsed, shown in seen if not shown]
    assert stale == [] or max(stale) <= LOCAL_SECONDS + 0.25, seen
    assert seen[-1][1]


def test_partners_get_the_same_etag_and_bytes_from_either_instance(cluster):
    claim = _publish(cluster, "web-b", "Dritte Prüfung")
    auth = {"Authorization": f"Api-Key {cluster.partner_key}"}
    for path in (
        "/api/v1/claims/?page_size=100",
        f"/api/v1/claims/{claim['id']}/",
        "/api/v1/claimreview/",
    ):
        answers = [_get(cluster, web, path, **auth) for web in ("web-a", "web-b", "web-a", "web-b")]
        assert {status for status, _h, _b in answers} == {200}, path
        assert len({headers["ETag"] for _s, headers, _b in answers}) == 1, path
        assert len({body for _s, _h, body in answers}) == 1, path
        etag = answers[0][1]["ETag"]
        for web in ("web-a", "web-b"):
            assert _get(cluster, web, path, **auth, **{"If-None-Match": etag})[0] == 304


def test_a_key_revoked_anywhere_is_refused_on_its_next_request_everywhere(cluster):
    _publish(cluster, "web-a", "Fünfte Prüfung")
    key = cluster.manage("create_partner_key", "Widerruf").splitlines()[-1]
    auth = {"Authorization": f"Api-Key {key}"}
    for _ in range(6):  # every worker of both verifies the key and answers in front
        for web in ("web-a", "web-b"):
            assert _get(cluster, web, "/api/v1/claims/", **auth)[0] == 200
    # Another process (a shell on another machine) revokes it.
    prefix = key.partition(".")[0]
    cluster.manage(
        "shell",
        "-c",
        "from partners.models import PartnerKey; from partners.services import "
        f"partner_key_revoke; partner_key_revoke(key=PartnerKey.objects.get(prefix={prefix!r}))",
    )
    for _ in range(6):
        for web in ("web-a", "web-b"):
            assert _get(cluster, web, "/api/v1/claims/", **auth)[0] == 401


def _raw(url: str, path: str) -> bytes:
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while data := sock.recv(65536):
            chunks.append(data)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"date:")]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def test_the_front_door_sends_the_very_bytes_of_the_whole_stack(cluster):
    claim = _publish(cluster, "web-a", "Vierte Prüfung")
    path = f"/fact-checks/{claim['slug']}/"
    url = cluster.webs["web-a"]
    answers = [_raw(url, path) for _ in range(8)]  # the first of each worker: the stack
    assert answers[0].startswith(b"HTTP/1.1 200 OK\r\n")
    assert len(set(answers)) == 1


def test_fetch_leases_are_never_doubled_when_either_worker_is_killed(cluster):
    def slow(ex: Exchange) -> None:
        if ex.wait(2.0):
            ex.respond(200, page("Quelle", f"Inhalt von {ex.request.path}"))

    with LocalHTTPServer() as server:
        paths = [f"/quelle/{n}" for n in range(48)]  # 2 × 4 threads: about 12 s of work
        for path in paths:
            server.route(path, slow)
        claim = _publish(cluster, "web-a", "Fünfte Prüfung", sources=[server.url(p) for p in paths])
        for victim in ("w1", "w2"):
            before = len(server.requests)
            desk.wait_until(
                lambda b=before: len(server.requests) >= b + 3, timeout=60, what="fetches"
            )
            worker = cluster.workers[victim]
            with contextlib.suppress(ProcessLookupError):
                import os
                import signal

                os.killpg(worker.popen.pid, signal.SIGKILL)  # mid-fetch: leases held
            worker.popen.wait(10)
            cluster.start_worker(victim)

        def states() -> dict:
            status, body = _call(
                cluster, "web-b", "GET", f"/api/v1/desk/claims/{claim['id']}/", user="editor"
            )
            assert status == 200, body
            return body

        def done() -> bool:
            cluster.manage("sources_sweep")  # what beat does every minute
            body = states()
            return all(c["source"]["state"] == "fetched" for c in body["citations"])

        desk.wait_until(done, timeout=180, every=1.0, what="every source fetched")
        for citation in states()["citations"]:
            status, source = _call(
                cluster,
                "web-a",
                "GET",
                f"/api/v1/desk/sources/{citation['source']['id']}/",
                user="editor",
            )
            assert status == 200 and len(source["snapshots"]) == 1, source
        assert len(server.requests) > len(paths)  # killed fetches were fetched again
