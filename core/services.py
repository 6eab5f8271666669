"""Writes of the shared plumbing: audit records, account life cycle, notifications, API tokens."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from core.models import AuditEvent, Delivery, Notification, User
from core.permissions import require


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    changes: dict[str, Any] | None = None,
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


def reject_unknown_fields(model: type[models.Model], data: Mapping[str, Any], fields: tuple[str, ...]) -> None:
    """A field the service does not take is an error: a caller's typo must not be silently dropped."""
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise TypeError(f"{model.__name__} has no writable field(s) {', '.join(unknown)}")


def assign_fields(instance: models.Model, data: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, list[Any]]:
    """Set ``data`` on ``instance`` (a service's writable ``fields`` only) and return what changed
    (``changed_fields``; nothing for a new row). A field the service does not take is an error: a
    caller's typo must not be silently dropped."""
    reject_unknown_fields(type(instance), data, fields)
    changes = changed_fields(instance, dict(data)) if instance.pk else {}
    for name, value in data.items():
        setattr(instance, name, value)
    return changes


def user_sessions_end(*, user: User) -> int:
    """End every session of ``user`` at once (sessions are tracked per user at sign-in)."""
    from allauth.usersessions.models import UserSession

    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    return len(sessions)


@transaction.atomic
def user_credentials_revoke(*, user: User, reason: str, actor: User | None = None) -> int:
    """End every credential that outlives a sign-in: the API token, and the rows of any model that
    declares ``revoked_with_credentials = True`` and has a ``user`` foreign key (the calendar feed
    token, in coordination; core imports no app). Called when the password changes and when the
    account is deactivated, so a re-activated account starts with no working token. Returns how
    many were revoked."""
    revoked, _deleted = Token.objects.filter(user=user).delete()
    for model in apps.get_models():
        if getattr(model, "revoked_with_credentials", False):
            deleted, _kinds = model._default_manager.filter(user=user).delete()
            revoked += deleted
    if revoked:
        audit_record(actor=actor or user, action="user.credentials_revoke", target=user, reason=reason)
    return revoked


@transaction.atomic
def user_deactivate(*, actor: User, user: User, reason: str) -> User:
    require(actor.is_platform_admin, _("Only a platform admin may deactivate accounts."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    user_credentials_revoke(actor=actor, user=user, reason=reason)
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


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read: all of them, or those ``ids`` (only ever their own)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def notification_preferences_set(*, user: User, frequencies: dict[str, str]) -> None:
    """Set how the user receives each kind (kinds not named keep their setting)."""
    from core.models import Frequency, NotificationPreference
    from core.notifications import configurable_kinds

    known = {k.kind for k in configurable_kinds()}
    for kind, frequency in frequencies.items():
        if kind not in known or frequency not in Frequency.values:
            raise ValidationError({kind: _("Choose one of the offered frequencies.")})
        NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"frequency": frequency})


@transaction.atomic
def notification_settings_save(*, user: User, frequencies: dict[str, str], time_zone: str, language: str) -> None:
    """The preferences page: every kind's frequency, the time zone and language, all or nothing."""
    notification_preferences_set(user=user, frequencies=frequencies)
    user_settings_update(user=user, time_zone=time_zone, language=language)


@transaction.atomic
def user_settings_update(*, user: User, time_zone: str, language: str) -> User:
    from core.timezones import validate_time_zone

    validate_time_zone(time_zone)
    user.time_zone, user.language = time_zone, language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["time_zone", "language"])
    return user


def user_language_set(*, user: User, language: str) -> User:
    """The language switcher, for a signed-in user: pages, e-mails and PDFs in ``language``."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the offered languages.")})
    user.language = language
    user.save(update_fields=["language"])
    return user


def delivery_retry(*, actor: User, delivery: Delivery) -> None:
    """A platform admin sends a failed or stuck delivery again (fresh attempts, same Message-ID)."""
    from core.notifications.delivery import retry

    require(actor.is_platform_admin, _("Only a platform admin may retry deliveries."))
    retry(delivery=delivery)
    audit_record(actor=actor, action="delivery.retry", target=delivery, reason=delivery.last_error[:500])


def worker_heartbeat_record(*, name: str) -> None:
    from core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"last_seen": timezone.now()})


@transaction.atomic
def user_get_or_invite(
    *, actor: User, email: str, full_name: str = "", base_url: str, time_zone: str = ""
) -> tuple[User, bool]:
    """The account for ``email``, opened (and invited by e-mail to set a password) if there is none.
    A new account starts in ``time_zone`` (the zone of the jurisdiction it is given a place in); its
    holder may change it on their profile.

    There is no public sign-up: accounts are opened by whoever gives someone a role. Callers check
    that ``actor`` may give that role *before* calling this.
    """
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid email address.")}) from None
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    # The site's zone is stored as blank: the account then follows the site's setting.
    user = User(
        email=email, full_name=full_name.strip()[:200], time_zone="" if time_zone == settings.TIME_ZONE else time_zone
    )
    user.set_unusable_password()
    user.save()
    audit_record(actor=actor, action="user.invite", target=user)
    from core.tasks import send_invitation_task

    # robust: a broker outage at this moment loses nothing, the notifications job's sweep sends it.
    transaction.on_commit(lambda: send_invitation_task.delay(user.pk, actor.pk, base_url), robust=True)
    return user, True


def invitation_send(*, user: User, invited_by: User | None, base_url: str) -> str:
    """E-mail a link to set a first password (a password-reset token, valid for a few days), once
    per account under the delivery guarantee (ADR 0012). Returns the delivery's state."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.urls import reverse

    from core.notifications import send_once
    from core.notifications.core_kinds import ACCOUNT_INVITATION
    from core.notifications.delivery import site_url

    def message(message_id: str) -> EmailMessage:
        path = reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
        )
        # The configured address (SITE_URL), as every e-mail link; the request's only without one.
        base = site_url() or base_url.rstrip("/")
        context = {"user": user, "invited_by": invited_by, "link": base + path}
        return EmailMessage(
            subject=render_to_string("core/email/invitation_subject.txt", context).strip(),
            body=render_to_string("core/email/invitation.txt", context),
            to=[user.email],
            headers={"Message-ID": message_id},
        )

    return send_once(
        kind=ACCOUNT_INVITATION,
        subject=user,
        recipient=user,
        recipient_key=f"user:{user.pk}",
        address=user.email,
        due_key="invite",
        make_message=message,
    )


def account_invitations_sweep(now: datetime) -> int:
    """Accounts opened but never invited (the publish after the commit failed): invite them now."""
    from core.notifications.core_kinds import ACCOUNT_INVITATION
    from core.notifications.delivery import site_url

    invited = Delivery.objects.filter(kind=ACCOUNT_INVITATION, subject_type=ContentType.objects.get_for_model(User))
    lost = User.objects.filter(
        is_active=True,
        last_login__isnull=True,
        password__startswith="!",
        date_joined__lt=now - timedelta(minutes=5),
        date_joined__gt=now - timedelta(days=7),
    ).exclude(pk__in=invited.values("subject_id"))[:200]
    count = 0
    for user in lost:
        event = AuditEvent.objects.filter(action="user.invite", target_id=str(user.pk)).select_related("actor").first()
        invitation_send(user=user, invited_by=event.actor if event else None, base_url=site_url())
        count += 1
    return count
