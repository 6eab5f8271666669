"""What of the coordination app the header search finds (core/search.py): committees, meetings,
agenda items and decisions, each through its registry rule. Agenda items are found by title and
description, never by their minutes; decisions only by those who may read them (a confidential
meeting's outcomes by its attendees and the decision's owner)."""

from __future__ import annotations

from typing import Any

from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from coordination import permissions
from coordination.models import AgendaItem, Committee, Decision, Meeting
from core.permissions import AnyUser
from core.search import SearchKind, register


def _when(meeting: Meeting) -> str:
    return str(formats.date_format(timezone.localtime(meeting.starts_at), "DATE_FORMAT"))


def _committees(user: AnyUser) -> Any:
    return permissions.committees_visible(user).select_related("jurisdiction")


def _meetings(user: AnyUser) -> Any:
    return permissions.meetings_visible(user).select_related("committee")


def _items(user: AnyUser) -> Any:
    return (
        permissions.agenda_items_visible(user)
        .filter(status__in=[*AgendaItem.ON_AGENDA, AgendaItem.Status.PROPOSED])
        .select_related("meeting", "committee")
    )


def _item_url(item: AgendaItem) -> str:
    if item.meeting_id:
        return f"{item.meeting.get_absolute_url()}#item-{item.pk}"  # type: ignore[union-attr]
    return f"{item.committee.get_absolute_url()}#backlog"


def _decisions(user: AnyUser) -> Any:
    return permissions.decisions_visible(user).select_related("meeting", "committee", "owner_organisation")


register(
    SearchKind(
        key="committees",
        label=_("Committees"),
        model=Committee,
        fields=("name", "acronym", "remit"),
        summary=lambda c: str(c.jurisdiction),
        queryset=_committees,
        order=10,
    )
)
register(
    SearchKind(
        key="meetings",
        label=_("Meetings"),
        model=Meeting,
        fields=("title", "location"),
        title=lambda m: m.title,
        summary=lambda m: f"{_when(m)} · {m.committee}",
        queryset=_meetings,
        order=20,
    )
)
register(
    SearchKind(
        key="agenda-items",
        label=_("Agenda items"),
        model=AgendaItem,
        fields=("title", "description"),
        title=lambda i: i.title,
        summary=lambda i: f"{i.meeting.title} · {_when(i.meeting)}" if i.meeting_id else str(i.committee),
        url=_item_url,
        queryset=_items,
        order=30,
    )
)
register(
    SearchKind(
        key="decisions",
        label=_("Decisions"),
        model=Decision,
        fields=("text",),
        title=lambda d: Truncator(d.text).chars(120),
        summary=lambda d: " · ".join(
            p for p in (d.get_kind_display(), f"{d.committee} {_when(d.meeting)}", str(d.owner_organisation or "")) if p
        ),
        queryset=_decisions,
        order=40,
    )
)
