"""Settings of the worker and beat processes the delivery tests start: the test database, the
test's own broker, and real SMTP to the test's sink."""

import os

from config.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ.get("TEST_SMTP_PORT", "25"))
EMAIL_USE_TLS = EMAIL_USE_SSL = False
EMAIL_HOST_USER = EMAIL_HOST_PASSWORD = ""
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = False
NOTIFY_STUCK_AFTER = int(os.environ.get("NOTIFY_STUCK_AFTER", "900"))
CELERY_BEAT_SCHEDULE = {
    "send-notifications": {
        "task": "core.tasks.send_notifications_task",
        "schedule": float(os.environ.get("TEST_BEAT_EVERY", "300")),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = os.environ.get("TEST_BEAT_FILE", CELERY_BEAT_SCHEDULE_FILENAME)  # noqa: F405
