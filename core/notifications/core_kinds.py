"""The kinds core itself sends: digests, and account invitations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import Delivery, Frequency, Notification, User
from core.notifications.delivery import site_url
from core.notifications.registry import Content, Due, register_kind
from core.timezones import zone

DIGEST = "core.digest"


def digest_hour() -> int:
    return int(getattr(settings, "NOTIFY_DIGEST_HOUR", 7))


def digest_cutoff(user: User, frequency: str, now: datetime) -> datetime:
    """The latest digest time at or before ``now`` in the user's own zone (07:00 local every day,
    or on Mondays for the weekly digest)."""
    local = now.astimezone(zone(user.time_zone))
    cutoff = local.replace(hour=digest_hour(), minute=0, second=0, microsecond=0)
    if cutoff > local:
        cutoff -= timedelta(days=1)
    if frequency == Frequency.WEEKLY:
        cutoff -= timedelta(days=cutoff.weekday())
    # Wall-clock arithmetic: rebuild from the local date so the hour survives a DST change.
    return cutoff.replace(tzinfo=None).replace(tzinfo=zone(user.time_zone))


def digests_due(now: datetime) -> Iterator[Due]:
    """Every user with notifications waiting for a digest whose digest time has come."""
    waiting = (
        Notification.objects.filter(digest__isnull=True)
        .exclude(digest_frequency="")
        .values("recipient_id", "digest_frequency")
        .annotate(first=Min("created_at"))
        .order_by()
    )
    rows = list(waiting)
    users = User.objects.in_bulk([r["recipient_id"] for r in rows])
    for row in rows:
        user = users.get(row["recipient_id"])
        if user is None:
            continue
        cutoff = digest_cutoff(user, row["digest_frequency"], now)
        if row["first"] < cutoff:
            yield Due(subject=user, recipients=[user], due_key=f"{row['digest_frequency']}:{cutoff.date().isoformat()}")


def _digest_window(row: Delivery) -> tuple[str, datetime]:
    frequency, day = row.due_key.split(":", 1)
    user = row.recipient
    assert user is not None
    local = datetime.fromisoformat(day).replace(hour=digest_hour(), tzinfo=zone(user.time_zone))
    return frequency, local


def _attach_entries(row: Delivery) -> None:
    frequency, cutoff = _digest_window(row)
    Notification.objects.filter(
        recipient_id=row.recipient_id, digest_frequency=frequency, digest__isnull=True, created_at__lt=cutoff
    ).update(digest=row)


def _digest_content(user: User, _recipient: User, row: Delivery) -> Content:
    frequency, _cutoff = _digest_window(row)
    entries = list(row.digest_entries.order_by("created_at", "id"))
    title = (
        _("Your daily Roundtable digest: %(count)d new")
        if frequency == Frequency.DAILY
        else _("Your weekly Roundtable digest: %(count)d new")
    ) % {"count": len(entries)}
    body = render_to_string(
        "core/email/digest.txt", {"user": user, "entries": entries, "site_url": site_url(), "frequency": frequency}
    )
    return Content(title=title, body=body, url="/profile/notifications/")


register_kind(
    kind=DIGEST,
    label=gettext_lazy("Digest"),
    model=User,
    build=_digest_content,
    scan=digests_due,
    may_view=lambda user, subject: user.pk == subject.pk,
    inapp=False,
    configurable=False,
    on_claim=_attach_entries,
    extra={"after_delivery": True},
)

ACCOUNT_INVITATION = "core.account_invitation"
