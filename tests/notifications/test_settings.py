"""Celery configured for faults (ADR 0012)."""

from __future__ import annotations

from django.conf import settings


def test_tasks_are_acknowledged_late_and_handed_back_when_their_process_dies():
    from config.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert settings.EMAIL_TIMEOUT and settings.EMAIL_TIMEOUT <= 60


def test_no_task_may_run_longer_than_the_redelivery_window():
    """A task running past Redis's visibility timeout would be delivered to a second worker while
    the first still runs; a timeout far beyond the limits holds a killed worker's tasks for long."""
    from config.celery import app

    app.loader.import_default_modules()
    longest = settings.CELERY_LONGEST_TASK_TIME_LIMIT
    for name, task in app.tasks.items():
        if name.startswith("celery."):
            continue
        assert task.time_limit is not None, f"{name} has no time limit"
        assert task.time_limit <= longest, f"{name}: {task.time_limit}s > CELERY_LONGEST_TASK_TIME_LIMIT"
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    if settings.REDIS_URL:
        assert longest < options["visibility_timeout"] <= longest + 120
        assert options["socket_timeout"] and options["socket_connect_timeout"]


def test_sessions_never_depend_on_redis():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
