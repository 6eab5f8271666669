from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

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
