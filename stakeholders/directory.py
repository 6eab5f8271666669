"""The people directory's stored visibility (``Person.in_directory``, ``Person.listed_until``),
kept in step with the rule it stands for: a person is in the public directory while they hold a
current position in an active organisation (docs/adr/0014-keyset-pages-and-denormalised-directory.md).

Every write that can change the answer refreshes the people it touches: a position saved or
deleted, an organisation activated or deactivated (model signals, so the services, the admin,
imports and fixtures all keep it), and the daily :func:`directory_refresh_due` for positions that
start or end with the calendar. ``listed_until`` (the last day of the current positions, ``None``
while one is open-ended) makes an ending position drop out on its own day even before the daily
job runs; a position that starts later is listed from the job's run that day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Case, Exists, Max, OuterRef, Q, Subquery, When
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from core.permissions import in_force_q
from stakeholders.models import Organisation, Person, Position

#: How far back the daily job looks for positions that started or ended (a missed run catches up).
CATCH_UP_DAYS = 7


def directory_listed_q(today: date | None = None, prefix: str = "") -> Q:
    """The stored answer, read by the Person "view" rule: listed, and not past the last day."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}in_directory": True}) & (
        Q(**{f"{prefix}listed_until__isnull": True}) | Q(**{f"{prefix}listed_until__gte": today})
    )


def directory_rule_q(today: date | None = None) -> Q:
    """The rule itself over ``Person``, computed from the positions (what the stored flag must equal)."""
    public = Position.objects.filter(in_force_q(today=today), organisation__is_active=True)
    return Q(pk__in=public.values("person_id"))


def directory_refresh(person_ids: Iterable[int] | None = None, *, today: date | None = None) -> int:
    """Recompute the stored directory visibility of ``person_ids`` (``None``: everyone) in one
    ``UPDATE``; returns the number of rows written."""
    today = today or timezone.localdate()
    public = Position.objects.filter(in_force_q(today=today), organisation__is_active=True, person=OuterRef("pk"))
    last_day = public.order_by().values("person").annotate(last=Max("end_date")).values("last")
    people = Person.objects.all() if person_ids is None else Person.objects.filter(pk__in=list(person_ids))
    return people.update(
        in_directory=Exists(public),
        listed_until=Case(When(Exists(public.filter(end_date__isnull=True)), then=None), default=Subquery(last_day)),
    )


def directory_refresh_organisation(organisation_id: int, *, today: date | None = None) -> int:
    people = Position.objects.filter(organisation_id=organisation_id).values("person_id")
    return directory_refresh(Person.objects.filter(pk__in=people).values_list("pk", flat=True), today=today)


def directory_refresh_due(*, today: date | None = None) -> int:
    """The daily job: people whose positions started or ended in the last few days."""
    today = today or timezone.localdate()
    since = today - timedelta(days=CATCH_UP_DAYS)
    due = Position.objects.filter(
        Q(start_date__gt=since, start_date__lte=today) | Q(end_date__gte=since, end_date__lt=today)
    ).values_list("person_id", flat=True)
    return directory_refresh(set(due), today=today)


def _position_changed(sender: type[Position], instance: Position, **kwargs: object) -> None:
    if kwargs.get("raw"):
        return
    directory_refresh([instance.person_id])


def _organisation_saved(sender: type[Organisation], instance: Organisation, **kwargs: object) -> None:
    if kwargs.get("raw") or kwargs.get("created"):
        return  # a new organisation holds no positions yet
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "is_active" not in update_fields:  # type: ignore[operator]
        return
    directory_refresh_organisation(instance.pk)


def connect_signals() -> None:
    """Called once from ``StakeholdersConfig.ready``."""
    post_save.connect(_position_changed, sender=Position, dispatch_uid="directory_position_saved")
    post_delete.connect(_position_changed, sender=Position, dispatch_uid="directory_position_deleted")
    post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid="directory_organisation_saved")
