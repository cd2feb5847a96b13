"""The settings contract: the embedded default, the services by URL, production refusals."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "db = s.DATABASES['default']; "
    "print(json.dumps({'db': db['ENGINE'], 'name': str(db['NAME']),"
    " 'cache': s.CACHES['default']['BACKEND'], 'eager': s.CELERY_TASK_ALWAYS_EAGER,"
    " 'broker': s.CELERY_BROKER_URL, 'media': str(s.MEDIA_ROOT), 'ssl': s.SECURE_SSL_REDIRECT}))"
)


def _probe(env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "HOME": "/tmp",
    }
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_no_environment_means_the_embedded_default():
    import json

    result = _probe({})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["db"] == "django.db.backends.sqlite3"
    assert values["name"].startswith(str(ROOT / "var"))
    assert values["cache"].endswith("LocMemCache")
    assert values["eager"] is True and values["broker"] == ""
    assert values["media"].startswith(str(ROOT / "var"))
    assert values["ssl"] is False


def test_urls_select_postgresql_redis_and_celery():
    import json

    result = _probe(
        {
            "DATABASE_URL": "postgres://u@127.0.0.1:5432/desk",
            "REDIS_URL": "redis://127.0.0.1:6379/1",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["db"] == "django.db.backends.postgresql"
    assert values["cache"] == "factcheck.cache.RedisCache"
    assert values["eager"] is False and values["broker"] == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "false", "ALLOWED_HOSTS": "desk.example"}, "SECRET_KEY must be set"),
        ({"DEBUG": "false", "SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS must be set"),
    ],
)
def test_production_refuses_to_start_without_secret_key_and_hosts(env, message):
    result = _probe(env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_pass_the_deploy_check():
    env = {
        "PATH": os.environ["PATH"],
        "HOME": "/tmp",
        "DEBUG": "false",
        "SECRET_KEY": "k" * 64 + "-production-like-secret-key-for-the-check",
        "ALLOWED_HOSTS": "desk.example",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
