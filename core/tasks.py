from celery import shared_task
from django.core.management import call_command

from core.services import worker_heartbeat_record


@shared_task(name="core.tasks.record_worker_heartbeat_task", time_limit=30, soft_time_limit=20)
def record_worker_heartbeat_task() -> None:
    worker_heartbeat_record(name="celery")


@shared_task(name="core.tasks.clear_expired_sessions_task", time_limit=300, soft_time_limit=270)
def clear_expired_sessions_task() -> None:
    call_command("clearsessions")


@shared_task(name="core.tasks.send_invitation_task", time_limit=60, soft_time_limit=50)
def send_invitation_task(user_id: int, invited_by_id: int | None, base_url: str) -> None:
    from core.models import User
    from core.services import invitation_send

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return  # deactivated meanwhile, or already set a password: nothing to send
    invited_by = User.objects.filter(pk=invited_by_id).first() if invited_by_id else None
    invitation_send(user=user, invited_by=invited_by, base_url=base_url)


@shared_task(name="core.tasks.send_notifications_task", time_limit=300, soft_time_limit=270)
def send_notifications_task() -> dict[str, object]:
    """The periodic notifications job: sweep what was lost or stuck, scan every registered reminder
    for what is due, send, then the digests whose local time has come (ADR 0012)."""
    from core.notifications.jobs import run

    return run()


@shared_task(name="core.tasks.deliver_notifications_task", time_limit=300, soft_time_limit=270)
def deliver_notifications_task() -> dict[str, int]:
    """Send recorded deliveries now (queued after the commit of an event; the periodic job sends
    them anyway if this message is lost)."""
    from core.notifications import deliver_pending

    return deliver_pending()
