"""The inbox at newsroom scale: its admin page and its desk API with 10,000 suggestions
against 100 (target: p50 ratio ≤ 1.5).

    .venv/bin/python bench/bench_inbox.py [--rounds 12] [--per-turn 5]

In-process, sequential (Django's test Client: service time without queueing), production
settings (DEBUG off), Redis db 10:

1. ``factcheck_bench_inbox`` (migrated): 36 published checks (the matching set's), a
   fact-checker signed in, one imported article and 100 open inbox items (a third of them
   repeating a published check, reasons, 50 outlets); copied to
   ``factcheck_bench_inbox_10k`` (CREATE DATABASE … TEMPLATE), which gets 9,900 more;
   ``VACUUM ANALYZE`` on both. Both are dropped at the end;
2. the sizes take turns in the same minutes (other work on the machine weighs on both
   sides alike): the connection is pointed at one database, one untimed request per page
   opens it, then ``--per-turn`` timed requests of the admin inbox's first page and of
   ``/api/v1/desk/inbox/``; then the other database; ``--rounds`` times. The median (p50)
   of all of a size's requests counts;
3. the queries per request at both sizes (they must be equal).

Prints each p50, the ratio, the target and OK or MISSED; exits 0 (a measurement).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SMALL, LARGE = 100, 10_000
TARGET = 1.5
REDIS_URL = "redis://127.0.0.1:6379/10"


def seed_items(article, claim_ids: list[int], start: int, count: int) -> None:
    from intake.models import InboxItem

    reasons = [["figure", "known_speaker", "direct_quote"], ["comparison", "indirect_speech"]]
    rows = []
    for n in range(start, start + count):
        matched = claim_ids[n % len(claim_ids)] if n % 3 == 0 else None
        rows.append(
            InboxItem(
                article=article,
                start=n * 3,
                end=n * 3 + 2,
                quote=f"Aussage Nummer {n}: die Zahl ist um {n % 90} Prozent gestiegen.",
                speaker_name=f"Sprecherin {n % 40}",
                language="de",
                outlet=f"Blatt {n % 50}",
                score=float((n * 7919) % 1000) / 100,
                reasons=reasons[n % 2] + (["repeat"] if matched else []),
                matched_claim_id=matched,
                match_score=0.8 if matched else None,
            )
        )
    InboxItem.objects.bulk_create(rows, batch_size=2000)


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE intake_inboxitem")


def use_database(name: str) -> None:
    from django.db import connections

    connection = connections["default"]
    connection.close()
    connection.settings_dict["NAME"] = name


def timed(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def queries(clients: dict, urls: dict) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counted = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as captured:
            clients[name].get(url)
        counted[name] = len(captured)
    return counted


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--per-turn", type=int, default=5)
    args = parser.parse_args()

    import psycopg

    from bench import harness
    from bench.bench_matching import load_published_claims, load_set

    small_db, large_db = "factcheck_bench_inbox", "factcheck_bench_inbox_10k"
    with harness.bench_database(small_db) as url:
        env = harness.production_env(
            url, REDIS_URL=REDIS_URL, ALLOWED_HOSTS="testserver,127.0.0.1,localhost"
        )
        harness.manage(env, "collectstatic", "--noinput", "-v", "0")
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connection
        from django.test import Client
        from django.urls import reverse
        from rest_framework.test import APIClient

        from claims.models import Article
        from claims.services import desk_user_create
        from intake.models import InboxItem

        user, _password = desk_user_create(username="bench-checker", role="fact-checker")
        claim_ids = list(load_published_claims(load_set()).values())
        article = Article.objects.create(
            title="Bench article", text="x" * (LARGE * 3 + 10), language="de", outlet="Blatt"
        )
        admin = Client()
        admin.force_login(user)  # the session row is copied with the database
        api = APIClient()
        api.force_login(user)
        seed_items(article, claim_ids, 0, SMALL)
        connection.close()
        with psycopg.connect(harness.PG_ADMIN_URL, autocommit=True) as admin_conn:
            admin_conn.execute(f'DROP DATABASE IF EXISTS "{large_db}" WITH (FORCE)')
            admin_conn.execute(f'CREATE DATABASE "{large_db}" TEMPLATE "{small_db}"')
        try:
            use_database(large_db)
            seed_items(article, claim_ids, SMALL, LARGE - SMALL)
            vacuum()
            use_database(small_db)
            vacuum()

            clients = {"admin page": admin, "desk API": api}
            urls = {
                "admin page": reverse("admin:intake_inboxitem_changelist"),
                "desk API": "/api/v1/desk/inbox/",
            }
            samples = {(size, name): [] for size in (SMALL, LARGE) for name in urls}
            counts = {}
            for number in range(args.rounds):
                sizes = [(SMALL, small_db), (LARGE, large_db)]
                for size, database in sizes if number % 2 == 0 else sizes[::-1]:
                    use_database(database)
                    for name, page in urls.items():
                        clients[name].get(page)  # opens the connection; untimed
                    if number == 0:
                        assert InboxItem.objects.filter(state="open").count() == size
                        counts[size] = queries(clients, urls)
                    for _ in range(args.per_turn):
                        for name, page in urls.items():
                            samples[(size, name)].append(timed(clients[name], page))
            use_database(small_db)
        finally:
            connection.close()
            with psycopg.connect(harness.PG_ADMIN_URL, autocommit=True) as admin_conn:
                admin_conn.execute(f'DROP DATABASE IF EXISTS "{large_db}" WITH (FORCE)')

        print()
        print("== bench_inbox ==")
        print(f"command: .venv/bin/python {' '.join(sys.argv)}")
        print(
            f"in-process, sequential; {args.rounds} rounds taking turns, {args.per_turn} "
            f"requests per page and size each; load average {os.getloadavg()[0]:.2f}"
        )
        for name in urls:
            small = statistics.median(samples[(SMALL, name)])
            large = statistics.median(samples[(LARGE, name)])
            ratio = large / small
            verdict = "OK" if ratio <= TARGET else "MISSED"
            print(
                f"{name:<11} p50 @{SMALL}: {small:.2f} ms, @{LARGE:,}: {large:.2f} ms; ratio "
                f"{ratio:.2f} (target ≤ {TARGET}) {verdict}; queries {counts[SMALL][name]} "
                f"@{SMALL}, {counts[LARGE][name]} @{LARGE:,}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
