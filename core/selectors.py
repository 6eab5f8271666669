from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet

from core.models import AuditEvent, Notification, User, WorkerHeartbeat


def notification_list_unread(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


def audit_list_for(target: models.Model) -> QuerySet[AuditEvent]:
    """The history of one object. Callers show it only where the user may change the object."""
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False), target_id=str(target.pk)
    ).select_related("actor")


def api_token_exists(user: User) -> bool:
    from rest_framework.authtoken.models import Token

    return Token.objects.filter(user=user).exists()


def worker_last_seen(name: str = "celery") -> WorkerHeartbeat | None:
    return WorkerHeartbeat.objects.filter(name=name).first()


def notification_unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_list_for(user: User) -> QuerySet[Notification]:
    """The user's own notifications, newest first (nobody reads another's)."""
    return Notification.objects.filter(recipient=user).only("id", "title", "url", "created_at", "read_at", "kind")


def notification_preferences_of(user: User) -> dict[str, str]:
    from core.models import NotificationPreference

    return dict(NotificationPreference.objects.filter(user=user).values_list("kind", "frequency"))


def deliveries_overview(now: datetime | None = None) -> dict[str, Any]:
    """The operations page: each job's last runs, and per kind what was sent, failed, skipped and
    what is stuck, in a fixed number of queries."""
    from datetime import timedelta

    from django.db.models import Count
    from django.utils import timezone

    from core.models import Delivery, JobRun
    from core.notifications.delivery import stuck_after

    now = now or timezone.now()
    since = now - timedelta(days=7)
    per_kind: dict[str, dict[str, int]] = {}
    for row in (
        Delivery.objects.filter(updated_at__gte=since).values("kind", "state").annotate(n=Count("id")).order_by()
    ):
        per_kind.setdefault(row["kind"], {})[row["state"]] = row["n"]
    problems = (
        Delivery.objects.filter(
            Q(state=Delivery.State.FAILED, updated_at__gte=since)
            | Q(state=Delivery.State.SENDING, sending_at__lt=now - stuck_after())
            | Q(state=Delivery.State.PENDING, created_at__lt=now - stuck_after())
        )
        .select_related("subject_type", "recipient")
        .order_by("-updated_at")[:100]
    )
    return {
        "runs": [
            run
            for job in JobRun.objects.order_by().values_list("job", flat=True).distinct()
            for run in JobRun.objects.filter(job=job)[:5]
        ],
        "per_kind": sorted(per_kind.items()),
        "problems": list(problems),
    }
