"""The embedded default: SQLite, no Redis, e-mails written to files, demo-friendly."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = SECRET_KEY or "local-development-key-not-for-production"  # noqa: F405
ROUNDTABLE_REQUIRE_STAFF_MFA = env.bool("ROUNDTABLE_REQUIRE_STAFF_MFA", default=False)
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", default="plain")  # noqa: F405
