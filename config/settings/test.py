"""Test settings: the real PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set."""

import os

from .base import *  # noqa: F403

# Identifies this test run; inherited by the worker processes a test starts, so they share its
# database file and queue folder while another run on the same machine uses its own.
RUN_ID = os.environ.setdefault("ROUNDTABLE_TEST_RUN_ID", str(os.getpid()))

SECRET_KEY = "test-key-not-for-production"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ROUNDTABLE_REQUIRE_STAFF_MFA = False
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
LOGGING["handlers"]["console"]["formatter"] = "plain"  # noqa: F405
LOG_LEVEL = "WARNING"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"user": "100000/hour", "anon": "100000/hour"}  # noqa: F405

# A file, not memory, so that a real Celery worker started by a test sees the test database.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # One file per run, so that two runs on one machine do not share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-roundtable-{RUN_ID}.sqlite3")}  # noqa: F405
if not REDIS_URL:  # noqa: F405
    CELERY_BROKER_TRANSPORT_OPTIONS = {  # keep test tasks out of a running portal's queue
        "data_folder_in": str(VAR_DIR / f"test-celery-{RUN_ID}" / "queue"),  # noqa: F405
        "data_folder_out": str(VAR_DIR / f"test-celery-{RUN_ID}" / "queue"),  # noqa: F405
        "processed_folder": str(VAR_DIR / f"test-celery-{RUN_ID}" / "processed"),  # noqa: F405
        "control_folder": str(VAR_DIR / f"test-celery-{RUN_ID}" / "control"),  # noqa: F405
        "store_processed": False,
    }
ROUNDTABLE_PAPERS_ROOT = VAR_DIR / f"test-papers-{RUN_ID}"  # noqa: F405
