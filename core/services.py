"""Writes of the shared plumbing: audit records, account life cycle, notifications, API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.models import AuditEvent, Notification, User
from core.permissions import require


def audit_record(
    *, actor: User | None, action: str, target: models.Model, changes: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        changes=changes or {},
        reason=reason,
    )


def changed_fields(instance: models.Model, data: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields ``data`` would change (values as strings)."""
    out: dict[str, list[Any]] = {}
    for name, new in data.items():
        old = getattr(instance, name)
        if old != new:
            out[name] = [None if old is None else str(old), None if new is None else str(new)]
    return out


def user_sessions_end(*, user: User) -> int:
    """End every session of ``user`` at once (database sessions are scanned by their decoded id)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def user_deactivate(*, actor: User, user: User, reason: str) -> User:
    require(actor.is_platform_admin, "Only a platform admin may deactivate accounts.")
    user.is_active = False
    user.save(update_fields=["is_active"])
    Token.objects.filter(user=user).delete()
    user_sessions_end(user=user)
    audit_record(actor=actor, action="user.deactivate", target=user, reason=reason)
    return user


@transaction.atomic
def api_token_reset(*, user: User) -> Token:
    """Replace the user's API token; the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit_record(actor=user, action="api_token.reset", target=user)
    return token


def notification_send(*, recipient: User, title: str, url: str = "") -> Notification:
    return Notification.objects.create(recipient=recipient, title=title[:255], url=url)


def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def worker_heartbeat_record(*, name: str) -> None:
    from core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"last_seen": timezone.now()})
