"""Writes to committees and meetings. Each function checks the actor, validates, writes and audits
atomically; emails go out after the commit, from Celery tasks that take ids."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, TypedDict

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from coordination.models import (
    Committee,
    Meeting,
)
from core.models import User
from core.permissions import NOT_FOUND_MESSAGE, require_visible
from stakeholders.models import Jurisdiction, Organisation, Person

COMMITTEE_FIELDS = (
    "name",
    "acronym",
    "kind",
    "jurisdiction",
    "parent",
    "remit",
    "mandate",
    "mandate_review_date",
    "secretariat",
    "status",
    "quorum_rule",
    "quorum_value",
    "reminder_lead_hours",
)


MEETING_FIELDS = ("title", "starts_at", "ends_at", "location", "online_url", "is_confidential")


AGENDA_FIELDS = ("title", "description", "presenter", "duration_minutes", "papers", "order")


DECISION_CONTENT_FIELDS = ("kind", "text")


DECISION_PROGRESS_FIELDS = ("owner", "owner_organisation", "due_date", "status")


# Rich-text minutes: a small allowlist; nh3 drops <script>/<style> with their content and any
# URL scheme other than these (so no javascript: links).
MINUTES_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h3",
    "h4",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


MINUTES_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}


MINUTES_URL_SCHEMES = {"http", "https", "mailto"}


def sanitise_minutes(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=MINUTES_TAGS,
        attributes=MINUTES_ATTRIBUTES,
        url_schemes=MINUTES_URL_SCHEMES,
        link_rel="noopener noreferrer",
    ).strip()


class CommitteeFields(TypedDict, total=False):
    """What a committee's create and update accept (``COMMITTEE_FIELDS``)."""

    name: str
    acronym: str
    kind: str
    jurisdiction: Jurisdiction
    parent: Committee | None
    remit: str
    mandate: str
    mandate_review_date: date | None
    secretariat: Organisation | None
    status: str
    quorum_rule: str
    quorum_value: int | None


class MeetingFields(TypedDict, total=False):
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    online_url: str
    is_confidential: bool


class AgendaItemDetails(TypedDict, total=False):
    """An agenda item's fields besides its title and place (``agenda_item_add``)."""

    description: str
    presenter: str
    duration_minutes: int | None
    papers: str


class AgendaItemFields(TypedDict, total=False):
    title: str
    description: str
    presenter: str
    duration_minutes: int | None
    papers: str
    order: int | None


class DecisionFields(TypedDict, total=False):
    kind: str
    text: str
    owner: Person | None
    owner_organisation: Organisation | None
    due_date: date | None
    status: str


def _require_known_people(actor: User, **people: Person | None) -> None:
    """Person arguments must be people the actor may name (``selectors.people_for_forms``: seen in
    the registry, or a fellow committee member); any other answers like a missing row."""
    from coordination.selectors import people_for_forms

    wanted = {field: p for field, p in people.items() if p is not None}
    if not wanted:
        return
    known = set(people_for_forms(actor).filter(pk__in=[p.pk for p in wanted.values()]).values_list("pk", flat=True))
    errors = {field: [str(NOT_FOUND_MESSAGE)] for field, p in wanted.items() if p.pk not in known}
    if errors:
        raise ValidationError(errors)


def _require_visible_changes(actor: User, instance: Any, data: Mapping[str, Any], fields: tuple[str, ...]) -> None:
    """The foreign keys ``data`` sets to a new row must be rows the actor may see (an unchanged
    link is left alone: a coordinator may edit a body whose parent they cannot see)."""
    changed = {
        f: data[f]
        for f in fields
        if f in data and data[f] is not None and data[f].pk != getattr(instance, f"{f}_id", None)
    }
    require_visible(actor, **changed)


def _require_visible_all(actor: User, field: str, objects: Any) -> None:
    for obj in objects or ():
        require_visible(actor, **{field: obj})


def _queue_invitations(meeting_ids: list[int]) -> None:
    from coordination.tasks import send_meeting_invitations_task

    for meeting_id in meeting_ids:
        # robust: a broker outage loses nothing, the notifications job's sweep sends what stayed unsent.
        transaction.on_commit(lambda mid=meeting_id: send_meeting_invitations_task.delay(mid), robust=True)  # type: ignore[misc]


def _send_update(meeting: Meeting) -> None:
    """The meeting (its time, place or agenda) changed after invitations went out: one update
    (iTIP REQUEST, the next SEQUENCE) to each invitee already sent one; nothing for a draft."""
    meeting.refresh_from_db(fields=["published_at", "status"])
    if meeting.published_at is None or meeting.status != Meeting.Status.PLANNED:
        return
    Meeting.objects.filter(pk=meeting.pk).update(sequence=F("sequence") + 1)
    meeting.refresh_from_db(fields=["sequence"])
    meeting.invitations.filter(sent_at__isnull=False).update(sent_at=None)
    _queue_invitations([meeting.pk])


def _require_unlocked(meeting: Meeting) -> None:
    if meeting.is_locked:
        raise ValidationError(_("The minutes of this meeting are approved: they and its outcomes are locked."))
