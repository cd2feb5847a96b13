"""Authentication and secrets, each test written as the attack it stops.

1. Guessing passwords on the admin's login page: a lockout per user name and per address
   (django-axes), refused without hashing, with a cool-off.
2. Guessing API keys and staff tokens: failures are counted per address, and an address
   that had too many gets 429 before anything is looked up.
3. Weak passwords: refused by the command, the service and the admin's forms.
4. Staff API tokens: stored hashed, with an expiry, shown once.
5. A new webhook's signing secret: on the page, never in a cookie, the session or a log.
6. The embedded database and the demo logins: readable by the desk's user only, under
   ``FACTCHECK_VAR_DIR``.
"""

import hashlib
import importlib
import logging
import os
import stat
import subprocess
import sys
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.password_validation import validate_password
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.test import RequestFactory
from django.utils import timezone
from knox.models import AuthToken

from claims import demo
from factcheck.addresses import client_address
from partners import services as partner_services
from partners.models import Webhook
from tests import factories
from tests.helpers.api import api_client, token_for

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "anna-Passw0rt-for-tests"
ATTACKER = "10.66.0.1"
COLLEAGUE = "10.66.0.2"
PROXY = "10.0.0.10"
PROXY_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.fixture
def anna(db):
    return factories.desk_user("anna", role="editor", password=PASSWORD)


def _login(client, username: str, password: str, address: str = ATTACKER, **headers):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **headers,
    )


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _refused_as_locked(response) -> None:
    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.LOGIN_COOLOFF_MINUTES * 60)
    page = response.content.decode()
    assert 'id="login-form"' in page  # the login page, not a bare text
    assert "Too many failed logins for this user name or from your address" in page


@pytest.fixture
def hashing(monkeypatch) -> list[str]:
    """Every password hash computed or checked (the tests' hasher is MD5; production's
    costs about a second of CPU each)."""
    calls: list[str] = []
    real_verify, real_encode = MD5PasswordHasher.verify, MD5PasswordHasher.encode

    def verify(self, password, encoded):
        calls.append("verify")
        return real_verify(self, password, encoded)

    def encode(self, password, salt):
        calls.append("encode")
        return real_encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "verify", verify)
    monkeypatch.setattr(MD5PasswordHasher, "encode", encode)
    return calls


# --- 1. Brute force on the login page ------------------------------------------------------


def test_forty_wrong_passwords_then_the_right_one_is_refused(client, anna):
    for attempt in range(40):
        _login(client, "anna", f"guess-{attempt}")
    response = _login(client, "anna", PASSWORD)
    _refused_as_locked(response)
    assert not _logged_in(client)


def test_the_lockout_starts_at_the_limit(client, anna):
    assert settings.LOGIN_FAILURE_LIMIT == 5  # the documented default
    for attempt in range(4):
        response = _login(client, "anna", f"guess-{attempt}")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    _refused_as_locked(_login(client, "anna", "guess-5"))
    _refused_as_locked(_login(client, "anna", PASSWORD))
    assert not _logged_in(client)


def test_the_limit_and_cool_off_come_from_the_settings(client, anna, settings):
    settings.AXES_FAILURE_LIMIT = 2
    _login(client, "anna", "guess-1")
    assert _login(client, "anna", "guess-2").status_code == 429


def test_a_locked_out_attempt_hashes_no_password(client, anna, hashing):
    _login(client, "anna", "guess")
    assert hashing  # the spy sees the hashing of an ordinary attempt
    for attempt in range(4):
        _login(client, "anna", f"guess-{attempt}")
    hashing.clear()
    _refused_as_locked(_login(client, "anna", PASSWORD))
    _refused_as_locked(_login(client, "anna", "another guess"))
    _refused_as_locked(_login(client, "nobody-by-this-name", "guess"))  # same address
    assert hashing == []


def test_the_cool_off_ends_the_lockout(client, anna):
    for attempt in range(5):
        _login(client, "anna", f"guess-{attempt}")
    _refused_as_locked(_login(client, "anna", PASSWORD))
    # The cool-off counts from the last failure: move every failure past it.
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES + 1)
    )
    response = _login(client, "anna", PASSWORD)
    assert response.status_code == 302
    assert _logged_in(client)


def test_trying_again_while_locked_starts_the_wait_anew(client, anna):
    for attempt in range(5):
        _login(client, "anna", f"guess-{attempt}")
    minutes = settings.LOGIN_COOLOFF_MINUTES
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes - 1))
    _refused_as_locked(_login(client, "anna", "one more guess"))
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=2))
    _refused_as_locked(_login(client, "anna", PASSWORD))


def test_an_operator_can_lift_a_lockout(client, anna):
    for attempt in range(5):
        _login(client, "anna", f"guess-{attempt}")
    axes_reset(username="anna")  # also: manage.py axes_reset_username anna
    assert _login(client, "anna", PASSWORD).status_code == 302


def test_one_address_guessing_many_user_names_is_locked_out(client, anna):
    for attempt in range(5):
        _login(client, f"user-{attempt}", "guess")
    _refused_as_locked(_login(client, "anna", PASSWORD, address=ATTACKER))
    # Anna from her own address is not locked out: the lock is the attacker's address.
    assert _login(client, "anna", PASSWORD, address=COLLEAGUE).status_code == 302


def test_one_user_name_guessed_from_many_addresses_is_locked_out(client, anna):
    for attempt in range(5):
        _login(client, "anna", "guess", address=f"10.66.1.{attempt}")
    _refused_as_locked(_login(client, "anna", PASSWORD, address=COLLEAGUE))


def test_x_forwarded_for_is_ignored_when_not_behind_a_proxy(client, anna):
    assert settings.SECURE_PROXY_SSL_HEADER is None
    for attempt in range(5):
        _login(client, f"user-{attempt}", "guess", HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    _refused_as_locked(_login(client, "anna", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99"))


def test_behind_a_proxy_the_address_the_proxy_saw_counts(client, anna, settings):
    settings.SECURE_PROXY_SSL_HEADER = PROXY_HEADER
    # The attacker puts a new address into X-Forwarded-For each time; the proxy appends
    # the one it saw, which is what counts.
    for attempt in range(5):
        forwarded = f"198.51.100.{attempt}, 203.0.113.5"
        _login(client, f"user-{attempt}", "guess", address=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    locked = _login(client, "anna", PASSWORD, address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    _refused_as_locked(locked)
    # A colleague behind the same proxy is not locked out with the attacker.
    ok = _login(client, "anna", PASSWORD, address=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.7")
    assert ok.status_code == 302


def test_the_lockout_message_is_translated(client, anna):
    for attempt in range(5):
        _login(client, "anna", f"guess-{attempt}")
    response = _login(client, "anna", PASSWORD, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldungen" in response.content.decode()


@pytest.mark.parametrize(
    ("proxy", "trusted", "remote", "forwarded", "expected"),
    [
        # Not behind a proxy: whatever the client sends is ignored.
        (False, [], "192.0.2.1", "", "192.0.2.1"),
        (False, [], "192.0.2.1", "203.0.113.9", "192.0.2.1"),
        (False, [], "192.0.2.1", "203.0.113.9, 198.51.100.1", "192.0.2.1"),
        # Behind a proxy: the right-most entry, which our proxy wrote.
        (True, [], PROXY, "203.0.113.9", "203.0.113.9"),
        (True, [], PROXY, "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # forged left entry
        (True, [], PROXY, " 1.2.3.4 ,203.0.113.9 ", "203.0.113.9"),
        # Our own proxies further in are skipped.
        (True, ["10.0.0.0/8"], PROXY, "1.2.3.4, 203.0.113.9, 10.1.1.1", "203.0.113.9"),
        # Only our proxies: the furthest hop they reported.
        (True, ["10.0.0.0/8"], PROXY, "10.2.2.2, 10.1.1.1", "10.2.2.2"),
        # No header (a health check from inside): the peer.
        (True, [], PROXY, "", PROXY),
        # A client's garbage left of what the proxy wrote stops the walk.
        (True, ["10.0.0.0/8"], PROXY, "<script>, 10.1.1.1", "10.1.1.1"),
        (True, [], PROXY, "not-an-address", PROXY),
        # IPv6, and IPv4 written as IPv6.
        (True, [], PROXY, "2001:db8::0:1", "2001:db8::1"),
        (True, [], PROXY, "::ffff:203.0.113.9", "203.0.113.9"),
    ],
)
def test_client_address(settings, proxy, trusted, remote, forwarded, expected):
    settings.SECURE_PROXY_SSL_HEADER = PROXY_HEADER if proxy else None
    settings.TRUSTED_PROXY_NETWORKS = trusted
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)
    assert client_address(request) == expected


# --- 2. Guessing API keys and staff tokens ---------------------------------------------------


@pytest.fixture
def partner_key(db) -> str:
    return partner_services.partner_key_create(name="Partner")[1]


def _partner_get(key: str, address: str, **headers):
    client = api_client(f"Api-Key {key}")
    return client.get("/api/v1/ratings/", REMOTE_ADDR=address, **headers)


def _desk_get(token: str, address: str, **headers):
    client = api_client(f"Token {token}")
    return client.get("/api/v1/desk/articles/", REMOTE_ADDR=address, **headers)


def _throttled(response) -> None:
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= settings.API_AUTH_FAILURE_MINUTES * 60
    body = response.json()
    assert body["error"] == "throttled"
    assert body["message"].startswith(
        "Too many failed attempts with API keys or tokens from your address. Expected available in "
    )


def test_guessing_partner_keys_is_stopped_per_address(partner_key, django_assert_num_queries):
    limit = settings.API_AUTH_FAILURE_LIMIT
    assert limit == 20  # the documented default
    for attempt in range(limit):
        guess = f"abcdefgh.{attempt:032d}"
        assert _partner_get(guess, ATTACKER).status_code == 401
    with django_assert_num_queries(0):  # refused before any key is looked up
        _throttled(_partner_get("abcdefgh.guessguessguessguessguessguess12", ATTACKER))
        _throttled(_partner_get(partner_key, ATTACKER))  # even a valid key
    assert _partner_get(partner_key, COLLEAGUE).status_code == 200


def test_guessing_staff_tokens_is_stopped_per_address(anna, django_assert_num_queries):
    token = token_for(anna)
    for attempt in range(settings.API_AUTH_FAILURE_LIMIT):
        assert _desk_get(f"{attempt:064x}", ATTACKER).status_code == 401
    with django_assert_num_queries(0):
        _throttled(_desk_get("f" * 64, ATTACKER))
        _throttled(_desk_get(token, ATTACKER))
    assert _desk_get(token, COLLEAGUE).status_code == 200
    # Staff tokens open the partner API too, and the same count applies there.
    _throttled(api_client(f"Token {token}").get("/api/v1/ratings/", REMOTE_ADDR=ATTACKER))


def test_keys_and_tokens_count_together_and_the_window_ends(partner_key, anna, monkeypatch):
    token = token_for(anna)
    for attempt in range(10):
        _partner_get(f"abcdefgh.{attempt:032d}", ATTACKER)
        _desk_get(f"{attempt:064x}", ATTACKER)
    _throttled(_partner_get(partner_key, ATTACKER))
    later = time.time() + settings.API_AUTH_FAILURE_MINUTES * 60
    monkeypatch.setattr("partners.api.throttling.time.time", lambda: later)
    assert _partner_get(partner_key, ATTACKER).status_code == 200
    assert _desk_get(token, ATTACKER).status_code == 200


def test_malformed_credentials_count_too(partner_key, settings):
    settings.API_AUTH_FAILURE_LIMIT = 3
    assert _partner_get("not a key", ATTACKER).status_code == 401
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION=b"Token \xff\xfe")
    assert client.get("/api/v1/desk/articles/", REMOTE_ADDR=ATTACKER).status_code == 401
    assert _desk_get("", ATTACKER).status_code == 401  # "Token" and nothing
    _throttled(_partner_get(partner_key, ATTACKER))


def test_x_forwarded_for_does_not_reset_the_api_count(partner_key, settings):
    settings.API_AUTH_FAILURE_LIMIT = 3
    for attempt in range(3):
        _partner_get("abcdefgh.wrong", ATTACKER, HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}")
    _throttled(_partner_get(partner_key, ATTACKER, HTTP_X_FORWARDED_FOR="198.51.100.99"))


# --- 3. Weak passwords ---------------------------------------------------------------------


def test_create_desk_user_refuses_a_weak_password(db):
    with pytest.raises(CommandError) as refused:
        call_command("create_desk_user", "mallory", "--role", "editor", "--password", "1")
    assert "This password is too short. It must contain at least 8 characters." in str(
        refused.value
    )
    assert "This password is entirely numeric." in str(refused.value)
    assert not get_user_model().objects.filter(username="mallory").exists()


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("mallory", "password", "This password is too common."),
        ("mallory", "12345678901", "This password is entirely numeric."),
        ("anna.schmidt", "anna.schmidt1", "The password is too similar to the username."),
    ],
)
def test_the_service_applies_the_password_validators(db, username, password, message):
    from claims import services
    from claims.errors import InvalidInput

    with pytest.raises(InvalidInput, match=message):
        services.desk_user_create(username=username, role="editor", password=password)


@pytest.fixture
def admin_client_root(client, db):
    root = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    return client


def test_the_admin_refuses_a_weak_password_for_a_new_user(admin_client_root):
    response = admin_client_root.post(
        "/admin/auth/user/add/",
        {"username": "mallory", "usable_password": "true", "password1": "1", "password2": "1"},
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    assert not get_user_model().objects.filter(username="mallory").exists()


def test_the_admin_refuses_a_weak_password_change(admin_client_root, anna):
    response = admin_client_root.post(
        f"/admin/auth/user/{anna.pk}/password/",
        {"password1": "password", "password2": "password", "usable_password": "true"},
    )
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    anna.refresh_from_db()
    assert anna.check_password(PASSWORD)


def test_the_demo_passwords_pass_the_validators(db):
    result = demo.demo_load()
    logins = dict(result.logins)
    assert set(logins) == {"checker", "editor"}
    for username, password in logins.items():
        validate_password(password, get_user_model().objects.get(username=username))


# --- 4. Staff API tokens ---------------------------------------------------------------------


def _create_api_token(*args: str) -> tuple[str, str]:
    out = StringIO()
    call_command("create_api_token", *args, stdout=out)
    return out.getvalue(), out.getvalue().splitlines()[-1]


def test_the_token_is_shown_once_and_stored_as_a_hash(anna):
    output, token = _create_api_token("anna")
    assert len(token) == 64
    row = AuthToken.objects.get(user=anna)
    assert row.digest == hashlib.sha512(token.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM knox_authtoken")
        stored = cursor.fetchall()
    assert token not in repr(stored)  # only a hash and the first characters
    assert _desk_get(token, COLLEAGUE).status_code == 200
    assert output.count(token) == 1


def test_a_token_expires(anna):
    _output, token = _create_api_token("anna", "--days", "2")
    row = AuthToken.objects.get(user=anna)
    assert abs(row.expiry - (timezone.now() + timedelta(days=2))) < timedelta(minutes=1)
    assert _desk_get(token, COLLEAGUE).status_code == 200
    AuthToken.objects.filter(pk=row.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    response = _desk_get(token, COLLEAGUE)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert not AuthToken.objects.filter(pk=row.pk).exists()  # expired tokens are deleted


def test_tokens_last_ninety_days_by_default(anna):
    _create_api_token("anna")
    row = AuthToken.objects.get(user=anna)
    assert abs(row.expiry - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["outsider"], "outsider is not an active staff user"),
        (["inactive"], "inactive is not an active staff user"),
        (["nobody"], "There is no user nobody."),
        (["anna", "--days", "0"], "A token is valid for 1 to 3650 days, not 0."),
    ],
)
def test_tokens_are_for_active_staff_only(anna, args, message):
    factories.UserFactory(username="outsider", is_staff=False)
    factories.UserFactory(username="inactive", is_staff=True, is_active=False)
    with pytest.raises(CommandError, match=message):
        _create_api_token(*args)
    assert not AuthToken.objects.exists()


def test_plain_text_tokens_are_gone(db):
    assert "rest_framework.authtoken" not in settings.INSTALLED_APPS
    with pytest.raises(CommandError, match="Unknown command"):
        call_command("drf_create_token", "anna")


def test_the_admin_cannot_make_a_token_that_would_travel_in_a_cookie(admin_client_root):
    assert admin_client_root.get("/admin/knox/authtoken/add/").status_code == 403


def test_an_old_plain_text_token_is_hashed_by_the_migration_and_keeps_working(anna):
    migration = importlib.import_module("newsdesk.migrations.0001_staff_tokens_hashed")
    old_key = "0123456789abcdef0123456789abcdef01234567"  # DRF's format: 40 hex digits
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamp with time zone NOT NULL, user_id integer NOT NULL)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, now(), %s)", [old_key, anna.pk])
    from django.apps import apps

    with connection.schema_editor() as editor:
        migration.hash_plain_text_tokens(apps, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    row = AuthToken.objects.get(user=anna)
    assert row.digest != old_key and old_key not in row.digest
    assert row.expiry > timezone.now() + timedelta(days=89)
    assert _desk_get(old_key, COLLEAGUE).status_code == 200


# --- 5. A webhook's signing secret ---------------------------------------------------------


def test_a_new_webhooks_secret_is_on_the_page_and_nowhere_else(admin_client_root, caplog):
    caplog.set_level(logging.DEBUG)
    key_row, _key = partner_services.partner_key_create(name="Partner")
    response = admin_client_root.post(
        "/admin/partners/webhook/add/",
        {
            "partner_key": key_row.pk,
            "url": "https://partner.example/hook",
            "events": '["published", "retracted"]',
            "active": "on",
            "_save": "Save",
        },
    )
    webhook = Webhook.objects.get()
    secret = webhook.secret
    assert response.status_code == 200  # the page itself, not a redirect
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]

    # No cookie holds it, also not compressed inside the signed messages cookie.
    for morsel in [*response.cookies.values(), *admin_client_root.cookies.values()]:
        assert secret not in morsel.value
        if morsel.key == CookieStorage.cookie_name and morsel.value:
            request = RequestFactory().get("/")
            stored = CookieStorage(request)._decode(morsel.value) or []
            assert all(secret not in str(message) for message in stored)
    # No session holds it.
    for session in Session.objects.all():
        assert secret not in repr(session.get_decoded())
    assert secret not in repr(dict(admin_client_root.session))
    # No log line holds it.
    assert secret not in caplog.text
    # The next page does not show it again through a message.
    following = admin_client_root.get("/admin/partners/webhook/")
    assert secret not in following.content.decode()


# --- 6. File modes and places --------------------------------------------------------------


def _embedded_env(var_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "FACTCHECK_VAR_DIR"}
    }
    env["FACTCHECK_VAR_DIR"] = str(var_dir)
    env["DEBUG"] = "true"
    env.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    return env


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


WRITE_A_ROW = (
    "import django; django.setup(); from django.db import connection; "
    "c = connection.cursor(); c.execute('CREATE TABLE t (x integer)'); "
    "c.execute('INSERT INTO t VALUES (1)')"
)


def test_the_embedded_database_is_readable_by_its_user_only(tmp_path):
    var = tmp_path / "var"
    result = subprocess.run(
        [sys.executable, "-c", WRITE_A_ROW],
        cwd=ROOT,
        env=_embedded_env(var),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert _mode(var) == 0o700  # made by the settings for the embedded default
    files = sorted(var.glob("desk.sqlite3*"))
    assert var / "desk.sqlite3" in files
    assert {path.name: _mode(path) for path in files} == {path.name: 0o600 for path in files}


def test_an_existing_world_readable_database_is_tightened(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    (var / "desk.sqlite3").touch(mode=0o644)
    (var / "desk.sqlite3").chmod(0o644)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=_embedded_env(var),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert _mode(var / "desk.sqlite3") == 0o600


def test_desk_start_keeps_the_demo_logins_private_under_the_var_dir(tmp_path):
    var = tmp_path / "elsewhere"
    repo_logins = ROOT / "var" / "demo-logins.txt"
    before = repo_logins.stat().st_mtime_ns if repo_logins.exists() else None
    # What ./desk start does before it execs runserver.
    result = subprocess.run(
        [str(ROOT / "desk"), "setup-demo"],
        cwd=ROOT,
        env=_embedded_env(var),
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    logins = var / "demo-logins.txt"
    assert _mode(logins) == 0o600
    assert "Demo login: checker / " in logins.read_text()
    assert _mode(var / "desk.sqlite3") == 0o600
    assert "Demo login" not in result.stdout  # printed by ./desk start, from the file
    after = repo_logins.stat().st_mtime_ns if repo_logins.exists() else None
    assert after == before  # nothing written into the repository's var/
    assert not (var / "load_demo.log").exists()
