"""The embedded default: SQLite, no Redis, e-mails written to files, demo-friendly."""

from .base import *  # noqa: F403
from .base import env

# DEBUG off by default, so `make run` shows the portal's own 403/404/500 pages (DJANGO_DEBUG=true
# for Django's technical pages); WhiteNoise serves the static files straight from the apps' folders.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SECRET_KEY = SECRET_KEY or "local-development-key-not-for-production"  # noqa: F405
ROUNDTABLE_REQUIRE_STAFF_MFA = env.bool("ROUNDTABLE_REQUIRE_STAFF_MFA", default=False)
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", default="plain")  # noqa: F405
