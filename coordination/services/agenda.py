"""Writes to committees and meetings. Each function checks the actor, validates, writes and audits"""

from __future__ import annotations

from typing import Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from coordination import permissions
from coordination.models import (
    AgendaItem,
    Committee,
    Meeting,
)
from coordination.services._common import (
    AGENDA_FIELDS,
    AgendaItemDetails,
    AgendaItemFields,
    _require_unlocked,
    _send_update,
)
from core.models import User
from core.permissions import require, require_visible
from core.services import assign_fields, audit_record


def _require_free_place(item: AgendaItem) -> None:
    """The unique (meeting, order) constraint, reported on the ``order`` field."""
    if (
        item.meeting_id
        and item.order is not None
        and AgendaItem.objects.filter(meeting_id=item.meeting_id, order=item.order).exclude(pk=item.pk).exists()
    ):
        raise ValidationError({"order": _("Another agenda item already has this place in the order.")})


def _next_order(meeting: Meeting) -> int:
    return (meeting.agenda_items.aggregate(m=Max("order"))["m"] or 0) + 1


@transaction.atomic
def agenda_item_add(
    *, actor: User, meeting: Meeting, title: str, order: int | None = None, **data: Unpack[AgendaItemDetails]
) -> AgendaItem:
    require(permissions.can_manage_meeting(actor, meeting), _("You may not change this agenda."))
    _require_unlocked(meeting)
    item = AgendaItem(
        committee_id=meeting.committee_id, meeting=meeting, title=title, status=AgendaItem.Status.SCHEDULED
    )
    assign_fields(item, data, AGENDA_FIELDS)
    item.order = order if order is not None else _next_order(meeting)
    _require_free_place(item)
    item.full_clean()
    item.save()
    audit_record(actor=actor, action="agenda.add", target=meeting, changes={"item": title})
    _send_update(meeting)
    return item


@transaction.atomic
def agenda_item_update(*, actor: User, item: AgendaItem, **data: Unpack[AgendaItemFields]) -> AgendaItem:
    require(
        item.meeting is not None
        and permissions.can_manage_meeting(actor, item.meeting)
        or item.meeting is None
        and permissions.can_manage_committee(actor, item.committee),
        _("You may not change this agenda."),
    )
    if item.meeting is not None:
        _require_unlocked(item.meeting)
    changes = assign_fields(item, data, AGENDA_FIELDS)
    _require_free_place(item)
    item.full_clean()
    item.save()
    if changes:
        audit_record(actor=actor, action="agenda.update", target=item, changes=changes)
        if item.meeting is not None and changes.keys() & {"title", "order", "presenter", "duration_minutes"}:
            _send_update(item.meeting)
    return item


@transaction.atomic
def agenda_reorder(*, actor: User, meeting: Meeting, item_ids: list[int]) -> list[AgendaItem]:
    """Put the agenda in the given order (every item exactly once)."""
    require(permissions.can_manage_meeting(actor, meeting), _("You may not change this agenda."))
    _require_unlocked(meeting)
    items = {i.pk: i for i in meeting.agenda_items.filter(status__in=AgendaItem.ON_AGENDA).select_for_update()}
    if len(set(item_ids)) != len(item_ids):
        raise ValidationError({"order": _("An agenda item appears twice in the order.")})
    if set(item_ids) != set(items):
        raise ValidationError({"order": _("The order must list every item of this agenda exactly once.")})
    # Two steps, so the unique (meeting, order) never sees two items in one place mid-way.
    offset = len(items) + 1000
    for position, pk in enumerate(item_ids, start=1):
        items[pk].order = position + offset
    AgendaItem.objects.bulk_update(items.values(), ["order"])
    for item in items.values():
        item.order = (item.order or 0) - offset
    AgendaItem.objects.bulk_update(items.values(), ["order"])
    audit_record(actor=actor, action="agenda.reorder", target=meeting, changes={"order": item_ids})
    _send_update(meeting)
    return sorted(items.values(), key=lambda i: i.order or 0)


@transaction.atomic
def agenda_item_propose(*, actor: User, committee: Committee, title: str, description: str = "") -> AgendaItem:
    """A member proposes an item to the committee's backlog; the chair or secretary schedules it."""
    require(permissions.can_propose_agenda_item(actor, committee), _("You may not propose agenda items here."))
    item = AgendaItem(
        committee=committee, title=title, description=description, status=AgendaItem.Status.PROPOSED, proposed_by=actor
    )
    item.full_clean()
    item.save()
    audit_record(actor=actor, action="agenda.propose", target=committee, changes={"item": title})
    return item


@transaction.atomic
def agenda_item_schedule(*, actor: User, item: AgendaItem, meeting: Meeting) -> AgendaItem:
    require(permissions.can_manage_meeting(actor, meeting), _("You may not change this agenda."))
    require_visible(actor, item=item)
    if item.meeting_id is not None or item.committee_id != meeting.committee_id:
        raise ValidationError({"meeting": _("Only an item of this committee's backlog can be scheduled.")})
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError({"meeting": _("Items can be scheduled on planned meetings only.")})
    item.meeting = meeting
    item.order = _next_order(meeting)
    item.status = AgendaItem.Status.SCHEDULED
    item.save(update_fields=["meeting", "order", "status", "updated_at"])
    audit_record(actor=actor, action="agenda.schedule", target=meeting, changes={"item": item.title})
    _send_update(meeting)
    return item
