from celery import shared_task
from django.core.management import call_command

from core.services import worker_heartbeat_record


@shared_task(name="core.tasks.record_worker_heartbeat_task", time_limit=30, soft_time_limit=20)
def record_worker_heartbeat_task() -> None:
    worker_heartbeat_record(name="celery")


@shared_task(name="core.tasks.clear_expired_sessions_task", time_limit=600, soft_time_limit=540)
def clear_expired_sessions_task() -> None:
    call_command("clearsessions")
