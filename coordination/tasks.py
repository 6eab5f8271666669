"""Background jobs of the coordination app. They take ids, call a service, and are idempotent."""

from celery import shared_task

from coordination import services


@shared_task(name="coordination.tasks.send_meeting_invitations_task", time_limit=300, soft_time_limit=240)
def send_meeting_invitations_task(meeting_id: int) -> int:
    """Send the meeting's invitations not sent yet (a retry never sends one twice)."""
    return services.invitations_send(meeting_id=meeting_id)
