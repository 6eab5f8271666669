"""Dashboard panels, a work queue: today's and the next meetings, minutes to write or approve,
decisions overdue, invitations awaiting a reply, my committees, my open decisions, reviews due;
and the user's committee roles for "Your roles"."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from coordination import permissions, selectors
from core.dashboard import register_roles


def coming_up(request: HttpRequest) -> dict[str, Any] | None:
    meetings = selectors.meetings_coming_up(request.user)
    if not meetings:
        return None
    return {
        "template": "coordination/partials/dashboard_coming_up.html",
        "meetings": meetings,
        "today": selectors.today(),
    }


def minutes_to_do(request: HttpRequest) -> dict[str, Any] | None:
    meetings = selectors.minutes_to_do(request.user)
    if not meetings:
        return None
    return {"template": "coordination/partials/dashboard_minutes.html", "meetings": meetings}


def decisions_overdue(request: HttpRequest) -> dict[str, Any] | None:
    decisions = selectors.decisions_overdue(request.user)
    if not decisions:
        return None
    return {"template": "coordination/partials/dashboard_overdue.html", "decisions": decisions}


def invitations_awaiting_reply(request: HttpRequest) -> dict[str, Any] | None:
    invitations = selectors.invitations_awaiting_reply(request.user)
    if not invitations:
        return None
    return {"template": "coordination/partials/dashboard_invitations.html", "invitations": invitations}


def my_committees(request: HttpRequest) -> dict[str, Any] | None:
    memberships = selectors.my_committees(request.user)
    if not memberships:
        return None
    return {"template": "coordination/partials/dashboard_committees.html", "memberships": memberships}


def my_open_decisions(request: HttpRequest) -> dict[str, Any] | None:
    decisions = list(selectors.decisions_open_owned_by(request.user)[:10])
    if not decisions:
        return None
    return {
        "template": "coordination/partials/dashboard_decisions.html",
        "decisions": decisions,
        "today": selectors.today(),
    }


def reviews_due(request: HttpRequest) -> dict[str, Any] | None:
    committees = list(selectors.committees_review_due(request.user)[:10])
    if not committees:
        return None
    return {
        "template": "coordination/partials/dashboard_reviews.html",
        "committees": committees,
        "today": selectors.today(),
    }


@register_roles
def committee_roles(request: HttpRequest) -> list[tuple[str, str, str]]:
    """Chair, co-chair, secretary, member... of each committee the user sits on today."""
    seats = sorted(permissions.seats_of(request.user), key=lambda m: (m.role, m.committee.name))
    return [(str(m.get_role_display()), str(m.committee), m.committee.get_absolute_url()) for m in seats]


PANELS = [
    coming_up,
    minutes_to_do,
    decisions_overdue,
    invitations_awaiting_reply,
    my_committees,
    my_open_decisions,
    reviews_due,
]
