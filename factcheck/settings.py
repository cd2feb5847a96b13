"""Settings for the fact-checking desk.

Everything is read from the environment (see the configuration table in README.md).
With no environment at all the desk runs on the embedded default: SQLite under
``var/``, tasks in-process, a local-memory cache and files under ``var/``.
Production differs only by environment variables.
"""

import contextlib
import os
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

VAR_DIR = Path(env.str("FACTCHECK_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=True)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only for local runs on the embedded default; never used with DEBUG off.
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "rest_framework_api_key",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    # The desk's apps, lowest layer first: each imports only from those above it in this
    # list (checked by import-linter, see the README's "What is in it").
    "claims",
    "sources",
    "publishing",
    "intake",
    "partners",
    "newsdesk",
]

MIDDLEWARE = [
    # Repeated partner reads and cached public pages, answered with the bytes and headers
    # the whole stack below sent for them before (partners/api/middleware.py,
    # publishing/middleware.py): they must stay first.
    "partners.api.middleware.PartnerReadMiddleware",
    "publishing.middleware.PublicPageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads a body: 413/411 for bodies too large or without a length.
    "newsdesk.middleware.RequestBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

# Request bodies: the admin and the desk API take articles of up to 5 Mi characters, which
# may take up to 12 bytes each in a body (every character escaped in JSON, or an astral
# character percent-encoded in a form): 64 MiB admits every valid article. Other paths
# allow less (newsdesk/middleware.py), and an oversized body is a 413 naming the limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=64 * 1024 * 1024)

ROOT_URLCONF = "factcheck.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "factcheck.wsgi.application"

# --- Database -----------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'desk.sqlite3'}"),
}


def _private_database_file(path: Path) -> None:
    """Make the SQLite file readable by the desk's user only (it holds password hashes,
    webhook secrets and sessions): created with mode 600 before SQLite opens it (SQLite
    gives its -wal, -shm and -journal files the database file's mode), and an existing
    file from an older desk tightened to 600."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    for name in (path, *(path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal"))):
        # Gone: nothing to protect; another user's file: theirs to protect.
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if name.stat().st_mode & 0o077:
                name.chmod(0o600)


if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default must work in a fresh clone, where var/ does not exist yet.
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        _private_database_file(Path(DATABASES["default"]["NAME"]))
    # WAL lets the in-process task runner and the web requests read while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "factcheck.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "factcheck",
            "TIMEOUT": 300,
            # A Redis that does not answer must not hang requests (pages then do without).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "factcheck",
            "TIMEOUT": 300,
        }
    }

# --- Auth, i18n ---------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out login before the next backend hashes a password.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login lockout (django-axes): after LOGIN_FAILURE_LIMIT failed logins for one user name,
# or from one address, that name or address is refused until LOGIN_COOLOFF_MINUTES have
# passed since its last failure (failing again while locked starts the wait anew).
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_COOLOFF_MINUTES = env.int("LOGIN_COOLOFF_MINUTES", default=15)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks
AXES_CLIENT_IP_CALLABLE = "factcheck.addresses.client_address"
AXES_LOCKOUT_CALLABLE = "newsdesk.admin.auth.lockout_response"
# Not on: a successful login would clear the failures of its address too, so anyone with
# an account could reset the count between guesses at a colleague's password.
AXES_RESET_ON_SUCCESS = False
# Behind a proxy (SECURE_PROXY_SSL_HEADER): proxies of ours between the one in front and
# the desk, skipped when reading the client's address from X-Forwarded-For
# (factcheck/addresses.py). Comma-separated CIDRs.
TRUSTED_PROXY_NETWORKS = env.list("TRUSTED_PROXY_NETWORKS", default=[])

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="de")
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Berlin")
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security -------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Health checks come from inside the network, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    # Only behind a proxy that sets X-Forwarded-Proto and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- REST framework -------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "partners.api.authentication.StaffTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["partners.api.parsers.StrictJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "partners.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "partner": env.str("PARTNER_THROTTLE_RATE", default="600/minute"),
        "tips": env.str("TIPS_API_RATE", default="60/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-checking desk API",
    "VERSION": "1.0.0",
    # The description (auth, sync, webhooks) lives with the API: partners/api/schema.py.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "partners.api.schema.describe_api",
        "partners.api.schema.declare_stack_responses",
        "partners.api.schema.describe_text_rule",
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ClaimStatusEnum": "claims.models.Claim.Status",
        "PublicStatusEnum": "partners.api.serializers.PUBLIC_STATUS_CHOICES",
        # The source state keeps its name now that the inbox has a state of its own.
        "StateEnum": "sources.models.Source.State",
        "InboxStateEnum": "intake.models.InboxItem.State",
        "InboxKindEnum": "intake.models.InboxItem.Kind",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# Staff API tokens (django-rest-knox): stored as SHA-512 hashes, sent as
# "Authorization: Token <token>"; made by `manage.py create_api_token USER [--days N]`.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)
REST_KNOX = {"TOKEN_TTL": timedelta(days=API_TOKEN_DAYS), "AUTO_REFRESH": False}
# Failed API credentials (staff tokens, partner keys) per client address: after this many
# in a window of this many minutes, the address gets 429 until the window ends.
API_AUTH_FAILURE_LIMIT = env.int("API_AUTH_FAILURE_LIMIT", default=20)
API_AUTH_FAILURE_MINUTES = env.int("API_AUTH_FAILURE_MINUTES", default=10)
# Partner API keys (djangorestframework-api-key): read from "Authorization: Api-Key <key>",
# the library's default, so API_KEY_CUSTOM_HEADER stays unset on purpose.
# Webhook deliveries to partners: attempts in all, and the backoff between them (the
# longest delay stays below the broker's visibility timeout, see FETCH_RETRY_MAX_DELAY).
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=6)
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30.0)
WEBHOOK_RETRY_MAX_DELAY = env.float("WEBHOOK_RETRY_MAX_DELAY", default=3600.0)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)


# --- E-mail (notifications) -----------------------------------------------------------
# EMAIL_URL (django-environ's form: smtp://user:pw@host:25, smtp+tls://…:587 for
# STARTTLS, smtp+ssl://…:465 for TLS) or EMAIL_HOST with EMAIL_PORT, EMAIL_HOST_USER,
# EMAIL_HOST_PASSWORD and EMAIL_USE_TLS; without either, mails go to the console (the
# process's output). Django's MAILERS form (EMAIL_BACKEND and friends are deprecated).
def _mailer() -> dict:
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    timeout = env.int("EMAIL_TIMEOUT", default=10)
    if env.str("EMAIL_URL", default=""):
        url = env.email_url("EMAIL_URL")
        if url["EMAIL_BACKEND"] != smtp:  # consolemail://, filemail://, memorymail://
            return {"BACKEND": url["EMAIL_BACKEND"]}
        options = {
            "host": url.get("EMAIL_HOST", ""),
            "port": url.get("EMAIL_PORT") or 25,
            "username": url.get("EMAIL_HOST_USER") or "",
            "password": url.get("EMAIL_HOST_PASSWORD") or "",
            "use_tls": bool(url.get("EMAIL_USE_TLS")),
            "use_ssl": bool(url.get("EMAIL_USE_SSL")),
            "timeout": timeout,
        }
        return {"BACKEND": smtp, "OPTIONS": options}
    if env.str("EMAIL_HOST", default=""):
        options = {
            "host": env.str("EMAIL_HOST"),
            "port": env.int("EMAIL_PORT", default=587),
            "username": env.str("EMAIL_HOST_USER", default=""),
            "password": env.str("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env.bool("EMAIL_USE_TLS", default=True),
            "timeout": timeout,
        }
        return {"BACKEND": smtp, "OPTIONS": options}
    return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}


MAILERS = {"default": _mailer()}
# Without a mail server the desk's notifications stay in the desk and their e-mails go to
# the log: a choice, not a mistake, so Django's deploy check (mail.E001: a development
# backend) is silenced for exactly that case. Set EMAIL_URL to send them.
SILENCED_SYSTEM_CHECKS = (
    ["mail.E001"]
    if MAILERS["default"]["BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    else []
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="desk@localhost")

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# No broker: tasks run in-process, right after the transaction that queued them commits.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
# The longest retry delay (FETCH_RETRY_MAX_DELAY) must stay below the visibility timeout,
# or Redis redelivers a delayed task to a second worker while the first still holds it.
FETCH_RETRY_MAX_DELAY = env.int("FETCH_RETRY_MAX_DELAY", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": FETCH_RETRY_MAX_DELAY * 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Celery's Django fixup closes every database connection before and after each task
# unless this is set: a new PostgreSQL connection per fetch, which cost PostgreSQL as much
# CPU as the fetch itself (bench/RESULTS-fetch.md). Kept instead, and Django's own rules
# (CONN_MAX_AGE, CONN_HEALTH_CHECKS) applied around every task in factcheck/celery.py.
CELERY_DB_REUSE_MAX = 1_000_000
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "factcheck.tasks.worker_heartbeat", "schedule": 30.0},
    "sweep-sources": {"task": "sources.tasks.source_sweep_task", "schedule": 60.0},
    "sweep-webhooks": {"task": "claims.tasks.webhook_sweep_task", "schedule": 60.0},
    # Changes outside the workflow (a speaker renamed) reach the DataFeed file hourly.
    "rebuild-datafeed": {
        "task": "partners.tasks.datafeed_build_task",
        "schedule": env.float("DATAFEED_REBUILD_SECONDS", default=3600.0),
    },
    # Intake (issue 15): watched feeds that are due, and article imports a lost message left.
    "poll-feeds": {"task": "intake.tasks.feeds_poll_due_task", "schedule": 60.0},
    "sweep-article-imports": {"task": "intake.tasks.article_import_sweep_task", "schedule": 60.0},
    "recheck-sources": {
        "task": "sources.tasks.source_recheck_task",
        "schedule": env.float("SOURCE_RECHECK_SWEEP_SECONDS", default=3600.0),
    },
    # Tips older than TIPS_RETENTION_DAYS are deleted (with their inbox entries) daily.
    "purge-tips": {"task": "intake.tasks.tips_purge_task", "schedule": 24 * 3600.0},
}

# --- The desk ---------------------------------------------------------------------------
FETCH_ALLOW_NETWORKS = env.list("FETCH_ALLOW_NETWORKS", default=[])
FETCH_MAX_ATTEMPTS = env.int("FETCH_MAX_ATTEMPTS", default=5)
FETCH_LEASE_SECONDS = env.int("FETCH_LEASE_SECONDS", default=120)
SOURCE_RECHECK_DAYS = env.float("SOURCE_RECHECK_DAYS", default=7.0)
# Evidence of every fetch (sources.evidence): a WARC file of what was exchanged, and a
# screenshot and PDF rendered by headless Chromium in the worker (on by default where
# Chromium is installed; SNAPSHOT_BROWSER=false turns it off).
SNAPSHOT_WARC = env.bool("SNAPSHOT_WARC", default=True)
CHROMIUM_PATH = env.str("CHROMIUM_PATH", default="/usr/bin/chromium")
# The worker's snapshot browser: Debian's chromium-headless-shell where it is installed
# (the same Chromium without the browser UI: less memory, issue 18), else CHROMIUM_PATH.
HEADLESS_SHELL_PATH = "/usr/lib/chromium/chromium-headless-shell"
SNAPSHOT_CHROMIUM_PATH = env.str(
    "SNAPSHOT_CHROMIUM_PATH",
    default=HEADLESS_SHELL_PATH if Path(HEADLESS_SHELL_PATH).is_file() else CHROMIUM_PATH,
)
SNAPSHOT_BROWSER = env.bool("SNAPSHOT_BROWSER", default=Path(SNAPSHOT_CHROMIUM_PATH).is_file())
SNAPSHOT_BROWSER_TIMEOUT = env.float("SNAPSHOT_BROWSER_TIMEOUT", default=15.0)
SNAPSHOT_BROWSER_MAX_PAGES = env.int("SNAPSHOT_BROWSER_MAX_PAGES", default=100)
# Intake (issue 15): articles added by URL and watched feeds.
# An imported page with less main text than this is "not an article" (an index, a login page).
INTAKE_MIN_ARTICLE_CHARS = env.int("INTAKE_MIN_ARTICLE_CHARS", default=400)
# New feed entries imported per poll at most (a feed's own limit overrides it).
INTAKE_FEED_MAX_ENTRIES = env.int("INTAKE_FEED_MAX_ENTRIES", default=20)
# Failed polls in a row after which a feed is paused (and the editors told).
INTAKE_FEED_PAUSE_AFTER = env.int("INTAKE_FEED_PAUSE_AFTER", default=5)
# The largest feed read, in bytes (a larger body is cut off by the fetcher, never parsed).
INTAKE_FEED_MAX_BYTES = env.int("INTAKE_FEED_MAX_BYTES", default=5 * 1024 * 1024)
# How long a web process trusts its copy of the public-cache generation: a cached page is
# then served from the process's memory, and a publication shows everywhere within this
# many seconds. 0: every request asks the shared cache.
PUBLIC_CACHE_LOCAL_SECONDS = env.float("PUBLIC_CACHE_LOCAL_SECONDS", default=1.0)
# The DataFeed file is built this many seconds after a publication, correction or
# retraction (more of them in the meantime: still one build).
DATAFEED_DEBOUNCE_SECONDS = env.float("DATAFEED_DEBOUNCE_SECONDS", default=10.0)
# Tips from readers (the public form) and partners (POST /api/v1/tips/): staff-only data.
# The longest text (and link) a tip may hold, in characters; form posts per client address
# ("N/second|minute|hour|day"; partner tips per key: TIPS_API_RATE in REST_FRAMEWORK); the
# days a tip is kept (then the daily purge deletes it with its inbox entry; 0: forever).
TIPS_MAX_LENGTH = env.int("TIPS_MAX_LENGTH", default=5000)
TIPS_FORM_RATE = env.str("TIPS_FORM_RATE", default="5/hour")
TIPS_RETENTION_DAYS = env.int("TIPS_RETENTION_DAYS", default=180)
FACTCHECK_ORG_NAME = env.str("FACTCHECK_ORG_NAME", default="Faktencheck-Desk")
FACTCHECK_ORG_URL = env.str("FACTCHECK_ORG_URL", default="http://localhost:8000/")
FACTCHECK_ALLOW_SELF_PUBLISH = env.bool("FACTCHECK_ALLOW_SELF_PUBLISH", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "factcheck.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("LOG_FORMAT", default="plain"),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler only works with DEBUG; one handler for all.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "trafilatura": {"level": "WARNING"},
        "htmldate": {"level": "WARNING"},
        # Failed logins and lockouts are warnings; its INFO lines are per request.
        "axes": {"level": "WARNING"},
    },
}
