"""An existing desk upgrades to the split apps with no data loss.

A PostgreSQL database is built and filled by the code as it was before the apps were split
(commit ``BEFORE``, taken from git): claims in every status, verdicts, corrections,
sources with snapshots, partner keys, webhooks with deliveries, a staff token. Then today's
code migrates it, and every row must be as it was, the partner models' content types and
permissions must have moved to the ``partners`` app, and every partner key must still
work. The staff token moved from DRF's plain-text table to knox's hashed one and works.
"""

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BEFORE = "84dd83c"  # main before the split into claims/sources/publishing/partners/newsdesk

pytestmark = pytest.mark.integration

# Rows that a migration may legitimately add to or relabel; compared separately below.
_NOT_COMPARED = {"django_migrations", "django_content_type", "auth_permission"}
# DRF's plain-text staff tokens were replaced by knox's hashed ones; logins are tracked by
# django-axes.
_DROPPED = {"authtoken_token"}
# Tables later migrations may add rows to (the desk groups gain the permissions of new
# models): every row they had is still there, unchanged.
_GROWN = {"auth_group_permissions"}
_ADDED = {
    "knox_authtoken",
    "axes_accessattempt",
    "axes_accessattemptexpiration",
    "axes_accessfailurelog",
    "axes_accesslog",
}


def _server() -> dict[str, object]:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail("the upgrade test needs PostgreSQL (DATABASE_URL)")
    return {
        "host": db["HOST"] or "127.0.0.1",
        "port": int(db["PORT"] or 5432),
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
    }


def _database_url(server: dict[str, object], name: str) -> str:
    password = f":{server['password']}" if server["password"] else ""
    return f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"


def _old_tree(target: Path) -> None:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", BEFORE],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        pytest.fail(f"git cannot produce commit {BEFORE}: {archive.stderr.decode()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")


def _manage(tree: Path, env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=tree,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"{args} in {tree}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _tables(conn: psycopg.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).fetchall()
    return [name for (name,) in rows]


def _dump(conn: psycopg.Connection) -> dict[str, dict[str, list]]:
    """Every row of every table, by table and column (columns in the table's order)."""
    dump = {}
    for table in _tables(conn):
        if table in _NOT_COMPARED:
            continue
        cursor = conn.execute(f'SELECT * FROM "{table}" ORDER BY 1')
        names = [column.name for column in cursor.description]
        rows = cursor.fetchall()
        dump[table] = {name: [row[i] for row in rows] for i, name in enumerate(names)}
    return dump


def _line(output: str, marker: str) -> dict:
    [line] = [line for line in output.splitlines() if line.startswith(marker + " ")]
    return json.loads(line[len(marker) + 1 :])


@pytest.fixture
def scratch_database():
    server = _server()
    name = f"factcheck_upgrade_{os.getpid()}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server, name
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_desk_from_before_the_split_migrates_with_every_row_and_key(scratch_database, tmp_path):
    server, name = scratch_database
    old = tmp_path / "before"
    _old_tree(old)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CELERY_BROKER_URL", "REDIS_URL", "FETCH_ALLOW_NETWORKS"}
    }
    env.update(
        DATABASE_URL=_database_url(server, name),
        DEBUG="true",
        FACTCHECK_VAR_DIR=str(tmp_path / "var"),
        PYTHONPATH="",
    )

    # The desk as it was: migrated and filled by the old code.
    _manage(old, env, "migrate", "--noinput", "-v", "0")
    filled = _line(
        _manage(old, env, "shell", stdin=(HERE / "fill_84dd83c.py").read_text()), "FILLED"
    )
    with psycopg.connect(dbname=name, **server) as conn:
        before = _dump(conn)
        types_before = dict(
            conn.execute("SELECT id, app_label || '.' || model FROM django_content_type")
        )
        permissions_before = set(
            conn.execute("SELECT id, content_type_id, codename FROM auth_permission")
        )
    assert len(before["claims_claim"]["id"]) == 4
    assert len(before["claims_webhookdelivery"]["id"]) == 6
    assert len(before["sources_snapshot"]["id"]) == 2

    # Today's code migrates it.
    _manage(ROOT, env, "migrate", "--noinput", "-v", "0")
    with psycopg.connect(dbname=name, **server) as conn:
        after = _dump(conn)
        types_after = dict(
            conn.execute("SELECT id, app_label || '.' || model FROM django_content_type")
        )
        permissions_after = set(
            conn.execute("SELECT id, content_type_id, codename FROM auth_permission")
        )
        migrated = {
            app for (app,) in conn.execute("SELECT DISTINCT app FROM django_migrations").fetchall()
        }

    # Every row of every table is still there, unchanged; no table lost or added but the
    # plain-text tokens and the new apps' tables.
    assert before.keys() - after.keys() == _DROPPED
    assert after.keys() - before.keys() >= _ADDED  # later migrations add tables too
    # Later migrations may add columns (snapshots gained their evidence): every column a
    # table had keeps every value.
    for table in before.keys() - _DROPPED:
        assert before[table].keys() <= after[table].keys(), table
        if table in _GROWN:
            names = list(before[table])
            rows_before = set(zip(*(before[table][n] for n in names), strict=True))
            rows_after = set(zip(*(after[table][n] for n in names), strict=True))
            assert rows_before <= rows_after, table
            continue
        for name, values in before[table].items():
            assert after[table][name] == values, (table, name)
    assert len(after["knox_authtoken"]["digest"]) == 1
    assert {"partners", "claims", "sources"} <= migrated

    # The partner models' content types moved (same ids), so their permissions did too.
    moved = {"partnerkey", "webhook", "webhookdelivery"}
    dropped_types = {
        type_id for type_id, label in types_before.items() if label.startswith("authtoken.")
    }
    assert dropped_types  # Token and TokenProxy
    for type_id, label in types_before.items():
        app, model = label.split(".")
        expected = f"partners.{model}" if app == "claims" and model in moved else label
        assert types_after.get(type_id) == (None if type_id in dropped_types else expected)
    kept_permissions = {p for p in permissions_before if p[1] not in dropped_types}
    assert kept_permissions <= permissions_after
    assert not {p for p in permissions_after if p[1] in dropped_types}
    assert "authtoken" not in migrated

    # Every key still opens the partner API (and the revoked one is still refused).
    env["UPGRADE_KEYS"] = json.dumps(filled)
    checked = _line(
        _manage(ROOT, env, "shell", stdin=(HERE / "check_upgraded.py").read_text()), "CHECKED"
    )
    assert checked["keys"] == {"Plattform": 200, "Zeitung": 200, "Alt": 401}
    assert checked["is_valid"] == {"Plattform": True, "Zeitung": True, "Alt": False}
    assert checked["claims"] == sorted(filled["public"])  # published and retracted
    assert checked["staff_token"] == 200
    assert checked["staff_token_rows"] == [["old-editor", False]]  # a hash, not the token
    assert checked["webhooks"] == 2
    assert checked["deliveries"] == 6
    assert {"add_partnerkey", "change_webhook", "view_webhookdelivery"} <= set(
        checked["permissions"]
    )
