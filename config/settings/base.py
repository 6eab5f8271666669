"""Settings shared by every environment, read from the environment (django-environ).

Secrets may also come from files: set ``SECRET_KEY_FILE`` (or any ``<NAME>_FILE``) to a path and
the value is read from there, so container secrets never appear in the process environment.
"""

from __future__ import annotations

import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("ROUNDTABLE_VAR_DIR", BASE_DIR / "var"))

env = environ.Env()


def env_or_file(name: str, default: str | None = None) -> str | None:
    """Read ``name`` from the environment, or from the file named by ``<name>_FILE``."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env_or_file("SECRET_KEY") or ""
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The portal's public address: absolute links in e-mails, calendar files and PDFs are built from it.
SITE_URL: str = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Apps -----------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "pgtrigger",
]
# Order matters for ``seed_demo``: each app's demo data may build on the apps listed before it.
LOCAL_APPS = [
    "core",
    "stakeholders",
    "coordination",
    "actionplans",
    "infosharing",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "core.middleware.RequestIdMiddleware",
    "core.middleware.StaffTwoFactorMiddleware",
]

# Content-Security-Policy (core.middleware.ContentSecurityPolicyMiddleware): the pages use only the
# vendored assets under /static/ (no CDN, no inline script or style; htmx's indicator styles are in
# app.css). data: images for the two-factor QR code. The API docs' third-party pages need more.
# Style attributes (a chart's computed height, a few layout tweaks) stay allowed: style-src-attr
# only, never <style> elements or any script.
_CSP_BASE = "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
CONTENT_SECURITY_POLICY = (
    f"{_CSP_BASE}; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:"
)
CONTENT_SECURITY_POLICY_PATHS = {
    # Swagger UI (its script is served from the split view's own URL) has one inline <style>.
    "/api/docs/": f"{_CSP_BASE}; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
    # Redoc styles itself inline and runs a worker from a blob: URL (templates/drf_spectacular/redoc.html).
    "/api/redoc/": f"{_CSP_BASE}; script-src 'self' blob:; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:",
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    }
]

# --- Data -----------------------------------------------------------------------------------
DATABASES: dict[str, dict[str, Any]] = {
    "default": environ.Env.db_url_config(env_or_file("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'roundtable.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
elif "postgresql" in DATABASES["default"]["ENGINE"] and env.bool("DATABASE_JIT_OFF", default=True):
    # PostgreSQL's JIT compiles plans whose estimated cost is high, which permission-filtered page
    # queries at a million rows often are: compiling took 300 ms of a 0.5 ms query ("my actions",
    # ADR 0010). Short web queries never gain from it.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_or_file("REDIS_URL")
# Short socket timeouts: a Redis that hangs costs a request one second, not a worker's lifetime.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=1.0)
if REDIS_URL:
    # Errors are misses (core/cache.py): pages, the API and its throttles keep serving without Redis.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_timeout": REDIS_SOCKET_TIMEOUT, "socket_connect_timeout": REDIS_SOCKET_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Accounts are created by coordinators and admins, not by open sign-up.
ACCOUNT_ADAPTER = "core.adapters.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
# Failed sign-ins lock the account (key: the e-mail address) and the client address, as the
# trusted proxies report it (core.http.client_ip): behind a load balancer, one client's failures
# do not lock everyone out. TRUSTED_PROXIES: addresses or networks of the load balancers.
TRUSTED_PROXIES: list[str] = env.list("TRUSTED_PROXIES", default=[])
TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network(proxy, strict=False) for proxy in TRUSTED_PROXIES]
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/5m/ip,5/5m/key",
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
ACCOUNT_PREVENT_ENUMERATION = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Roundtable"
# Staff must enrol a second factor before using the portal (relaxed only in the demo).
ROUNDTABLE_REQUIRE_STAFF_MFA = env.bool("ROUNDTABLE_REQUIRE_STAFF_MFA", default=True)

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=int(timedelta(hours=8).total_seconds()))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# Sessions live in the database, never only in Redis: signed-in users stay signed in while Redis is
# down, and a sign-out during an outage cannot be undone by a stale cached copy (ADR 0012).
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Email ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="filemail://" + str(VAR_DIR / "mail"))
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)  # seconds: a hung SMTP server never holds a worker
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Roundtable <no-reply@roundtable.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- I18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("bn", _("Bengali")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("mk", _("Macedonian")),
    ("sq", _("Albanian")),
    ("sw", _("Swahili")),
    ("ur", _("Urdu")),
]
# A signed-in user's ``language`` (profile) wins over the cookie and the browser for pages
# (core.middleware.UserLanguageMiddleware); API clients choose by Accept-Language.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Papers attached to agenda items, minutes and committees: outside MEDIA_ROOT, served only through
# the permission check (coordination/papers.py). The scanner is a dotted path to a callable
# ``scan(file, name) -> reason | None`` (for example a ClamAV client); empty: no scan.
ROUNDTABLE_PAPERS_ROOT = Path(env("PAPERS_ROOT", default=str(VAR_DIR / "papers")))
ROUNDTABLE_PAPER_MAX_BYTES = env.int("PAPER_MAX_BYTES", default=20 * 1024 * 1024)
ROUNDTABLE_PAPER_SCANNER = env("PAPER_SCANNER", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Shared-item attachments: outside MEDIA_ROOT, no public URL; served only by a permission-checked view.
    "infosharing": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "protected" / "infosharing"), "base_url": None},
    },
}
INFOSHARING_ATTACHMENT_MAX_BYTES = env.int("INFOSHARING_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.TokenAuthentication",  # first: unauthenticated calls get 401
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.DefaultPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"user": env("API_RATE_USER", default="2000/hour"), "anon": "60/hour"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Roundtable API",
    "DESCRIPTION": "Coordination of local prevention networks: registry, committees, action plans "
    "and information sharing. Every list contains only what the caller may see; objects the caller "
    "may not see answer 404.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for one choice set used by several fields (the TLP labels).
    "ENUM_NAME_OVERRIDES": {"TlpLabelEnum": "infosharing.models.TLP"},
}

# --- Background jobs ------------------------------------------------------------------------
# With REDIS_URL the broker is Redis; without it (the embedded default) kombu's filesystem
# transport lets a single worker with embedded beat run every periodic job, no service needed.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_DIR = VAR_DIR / "celery"
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# The longest time limit any task declares (a test checks every registered task against it).
CELERY_LONGEST_TASK_TIME_LIMIT = 600
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = (
    {
        # An unacknowledged task is redelivered soon after the longest a task may run, not an hour
        # later (a killed worker's tasks come back in minutes).
        "visibility_timeout": CELERY_LONGEST_TASK_TIME_LIMIT + 60,
        "socket_timeout": 5,
        "socket_connect_timeout": 5,
        "retry_on_timeout": True,
    }
    if REDIS_URL
    else {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged when it finished, and handed back when its process was killed: a crash
# re-runs the task (every task is idempotent), never drops it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_TIMEOUT = 5
# Publishing from a request gives up quickly while the broker is down (the commit is kept and the
# notifications job's sweep does the work later).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = TIME_ZONE
# The reviewed list of periodic jobs. Every job is idempotent: a retry or a catch-up run after
# downtime never sends a reminder twice.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "record-worker-heartbeat": {"task": "core.tasks.record_worker_heartbeat_task", "schedule": 60.0},
    "clear-expired-sessions": {"task": "core.tasks.clear_expired_sessions_task", "schedule": 3600.0},
    # Every registered reminder of every app, the sweep and the digests (core/notifications).
    "send-notifications": {"task": "core.tasks.send_notifications_task", "schedule": 300.0},
    "purge-stale-imports": {"task": "stakeholders.tasks.purge_stale_imports_task", "schedule": 3600.0},
    "refresh-people-directory": {"task": "stakeholders.tasks.directory_refresh_due_task", "schedule": 3600.0},
    "expire-information-items": {"task": "infosharing.tasks.expire_information_items_task", "schedule": 3600.0},
    "propose-overdue-actions": {"task": "actionplans.tasks.propose_overdue_actions_task", "schedule": 3600.0 * 6},
}

# --- Logging --------------------------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.logging.RequestIdFilter"},
        "redact_secrets": {"()": "core.logging.RedactSecretsFilter"},
    },
    "formatters": {
        "json": {"()": "core.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("LOG_FORMAT", default="json"),
            "filters": ["request_id", "redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.security": {"level": "WARNING"},
    },
}

ROUNDTABLE_SITE_NAME = "Roundtable"

# --- Notifications (ADR 0012) -------------------------------------------------------------------
NOTIFY_STUCK_AFTER = env.int("NOTIFY_STUCK_AFTER", default=CELERY_TASK_TIME_LIMIT * 2)  # seconds "sending"
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=5)
# Outcomes of a batch of e-mails are written together, at least this often (seconds of sending).
NOTIFY_FLUSH_SECONDS = env.float("NOTIFY_FLUSH_SECONDS", default=1.0)
NOTIFY_DIGEST_HOUR = env.int("NOTIFY_DIGEST_HOUR", default=7)  # local time of each recipient
NOTIFY_MINUTES_DUE_AFTER_DAYS = env.int("NOTIFY_MINUTES_DUE_AFTER_DAYS", default=3)
NOTIFY_MINUTES_APPROVAL_AFTER_DAYS = env.int("NOTIFY_MINUTES_APPROVAL_AFTER_DAYS", default=14)
NOTIFY_ESCALATE_AFTER_DAYS = env.int("NOTIFY_ESCALATE_AFTER_DAYS", default=14)
FORMS_URLFIELD_ASSUME_HTTPS = True
