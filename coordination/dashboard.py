"""Dashboard panels: my committees with their next meetings; my open decisions; reviews due."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from coordination import selectors


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


PANELS = [my_committees, my_open_decisions, reviews_due]
